/* g60graph query page: example gallery, editor, results as table, network and map.
 *
 * Talks only to this server (/api/queries, /api/labels, /sparql, /queries/<name>).
 * Every data-derived string reaches the DOM through textContent, never innerHTML.
 */
(function () {
  "use strict";

  var RESULT_FORMATS = [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
  var GRAPH_FORMATS = [["ttl", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"], ["xml", "RDF/XML"]];
  var WKT = "http://www.opengis.net/ont/geosparql#wktLiteral";
  var state = {queries: {}, current: null, result: null, labels: {}, config: {}, view: "table"};

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }

  /* SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, IRIs, strings. */
  function queryForm(text) {
    var stripped = text.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*/g, " ");
    var match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(stripped);
    return match ? match[1].toUpperCase() : "SELECT";
  }

  function isGraphForm(form) { return form === "CONSTRUCT" || form === "DESCRIBE"; }

  /* -- gallery ----------------------------------------------------------------- */

  function buildGallery(list) {
    var host = $("gallery-list");
    clear(host);
    list.forEach(function (q) {
      state.queries[q.name] = q;
      var item = el("li");
      var button = el("button", null);
      button.type = "button";
      button.dataset.name = q.name;
      button.appendChild(el("strong", null, q.title || q.name));
      button.appendChild(el("span", "desc", q.description || ""));
      button.addEventListener("click", function () { loadNamed(q.name, {}); });
      item.appendChild(button);
      host.appendChild(item);
    });
  }

  function loadNamed(name, values) {
    var q = state.queries[name];
    if (!q) return;
    state.current = q;
    $("editor").value = q.text;
    Array.prototype.forEach.call(document.querySelectorAll("#gallery-list button"), function (b) {
      b.classList.toggle("active", b.dataset.name === name);
    });
    $("query-info").textContent = (q.title || q.name) + (q.description ? " — " + q.description : "");
    var host = $("params");
    clear(host);
    (q.params || []).forEach(function (p) {
      var label = el("label", null, p.name + (p.required ? " *" : ""));
      var input = el("input");
      input.name = p.name;
      input.dataset.param = p.name;
      input.placeholder = p.type + (p.default ? " (default " + p.default + ")" : "");
      input.title = p.description || "";
      if (values[p.name] !== undefined) input.value = values[p.name];
      label.appendChild(input);
      host.appendChild(label);
    });
    if (q.view === "graph" || q.view === "map") showView(q.view === "graph" ? "network" : "map");
    else showView("table");
  }

  function paramValues() {
    var values = {};
    Array.prototype.forEach.call(document.querySelectorAll("#params input"), function (input) {
      if (input.value.trim() !== "") values[input.dataset.param] = input.value.trim();
    });
    return values;
  }

  /* -- requests ------------------------------------------------------------------ */

  /* The URL that answers the current query in `fmt` (for downloads and runs). */
  function requestUrl(fmt) {
    var text = $("editor").value;
    var named = state.current && state.current.text === text ? state.current : null;
    var params = new URLSearchParams();
    if (named) {
      var values = paramValues();
      Object.keys(values).forEach(function (k) { params.set(k, values[k]); });
      if (fmt) params.set("format", fmt);
      return "/queries/" + encodeURIComponent(named.name) + "?" + params.toString();
    }
    params.set("query", text);
    if (fmt) params.set("format", fmt);
    return "/sparql?" + params.toString();
  }

  function shareUrl() {
    var text = $("editor").value;
    var params = new URLSearchParams();
    if (state.current && state.current.text === text) {
      params.set("name", state.current.name);
      var values = paramValues();
      Object.keys(values).forEach(function (k) { params.set("p." + k, values[k]); });
    } else {
      params.set("query", text);
    }
    return "#" + params.toString();
  }

  function updateLinks() {
    var form = queryForm($("editor").value);
    var host = $("downloads");
    clear(host);
    host.appendChild(el("span", "note", "Download: "));
    (isGraphForm(form) ? GRAPH_FORMATS : RESULT_FORMATS).forEach(function (f) {
      var a = el("a", null, f[1]);
      a.href = requestUrl(f[0]);
      a.setAttribute("download", "g60graph-result." + (f[0] === "xml" && isGraphForm(form) ? "rdf" : f[0]));
      a.dataset.format = f[0];
      host.appendChild(a);
    });
    $("share").href = shareUrl();
  }

  function run() {
    var text = $("editor").value;
    var form = queryForm(text);
    var fmt = isGraphForm(form) ? "nt" : "json";
    var accept = isGraphForm(form) ? "application/n-triples" : "application/sparql-results+json";
    var named = state.current && state.current.text === text;
    var request;
    if (named) {
      request = fetch(requestUrl(null), {headers: {Accept: accept}});
    } else {
      request = fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded", Accept: accept},
        body: new URLSearchParams({query: text}).toString()
      });
    }
    history.replaceState(null, "", shareUrl());
    updateLinks();
    setStatus("Running…");
    $("error").hidden = true;
    var started = performance.now();
    request.then(function (response) {
      var truncated = response.headers.get("X-G60-Truncated") === "true";
      return response.text().then(function (body) {
        if (!response.ok) throw new Error(response.status + " " + response.statusText + ": " + body.trim());
        var result = fmt === "json" ? fromJson(JSON.parse(body)) : fromNTriples(body);
        result.truncated = truncated;
        result.ms = Math.round(performance.now() - started);
        return result;
      });
    }).then(function (result) {
      state.result = result;
      return fetchLabels(result).then(function () { render(); });
    }).catch(function (err) {
      setStatus("");
      var box = $("error");
      box.textContent = String(err.message || err);
      box.hidden = false;
    });
  }

  function setStatus(text) { $("status").textContent = text; }

  /* -- results in one shape: {vars, rows: [[term|null]], boolean?} ------------------- */

  function fromJson(data) {
    if (data.boolean !== undefined) return {vars: ["answer"], rows: [[{type: "literal", value: String(data.boolean)}]], ask: true};
    var vars = data.head.vars || [];
    var rows = data.results.bindings.map(function (b) {
      return vars.map(function (v) { return b[v] || null; });
    });
    return {vars: vars, rows: rows};
  }

  function unescapeNt(text) {
    return text.replace(/\\(u[0-9A-Fa-f]{4}|U[0-9A-Fa-f]{8}|.)/g, function (m, e) {
      if (e[0] === "u" || e[0] === "U") return String.fromCodePoint(parseInt(e.slice(1), 16));
      return {t: "\t", n: "\n", r: "\r", b: "\b", f: "\f"}[e] || e;
    });
  }

  function ntTerm(text) {
    if (text[0] === "<") return {type: "uri", value: text.slice(1, -1)};
    if (text.slice(0, 2) === "_:") return {type: "bnode", value: text.slice(2)};
    var m = /^"((?:[^"\\]|\\.)*)"(?:@([A-Za-z0-9-]+)|\^\^<([^>]*)>)?$/.exec(text);
    if (!m) return {type: "literal", value: text};
    var term = {type: "literal", value: unescapeNt(m[1])};
    if (m[2]) term["xml:lang"] = m[2];
    if (m[3]) term.datatype = m[3];
    return term;
  }

  function fromNTriples(body) {
    var re = /^\s*(<[^>]*>|_:\S+)\s+(<[^>]*>)\s+(<[^>]*>|_:\S+|"(?:[^"\\]|\\.)*"(?:@[A-Za-z0-9-]+|\^\^<[^>]*>)?)\s*\.\s*$/;
    var rows = [];
    body.split("\n").forEach(function (line) {
      var m = re.exec(line);
      if (m) rows.push([ntTerm(m[1]), ntTerm(m[2]), ntTerm(m[3])]);
    });
    return {vars: ["subject", "predicate", "object"], rows: rows, graph: true};
  }

  function fetchLabels(result) {
    var iris = {};
    result.rows.forEach(function (row) {
      row.forEach(function (t) { if (t && t.type === "uri" && !state.labels[t.value]) iris[t.value] = true; });
    });
    var list = Object.keys(iris).slice(0, 2000);
    if (!list.length) return Promise.resolve();
    return fetch("/api/labels", {
      method: "POST",
      headers: {"Content-Type": "application/json", Accept: "application/json"},
      body: JSON.stringify(list)
    }).then(function (r) { return r.ok ? r.json() : {}; }).then(function (labels) {
      Object.keys(labels).forEach(function (k) { state.labels[k] = labels[k]; });
    });
  }

  function localPath(iri) {
    var c = state.config;
    if (c.id_base && iri.indexOf(c.id_base) === 0 && iri.length > c.id_base.length) {
      return "/id/" + iri.slice(c.id_base.length);
    }
    if (c.def_base && (iri === c.def_base || iri.indexOf(c.def_base + "#") === 0)) {
      return "/def" + iri.slice(c.def_base.length);
    }
    return null;
  }

  function labelOf(term) {
    if (!term) return "";
    if (term.type === "uri") {
      var known = state.labels[term.value];
      return known && known.en ? known.en : term.value;
    }
    if (term.type === "bnode") return "_:" + term.value;
    return term.value;
  }

  function termNode(term) {
    if (!term) return el("span", "note", "");
    if (term.type === "uri") {
      var local = localPath(term.value);
      var a = el("a", local ? null : "external", labelOf(term));
      if (local) a.href = local;
      else if (/^https?:\/\//i.test(term.value)) { a.href = term.value; a.rel = "nofollow noopener"; }
      a.title = term.value;
      var known = state.labels[term.value];
      if (known && known.zh && known.zh !== known.en) {
        var span = el("span");
        span.appendChild(a);
        span.appendChild(el("span", "zh", " " + known.zh));
        return span;
      }
      return a;
    }
    var node = el("span", null, labelOf(term));
    if (term["xml:lang"]) node.lang = term["xml:lang"];
    if (term.datatype) node.title = term.datatype;
    return node;
  }

  /* -- views ------------------------------------------------------------------------ */

  function showView(view) {
    state.view = view;
    Array.prototype.forEach.call(document.querySelectorAll(".tabs button"), function (b) {
      b.classList.toggle("active", b.dataset.view === view);
    });
    ["table", "network", "map"].forEach(function (v) { $("view-" + v).hidden = v !== view; });
    if (state.result) renderView(view);
  }

  function render() {
    var r = state.result;
    var n = r.rows.length;
    var text = r.ask ? "Answer: " + r.rows[0][0].value
      : n + (r.graph ? (n === 1 ? " triple" : " triples") : (n === 1 ? " row" : " rows"));
    setStatus(text + " in " + r.ms + " ms" + (r.truncated ? " (truncated by the server's row limit)" : ""));
    ["table", "network", "map"].forEach(function (v) { $("view-" + v).dataset.rendered = ""; });
    renderView(state.view);
  }

  function renderView(view) {
    var host = $("view-" + view);
    if (host.dataset.rendered === "yes") return;
    host.dataset.rendered = "yes";
    clear(host);
    if (view === "table") renderTable(host);
    else if (view === "network") renderNetwork(host);
    else renderMap(host);
  }

  function renderTable(host) {
    var r = state.result;
    if (r.truncated) host.appendChild(el("p", "notice", "The server cut this answer at its row limit."));
    var table = el("table", "results");
    var head = el("tr");
    r.vars.forEach(function (v) { head.appendChild(el("th", null, v)); });
    var thead = el("thead");
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    r.rows.forEach(function (row) {
      var tr = el("tr");
      row.forEach(function (t) { var td = el("td"); td.appendChild(termNode(t)); tr.appendChild(td); });
      body.appendChild(tr);
    });
    table.appendChild(body);
    host.appendChild(table);
  }

  /* Rows to nodes and edges: a CONSTRUCT gives triples (rdf:type colours a node
   * instead of drawing an edge); a SELECT links the IRIs of each row in column order
   * (edge labelled by the later column's variable). */
  var RDF_TYPE = "http://www.w3.org/1999/02/22-rdf-syntax-ns#type";
  var PALETTE = ["#2b6cb0", "#c0392b", "#2f855a", "#b7791f", "#6b46c1", "#d53f8c",
                 "#319795", "#718096", "#dd6b20", "#3c366b"];

  function toNetwork(r) {
    var nodes = {}, edges = [], seen = {}, types = {};
    function node(term) {
      if (!nodes[term.value]) {
        nodes[term.value] = {id: term.value, label: labelOf(term), iri: term.value, group: "resource", facts: []};
      }
      return nodes[term.value];
    }
    function edge(a, b, label) {
      var key = a + "\u0000" + b + "\u0000" + label;
      if (seen[key]) return;
      seen[key] = true;
      edges.push({from: a, to: b, label: label});
    }
    r.rows.forEach(function (row) {
      if (r.graph) {
        var s = row[0], p = row[1], o = row[2];
        if (s.type === "literal") return;
        var sn = node(s);
        if (o.type === "literal") sn.facts.push({p: labelOf(p), v: o.value});
        else if (p.value === RDF_TYPE && o.type === "uri") {
          if (sn.group === "resource") sn.group = o.value;
          types[o.value] = labelOf(o);
          sn.facts.push({p: labelOf(p), v: labelOf(o)});
        } else { node(o); edge(s.value, o.value, labelOf(p)); }
        return;
      }
      var previous = null;
      row.forEach(function (t, i) {
        if (!t) return;
        if (t.type === "literal") {
          if (previous) nodes[previous].facts.push({p: r.vars[i], v: t.value});
          return;
        }
        node(t);
        if (previous && previous !== t.value) edge(previous, t.value, r.vars[i]);
        previous = t.value;
      });
    });
    var list = Object.keys(nodes).map(function (k) { return nodes[k]; });
    var counts = {};
    list.forEach(function (n) { counts[n.group] = (counts[n.group] || 0) + 1; });
    var legend = Object.keys(counts).sort(function (a, b) { return counts[b] - counts[a]; })
      .map(function (group, i) {
        return {group: group, label: group === "resource" ? "other" : (types[group] || group),
                color: PALETTE[i % PALETTE.length], shape: "dot", count: counts[group]};
      });
    return {nodes: list, edges: edges, legend: legend};
  }

  function renderNetwork(host) {
    var data = toNetwork(state.result);
    if (!data.nodes.length) { host.appendChild(el("p", "note", "No resources to draw in this result.")); return; }
    if (!window.G60Network || !window.vis) {
      host.appendChild(el("p", "note", "The network renderer is not available."));
      return;
    }
    var box = el("div", "network-host");
    box.style.height = "580px";
    host.appendChild(box);
    window.G60Network.render(box, data, {height: "580px"});
  }

  /* Coordinates in a row: a WKT POINT literal (lon lat), or ?lat / ?lon columns. */
  function coordinates(r, row) {
    for (var i = 0; i < row.length; i++) {
      var t = row[i];
      if (t && t.type === "literal" && (t.datatype === WKT || /^\s*(<[^>]*>\s*)?POINT\s*\(/i.test(t.value))) {
        var m = /POINT\s*\(\s*(-?[\d.]+(?:e-?\d+)?)\s+(-?[\d.]+(?:e-?\d+)?)\s*\)/i.exec(t.value);
        if (m) return [parseFloat(m[1]), parseFloat(m[2])];
      }
    }
    var lat = null, lon = null;
    r.vars.forEach(function (v, i) {
      var t = row[i];
      if (!t) return;
      if (/^(lat|latitude)$/i.test(v)) lat = parseFloat(t.value);
      if (/^(lon|long|lng|longitude)$/i.test(v)) lon = parseFloat(t.value);
    });
    return lat !== null && lon !== null && isFinite(lat) && isFinite(lon) ? [lon, lat] : null;
  }

  function renderMap(host) {
    var r = state.result;
    var points = [];
    r.rows.forEach(function (row) {
      var c = coordinates(r, row);
      if (!c) return;
      var named = row.filter(function (t) { return t && t.type === "uri"; })[0];
      points.push({lon: c[0], lat: c[1], label: named ? labelOf(named) : "", iri: named ? named.value : null});
    });
    if (!points.length) { host.appendChild(el("p", "note", "No coordinates in this result.")); return; }
    var NS = "http://www.w3.org/2000/svg";
    var w = 760, h = 520, pad = 50;
    var lons = points.map(function (p) { return p.lon; }), lats = points.map(function (p) { return p.lat; });
    var minX = Math.min.apply(null, lons), maxX = Math.max.apply(null, lons);
    var minY = Math.min.apply(null, lats), maxY = Math.max.apply(null, lats);
    var k = Math.cos((minY + maxY) / 2 * Math.PI / 180);  // equirectangular, scaled at mid-latitude
    var scale = Math.min((w - 2 * pad) / Math.max((maxX - minX) * k, 1e-6), (h - 2 * pad) / Math.max(maxY - minY, 1e-6));
    var svg = document.createElementNS(NS, "svg");
    svg.setAttribute("viewBox", "0 0 " + w + " " + h);
    svg.setAttribute("class", "map");
    svg.setAttribute("role", "img");
    points.forEach(function (p) {
      var x = pad + (p.lon - minX) * k * scale, y = h - pad - (p.lat - minY) * scale;
      var g = document.createElementNS(NS, "g");
      var title = document.createElementNS(NS, "title");
      title.textContent = p.label + " (" + p.lat + ", " + p.lon + ")";
      var dot = document.createElementNS(NS, "circle");
      dot.setAttribute("cx", x.toFixed(1));
      dot.setAttribute("cy", y.toFixed(1));
      dot.setAttribute("r", "6");
      var text = document.createElementNS(NS, "text");
      text.setAttribute("x", x.toFixed(1));
      text.setAttribute("y", (y - 10).toFixed(1));
      text.textContent = p.label;
      g.appendChild(title);
      g.appendChild(dot);
      g.appendChild(text);
      var local = p.iri && localPath(p.iri);
      if (local) {
        var a = document.createElementNS(NS, "a");
        a.setAttribute("href", local);
        a.appendChild(g);
        svg.appendChild(a);
      } else {
        svg.appendChild(g);
      }
    });
    host.appendChild(svg);
    host.appendChild(el("p", "note", points.length + " places; longitude and latitude, WGS84."));
  }

  /* -- start ----------------------------------------------------------------------------- */

  function fromLocation() {
    var hash = location.hash.replace(/^#/, "");
    var params = new URLSearchParams(hash || location.search.replace(/^\?/, ""));
    if (params.get("name") && state.queries[params.get("name")]) {
      var values = {};
      params.forEach(function (v, k) { if (k.indexOf("p.") === 0) values[k.slice(2)] = v; });
      loadNamed(params.get("name"), values);
      return true;
    }
    if (params.get("query")) {
      state.current = null;
      $("editor").value = params.get("query");
      return true;
    }
    return false;
  }

  function start() {
    $("run").addEventListener("click", run);
    $("editor").addEventListener("input", updateLinks);
    $("editor").addEventListener("keydown", function (ev) {
      if (ev.key === "Enter" && (ev.ctrlKey || ev.metaKey)) { ev.preventDefault(); run(); }
    });
    $("params").addEventListener("input", updateLinks);
    Array.prototype.forEach.call(document.querySelectorAll(".tabs button"), function (b) {
      b.addEventListener("click", function () { showView(b.dataset.view); });
    });
    Promise.all([
      fetch("/api/config").then(function (r) { return r.json(); }),
      fetch("/api/queries").then(function (r) { return r.json(); })
    ]).then(function (answers) {
      state.config = answers[0];
      buildGallery(answers[1]);
      var given = fromLocation();
      updateLinks();
      document.body.dataset.ready = "yes";
      if (given) run();
    });
  }

  start();
})();
