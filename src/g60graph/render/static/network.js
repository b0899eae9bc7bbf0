/* g60graph network view: draws nodes, edges and a legend with vis-network.
 *
 * Stable entry point (shared by `g60graph viz` pages and the server's query page):
 *
 *   G60Network.render(container, data, options) -> {network, nodes, edges}
 *
 * data = {
 *   nodes:  [{id, label, group, iri?, value?, title?, facts?: [{p, v, ref?}],
 *             sources?: [{label, url?}], x?, y?, level?}],
 *   edges:  [{from, to, label?, iri?}],
 *   legend: [{group, label, color, shape, count?}]
 * }
 * options = {hierarchical?: false | "UD" | "LR", physics?: true, height?: "600px",
 *            showEdgeLabels?: true, declutter?: true,
 *            strings?: {search, noMatch, match, matches, facts, sources, close}}
 *
 * Every data-derived string reaches the DOM through textContent (vis-network's own
 * tooltips use innerText for strings), never innerHTML. After rendering, the
 * container carries data-nodes and data-edges (counts) and data-state, which
 * becomes "stable" once the layout has settled, physics is frozen and the drawing is
 * fitted, labels included, inside the canvas with its labels readable (readableFit);
 * data-fits counts the fits (one more each time the canvas changes size).
 * A force layout (not hierarchical, at most MAX_DECLUTTER nodes, declutter not false)
 * is decluttered once before its first fit: nodes moved apart until no node's box,
 * label included, overlaps another's (see declutter); data-decluttered is then the
 * number of pairs still overlapping (0 when there was room).
 */
