/* g60graph map view: an inline SVG of the corridor on a Natural Earth basemap.
 *
 *   G60Map.render(container, data, options)
 *
 * data = {places: [{id, label, label_en, label_zh, kind: "city"|"site", lon, lat, color,
 *                   facts, sources, anchor?: [lon, lat]}],
 *         lines: [{id, label, color, dash, points: [[lon, lat], ...], parts?: [points, ...],
 *                  facts, sources}],
 *         stations: [{id, label, lon, lat, facts, sources}],
 *         legend: [{group, label, color, shape, dash?}], notes: [text], attribution}
 *         areas: [{id, wikidata, name, color}] (the graph's provinces, to tint)
 * options = {basemap: GeoJSON FeatureCollection (features carry properties.layer:
 *            land | area | lake | river | coast | province; an area has name_en,
 *            name_zh, wikidata and label [lon, lat]; a river may have name_en, name_zh),
 *            tiles?: "https://host/{z}/{x}/{y}.png" (online only), strings?, lang?}
 *
 * Labels never overlap one another nor a mark: each is placed at the first of its
 * candidate spots that is free (a Placer keeps the boxes taken), cities first, then
 * parks and institutes (away from their mark with a leader line when need be), then
 * province and river names; one with no free spot is left out, and the container's
 * data-unlabelled counts those.
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
  // The drawing: the map at the left (MAP_W wide, MAP_H high), the legend in a column
  // at the right, the attribution in a strip along the bottom (BOTTOM high). In a
  // narrow window (NARROW, as network.css's) the drawing is drawn at one unit a CSS
  // pixel, as wide as its box: the map on top, the legend under it, every text at
  // least 11 px (layout() sets these before each drawing).
  var W = 1240, H = 760, MAP_W = 920, MAP_H = 730, PAD = 40, BOTTOM = 30;
  var NARROW = "(max-width: 700px)";

  function layout(container) {
    var narrow = Boolean(root.matchMedia && root.matchMedia(NARROW).matches);
    if (!narrow) {
      W = 1240; H = 760; MAP_W = 920; MAP_H = 730; PAD = 40; BOTTOM = 30;
    } else {
      W = Math.max(280, Math.floor(container.clientWidth || root.innerWidth || 400));
      MAP_W = W; MAP_H = Math.round(W * 0.95); PAD = 18; BOTTOM = 30; H = MAP_H + BOTTOM;
    }
    return narrow;
  }
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
    var s = Math.min((MAP_W - 2 * PAD) / (maxX - minX), (MAP_H - 2 * PAD) / (maxY - minY));
    var offX = (MAP_W - (maxX - minX) * s) / 2, offY = (MAP_H - (maxY - minY) * s) / 2;
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
    area: {fill: "none", stroke: "none"},
    lake: {fill: "#cfe2f3", stroke: "#7fa7cc", "stroke-width": 0.6},
    river: {fill: "none", stroke: "#5b8fc7", "stroke-width": 1.6, "stroke-linejoin": "round"},
    coast: {fill: "none", stroke: "#6f94b8", "stroke-width": 0.9},
    province: {fill: "none", stroke: "#8c8577", "stroke-width": 1.3, "stroke-dasharray": "7 3 2 3"}
  };
  var LAYERS = ["land", "area", "lake", "river", "coast", "province"];

  /* The colour a province's area is tinted with: the graph's province it is, found by
   * Wikidata id, else by English name. */
  function areaColour(props, areas) {
    var found = (areas || []).filter(function (a) {
      return (a.wikidata && a.wikidata === props.wikidata) ||
        (!a.wikidata && String(a.name).toLowerCase() === String(props.name_en).toLowerCase());
    })[0];
    return found && /^#[0-9a-fA-F]{6}$/.test(found.color) ? found.color : null;
  }

  /* The basemap's layers; returns the drawn areas and named rivers, to label later. */
  function drawBasemap(box, basemap, view, areas) {
    var layer = svg("g", {"class": "g60-basemap"});
    box.appendChild(layer);
    var named = {areas: [], rivers: []};
    LAYERS.forEach(function (name) {
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
        var tint = name === "area" ? areaColour(feature.properties, areas) : null;
        if (tint) { attrs.fill = tint; attrs["fill-opacity"] = 0.13; }
        var path = svg("path", attrs);
        layer.appendChild(path);
        if (name === "area") named.areas.push({path: path, props: feature.properties});
        if (name === "river" && feature.properties.name_en) {
          named.rivers.push({props: feature.properties, lines: lines});
        }
      });
    });
    return named;
  }

  /* The boxes taken by marks and labels, in drawing units; a box is free when it lies
   * inside the map frame and overlaps none of them. */
  function Placer(width, height) {
    this.boxes = [];
    this.width = width;
    this.height = height;
  }
  Placer.prototype.free = function (b) {
    if (b.x < 3 || b.y < 3 || b.x + b.w > this.width - 3 || b.y + b.h > this.height - 3) return false;
    for (var i = 0; i < this.boxes.length; i++) {
      var o = this.boxes[i];
      if (b.x < o.x + o.w && o.x < b.x + b.w && b.y < o.y + o.h && o.y < b.y + b.h) return false;
    }
    return true;
  };
  Placer.prototype.take = function (b) { this.boxes.push(b); return b; };
  /* How much of a box the taken boxes cover (drawing units squared). */
  Placer.prototype.covered = function (b) {
    return this.boxes.reduce(function (sum, o) {
      var w = Math.min(b.x + b.w, o.x + o.w) - Math.max(b.x, o.x);
      var h = Math.min(b.y + b.h, o.y + o.h) - Math.max(b.y, o.y);
      return sum + (w > 0 && h > 0 ? w * h : 0);
    }, 0);
  };
  Placer.prototype.around = function (x, y, r) {
    return this.take({x: x - r, y: y - r, w: 2 * r, h: 2 * r});
  };

  /* A multi-line label (a <text> of <tspan>s, each line's own class), measured. */
  function labelText(lines, cls) {
    var node = svg("text", {x: 0, y: 0, "class": cls});
    lines.forEach(function (line, i) {
      var tspan = svg("tspan", {x: 0, dy: i ? line.gap : 0, "class": line.cls});
      tspan.textContent = String(line.text);
      node.appendChild(tspan);
    });
    return node;
  }

  /* Put `node` (already in the drawing) at the first free spot: each spot gives the
   * box's top-left corner for the box's width and height. Returns the box, or null;
   * with `always`, the spot least covered when none is free. */
  function place(placer, node, spots, always) {
    var b = node.getBBox(), w = b.width + 2, h = b.height + 2, chosen = null;
    var boxes = spots.map(function (spot) {
      var at = spot(w, h);
      return {x: at[0], y: at[1], w: w, h: h};
    });
    for (var i = 0; i < boxes.length && !chosen; i++) if (placer.free(boxes[i])) chosen = boxes[i];
    if (!chosen && always) {  // the least covered spot, inside the frame where one is
      var inside = boxes.filter(function (c) {
        return c.x >= 3 && c.y >= 3 && c.x + c.w <= placer.width - 3 && c.y + c.h <= placer.height - 3;
      });
      chosen = (inside.length ? inside : boxes).reduce(function (a, c) {
        return placer.covered(c) < placer.covered(a) ? c : a;
      });
    }
    if (!chosen) return null;
    node.setAttribute("transform", "translate(" + (chosen.x + 1 - b.x).toFixed(1) + " " +
                      (chosen.y + 1 - b.y).toFixed(1) + ")");
    return placer.take(chosen);
  }

  /* Spots round a point: right, left, above, below, then the corners, `gap` away. */
  function spotsAround(x, y, gap) {
    return [
      function (w, h) { return [x + gap, y - h / 2]; },
      function (w, h) { return [x - gap - w, y - h / 2]; },
      function (w, h) { return [x - w / 2, y - gap - h]; },
      function (w, h) { return [x - w / 2, y + gap]; },
      function (w, h) { return [x + gap * 0.7, y - gap * 0.7 - h]; },
      function (w, h) { return [x - gap * 0.7 - w, y - gap * 0.7 - h]; },
      function (w, h) { return [x + gap * 0.7, y + gap * 0.7]; },
      function (w, h) { return [x - gap * 0.7 - w, y + gap * 0.7]; }
    ];
  }

  /* Farther spots, on rings round a point in 16 directions (a leader line then ties
   * the label to its mark), the label's nearest corner or edge toward the point. */
  function spotsOut(x, y) {
    var spots = [];
    [28, 52, 80, 115, 155, 200, 250, 300].forEach(function (r) {
      var n = r > 100 ? 32 : 16;  // the farther the ring, the more room between spots
      for (var i = 0; i < n; i++) {
        (function (dx, dy) {
          spots.push(function (w, h) {
            return [x + dx - (dx < -1 ? w : Math.abs(dx) <= 1 ? w / 2 : 0),
                    y + dy - (dy < -1 ? h : Math.abs(dy) <= 1 ? h / 2 : 0)];
          });
        })(r * Math.cos(i * 2 * Math.PI / n), r * Math.sin(i * 2 * Math.PI / n));
      }
    });
    return spots;
  }

  /* Cut a long label into lines of about `width` characters (Chinese: fewer). */
  function labelLines(value, width) {
    var cjk = /[\u3400-\u9fff]/.test(value) && value.indexOf(" ") < 0;
    return wrap(String(value), cjk ? Math.round(width * 0.9) : width);
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
      var parts = line.parts || [line.points];  // a route's polylines, or one schematic
      var keys = [], shared = 0;
      parts.forEach(function (part) {
        for (var i = 1; i < part.length; i++) {
          var key = [part[i - 1].join(","), part[i].join(",")].sort().join("|");
          keys.push(key);
          shared = Math.max(shared, used[key] || 0);
        }
      });
      keys.forEach(function (key) { used[key] = shared + 1; });
      var d = parts.map(function (part) {
        var pts = part.map(function (q) { return view.project(q[0], q[1]); });
        return offsetLine(pts, shared * 5).map(function (p, j) {
          return (j ? "L" : "M") + p[0].toFixed(1) + " " + p[1].toFixed(1);
        }).join(" ");
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
    // a label that already holds the other language's name (an English label with
    // the Chinese name in brackets) is not repeated
    return other && other !== place.label && String(place.label).indexOf(other) < 0 ? other : "";
  }

  /* A place's label lines: its name in the page's language, then the other's (both
   * whole in data-main and data-other, as the lines cut them). */
  function placeLabel(place, lang, mainCls, otherCls, width, cls) {
    var label = labelText(placeLines(place, lang, mainCls, otherCls, width), cls);
    label.setAttribute("data-main", String(place.label));
    label.setAttribute("data-other", otherLabel(place, lang));
    return label;
  }

  function placeLines(place, lang, mainCls, otherCls, width) {
    var lines = labelLines(place.label, width).map(function (t, i) {
      return {text: t, cls: mainCls, gap: 14};
    });
    var other = otherLabel(place, lang);
    if (other) {
      labelLines(other, width).forEach(function (t) { lines.push({text: t, cls: otherCls, gap: 13}); });
    }
    return lines;
  }

  function drawPlaces(box, data, view, choose, lang, placer) {
    var marks = [];
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
      placer.around(p[0], p[1], 14);
    });
    var leaders = svg("g", {"class": "g60-leaders"});
    box.appendChild(leaders);
    data.places.forEach(function (place) {
      if (place.anchor) {
        var a = view.project(place.anchor[0], place.anchor[1]), b = view.project(place.lon, place.lat);
        leaders.appendChild(svg("line", {x1: a[0], y1: a[1], x2: b[0], y2: b[1], stroke: "#999", "stroke-width": 1}));
      }
    });
    // every mark first, so that no label covers one
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
      g.addEventListener("click", function () { choose(g, place); });
      g.addEventListener("keydown", function (ev) { if (ev.key === "Enter") choose(g, place); });
      box.appendChild(g);
      placer.around(p[0], p[1], place.kind === "city" ? 9 : 5);
      marks.push({place: place, g: g, p: p});
    });
    var unlabelled = 0;
    // cities' labels, then the parks' and institutes' (nearest first, then farther
    // out on a leader line)
    marks.filter(function (m) { return m.place.kind === "city"; }).forEach(function (m) {
      var label = placeLabel(m.place, lang, "g60-label-main", "g60-label-other", 40, "g60-label");
      m.g.appendChild(label);
      // beyond a station's ring; a city is always named, where it overlaps least if need be
      var spots = spotsAround(m.p[0], m.p[1], 16).concat(spotsAround(m.p[0], m.p[1], 24));
      if (MAP_W < 700) {  // narrow: the marks crowd closer, so spots further out too
        spots = spots.concat(spotsAround(m.p[0], m.p[1], 36), spotsAround(m.p[0], m.p[1], 50));
      }
      var at = place(placer, label, spots, true);
      if (MAP_W < 700 && at) {  // one set further out is tied to its mark by a thin line
        var cx = Math.max(at.x, Math.min(m.p[0], at.x + at.w)), cy = Math.max(at.y, Math.min(m.p[1], at.y + at.h));
        if (Math.abs(cx - m.p[0]) + Math.abs(cy - m.p[1]) > 26) {
          leaders.appendChild(svg("line", {x1: m.p[0], y1: m.p[1], x2: cx, y2: cy, stroke: "#4a5568",
                                           "stroke-width": 0.8, "class": "g60-label-leader"}));
        }
      }
    });
    marks.filter(function (m) { return m.place.kind !== "city"; }).forEach(function (m) {
      var label = placeLabel(m.place, lang, "g60-site-main", "g60-site-other", 26, "g60-label g60-site-label");
      m.g.appendChild(label);
      var spots = spotsAround(m.p[0], m.p[1], 7).concat(spotsOut(m.p[0], m.p[1]));
      var at = place(placer, label, spots);
      if (!at) {
        m.g.removeChild(label);
        m.g.setAttribute("data-unlabelled", "true");
        unlabelled += 1;
        return;
      }
      // a label set apart from its mark is tied to it by a thin line
      var cx = Math.max(at.x, Math.min(m.p[0], at.x + at.w)), cy = Math.max(at.y, Math.min(m.p[1], at.y + at.h));
      if (Math.abs(cx - m.p[0]) + Math.abs(cy - m.p[1]) > 14) {
        leaders.appendChild(svg("line", {x1: m.p[0], y1: m.p[1], x2: cx, y2: cy, stroke: "#4a5568",
                                         "stroke-width": 0.8, "class": "g60-label-leader"}));
      }
    });
    return unlabelled;
  }

  /* Province names in their areas (in the page's language, the other below), and the
   * named rivers along their line, where they overlap nothing placed before. */
  function drawBasemapNames(box, named, view, lang, placer) {
    named.areas.forEach(function (area) {
      var props = area.props, at = view.project(props.label[0], props.label[1]);
      var main = lang === "zh" ? props.name_zh : props.name_en;
      var other = lang === "zh" ? props.name_en : props.name_zh;
      var lines = [{text: main, cls: "g60-area-main", gap: 0}];
      if (other && other !== main) lines.push({text: other, cls: "g60-area-other", gap: 15});
      var label = labelText(lines, "g60-area-name");
      label.setAttribute("text-anchor", "middle");
      box.appendChild(label);
      var spots = [];
      [0, 40, 80, 120, 160].forEach(function (r) {
        [[0, 0], [1, 0], [-1, 0], [0, 1], [0, -1], [1, 1], [-1, 1], [1, -1], [-1, -1]].forEach(function (d) {
          if (r === 0 && (d[0] || d[1])) return;
          spots.push(function (w, h) {
            var x = at[0] + d[0] * r, y = at[1] + d[1] * r;
            var inside = area.path.isPointInFill ? area.path.isPointInFill(new DOMPoint(x, y)) : true;
            return inside ? [x - w / 2, y - h / 2] : [-1e6, -1e6];
          });
        });
      });
      if (!place(placer, label, spots)) box.removeChild(label);
    });
    named.rivers.forEach(function (river) {
      var name = lang === "zh" ? river.props.name_zh : river.props.name_en;
      var other = lang === "zh" ? river.props.name_en : river.props.name_zh;
      var label = labelText([{text: other ? name + " " + other : name, cls: "g60-river-main", gap: 0}],
                            "g60-river-name");
      box.appendChild(label);
      var points = [];
      river.lines.forEach(function (line) {
        line.forEach(function (q) { points.push(view.project(q[0], q[1])); });
      });
      // nearest the middle of the map first: where a reader looks for it
      points.sort(function (a, b) {
        return Math.hypot(a[0] - MAP_W / 2, a[1] - MAP_H / 2) - Math.hypot(b[0] - MAP_W / 2, b[1] - MAP_H / 2);
      });
      var spots = [];
      points.forEach(function (p) {
        spots.push(function (w, h) { return [p[0] - w / 2, p[1] - h - 3]; });
        spots.push(function (w, h) { return [p[0] - w / 2, p[1] + 3]; });
      });
      if (!place(placer, label, spots)) box.removeChild(label);
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
    var km = roundKm(Math.min(180, MAP_W * 0.4), perKm), length = km * perKm, x = PAD, y = MAP_H - 30;
    // narrow: the projection's name wrapped to the map's width, the bar raised for it
    var names = MAP_W < 700 ? wrap(view.proj.name, Math.floor((MAP_W - 2 * PAD) / 6.2)) : [view.proj.name];
    y -= 13 * (names.length - 1);
    var g = svg("g", {"class": "g60-scalebar", "data-km": km, "data-length": length.toFixed(3),
                      "data-lat": lat.toFixed(3)});
    g.appendChild(svg("rect", {"class": "g60-scalebar-bar", x: x, y: y, width: length, height: 6,
                               fill: "#fff", stroke: "#222", "stroke-width": 1}));
    g.appendChild(svg("rect", {x: x, y: y, width: length / 2, height: 6, fill: "#222"}));
    g.appendChild(text(x, y - 5, "0", {"text-anchor": "middle", "class": "g60-scalebar-text"}));
    g.appendChild(text(x + length, y - 5, km + " km", {"text-anchor": "middle", "class": "g60-scalebar-label"}));
    names.forEach(function (part, i) {
      g.appendChild(text(x, y + 19 + 13 * i, part, {"class": "g60-projection"}));
    });
    box.appendChild(g);
    var b = g.getBBox();
    return {x: b.x - 4, y: b.y - 4, w: b.width + 8, h: b.height + 8};
  }

  function drawNorthArrow(box, view, strings) {
    var x = MAP_W - PAD, y = Math.max(PAD, 40) + 10, angle = 0;
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
    return {x: x - 16, y: y - 42, w: 32, h: 58};
  }

  /* A text cut into lines no wider than `width` drawing units, as drawn in `box` with
   * class `cls`: at spaces, and inside a word (Chinese has no spaces) where need be. */
  function measuredLines(box, value, cls, width) {
    var probe = text(0, 0, "", {"class": cls});
    box.appendChild(probe);
    function fits(t) { probe.textContent = t; return probe.getComputedTextLength() <= width; }
    var out = [], line = "";
    String(value).split(/(\s+)/).forEach(function (word) {
      if (!word) return;
      if (fits(line + word)) { line += word; return; }
      if (line.trim()) out.push(line.trim());
      line = "";
      for (var i = 0; i < word.length; i++) {  // a word wider than a line: by characters
        if (!fits(line + word[i]) && line) { out.push(line); line = ""; }
        line += word[i];
      }
      if (!line.trim()) line = "";
    });
    if (line.trim()) out.push(line.trim());
    box.removeChild(probe);
    return out;
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

  /* The legend: a column right of the map, or (narrow) a band under it; returns
   * where it ends (its last line's bottom). */
  function drawLegend(box, data, title, narrow) {
    var x = MAP_W + 20, y = PAD, width = W - MAP_W - 36;
    if (narrow) {
      x = 12; y = MAP_H + 28; width = W - 24;
      box.appendChild(svg("rect", {"class": "g60-legend-column", x: 0, y: MAP_H, width: W,
                                   height: 100000, fill: "#fff"}));
      box.appendChild(svg("line", {x1: 0, y1: MAP_H, x2: W, y2: MAP_H, stroke: "#bbb"}));
    } else {
      box.appendChild(svg("rect", {"class": "g60-legend-column", x: MAP_W, y: 0, width: W - MAP_W,
                                   height: H - BOTTOM, fill: "#fff"}));
      box.appendChild(svg("line", {x1: MAP_W, y1: 0, x2: MAP_W, y2: H - BOTTOM, stroke: "#bbb"}));
    }
    // characters a line holds: the column's, or fewer in a narrow band
    var chars = function (n) { return narrow ? Math.max(16, Math.min(n, Math.floor(n * width / 300))) : n; };
    var g = svg("g", {"class": "g60-map-legend"});
    box.appendChild(g);
    wrap(title || "", chars(34)).forEach(function (part) {
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
      } else if (entry.shape === "area") {  // a province: its tinted area
        item.appendChild(svg("rect", {x: x + 2, y: y - 7, width: 18, height: 14, fill: entry.color,
                                      "fill-opacity": 0.3, stroke: "#8c8577", "stroke-dasharray": "3 2"}));
      } else if (entry.shape === "square") {
        item.appendChild(svg("rect", {x: x + 7, y: y - 4, width: 8, height: 8, fill: entry.color, stroke: "#444"}));
      } else {
        item.appendChild(svg("circle", {cx: x + 11, cy: y, r: 5, fill: entry.color, stroke: "#222"}));
      }
      var parts = wrap(entry.label, chars(36));
      parts.forEach(function (part, i) {
        item.appendChild(text(x + 30, y + 4 + 14 * i, part, {"class": "g60-legend-text"}));
      });
      g.appendChild(item);
      y += 20 + 14 * (parts.length - 1);
    });
    y += 6;
    (data.notes || []).forEach(function (note) {
      wrap(note, chars(44)).forEach(function (part) {
        g.appendChild(text(x, y, part, {"class": "g60-legend-note"}));
        y += 14;
      });
      y += 6;
    });
    return y;
  }

  function render(container, data, options) {
    options = options || {};
    var lang = options.lang || "en", strings = options.strings || {};
    var panel = document.getElementById("g60-panel");
    var narrow = layout(container);
    var view = fit(frameOf(data), Boolean(options.tiles), strings);

    while (container.firstChild) container.removeChild(container.firstChild);
    var box = svg("svg", {viewBox: "0 0 " + W + " " + H, role: "img", "aria-label": "map",
                          preserveAspectRatio: "xMidYMid meet",
                          "class": "g60-mapsvg" + (narrow ? " g60-narrow" : "")});
    var style = svg("style");
    style.textContent = MAP_CSS;  // in the drawing itself, so the page and an export agree
    box.appendChild(style);
    container.appendChild(box);
    var clip = svg("clipPath", {id: "g60-map-frame"});
    clip.appendChild(svg("rect", {x: 0, y: 0, width: MAP_W, height: MAP_H}));
    box.appendChild(clip);
    var mapLayer = svg("g", {"class": "g60-map-frame", "clip-path": "url(#g60-map-frame)"});
    box.appendChild(mapLayer);
    mapLayer.appendChild(svg("rect", {"class": "g60-sea", x: 0, y: 0, width: MAP_W, height: H, fill: "#dbe9f5"}));
    var named = drawBasemap(mapLayer, options.basemap, view, data.areas);
    if (options.tiles) addTiles(mapLayer, String(options.tiles), view);
    var namesLayer = svg("g", {"class": "g60-basemap-names"});  // under the lines and marks
    mapLayer.appendChild(namesLayer);

    var selected = null;
    function choose(node, feature) {
      if (selected) selected.classList.remove("g60-selected");
      selected = node;
      node.classList.add("g60-selected");
      if (panel) G60Network.showDetails(panel, feature, options.strings);
    }
    if (panel) G60Network.showDetails(panel, null, options.strings);

    drawLines(mapLayer, data.lines, view, choose);
    var placer = new Placer(MAP_W, MAP_H);
    // the scale bar and the north arrow first: no label goes over them
    placer.take(drawScaleBar(mapLayer, view, strings));
    placer.take(drawNorthArrow(mapLayer, view, strings));
    var unlabelled = drawPlaces(mapLayer, data, view, choose, lang, placer);
    drawBasemapNames(namesLayer, named, view, lang, placer);
    var legendEnd = drawLegend(box, data, options.title, narrow);
    // the attribution: one line along the bottom, or (narrow) wrapped to the width
    var credits = narrow ? measuredLines(box, data.attribution || "", "g60-attribution", W - 24)
      : [data.attribution || ""];
    if (narrow) {
      BOTTOM = 12 + 15 * credits.length;
      H = Math.ceil(legendEnd + 8 + BOTTOM);
      box.setAttribute("viewBox", "0 0 " + W + " " + H);
      box.setAttribute("width", String(W));
      box.setAttribute("height", String(H));
      box.style.width = W + "px";
      box.style.height = H + "px";
    }
    box.appendChild(svg("rect", {x: 0, y: H - BOTTOM, width: W, height: BOTTOM, fill: "#fff",
                                 stroke: "#bbb", "stroke-width": 0.8}));
    credits.forEach(function (line, i) {
      box.appendChild(text(12, narrow ? H - BOTTOM + 19 + 15 * i : H - BOTTOM / 2 + 4, line,
                           {"class": "g60-attribution"}));
    });

    var body = container.parentNode;
    container.setAttribute("data-places", String(data.places.length));
    container.setAttribute("data-lines", String(data.lines.length));
    container.setAttribute("data-unlabelled", String(unlabelled));
    container.setAttribute("data-projection", view.proj.name);
    var exporters = {
      svg: function () { return G60Export.standaloneSvg(box, ""); },
      png: function () { return G60Export.svgToPng(G60Export.standaloneSvg(box, ""), W, H); }
    };
    var bar = G60Network.el("div", "g60-toolbar");
    if (panel && body.classList.contains("g60-body")) {  // the side panel folds away
      var toggle = G60Network.el("button", "g60-panel-toggle", strings.panel || "Panel");
      toggle.type = "button";
      toggle.setAttribute("aria-expanded", "true");
      toggle.addEventListener("click", function () {
        var open = body.classList.toggle("g60-panel-closed") === false;
        toggle.setAttribute("aria-expanded", String(open));
      });
      bar.appendChild(toggle);
    }
    G60Export.buttons(bar, exporters, {png: strings.png, svg: strings.svg}, "g60graph-map");
    bar.setAttribute("data-g60-map-bar", "true");
    var old = body.previousElementSibling;
    if (old && old.getAttribute("data-g60-map-bar")) old.parentNode.removeChild(old);
    body.parentNode.insertBefore(bar, body);
    container.setAttribute("data-layout", narrow ? "narrow" : "wide");
    container.setAttribute("data-state", "stable");
    var drawn = {svg: box, png: exporters.png, svgText: exporters.svg, view: view};
    if (!container.g60Watching && root.matchMedia) {  // narrow <-> wide: drawn again
      container.g60Watching = true;
      var query = root.matchMedia(NARROW), redraw = function () {
        var again = render(container, data, options);
        if (root.g60map && root.g60map.svg && !root.g60map.svg.isConnected) root.g60map = again;
      };
      if (query.addEventListener) query.addEventListener("change", redraw);
      else if (query.addListener) query.addListener(redraw);
    }
    if (!container.g60Drawn) G60Export.fromHash(exporters);
    container.g60Drawn = true;
    return drawn;
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
    ".g60-mapsvg .g60-site-main{font-size:11px;font-weight:600}.g60-mapsvg .g60-site-other{font-size:10.5px}" +
    ".g60-mapsvg .g60-area-name{fill:#6b6456;stroke:#f3efe4;letter-spacing:1.5px}" +
    ".g60-mapsvg .g60-area-main{font-size:15px;font-weight:600}.g60-mapsvg .g60-area-other{font-size:12px}" +
    ".g60-mapsvg .g60-river-name{fill:#2c5f93;font-style:italic;font-size:11.5px;stroke:#dbe9f5}" +
    ".g60-mapsvg .g60-line{fill:none;cursor:pointer}.g60-mapsvg .g60-station{cursor:pointer}" +
    // narrow: drawn at one unit a pixel, so no text under 11 px
    ".g60-narrow .g60-attribution,.g60-narrow .g60-projection,.g60-narrow .g60-site-main," +
    ".g60-narrow .g60-site-other,.g60-narrow .g60-legend-note{font-size:11px}";

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
