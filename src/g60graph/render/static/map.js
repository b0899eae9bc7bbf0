/* g60graph map view: an inline SVG of the corridor, drawn without basemap tiles.
 *
 *   G60Map.render(container, data, options)
 *
 * data = {places: [{id, label, kind: "city"|"site", lon, lat, color, facts, sources,
 *                   anchor?: [lon, lat]}],
 *         lines: [{id, label, color, points: [[lon, lat], ...], facts, sources}],
 *         legend: [{group, label, color, shape}]}
 * options = {tiles?: "https://host/{z}/{x}/{y}.png" (online only), strings?}
 *
 * Web Mercator projection, so an optional tile layer lines up. Every string goes
 * through textContent. The container gets data-places, data-lines and
 * data-state="stable" when drawn. The side panel is G60Network.showDetails.
 */
(function (root) {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  var W = 1000, H = 720, PAD = 60;

  function svg(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function mercator(lon, lat) {
    var s = Math.sin(lat * Math.PI / 180);
    return [(lon + 180) / 360, 0.5 - Math.log((1 + s) / (1 - s)) / (4 * Math.PI)];
  }

  function render(container, data, options) {
    options = options || {};
    var panel = document.getElementById("g60-panel");
    var all = data.places.map(function (p) { return mercator(p.lon, p.lat); });
    data.lines.forEach(function (l) { l.points.forEach(function (q) { all.push(mercator(q[0], q[1])); }); });
    var xs = all.map(function (p) { return p[0]; }), ys = all.map(function (p) { return p[1]; });
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var scale = Math.min((W - 2 * PAD) / Math.max(maxX - minX, 1e-9), (H - 2 * PAD) / Math.max(maxY - minY, 1e-9));
    var offX = (W - (maxX - minX) * scale) / 2, offY = (H - (maxY - minY) * scale) / 2;
    function project(lon, lat) {
      var m = mercator(lon, lat);
      return [offX + (m[0] - minX) * scale, offY + (m[1] - minY) * scale];
    }

    while (container.firstChild) container.removeChild(container.firstChild);
    var box = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "map"});
    container.appendChild(box);
    if (options.tiles) addTiles(box, String(options.tiles), scale, minX, minY, offX, offY);

    var selected = null;
    function choose(node, feature) {
      if (selected) selected.classList.remove("g60-selected");
      selected = node;
      node.classList.add("g60-selected");
      if (panel) G60Network.showDetails(panel, feature, options.strings);
    }
    if (panel) G60Network.showDetails(panel, null, options.strings);

    data.lines.forEach(function (line) {
      var d = line.points.map(function (q, i) {
        var p = project(q[0], q[1]);
        return (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
      }).join(" ");
      var path = svg("path", {d: d, "class": "g60-line", stroke: line.color});
      path.setAttribute("data-id", line.id);
      var title = svg("title");
      title.textContent = line.label;
      path.appendChild(title);
      path.addEventListener("click", function () { choose(path, line); });
      box.appendChild(path);
    });
    data.places.forEach(function (place) {
      if (place.anchor) {
        var a = project(place.anchor[0], place.anchor[1]), b = project(place.lon, place.lat);
        box.appendChild(svg("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: "#999", "stroke-width": 1}));
      }
    });
    data.places.forEach(function (place) {
      var p = project(place.lon, place.lat);
      var g = svg("g", {"class": "g60-site g60-" + (place.kind === "city" ? "city" : "park"), tabindex: 0});
      g.setAttribute("data-id", place.id);
      var mark = place.kind === "city"
        ? svg("circle", {cx: p[0], cy: p[1], r: 9, fill: place.color, stroke: "#222", "stroke-width": 1})
        : svg("rect", {x: p[0] - 4, y: p[1] - 4, width: 8, height: 8, fill: place.color, stroke: "#444", "stroke-width": 1});
      var title = svg("title");
      title.textContent = place.label;
      mark.appendChild(title);
      g.appendChild(mark);
      if (place.kind === "city") {
        var text = svg("text", {x: p[0] + 12, y: p[1] + 4});
        text.textContent = place.label;
        g.appendChild(text);
      }
      g.addEventListener("click", function () { choose(g, place); });
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") choose(g, place); });
      box.appendChild(g);
    });
    var body = container.parentNode;
    body.parentNode.insertBefore(legendBox(data.legend), body);
    container.setAttribute("data-places", String(data.places.length));
    container.setAttribute("data-lines", String(data.lines.length));
    var exporters = {
      svg: function () { return G60Export.standaloneSvg(box, MAP_CSS); },
      png: function () { return G60Export.svgToPng(G60Export.standaloneSvg(box, MAP_CSS), W, H); }
    };
    var strings = options.strings || {};
    var bar = G60Network.el("div", "g60-toolbar");
    G60Export.buttons(bar, exporters, {png: strings.png, svg: strings.svg}, "g60graph-map");
    body.parentNode.insertBefore(bar, body);
    container.setAttribute("data-state", "stable");
    G60Export.fromHash(exporters);
    return {svg: box, png: exporters.png, svgText: exporters.svg};
  }

  /* The map's own styles, carried into an exported SVG (it has no page around it). */
  var MAP_CSS = "svg{background:#f4f7fa;font-family:system-ui,'Noto Sans CJK SC',sans-serif}" +
    "text{font-size:11px;paint-order:stroke;stroke:#fff;stroke-width:3px}" +
    ".g60-line{fill:none;stroke-width:3}";

  function legendBox(legend) {
    var list = G60Network.el("ul", "g60-legend g60-map-legend");
    (legend || []).forEach(function (entry) {
      var item = G60Network.el("li", "g60-legend-item");
      var swatch = G60Network.el("span", "g60-swatch" + (entry.shape === "line" ? " g60-swatch-line" : "") +
                                 (entry.shape === "square" ? " g60-shape-square" : ""));
      swatch.style.backgroundColor = String(entry.color);
      item.appendChild(swatch);
      item.appendChild(G60Network.el("span", null, entry.label));
      list.appendChild(item);
    });
    return list;
  }

  /* Online only: basemap tiles under the drawing, at a zoom that fits the view. */
  function addTiles(box, template, scale, minX, minY, offX, offY) {
    var z = Math.max(0, Math.min(18, Math.round(Math.log(scale / 256) / Math.LN2)));
    var n = Math.pow(2, z), size = scale / n;
    var x0 = Math.floor((minX - offX / scale) * n), x1 = Math.floor((minX + (W - offX) / scale) * n);
    var y0 = Math.floor((minY - offY / scale) * n), y1 = Math.floor((minY + (H - offY) / scale) * n);
    var layer = svg("g", {"class": "g60-tiles", opacity: 0.8});
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var href = template.replace("{z}", z).replace("{x}", x).replace("{y}", y);
        if (!/^https?:\/\//i.test(href)) continue;
        layer.appendChild(svg("image", {href: href, x: offX + (x / n - minX) * scale,
          y: offY + (y / n - minY) * scale, width: size, height: size}));
      }
    }
    box.appendChild(layer);
  }

  root.G60Map = {render: render, project: mercator};
})(typeof window !== "undefined" ? window : this);
