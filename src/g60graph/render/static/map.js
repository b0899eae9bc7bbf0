/* g60graph map view: an inline SVG of the corridor on a Natural Earth basemap.
 *
 *   G60Map.render(container, data, options)
 *
 * data = {places: [{id, label, label_en, label_zh, kind: "city"|"site", lon, lat, color,
 *                   facts, sources, anchor?: [lon, lat]}],
 *         lines: [{id, label, color, dash, points: [[lon, lat], ...], facts, sources}],
 *         stations: [{id, label, lon, lat, facts, sources}],
 *         legend: [{group, label, color, shape, dash?}], notes: [text], attribution}
 * options = {basemap: GeoJSON FeatureCollection (features carry properties.layer:
 *            land | lake | coast | province), tiles?: "https://host/{z}/{x}/{y}.png"
 *            (online only), strings?, lang?}
 *
 * Offline the projection is a Lambert conformal conic with standard parallels at
 * one sixth and five sixths of the frame's latitudes (scale within 0.1 % across the
 * map); with tiles it is Web Mercator, so the tiles line up. The scale bar is drawn
 * at the local scale of the frame's centre, the north arrow points to true north at
 * its own place. Every string goes through textContent. The container gets
 * data-places, data-lines, data-projection and data-state="stable" when drawn. The
 * side panel is G60Network.showDetails.
 */