(function (root) {
  "use strict";

  var DEFAULT_STRINGS = {
    search: "Search",
    noMatch: "no match",
    match: "match",
    matches: "matches",
    facts: "Facts",
    sources: "Sources",
    close: "Close",
    panel: "Panel",
    png: "PNG image",
    svg: "SVG image",
    hint: "Click a node to see its facts and sources."
  };

  function withDefaults(given) {
    var strings = {};
    Object.keys(DEFAULT_STRINGS).forEach(function (k) { strings[k] = DEFAULT_STRINGS[k]; });
    Object.keys(given || {}).forEach(function (k) { strings[k] = given[k]; });
    return strings;
  }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function safeUrl(url) {
    return typeof url === "string" && /^https?:\/\//i.test(url) ? url : null;
  }

  function link(text, url) {
    var href = safeUrl(url);
    if (!href) return el("span", null, text);
    var a = el("a", null, text);
    a.href = href;
    a.target = "_blank";
    a.rel = "noopener noreferrer";
    return a;
  }

  /* Fill `panel` with one node's facts and sources; `onRef(id)` follows a fact to a node. */
  function showDetails(panel, node, strings, onRef) {
    strings = withDefaults(strings);
    while (panel.firstChild) panel.removeChild(panel.firstChild);
    if (!node) {
      panel.appendChild(el("p", "g60-hint", strings.hint));
      return;
    }
    panel.appendChild(el("h2", "g60-title", node.label));
    if (node.groupLabel) panel.appendChild(el("p", "g60-class", node.groupLabel));
    if (node.iri) panel.appendChild(el("p", "g60-iri", node.iri));
    var facts = node.facts || [];
    if (facts.length) {
      panel.appendChild(el("h3", null, strings.facts));
      var table = el("table", "g60-facts");
      facts.forEach(function (fact) {
        var row = el("tr");
        row.appendChild(el("th", null, fact.p));
        var cell = el("td");
        if (fact.ref !== undefined && fact.ref !== null && onRef) {
          var button = el("button", "g60-ref", fact.v);
          button.type = "button";
          button.addEventListener("click", function () { onRef(fact.ref); });
          cell.appendChild(button);
        } else {
          cell.textContent = String(fact.v);
        }
        row.appendChild(cell);
        table.appendChild(row);
      });
      panel.appendChild(table);
    }
    var sources = node.sources || [];
    if (sources.length) {
      panel.appendChild(el("h3", null, strings.sources));
      var list = el("ul", "g60-sources");
      sources.forEach(function (source) {
        var item = el("li");
        item.appendChild(link(source.label, source.url));
        list.appendChild(item);
      });
      panel.appendChild(list);
    }
  }

  function buildLegend(legend, onToggle) {
    var box = el("ul", "g60-legend");
    (legend || []).forEach(function (entry) {
      if (entry.hidden) return;  // technical classes: drawn, not listed
      var item = el("li", "g60-legend-item");
      item.setAttribute("data-group", String(entry.group));
      var swatch = el("span", "g60-swatch g60-shape-" + String(entry.shape || "dot").replace(/[^a-z]/g, ""));
      swatch.style.backgroundColor = String(entry.color || "#999");
      item.appendChild(swatch);
      var text = entry.count !== undefined ? entry.label + " (" + entry.count + ")" : entry.label;
      item.appendChild(el("span", "g60-legend-label", text));
      item.title = "Show or hide";
      item.addEventListener("click", function () {
        item.classList.toggle("g60-off");
        onToggle(entry.group, !item.classList.contains("g60-off"));
      });
      box.appendChild(item);
    });
    return box;
  }

  function groupsOption(legend) {
    var groups = {};
    (legend || []).forEach(function (entry) {
      groups[entry.group] = {
        color: {background: entry.color, border: "#333333",
                highlight: {background: entry.color, border: "#000000"}},
        shape: entry.shape || "dot"
      };
    });
    return groups;
  }

  function visOptions(data, options) {
    var big = data.nodes.length > 1000 || data.edges.length > 2000;
    var hierarchical = options.hierarchical;
    var opts = {
      autoResize: true,
      groups: groupsOption(data.legend),
      nodes: {
        shape: "dot",
        // one label size for all, set by readableFit for the zoom the drawing fits at
        scaling: {min: 8, max: 40, label: {enabled: false}},
        font: {size: 14, face: "sans-serif"}
      },
      edges: {
        arrows: {to: {enabled: true, scaleFactor: 0.5}},
        color: {color: "#8a8a8a", highlight: "#222222", inherit: false},
        font: {size: 10, align: "middle", face: "sans-serif", strokeWidth: 3},
        smooth: big ? false : {type: "continuous"},
        width: 1
      },
      interaction: {hover: !big, tooltipDelay: 150, hideEdgesOnDrag: big, navigationButtons: false},
      // a fixed seed: the same file draws the same picture on every load
      layout: {improvedLayout: !big && !hierarchical, randomSeed: 60},
      physics: {
        enabled: options.physics !== false,
        solver: "barnesHut",
        barnesHut: {gravitationalConstant: -6000, springLength: 120, avoidOverlap: big ? 0 : 0.1,
                    theta: big ? 0.9 : 0.5},
        stabilization: {enabled: true, iterations: big ? 60 : 400, updateInterval: 50, fit: true}
      }
    };
    if (hierarchical) {
      opts.layout.hierarchical = {
        enabled: true,
        direction: hierarchical === true ? "UD" : String(hierarchical),
        sortMethod: "directed",
        levelSeparation: 220,  // room under each level for its wrapped labels
        nodeSpacing: 130
      };
      opts.physics.solver = "hierarchicalRepulsion";
      opts.physics.hierarchicalRepulsion = {nodeDistance: 170, avoidOverlap: 0.5};
      opts.edges.smooth = {type: "cubicBezier", forceDirection: hierarchical === "LR" ? "horizontal" : "vertical"};
    }
    return opts;
  }

  function render(container, data, options) {
    options = options || {};
    var strings = withDefaults(options.strings);
    // thousands of edge labels cost more to lay out than they help: hover shows them
    var showEdgeLabels = options.showEdgeLabels === undefined
      ? data.edges.length <= 2000 : options.showEdgeLabels !== false;
    var byId = {};
    var groupLabels = {};
    (data.legend || []).forEach(function (e) { groupLabels[e.group] = e.label; });

    while (container.firstChild) container.removeChild(container.firstChild);
    container.classList.add("g60-net");
    container.setAttribute("data-state", "loading");

    var toolbar = el("div", "g60-toolbar");
    var search = el("input", "g60-search");
    search.type = "search";
    search.placeholder = strings.search;
    search.setAttribute("aria-label", strings.search);
    var status = el("span", "g60-status");
    toolbar.appendChild(search);
    toolbar.appendChild(status);
    var body = el("div", "g60-body");
    var canvas = el("div", "g60-canvas");
    if (options.height) canvas.style.height = String(options.height);
    var panel = el("aside", "g60-panel");
    body.appendChild(canvas);
    body.appendChild(panel);
    container.appendChild(toolbar);
    container.appendChild(body);

    var nodes = new vis.DataSet(data.nodes.map(function (n) {
      byId[n.id] = n;
      n.groupLabel = n.groupLabel || groupLabels[n.group] || "";
      var item = {id: n.id, label: String(n.label), group: n.group,
                  title: n.title !== undefined ? String(n.title) : String(n.label)};
      if (n.value !== undefined) item.value = n.value;
      if (n.x !== undefined) { item.x = n.x; item.y = n.y; }
      if (n.level !== undefined) item.level = n.level;
      if (typeof n.color === "string" && /^#[0-9a-fA-F]{6}$/.test(n.color)) item.color = n.color;
      return item;
    }));
    var edges = new vis.DataSet(data.edges.map(function (e, i) {
      var item = {id: "e" + i, from: e.from, to: e.to, group: e.group};
      if (e.label !== undefined && e.label !== null) {
        item.title = String(e.label);
        if (showEdgeLabels) item.label = String(e.label);
      }
      return item;
    }));
    legendHost(container, toolbar, data.legend, function (group, visible) {
      nodes.update(nodes.get({filter: function (n) { return n.group === group; }})
        .map(function (n) { return {id: n.id, hidden: !visible}; }));
    });

    var network = new vis.Network(canvas, {nodes: nodes, edges: edges}, visOptions(data, options));
    container.setAttribute("data-nodes", String(nodes.length));
    container.setAttribute("data-edges", String(edges.length));

    function select(id) {
      if (!(id in byId)) return;
      network.selectNodes([id]);
      network.focus(id, {scale: fitted.scale * 1.6, animation: false});
      showDetails(panel, byId[id], strings, select);
    }
    showDetails(panel, null, strings);

    network.on("click", function (params) {
      if (params.nodes.length) showDetails(panel, byId[params.nodes[0]], strings, select);
    });

    var exporters = {
      png: function () { network.redraw(); return networkPng(canvas); },
      svg: function () { return networkSvg(network, nodes, edges, data.legend); }
    };
    var toggle = el("button", "g60-panel-toggle", strings.panel);
    toggle.type = "button";
    toggle.setAttribute("aria-expanded", "true");
    toggle.addEventListener("click", function () {
      var open = body.classList.toggle("g60-panel-closed") === false;
      toggle.setAttribute("aria-expanded", String(open));
      refit();
    });
    toolbar.insertBefore(toggle, status.nextSibling);
    if (root.G60Export) root.G60Export.buttons(toolbar, exporters, strings, "g60graph-network");

    var fitted = {scale: 1, count: 0};
    function refit(done) {
      container.setAttribute("data-state", "fitting");
      readableFit(network, nodes, canvas, Boolean(options.hierarchical), function (scale) {
        fitted.scale = scale;
        container.setAttribute("data-fits", String(++fitted.count));
        container.setAttribute("data-state", "stable");
        if (done) done();
      });
    }
    function freeze() {
      if (container.getAttribute("data-state") !== "loading") return;
      network.setOptions({physics: false});
      if (!nodes.length) {  // nothing to fit
        container.setAttribute("data-state", "stable");
        return;
      }
      var go = function () {
        refit(function () {
          if (root.G60Export) root.G60Export.fromHash(exporters);
        });
      };
      if (options.hierarchical || options.declutter === false) go();
      else declutter(network, nodes, canvas, container, body, Boolean(options.height), go);
    }
    // a canvas that changes size (the panel toggled, the window resized) is fitted again
    var resizeTimer = null;
    root.addEventListener("resize", function () {
      if (container.getAttribute("data-state") === "loading") return;
      clearTimeout(resizeTimer);
      resizeTimer = setTimeout(function () { refit(); }, 100);
    });
    if (!data.nodes.length) {
      freeze();  // nothing to lay out: vis-network would never report "stabilized"
    } else if (options.physics === false) {
      network.once("afterDrawing", freeze);
    } else {
      network.once("stabilizationIterationsDone", freeze);
      network.once("stabilized", freeze);
    }

    function runSearch() {
      var wanted = search.value.trim().toLowerCase();
      if (!wanted) { status.textContent = ""; network.unselectAll(); return; }
      var found = data.nodes.filter(function (n) {
        return String(n.label).toLowerCase().indexOf(wanted) >= 0 ||
          (n.iri && String(n.iri).toLowerCase() === wanted);
      }).map(function (n) { return n.id; });
      status.textContent = found.length
        ? found.length + " " + (found.length === 1 ? strings.match : strings.matches)
        : strings.noMatch;
      if (!found.length) { network.unselectAll(); return; }
      network.selectNodes(found);
      if (found.length === 1) select(found[0]);
      else network.fit({nodes: found, animation: false});
    }
    search.addEventListener("change", runSearch);
    search.addEventListener("keydown", function (ev) { if (ev.key === "Enter") runSearch(); });

    return {network: network, nodes: nodes, edges: edges, select: select,
            png: exporters.png, svg: exporters.svg};
  }

  var READABLE_PX = 12;  // the smallest label on screen at 100 % zoom
  var MARGIN_PX = 10;    // kept free along the canvas's edges
  var WRAP_PX = 150;     // a longer label wraps onto more lines

  var ROOM_PX = 6;          // kept free between two nodes' boxes, labels included
  var ROOM_AREA = 1.3;      // the canvas is at least this many times the boxes' area
  var MAX_DECLUTTER = 600;  // more nodes than this: left as physics placed them
  var MAX_HEIGHT_PX = 8000; // the tallest a canvas grows to make room
  var BLEND = 0.25;          // the share of physics in the first spread, the rest by rank

  /* Each value's rank among them (ties by position in the list), 0 to n - 1. */
  function ranks(values) {
    var order = values.map(function (v, i) { return i; });
    order.sort(function (a, b) { return values[a] - values[b] || a - b; });
    var rank = [];
    order.forEach(function (i, r) { rank[i] = r; });
    return rank;
  }

  /* Push overlapping boxes apart (each pair along its shorter way out, half each and a
   * little more), kept inside the canvas by clamp; at most maxRounds passes over all
   * pairs. Returns how many pairs still overlapped in the last pass. */
  function separate(boxes, x, y, clamp, maxRounds) {
    var moved = 0;
    for (var round = 0; round < maxRounds; round++) {
      moved = 0;
      for (var i = 0; i < boxes.length; i++) {
        var a = boxes[i];
        for (var j = i + 1; j < boxes.length; j++) {
          var c = boxes[j];
          var dx = Math.min(x[i] + a.r, x[j] + c.r) - Math.max(x[i] + a.l, x[j] + c.l);
          if (dx <= 0) continue;
          var dy = Math.min(y[i] + a.b, y[j] + c.b) - Math.max(y[i] + a.t, y[j] + c.t);
          if (dy <= 0) continue;
          moved++;
          if (dx <= dy) {
            var sx = x[i] + (a.l + a.r) / 2 <= x[j] + (c.l + c.r) / 2 ? -1 : 1;
            x[i] += sx * (dx / 2 + 0.25); x[j] -= sx * (dx / 2 + 0.25);
          } else {
            var sy = y[i] + (a.t + a.b) / 2 <= y[j] + (c.t + c.b) / 2 ? -1 : 1;
            y[i] += sy * (dy / 2 + 0.25); y[j] -= sy * (dy / 2 + 0.25);
          }
          clamp(i); clamp(j);
        }
      }
      if (!moved) break;
    }
    return moved;
  }

  /* Make room for the labels, once, after physics has frozen: each node's box (its
   * mark and its label, as vis-network measures them at the size the labels will have
   * on screen) is pushed off any box it overlaps, a few pixels apart, inside the
   * canvas; a canvas too small to hold the boxes grows taller first (the page then
   * scrolls). Deterministic: the same order (by node id), the same moves. The layout
   * keeps its shape (the physics positions stretched over the canvas) and stays
   * frozen afterwards. */
  function declutter(network, nodes, canvas, host, body, fixedHeight, done) {
    var ids = nodes.getIds({filter: function (n) { return !n.hidden; }});
    ids.sort(function (a, b) { return a < b ? -1 : a > b ? 1 : 0; });
    if (ids.length < 2 || ids.length > MAX_DECLUTTER) { done(); return; }
    network.setSize("100%", "100%");
    var pos = network.getPositions(ids);
    var xs = ids.map(function (id) { return pos[id].x; });
    var ys = ids.map(function (id) { return pos[id].y; });
    var minX = Math.min.apply(null, xs), spanX = Math.max(Math.max.apply(null, xs) - minX, 1);
    var minY = Math.min.apply(null, ys), spanY = Math.max(Math.max.apply(null, ys) - minY, 1);
    var width = Math.max(canvas.clientWidth - 2 * MARGIN_PX, 40);
    var height = Math.max(canvas.clientHeight - 2 * MARGIN_PX, 40);
    // a provisional zoom: the labels get the size readableFit will give them there
    var s = 0.8 * Math.min(width / spanX, height / spanY, 1.5);
    var k = Math.max(1, READABLE_PX / (14 * s));
    network.setOptions({
      nodes: {font: {size: 14 * k}, widthConstraint: {maximum: WRAP_PX / s}},
      edges: {font: {size: 10 * k}}
    });
    network.once("afterDrawing", function () {
      var half = ROOM_PX / 2, area = 0;
      var boxes = ids.map(function (id) {  // on screen, around the node's centre
        var b = network.getBoundingBox(id), p = pos[id];
        var box = {l: (b.left - p.x) * s - half, r: (b.right - p.x) * s + half,
                   t: (b.top - p.y) * s - half, b: (b.bottom - p.y) * s + half};
        area += (box.r - box.l) * (box.b - box.t);
        return box;
      });
      var grown = false;
      function grow(to) {  // a taller canvas (the page scrolls), at most MAX_HEIGHT_PX
        to = Math.min(to, MAX_HEIGHT_PX - 2 * MARGIN_PX);
        if (fixedHeight || to <= height) return false;
        height = to;
        grown = true;
        return true;
      }
      grow(area * ROOM_AREA / width);
      // the physics layout stretched over the canvas, then each box kept inside it
      var x = [], y = [];
      function clamp(i) {
        var b = boxes[i];
        x[i] = Math.min(Math.max(x[i], MARGIN_PX - b.l), MARGIN_PX + width - b.r);
        y[i] = Math.min(Math.max(y[i], MARGIN_PX - b.t), MARGIN_PX + height - b.b);
      }
      // half where physics put it, half where its rank along the axis puts it: dense
      // clusters spread, the order of left to right and top to bottom kept
      var rankX = ranks(xs), rankY = ranks(ys), last = Math.max(ids.length - 1, 1);
      ids.forEach(function (id, i) {
        var fx = BLEND * (pos[id].x - minX) / spanX + (1 - BLEND) * rankX[i] / last;
        var fy = BLEND * (pos[id].y - minY) / spanY + (1 - BLEND) * rankY[i] / last;
        x[i] = MARGIN_PX + width * fx;
        y[i] = MARGIN_PX + height * fy;
        clamp(i);
      });
      var rounds = 0, left = 0;
      for (var attempt = 0; attempt < 6; attempt++) {
        left = separate(boxes, x, y, clamp, 400);
        rounds += 1;
        if (!left) break;
        var before = height;  // still crowded: a fifth taller, the layout stretched with it
        if (!grow(height * 1.2)) break;
        ids.forEach(function (id, i) {
          y[i] = MARGIN_PX + (y[i] - MARGIN_PX) * height / before;
          clamp(i);
        });
      }
      if (grown) {
        canvas.style.height = Math.ceil(height + 2 * MARGIN_PX) + "px";
        body.style.minHeight = canvas.style.height;
        host.style.minHeight = Math.ceil(host.offsetHeight - body.offsetHeight + height +
                                         2 * MARGIN_PX) + "px";
        if (host.parentNode === document.body) {  // the page grows with it, and scrolls
          document.body.style.height = "auto";
          document.body.style.minHeight = "100%";
        }
      }
      ids.forEach(function (id, i) {
        network.moveNode(id, (x[i] - MARGIN_PX - width / 2) / s, (y[i] - MARGIN_PX - height / 2) / s);
      });
      host.setAttribute("data-decluttered", String(left));
      done();
    });
    network.redraw();
  }

  /* The drawn nodes' boxes, labels included (vis-network keeps them from the last
   * draw), as one box in network coordinates. */
  function drawnBox(network, nodes) {
    var box = null;
    nodes.getIds({filter: function (n) { return !n.hidden; }}).forEach(function (id) {
      var b = network.getBoundingBox(id);
      if (!b) return;
      if (!box) { box = {left: b.left, right: b.right, top: b.top, bottom: b.bottom}; return; }
      box.left = Math.min(box.left, b.left); box.right = Math.max(box.right, b.right);
      box.top = Math.min(box.top, b.top); box.bottom = Math.max(box.bottom, b.bottom);
    });
    return box;
  }

  /* The smallest horizontal gap between two nodes of one level (hierarchical layouts):
   * a label wider than that would run into its neighbour's. */
  function levelGap(network, nodes) {
    var rows = {}, gap = Infinity, positions = network.getPositions(nodes.getIds());
    Object.keys(positions).forEach(function (id) {
      var p = positions[id], key = Math.round(p.y);
      (rows[key] = rows[key] || []).push(p.x);
    });
    Object.keys(rows).forEach(function (key) {
      var xs = rows[key].sort(function (a, b) { return a - b; });
      for (var i = 1; i < xs.length; i++) gap = Math.min(gap, xs[i] - xs[i - 1]);
    });
    return gap;
  }

  /* Fit the whole drawing, labels included, inside the canvas, and size the labels so
   * that, at that zoom, the smallest is READABLE_PX on screen. Label sizes change the
   * boxes, so it takes a few rounds (each after a draw); positions never move. */
  function readableFit(network, nodes, canvas, hierarchical, done) {
    var rounds = 0, gap = hierarchical ? levelGap(network, nodes) : Infinity;
    network.setSize("100%", "100%");  // vis-network's own canvas follows its box now
    function round() {
      var box = drawnBox(network, nodes);
      var width = Math.max(canvas.clientWidth - 2 * MARGIN_PX, 40);
      var height = Math.max(canvas.clientHeight - 2 * MARGIN_PX, 40);
      if (!box) { done(network.getScale()); return; }
      var scale = Math.min(width / Math.max(box.right - box.left, 1),
                           height / Math.max(box.bottom - box.top, 1), 1.5);
      network.moveTo({position: {x: (box.left + box.right) / 2, y: (box.top + box.bottom) / 2},
                      scale: scale, animation: false});
      var k = Math.max(1, READABLE_PX / (14 * scale));  // 14: the labels' size at 100 %
      var wrap = Math.min(WRAP_PX / scale, 0.92 * gap);
      var settled = rounds > 0 && Math.abs(k - round.k) / k < 0.02;
      if (settled || rounds >= 6) { done(scale); return; }
      round.k = k;
      rounds += 1;
      network.setOptions({
        nodes: {font: {size: 14 * k}, widthConstraint: {maximum: wrap}},
        edges: {font: {size: 10 * k}}
      });
      network.once("afterDrawing", round);
      network.redraw();
    }
    round.k = 0;
    network.once("afterDrawing", round);
    network.redraw();
  }

  /* The drawing as a PNG on white (vis-network draws on a transparent canvas). */
  function networkPng(host) {
    var source = host.querySelector("canvas");
    var copy = document.createElement("canvas");
    copy.width = source.width;
    copy.height = source.height;
    var g = copy.getContext("2d");
    g.fillStyle = "#ffffff";
    g.fillRect(0, 0, copy.width, copy.height);
    g.drawImage(source, 0, 0);
    return copy.toDataURL("image/png");
  }

  /* The drawing as SVG, from vis-network's frozen positions: lines, dots and labels,
     built as DOM nodes (labels are text) and serialised. */
  function networkSvg(network, nodes, edges, legend) {
    var NS = "http://www.w3.org/2000/svg";
    var colours = {};
    (legend || []).forEach(function (e) { colours[e.group] = e.color; });
    var positions = network.getPositions();
    var shown = nodes.get().filter(function (n) { return !n.hidden && positions[n.id]; });
    var xs = shown.map(function (n) { return positions[n.id].x; });
    var ys = shown.map(function (n) { return positions[n.id].y; });
    var minX = Math.min.apply(null, xs.concat([0])) - 60, maxX = Math.max.apply(null, xs.concat([0])) + 160;
    var minY = Math.min.apply(null, ys.concat([0])) - 40, maxY = Math.max.apply(null, ys.concat([0])) + 40;
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("xmlns", NS);
    svg.setAttribute("viewBox", [minX, minY, maxX - minX, maxY - minY].join(" "));
    svg.setAttribute("width", String(Math.round(maxX - minX)));
    svg.setAttribute("height", String(Math.round(maxY - minY)));
    svg.setAttribute("font-family", "system-ui, 'Noto Sans CJK SC', sans-serif");
    var back = document.createElementNS(NS, "rect");
    [["x", minX], ["y", minY], ["width", maxX - minX], ["height", maxY - minY], ["fill", "#ffffff"]]
      .forEach(function (a) { back.setAttribute(a[0], String(a[1])); });
    svg.appendChild(back);
    var visible = {};
    shown.forEach(function (n) { visible[n.id] = true; });
    edges.get().forEach(function (e) {
      if (!visible[e.from] || !visible[e.to]) return;
      var line = document.createElementNS(NS, "line");
      var a = positions[e.from], b = positions[e.to];
      [["x1", a.x], ["y1", a.y], ["x2", b.x], ["y2", b.y], ["stroke", "#8a8a8a"]]
        .forEach(function (p) { line.setAttribute(p[0], typeof p[1] === "number" ? String(Math.round(p[1])) : p[1]); });
      svg.appendChild(line);
    });
    shown.forEach(function (n) {
      var p = positions[n.id];
      var dot = document.createElementNS(NS, "circle");
      var fill = typeof n.color === "string" ? n.color : colours[n.group] || "#a0aec0";
      [["cx", Math.round(p.x)], ["cy", Math.round(p.y)], ["r", 9], ["fill", fill], ["stroke", "#1a202c"]]
        .forEach(function (a) { dot.setAttribute(a[0], String(a[1])); });
      svg.appendChild(dot);
      var text = document.createElementNS(NS, "text");
      text.setAttribute("x", String(Math.round(p.x)));
      text.setAttribute("y", String(Math.round(p.y) + 24));
      text.setAttribute("text-anchor", "middle");
      text.setAttribute("font-size", "13");
      text.textContent = String(n.label);
      svg.appendChild(text);
    });
    return new XMLSerializer().serializeToString(svg);
  }

  function legendHost(container, toolbar, legend, onToggle) {
    if (!legend || !legend.length) return;
    toolbar.appendChild(buildLegend(legend, onToggle));
  }

  /* Read the JSON a page embeds in <script type="application/json" id=...>. */
  function readJson(id) {
    var node = document.getElementById(id);
    return node ? JSON.parse(node.textContent) : null;
  }

  root.G60Network = {render: render, showDetails: showDetails, readJson: readJson, el: el};
})(typeof window !== "undefined" ? window : this);