(function (root) {
  "use strict";
  var NS = "http://www.w3.org/2000/svg";
  // The drawing: the map at the left (MAP_W wide), the legend in a column at the right,
  // the attribution in a strip along the bottom (BOTTOM high).
  var W = 1240, H = 760, MAP_W = 920, PAD = 40, BOTTOM = 30;
  var EARTH_KM = 6371.0088;  // mean Earth radius (IUGG)

  function svg(tag, attrs) {
    var node = document.createElementNS(NS, tag);
    Object.keys(attrs || {}).forEach(function (k) { node.setAttribute(k, String(attrs[k])); });
    return node;
  }

  function text(x, y, value, attrs) {
    var node = svg("text", Object.assign({x: x, y: y}, attrs || {}));
    node.textContent = String(value);
    return node;
  }

  function rad(deg) { return deg * Math.PI / 180; }

  /* A projection maps lon/lat to unit-sphere plane coordinates, y to the north;
   * k(lat) is its local scale factor (projected length / true length). */
  function fill(template, values) {
    return String(template).replace(/\{(\w+)\}/g, function (_, k) { return values[k]; });
  }

  function mercatorProjection(strings) {
    return {
      name: (strings || {}).mercator || "Web Mercator",
      xy: function (lon, lat) { return [rad(lon), Math.log(Math.tan(Math.PI / 4 + rad(lat) / 2))]; },
      k: function (lat) { return 1 / Math.cos(rad(lat)); },
      apex: null
    };
  }

  function conicProjection(lat1, lat2, lon0, lat0, strings) {
    var p1 = rad(lat1), p2 = rad(lat2);
    function t(p) { return Math.tan(Math.PI / 4 + p / 2); }
    var n = Math.abs(p1 - p2) < 1e-9 ? Math.sin(p1)
      : Math.log(Math.cos(p1) / Math.cos(p2)) / Math.log(t(p2) / t(p1));
    if (!(Math.abs(n) > 0.05)) return mercatorProjection(strings);  // near the equator: a cylinder
    var F = Math.cos(p1) * Math.pow(t(p1), n) / n;
    function rho(lat) { return F / Math.pow(t(rad(lat)), n); }
    var rho0 = rho(lat0);
    return {
      name: fill((strings || {}).conic || "Lambert conformal conic, standard parallels {a}\u00b0 and " +
                 "{b}\u00b0, central meridian {c}\u00b0",
                 {a: lat1.toFixed(1), b: lat2.toFixed(1), c: lon0.toFixed(1)}),
      xy: function (lon, lat) {
        var r = rho(lat), th = n * rad(lon - lon0);
        return [r * Math.sin(th), rho0 - r * Math.cos(th)];
      },
      k: function (lat) { return n * rho(lat) / Math.cos(rad(lat)); },
      apex: [0, rho0]  // where the meridians meet: north from anywhere points there
    };
  }

  /* The data's extent, widened so a lone point still shows its surroundings. */
  function frameOf(data) {
    var lons = [], lats = [];
    data.places.forEach(function (p) { lons.push(p.lon); lats.push(p.lat); });
    data.lines.forEach(function (l) { l.points.forEach(function (q) { lons.push(q[0]); lats.push(q[1]); }); });
    (data.stations || []).forEach(function (s) { lons.push(s.lon); lats.push(s.lat); });
    if (!lons.length) { lons = [121.47]; lats = [31.23]; }
    var f = {w: Math.min.apply(null, lons), e: Math.max.apply(null, lons),
             s: Math.min.apply(null, lats), n: Math.max.apply(null, lats)};
    var padLon = Math.max((f.e - f.w) * 0.08, (1.6 - (f.e - f.w)) / 2, 0.25);
    var padLat = Math.max((f.n - f.s) * 0.08, (1.2 - (f.n - f.s)) / 2, 0.2);
    // labels run to the right of their point: room for them on the east
    return {w: f.w - padLon, e: f.e + padLon + 0.5, s: Math.max(f.s - padLat, -80), n: Math.min(f.n + padLat, 80)};
  }

  /* Projection and screen transform that fit the frame into the drawing area. */
  function fit(frame, useTiles, strings) {
    var span = frame.n - frame.s;
    var proj = useTiles ? mercatorProjection(strings)
      : conicProjection(frame.s + span / 6, frame.n - span / 6, (frame.w + frame.e) / 2,
                        (frame.s + frame.n) / 2, strings);
    var xs = [], ys = [];
    for (var i = 0; i <= 20; i++) {  // the frame's edges, sampled (a conic bends them)
      var lon = frame.w + (frame.e - frame.w) * i / 20, lat = frame.s + span * i / 20;
      [[lon, frame.s], [lon, frame.n], [frame.w, lat], [frame.e, lat]].forEach(function (g) {
        var p = proj.xy(g[0], g[1]);
        xs.push(p[0]); ys.push(p[1]);
      });
    }
    var minX = Math.min.apply(null, xs), maxX = Math.max.apply(null, xs);
    var minY = Math.min.apply(null, ys), maxY = Math.max.apply(null, ys);
    var s = Math.min((MAP_W - 2 * PAD) / (maxX - minX), (H - 2 * PAD - BOTTOM) / (maxY - minY));
    var offX = (MAP_W - (maxX - minX) * s) / 2, offY = (H - BOTTOM - (maxY - minY) * s) / 2;
    return {
      proj: proj, scale: s, frame: frame,
      project: function (lon, lat) {
        var p = proj.xy(lon, lat);
        return [offX + (p[0] - minX) * s, offY + (maxY - p[1]) * s];
      },
      unproject: function (x, y) { return [minX + (x - offX) / s, maxY - (y - offY) / s]; },
      // drawing units per kilometre at a latitude
      unitsPerKm: function (lat) { return s * proj.k(lat) / EARTH_KM; },
      mercator: {minX: minX, maxY: maxY, offX: offX, offY: offY}
    };
  }

  function pathData(rings, view, close) {
    return rings.map(function (ring) {
      return ring.map(function (q, i) {
        var p = view.project(q[0], q[1]);
        return (i ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
      }).join("") + (close ? "Z" : "");
    }).join("");
  }

  var BASEMAP_STYLE = {
    land: {fill: "#f3efe4", stroke: "none"},
    lake: {fill: "#cfe2f3", stroke: "#7fa7cc", "stroke-width": 0.6},
    coast: {fill: "none", stroke: "#6f94b8", "stroke-width": 0.9},
    province: {fill: "none", stroke: "#8c8577", "stroke-width": 1.3, "stroke-dasharray": "7 3 2 3"}
  };

  function drawBasemap(box, basemap, view) {
    var layer = svg("g", {"class": "g60-basemap"});
    box.appendChild(layer);
    ["land", "lake", "coast", "province"].forEach(function (name) {
      ((basemap && basemap.features) || []).forEach(function (feature) {
        if (!feature.properties || feature.properties.layer !== name || !feature.geometry) return;
        var g = feature.geometry, polygons = [], lines = [];
        if (g.type === "Polygon") polygons = [g.coordinates];
        if (g.type === "MultiPolygon") polygons = g.coordinates;
        if (g.type === "LineString") lines = [g.coordinates];
        if (g.type === "MultiLineString") lines = g.coordinates;
        var d = polygons.map(function (rings) { return pathData(rings, view, true); }).join("") +
                pathData(lines, view, false);
        if (!d) return;
        var attrs = Object.assign({d: d, "class": "g60-basemap-" + name}, BASEMAP_STYLE[name]);
        if (polygons.length) attrs["fill-rule"] = "evenodd";
        layer.appendChild(svg("path", attrs));
      });
    });
  }

  /* Shift a polyline sideways by `by` units (so two lines on one corridor both show). */
  function offsetLine(points, by) {
    if (!by) return points;
    return points.map(function (p, i) {
      var a = points[Math.max(i - 1, 0)], b = points[Math.min(i + 1, points.length - 1)];
      var dx = b[0] - a[0], dy = b[1] - a[1], len = Math.sqrt(dx * dx + dy * dy) || 1;
      return [p[0] - dy / len * by, p[1] + dx / len * by];
    });
  }

  function drawLines(box, lines, view, choose) {
    var used = {};
    lines.forEach(function (line) {
      var pts = line.points.map(function (q) { return view.project(q[0], q[1]); });
      var keys = [], shared = 0;
      for (var i = 1; i < pts.length; i++) {
        var key = [line.points[i - 1].join(","), line.points[i].join(",")].sort().join("|");
        keys.push(key);
        shared = Math.max(shared, used[key] || 0);
      }
      keys.forEach(function (key) { used[key] = shared + 1; });
      var d = offsetLine(pts, shared * 5).map(function (p, j) {
        return (j ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
      }).join(" ");
      box.appendChild(svg("path", {d: d, "class": "g60-casing", fill: "none", stroke: "#fff",
                                   "stroke-width": 6.5, "stroke-linejoin": "round"}));
      var path = svg("path", {d: d, "class": "g60-line", stroke: line.color, "stroke-width": 3.5,
                              "stroke-linejoin": "round", "stroke-dasharray": line.dash || "none"});
      path.setAttribute("data-id", line.id);
      var title = svg("title");
      title.textContent = line.label;
      path.appendChild(title);
      path.addEventListener("click", function () { choose(path, line); });
      box.appendChild(path);
    });
  }

  function otherLabel(place, lang) {
    var other = lang === "zh" ? place.label_en : place.label_zh;
    return other && other !== place.label ? other : "";
  }

  function drawPlaces(box, data, view, choose, lang) {
    data.places.forEach(function (place) {
      if (place.anchor) {
        var a = view.project(place.anchor[0], place.anchor[1]), b = view.project(place.lon, place.lat);
        box.appendChild(svg("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: "#999", "stroke-width": 1}));
      }
    });
    (data.stations || []).forEach(function (station) {
      var p = view.project(station.lon, station.lat);
      var ring = svg("circle", {cx: p[0], cy: p[1], r: 13, fill: "none", stroke: station.color || "#718096",
                                "stroke-width": 2.5, "class": "g60-station", tabindex: 0});
      ring.setAttribute("data-id", station.id);
      var title = svg("title");
      title.textContent = station.label;
      ring.appendChild(title);
      ring.addEventListener("click", function () { choose(ring, station); });
      box.appendChild(ring);
    });
    data.places.forEach(function (place) {
      var p = view.project(place.lon, place.lat);
      var g = svg("g", {"class": "g60-site g60-" + (place.kind === "city" ? "city" : "park"), tabindex: 0});
      g.setAttribute("data-id", place.id);
      var mark = place.kind === "city"
        ? svg("circle", {cx: p[0], cy: p[1], r: 8, fill: place.color, stroke: "#222", "stroke-width": 1})
        : svg("rect", {x: p[0] - 4, y: p[1] - 4, width: 8, height: 8, fill: place.color, stroke: "#444", "stroke-width": 1});
      var title = svg("title");
      title.textContent = place.label;
      mark.appendChild(title);
      g.appendChild(mark);
      if (place.kind === "city") {
        var label = text(p[0] + 16, p[1] - 1, "", {"class": "g60-label"});
        label.setAttribute("text-anchor", "start");
        var first = svg("tspan", {"class": "g60-label-main"});
        first.textContent = place.label;
        label.appendChild(first);
        var second = otherLabel(place, lang);
        if (second) {
          var tspan = svg("tspan", {x: p[0] + 16, dy: 13, "class": "g60-label-other"});
          tspan.textContent = second;
          label.appendChild(tspan);
        }
        g.appendChild(label);
      }
      g.addEventListener("click", function () { choose(g, place); });
      box.appendChild(g);
      if (place.kind === "city" && label.getBBox) {  // a label that would leave the frame goes left
        var room = MAP_W - 6 - (p[0] + 16);
        if (label.getBBox().width > room) {
          [label].concat(Array.prototype.slice.call(label.querySelectorAll("tspan[x]"))).forEach(function (t) {
            t.setAttribute("x", p[0] - 16);
          });
          label.setAttribute("text-anchor", "end");
        }
      }
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") choose(g, place); });
    });
  }

  /* The longest round distance (1, 2 or 5 x 10^n km) that fits in `room` units. */
  function roundKm(room, perKm) {
    var raw = room / perKm, step = Math.pow(10, Math.floor(Math.log(raw) / Math.LN10));
    var best = step;
    [1, 2, 5, 10].forEach(function (m) { if (m * step <= raw) best = m * step; });
    return best;
  }

  function drawScaleBar(box, view, strings) {
    var lat = (view.frame.s + view.frame.n) / 2, perKm = view.unitsPerKm(lat);
    var km = roundKm(180, perKm), length = km * perKm, x = PAD, y = H - BOTTOM - 30;
    var g = svg("g", {"class": "g60-scalebar", "data-km": km, "data-length": length.toFixed(3),
                      "data-lat": lat.toFixed(3)});
    g.appendChild(svg("rect", {"class": "g60-scalebar-bar", x: x, y: y, width: length, height: 6,
                               fill: "#fff", stroke: "#222", "stroke-width": 1}));
    g.appendChild(svg("rect", {x: x, y: y, width: length / 2, height: 6, fill: "#222"}));
    g.appendChild(text(x, y - 5, "0", {"text-anchor": "middle", "class": "g60-scalebar-text"}));
    g.appendChild(text(x + length, y - 5, km + " km", {"text-anchor": "middle", "class": "g60-scalebar-label"}));
    g.appendChild(text(x, y + 19, view.proj.name, {"class": "g60-projection"}));
    box.appendChild(g);
  }

  function drawNorthArrow(box, view, strings) {
    var x = MAP_W - PAD, y = PAD + 10, angle = 0;
    if (view.proj.apex) {  // a conic's meridians meet at its apex
      var here = view.unproject(x, y);
      angle = Math.atan2(view.proj.apex[0] - here[0], view.proj.apex[1] - here[1]) * 180 / Math.PI;
    }
    var g = svg("g", {"class": "g60-north", "data-angle": angle.toFixed(3),
                      transform: "rotate(" + angle.toFixed(3) + " " + x + " " + y + ")"});
    g.appendChild(svg("polygon", {points: [x, y - 22, x + 9, y + 10, x, y + 4, x - 9, y + 10].join(" "),
                                  fill: "#222", stroke: "#222", "stroke-width": 1, "stroke-linejoin": "round"}));
    g.appendChild(svg("polygon", {points: [x, y - 22, x, y + 4, x - 9, y + 10].join(" "), fill: "#fff"}));
    g.appendChild(text(x, y - 27, strings.north || "N", {"text-anchor": "middle", "class": "g60-north-label"}));
    var title = svg("title");
    title.textContent = "north";
    g.appendChild(title);
    box.appendChild(g);
  }

  /* Word-wrap (or, for Chinese, character-wrap) a note to about `width` characters. */
  function wrap(value, width) {
    var out = [], words = String(value).split(" "), line = "";
    if (words.length === 1) {
      for (var i = 0; i < value.length; i += Math.round(width / 1.8)) out.push(value.slice(i, i + Math.round(width / 1.8)));
      return out;
    }
    words.forEach(function (w) {
      if (line && (line + " " + w).length > width) { out.push(line); line = w; } else line = line ? line + " " + w : w;
    });
    if (line) out.push(line);
    return out;
  }

  function drawLegend(box, data, title) {
    var x = MAP_W + 20, y = PAD, width = W - MAP_W - 36;
    box.appendChild(svg("rect", {"class": "g60-legend-column", x: MAP_W, y: 0, width: W - MAP_W,
                                 height: H - BOTTOM, fill: "#fff"}));
    box.appendChild(svg("line", {x1: MAP_W, y1: 0, x2: MAP_W, y2: H - BOTTOM, stroke: "#bbb"}));
    var g = svg("g", {"class": "g60-map-legend"});
    box.appendChild(g);
    wrap(title || "", 34).forEach(function (part) {
      g.appendChild(text(x, y, part, {"class": "g60-map-title"}));
      y += 20;
    });
    y += 12;
    (data.legend || []).forEach(function (entry) {
      var item = svg("g", {"class": "g60-legend-entry"});
      if (entry.shape === "line") {
        item.appendChild(svg("line", {x1: x, y1: y, x2: x + 22, y2: y, stroke: entry.color, "stroke-width": 3.5,
                                      "stroke-dasharray": entry.dash || "none"}));
      } else if (entry.shape === "station") {
        item.appendChild(svg("circle", {cx: x + 11, cy: y, r: 6, fill: "none", stroke: entry.color, "stroke-width": 2}));
      } else if (entry.shape === "square") {
        item.appendChild(svg("rect", {x: x + 7, y: y - 4, width: 8, height: 8, fill: entry.color, stroke: "#444"}));
      } else {
        item.appendChild(svg("circle", {cx: x + 11, cy: y, r: 5, fill: entry.color, stroke: "#222"}));
      }
      var parts = wrap(entry.label, 36);
      parts.forEach(function (part, i) {
        item.appendChild(text(x + 30, y + 4 + 14 * i, part, {"class": "g60-legend-text"}));
      });
      g.appendChild(item);
      y += 20 + 14 * (parts.length - 1);
    });
    y += 6;
    (data.notes || []).forEach(function (note) {
      wrap(note, 44).forEach(function (part) {
        g.appendChild(text(x, y, part, {"class": "g60-legend-note"}));
        y += 14;
      });
      y += 6;
    });
    return width;
  }

  function render(container, data, options) {
    options = options || {};
    var lang = options.lang || "en", strings = options.strings || {};
    var panel = document.getElementById("g60-panel");
    var view = fit(frameOf(data), Boolean(options.tiles), strings);

    while (container.firstChild) container.removeChild(container.firstChild);
    var box = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "map",
                          preserveAspectRatio: "xMidYMid meet", "class": "g60-mapsvg"});
    var style = svg("style");
    style.textContent = MAP_CSS;  // in the drawing itself, so the page and an export agree
    box.appendChild(style);
    container.appendChild(box);
    var clip = svg("clipPath", {id: "g60-map-frame"});
    clip.appendChild(svg("rect", {x: 0, y: 0, width: MAP_W, height: H - BOTTOM}));
    box.appendChild(clip);
    var mapLayer = svg("g", {"class": "g60-map-frame", "clip-path": "url(#g60-map-frame)"});
    box.appendChild(mapLayer);
    mapLayer.appendChild(svg("rect", {"class": "g60-sea", x: 0, y: 0, width: MAP_W, height: H, fill: "#dbe9f5"}));
    drawBasemap(mapLayer, options.basemap, view);
    if (options.tiles) addTiles(mapLayer, String(options.tiles), view);

    var selected = null;
    function choose(node, feature) {
      if (selected) selected.classList.remove("g60-selected");
      selected = node;
      node.classList.add("g60-selected");
      if (panel) G60Network.showDetails(panel, feature, options.strings);
    }
    if (panel) G60Network.showDetails(panel, null, options.strings);

    drawLines(mapLayer, data.lines, view, choose);
    drawPlaces(mapLayer, data, view, choose, lang);
    drawScaleBar(mapLayer, view, strings);
    drawNorthArrow(mapLayer, view, strings);
    drawLegend(box, data, options.title);
    box.appendChild(svg("rect", {x: 0, y: H - BOTTOM, width: W, height: BOTTOM, fill: "#fff",
                                 stroke: "#bbb", "stroke-width": 0.8}));
    box.appendChild(text(12, H - BOTTOM / 2 + 4, data.attribution || "", {"class": "g60-attribution"}));

    var body = container.parentNode;
    container.setAttribute("data-places", String(data.places.length));
    container.setAttribute("data-lines", String(data.lines.length));
    container.setAttribute("data-projection", view.proj.name);
    var exporters = {
      svg: function () { return G60Export.standaloneSvg(box, ""); },
      png: function () { return G60Export.svgToPng(G60Export.standaloneSvg(box, ""), W, H); }
    };
    var bar = G60Network.el("div", "g60-toolbar");
    G60Export.buttons(bar, exporters, {png: strings.png, svg: strings.svg}, "g60graph-map");
    body.parentNode.insertBefore(bar, body);
    container.setAttribute("data-state", "stable");
    G60Export.fromHash(exporters);
    return {svg: box, png: exporters.png, svgText: exporters.svg, view: view};
  }

  /* The map's own styles, carried into an exported SVG (it has no page around it). */
  var MAP_CSS = ".g60-mapsvg{background:#dbe9f5}" +
    ".g60-mapsvg text{font-family:system-ui,'Noto Sans','Noto Sans CJK SC',sans-serif;font-size:11px;" +
    "paint-order:stroke;stroke:#fff;stroke-width:3px;fill:#1a202c;pointer-events:none}" +
    ".g60-mapsvg .g60-label-main{font-size:13px;font-weight:600}.g60-mapsvg .g60-label-other{font-size:11.5px}" +
    ".g60-mapsvg .g60-legend-text{font-size:12px;stroke:none}" +
    ".g60-mapsvg .g60-legend-note{font-size:11px;font-style:italic;fill:#4a5568;stroke:none}" +
    ".g60-mapsvg .g60-attribution{font-size:10.5px;fill:#4a5568;stroke:none}" +
    ".g60-mapsvg .g60-projection{font-size:9.5px;fill:#4a5568}" +
    ".g60-mapsvg .g60-north-label{font-size:13px;font-weight:700}" +
    ".g60-mapsvg .g60-map-title{font-size:17px;font-weight:700;stroke:none}" +
    ".g60-mapsvg .g60-line{fill:none;cursor:pointer}.g60-mapsvg .g60-station{cursor:pointer}";

  /* Online only: basemap tiles (Web Mercator, as the view then is) at a zoom that fits. */
  function addTiles(box, template, view) {
    var m = view.mercator, perWorld = view.scale * 2 * Math.PI;  // units per world width
    var z = Math.max(0, Math.min(18, Math.round(Math.log(perWorld / 256) / Math.LN2)));
    var n = Math.pow(2, z), size = perWorld / n;
    function fx(x) { return ((m.minX + (x - m.offX) / view.scale) + Math.PI) / (2 * Math.PI); }
    function fy(y) { return 0.5 - (m.maxY - (y - m.offY) / view.scale) / (2 * Math.PI); }
    var x0 = Math.floor(fx(0) * n), x1 = Math.floor(fx(W) * n);
    var y0 = Math.floor(fy(0) * n), y1 = Math.floor(fy(H) * n);
    var layer = svg("g", {"class": "g60-tiles", opacity: 0.8});
    for (var x = x0; x <= x1; x++) {
      for (var y = y0; y <= y1; y++) {
        var href = template.replace("{z}", z).replace("{x}", x).replace("{y}", y);
        if (!/^https?:\/\//i.test(href)) continue;
        var px = m.offX + ((x / n) * 2 * Math.PI - Math.PI - m.minX) * view.scale;
        var py = m.offY + (m.maxY - (0.5 - y / n) * 2 * Math.PI) * view.scale;
        layer.appendChild(svg("image", {href: href, x: px, y: py, width: size, height: size}));
      }
    }
    box.appendChild(layer);
  }

  root.G60Map = {render: render, conic: conicProjection, mercator: mercatorProjection, EARTH_KM: EARTH_KM};
})(typeof window !== "undefined" ? window : this);
