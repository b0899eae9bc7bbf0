/* g60graph query page: gallery, editor, results (table, network, map, chart, timeline),
 * downloads, code snippets, history and saved queries, English and Chinese.
 *
 * Talks only to this server (/api/*, /sparql, /queries/<name>). Every data-derived
 * string reaches the DOM through textContent, never innerHTML. The URL's fragment
 * always holds the query (or the named query and its parameters) and the view.
 */
(function () {
  "use strict";

  var RESULT_FORMATS = [["json", "JSON"], ["xml", "XML"], ["csv", "CSV"], ["tsv", "TSV"]];
  var GRAPH_FORMATS = [["ttl", "Turtle"], ["nt", "N-Triples"], ["jsonld", "JSON-LD"], ["xml", "RDF/XML"]];
  var VIEWS = ["table", "network", "map", "chart", "timeline"];
  var HEADER_VIEW = {table: "table", graph: "network", map: "map", timeline: "timeline",
                     "line-chart": "chart", "bar-chart": "chart"};
  // "user": the queries of the server's own folders (serve --queries DIR), listed first
  var THEMES = ["user", "places", "organisations", "events", "figures", "diagrams", "data-quality", "other"];
  var PAGE_SIZE = 50;
  var WKT = "http://www.opengis.net/ont/geosparql#wktLiteral";
  var XSD = "http://www.w3.org/2001/XMLSchema#";
  var DEFAULT_QUERY = "SELECT ?alliance ?label WHERE {\n  ?alliance a g60:IndustrialAlliance ;\n            rdfs:label ?label .\n} LIMIT 20";
  var state = {
    queries: {}, current: null, result: null, labels: {}, config: {}, view: "table",
    lang: "en", table: {sort: null, desc: false, page: 0, filter: ""}, editor: null
  };

  function $(id) { return document.getElementById(id); }

  function el(tag, className, text) {
    var node = document.createElement(tag);
    if (className) node.className = className;
    if (text !== undefined && text !== null) node.textContent = String(text);
    return node;
  }

  function clear(node) { while (node.firstChild) node.removeChild(node.firstChild); }
  function t(key, values) { return window.G60I18n.t(key, state.lang, values); }
  function each(selector, fn) { Array.prototype.forEach.call(document.querySelectorAll(selector), fn); }

  function text() { return state.editor.get(); }

  /* SELECT, ASK, CONSTRUCT or DESCRIBE: the first such keyword outside comments, IRIs, strings. */
  function queryForm(query) {
    var stripped = query.replace(/"(?:[^"\\\n]|\\.)*"|'(?:[^'\\\n]|\\.)*'|<[^<>"{}|^`\\\s]*>|#[^\n]*/g, " ");
    var match = /\b(SELECT|ASK|CONSTRUCT|DESCRIBE)\b/i.exec(stripped);
    return match ? match[1].toUpperCase() : "SELECT";
  }

  function isGraphForm(form) { return form === "CONSTRUCT" || form === "DESCRIBE"; }

  /* -- local storage: history and saved queries ------------------------------------ */

  function readList(key) {
    try { return JSON.parse(localStorage.getItem(key) || "[]"); } catch (e) { return []; }
  }

  function writeList(key, list) {
    try { localStorage.setItem(key, JSON.stringify(list)); } catch (e) { /* full or private mode */ }
  }

  function remember(key, entry, max) {
    var list = readList(key).filter(function (e) { return e.hash !== entry.hash; });
    list.unshift(entry);
    writeList(key, list.slice(0, max));
    showStored();
  }

  function entryTitle() {
    if (state.current) return titleOf(state.current);
    var first = text().split("\n").filter(function (l) { return l.trim(); })[0] || "";
    return first.replace(/^#+\s*/, "").slice(0, 60);
  }

  function showStored() {
    [["g60graph.history", "history-list"], ["g60graph.saved", "saved-list"]].forEach(function (pair) {
      var host = $(pair[1]);
      clear(host);
      var list = readList(pair[0]);
      if (!list.length) host.appendChild(el("li", "note", t("none_yet")));
      list.forEach(function (entry) {
        var item = el("li");
        var button = el("button", "link", entry.title || "…");
        button.type = "button";
        button.title = new Date(entry.time).toLocaleString(state.lang === "zh" ? "zh-CN" : "en-GB");
        button.addEventListener("click", function () { restore(entry.hash); run(); });
        item.appendChild(button);
        host.appendChild(item);
      });
    });
  }

  /* -- gallery ----------------------------------------------------------------- */

  /* A named query's title and description in the page's language (the header's
   * title@zh / description@zh), the English ones where there is no translation. */
  function titleOf(q) {
    return (state.lang === "zh" && q.title_zh) || q.title || q.name;
  }

  function descriptionOf(q) {
    return (state.lang === "zh" && q.description_zh) || q.description || "";
  }

  function buildGallery(list) {
    list.forEach(function (q) { state.queries[q.name] = q; });
    showGallery();
  }

  function showGallery() {
    var host = $("gallery-list");
    clear(host);
    var words = $("gallery-search").value.toLowerCase().split(/\s+/).filter(Boolean);
    var shown = 0;
    THEMES.forEach(function (theme) {
      var members = Object.keys(state.queries).map(function (k) { return state.queries[k]; })
        .filter(function (q) { return (q.user ? "user" : q.theme || "other") === theme; })
        .filter(function (q) {
          // both languages are searched, whichever the page shows
          var hay = [q.name, q.title, q.description, q.title_zh || "", q.description_zh || ""]
            .concat(q.tags || []).join(" ").toLowerCase();
          return words.every(function (w) { return hay.indexOf(w) >= 0; });
        });
      if (!members.length) return;
      shown += members.length;
      var group = el("details", "theme");
      group.open = true;
      group.dataset.theme = theme;
      var summary = el("summary", null, t("theme_" + theme.replace("-", "_")) + " (" + members.length + ")");
      group.appendChild(summary);
      var ul = el("ul");
      members.forEach(function (q) {
        var item = el("li");
        var button = el("button");
        button.type = "button";
        button.dataset.name = q.name;
        button.classList.toggle("active", !!state.current && state.current.name === q.name);
        button.appendChild(el("strong", null, titleOf(q)));
        button.appendChild(el("span", "desc", descriptionOf(q)));
        button.addEventListener("click", function () { loadNamed(q.name, {}); run(); });
        item.appendChild(button);
        ul.appendChild(item);
      });
      group.appendChild(ul);
      host.appendChild(group);
    });
    $("gallery-empty").hidden = shown > 0;
  }

  function loadNamed(name, values) {
    var q = state.queries[name];
    if (!q) return;
    state.current = q;
    state.editor.set(q.text);
    state.current = q;  // set() fired onChange, which forgets a named query whose text changed
    each("#gallery-list button", function (b) { b.classList.toggle("active", b.dataset.name === name); });
    showQueryInfo();
    var host = $("param-fields");
    clear(host);
    $("params").hidden = !(q.params || []).length;
    (q.params || []).forEach(function (p) {
      var label = el("label", null, p.name + (p.required ? " *" : ""));
      var input = el("input");
      input.name = p.name;
      input.dataset.param = p.name;
      input.placeholder = p.type + (p.default ? " (" + t("default_is", {v: p.default}) + ")" : "");
      input.title = p.description || "";
      if (p.required) input.required = true;
      if (values[p.name] !== undefined) input.value = values[p.name];
      label.appendChild(input);
      host.appendChild(label);
    });
    state.view = HEADER_VIEW[q.view] || "table";
    setStatus("");
    $("error").hidden = true;
    syncUrl();
  }

  function showQueryInfo() {
    var q = state.current;
    $("query-info").textContent = q ? titleOf(q) + (descriptionOf(q) ? " — " + descriptionOf(q) : "") : "";
  }

  function paramValues() {
    var values = {};
    each("#param-fields input", function (input) {
      if (input.value.trim() !== "") values[input.dataset.param] = input.value.trim();
    });
    return values;
  }

  function named() { return state.current && state.current.text === text() ? state.current : null; }

  /* -- URLs -------------------------------------------------------------------------- */

  /* The URL that answers the current query in `fmt` (for downloads and runs). */
  function requestUrl(fmt) {
    var q = named();
    var params = new URLSearchParams();
    if (q) {
      var values = paramValues();
      Object.keys(values).forEach(function (k) { params.set(k, values[k]); });
      if (fmt) params.set("format", fmt);
      return "/queries/" + encodeURIComponent(q.name) + "?" + params.toString();
    }
    params.set("query", text());
    if (fmt) params.set("format", fmt);
    return "/sparql?" + params.toString();
  }

  /* The query (typed, or named with its parameters) and language, for /api/spreadsheet and /api/view. */
  function pageParams() {
    var q = named();
    var params = new URLSearchParams();
    if (q) {
      params.set("name", q.name);
      var values = paramValues();
      Object.keys(values).forEach(function (k) { params.set(k, values[k]); });
    } else {
      params.set("query", text());
    }
    params.set("lang", state.lang);
    return params;
  }

  function spreadsheetUrl(fmt) {
    var params = pageParams();
    params.set("format", fmt);
    return "/api/spreadsheet?" + params.toString();
  }

  function shareHash() {
    var params = new URLSearchParams();
    var q = named();
    if (q) {
      params.set("name", q.name);
      var values = paramValues();
      Object.keys(values).forEach(function (k) { params.set("p." + k, values[k]); });
    } else {
      params.set("query", text());
    }
    params.set("view", state.view);
    return "#" + params.toString();
  }

  function syncUrl() {
    var hash = shareHash();
    if (location.hash !== hash) history.replaceState(null, "", hash);
    $("share").href = hash;
    updateDownloads();
    updateCode();
  }

  function restore(hash) {
    var params = new URLSearchParams(hash.replace(/^#/, ""));
    var view = params.get("view");
    if (params.get("name") && state.queries[params.get("name")]) {
      var values = {};
      params.forEach(function (v, k) { if (k.indexOf("p.") === 0) values[k.slice(2)] = v; });
      loadNamed(params.get("name"), values);
    } else if (params.get("query") !== null) {
      state.current = null;
      state.editor.set(params.get("query"));
      $("query-info").textContent = "";
      $("params").hidden = true;
      clear($("param-fields"));
    } else {
      return false;
    }
    if (view && VIEWS.indexOf(view) >= 0) state.view = view;
    syncUrl();
    return true;
  }

  /* -- downloads and code ------------------------------------------------------------ */

  function updateDownloads() {
    var form = queryForm(text());
    var host = $("downloads");
    clear(host);
    host.appendChild(el("span", "note", t("downloads") + ": "));
    (isGraphForm(form) ? GRAPH_FORMATS : RESULT_FORMATS).forEach(function (f) {
      var a = el("a", null, f[1]);
      a.href = requestUrl(f[0]);
      a.setAttribute("download", "g60graph-result." + (f[0] === "xml" && isGraphForm(form) ? "rdf" : f[0]));
      a.dataset.format = f[0];
      host.appendChild(a);
    });
    [["csv", "spreadsheet_csv"], ["xlsx", "xlsx"]].forEach(function (f) {
      var a = el("a", "sheet", t(f[1]));
      a.href = spreadsheetUrl(f[0]);
      a.setAttribute("download", "g60graph-result." + f[0]);
      a.dataset.format = "sheet-" + f[0];
      host.appendChild(a);
    });
  }

  function pyString(s) { return JSON.stringify(s); }
  function shellQuote(s) { return "'" + s.replace(/'/g, "'\\''") + "'"; }

  /* The snippets send the text to /sparql; a named query's parameters are bound in it by
   * the server (/api/text), as /queries/<name> binds them. */
  var codeAsked = 0;
  function updateCode() {
    var asked = ++codeAsked;
    var q = named();
    if (!q || !Object.keys(paramValues()).length) { writeCode(q ? q.text : text()); return; }
    var params = pageParams();
    params.delete("lang");
    fetch("/api/text?" + params.toString()).then(function (response) {
      return response.text().then(function (body) { return {ok: response.ok, body: body}; });
    }).then(function (answer) {
      if (asked !== codeAsked) return;  // an answer for parameters since changed
      if (answer.ok) writeCode(answer.body);
      else { clear($("code-snippets")); $("code-snippets").appendChild(el("p", "error", answer.body.trim())); }
    });
  }

  function writeCode(query) {
    var endpoint = location.origin + "/sparql";
    var accept = isGraphForm(queryForm(query)) ? "text/turtle" : "application/sparql-results+json";
    var snippets = [
      ["curl", "curl -s " + shellQuote(endpoint) + " \\\n  -H " + shellQuote("Accept: " + accept) +
        " \\\n  --data-urlencode query=" + shellQuote(query)],
      ["Python (SPARQLWrapper)", "from SPARQLWrapper import SPARQLWrapper, JSON\n\n" +
        "sparql = SPARQLWrapper(" + pyString(endpoint) + ")\nsparql.setQuery(" + pyString(query) + ")\n" +
        "sparql.setReturnFormat(JSON)\nfor row in sparql.queryAndConvert()[\"results\"][\"bindings\"]:\n    print(row)"],
      ["JavaScript (fetch)", "const query = " + JSON.stringify(query) + ";\n" +
        "const response = await fetch(" + JSON.stringify(endpoint) + ", {\n  method: \"POST\",\n" +
        "  headers: {\"Content-Type\": \"application/x-www-form-urlencoded\", Accept: " + JSON.stringify(accept) + "},\n" +
        "  body: new URLSearchParams({query}),\n});\nconsole.log(await response.json());"]
    ];
    var host = $("code-snippets");
    clear(host);
    snippets.forEach(function (s) {
      host.appendChild(el("h3", null, s[0]));
      var pre = el("pre");
      pre.appendChild(el("code", null, s[1]));
      pre.tabIndex = 0;
      host.appendChild(pre);
    });
  }

  /* -- running ----------------------------------------------------------------------- */

  function run() {
    var query = text();
    var form = queryForm(query);
    var fmt = isGraphForm(form) ? "nt" : "json";
    var accept = isGraphForm(form) ? "application/n-triples" : "application/sparql-results+json";
    var request;
    if (named()) {
      request = fetch(requestUrl(null), {headers: {Accept: accept}});
    } else {
      request = fetch("/sparql", {
        method: "POST",
        headers: {"Content-Type": "application/x-www-form-urlencoded", Accept: accept},
        body: new URLSearchParams({query: query}).toString()
      });
    }
    syncUrl();
    remember("g60graph.history", {hash: shareHash(), title: entryTitle(), time: Date.now()}, 30);
    setStatus(t("running"));
    $("error").hidden = true;
    state.editor.clearError();
    var started = performance.now();
    request.then(function (response) {
      var truncated = response.headers.get("X-G60-Truncated") === "true";
      return response.text().then(function (body) {
        if (!response.ok) throw new Error(body.trim() || response.status + " " + response.statusText);
        var result = fmt === "json" ? fromJson(JSON.parse(body)) : fromNTriples(body);
        result.truncated = truncated;
        result.ms = Math.round(performance.now() - started);
        return result;
      });
    }).then(function (result) {
      state.result = result;
      state.table = {sort: null, desc: false, page: 0, filter: ""};
      return fetchLabels(result).then(function () { render(); });
    }).catch(function (err) {
      setStatus("");
      showError(String(err.message || err));
    });
  }

  function showError(message) {
    var box = $("error");
    var at = /line (\d+), column (\d+): (?:error at \d+:\d+: )?(.*)$/.exec(message);
    box.textContent = at ? t("error_at", {line: at[1], column: at[2]}) + at[3] : message;
    box.hidden = false;
    if (at) state.editor.showError(parseInt(at[1], 10), parseInt(at[2], 10), at[3]);
  }

  function setStatus(value) { $("status").textContent = value; }

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
      row.forEach(function (x) { if (x && x.type === "uri" && !state.labels[x.value]) iris[x.value] = true; });
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

  /* An entry's label in the page's language: {en, zh} from /api/labels or completion. */
  function pick(entry) {
    if (!entry) return "";
    return (state.lang === "zh" ? entry.zh || entry.en : entry.en || entry.zh) || "";
  }

  function labelOf(term) {
    if (!term) return "";
    if (term.type === "uri") return pick(state.labels[term.value]) || term.value;
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
      return a;
    }
    var node = el("span", null, labelOf(term));
    if (term["xml:lang"]) node.lang = term["xml:lang"];
    if (term.datatype) node.title = term.datatype;
    return node;
  }

  /* -- views ------------------------------------------------------------------------ */

  function numeric(term) {
    return !!term && term.type === "literal" && !!term.datatype &&
      /#(integer|decimal|double|float|int|long|nonNegativeInteger|positiveInteger)$/.test(term.datatype);
  }

  function temporal(term) {
    return !!term && term.type === "literal" && !!term.datatype &&
      [XSD + "date", XSD + "dateTime", XSD + "gYear", XSD + "gYearMonth"].indexOf(term.datatype) >= 0;
  }

  function columnHas(r, test) {
    return r.vars.some(function (v, i) { return r.rows.some(function (row) { return test(row[i]); }); });
  }

  /* The views this result's shape fits (each drawn by its renderer, see renderShared). */
  function fittingViews(r) {
    var fits = {table: true};
    if (r.ask || !r.rows.length) return fits;
    var iriColumns = r.vars.filter(function (v, i) {
      return r.rows.some(function (row) { return row[i] && row[i].type === "uri"; });
    }).length;
    fits.network = !!window.G60Network && !!window.vis && (r.graph || iriColumns >= 2);
    fits.map = !!window.G60Map && r.rows.some(function (row) { return coordinates(r, row) !== null; });
    fits.chart = !!window.G60Views && !r.graph && columnHas(r, numeric);
    fits.timeline = !!window.G60Views && !r.graph && columnHas(r, temporal);
    return fits;
  }

  function showView(view) {
    state.view = view;
    each(".tabs button", function (b) {
      var active = b.dataset.view === view;
      b.classList.toggle("active", active);
      b.setAttribute("aria-pressed", active ? "true" : "false");
    });
    VIEWS.forEach(function (v) { $("view-" + v).hidden = v !== view; });
    if (state.result) renderView(view);
    syncUrl();
  }

  function render() {
    var r = state.result;
    var status = r.ask ? t("answer_in", {v: r.rows[0][0].value, ms: r.ms})
      : t((r.graph ? "triple" : "row") + (r.rows.length === 1 ? "_in" : "s_in"), {n: r.rows.length, ms: r.ms});
    setStatus(status + (r.truncated ? t("truncated", {max: state.config.max_rows}) : ""));
    var fits = fittingViews(r);
    each(".tabs button", function (b) { b.hidden = !fits[b.dataset.view]; });
    VIEWS.forEach(function (v) { $("view-" + v).dataset.rendered = ""; });
    showView(fits[state.view] ? state.view : "table");
  }

  function renderView(view) {
    var host = $("view-" + view);
    if (host.dataset.rendered === "yes") return;
    host.dataset.rendered = "yes";
    clear(host);
    if (view === "table") renderTable(host);
    else renderShared(host, view);
  }

  /* -- the table: sorted, filtered, paged ------------------------------------------- */

  function sortKey(term) {
    if (!term) return [2, ""];
    if (numeric(term)) return [0, parseFloat(term.value)];
    return [1, labelOf(term).toLowerCase()];
  }

  function compare(a, b) {
    var x = sortKey(a), y = sortKey(b);
    if (x[0] !== y[0]) return x[0] - y[0];
    return x[1] < y[1] ? -1 : x[1] > y[1] ? 1 : 0;
  }

  function visibleRows() {
    var r = state.result, s = state.table;
    var words = s.filter.toLowerCase().split(/\s+/).filter(Boolean);
    var rows = r.rows.filter(function (row) {
      if (!words.length) return true;
      var hay = row.map(function (x) { return x ? labelOf(x) + " " + x.value : ""; }).join(" ").toLowerCase();
      return words.every(function (w) { return hay.indexOf(w) >= 0; });
    });
    if (s.sort !== null) {
      rows = rows.slice().sort(function (a, b) {
        var c = compare(a[s.sort], b[s.sort]);
        return s.desc ? -c : c;
      });
    }
    return rows;
  }

  function renderTable(host) {
    var r = state.result, s = state.table;
    var tools = el("div", "table-tools");
    var filter = el("input");
    filter.type = "search";
    filter.id = "table-filter";
    filter.placeholder = t("filter");
    filter.setAttribute("aria-label", t("filter"));
    filter.value = s.filter;
    tools.appendChild(filter);
    var info = el("span", "note");
    tools.appendChild(info);
    var pager = el("span", "pager");
    var prev = el("button", "small", t("previous"));
    var next = el("button", "small", t("next"));
    var pageInfo = el("span", "page-info");
    prev.type = next.type = "button";
    prev.dataset.page = "previous";
    next.dataset.page = "next";
    pager.appendChild(prev);
    pager.appendChild(pageInfo);
    pager.appendChild(next);
    tools.appendChild(pager);
    host.appendChild(tools);
    var scroll = el("div", "table-scroll");
    scroll.tabIndex = 0;
    var table = el("table", "results");
    var thead = el("thead");
    var head = el("tr");
    r.vars.forEach(function (v, i) {
      var th = el("th");
      th.setAttribute("aria-sort", s.sort === i ? (s.desc ? "descending" : "ascending") : "none");
      var button = el("button", "sort", v);
      button.type = "button";
      button.title = t("sort_by", {v: v});
      button.dataset.column = String(i);
      button.addEventListener("click", function () {
        if (s.sort === i) s.desc = !s.desc; else { s.sort = i; s.desc = false; }
        s.page = 0;
        redraw(host);
      });
      th.appendChild(button);
      head.appendChild(th);
    });
    thead.appendChild(head);
    table.appendChild(thead);
    var body = el("tbody");
    table.appendChild(body);
    scroll.appendChild(table);
    host.appendChild(scroll);

    function fill() {
      var rows = visibleRows();
      var pages = Math.max(1, Math.ceil(rows.length / PAGE_SIZE));
      s.page = Math.min(s.page, pages - 1);
      clear(body);
      rows.slice(s.page * PAGE_SIZE, (s.page + 1) * PAGE_SIZE).forEach(function (row) {
        var tr = el("tr");
        row.forEach(function (x) { var td = el("td"); td.appendChild(termNode(x)); tr.appendChild(td); });
        body.appendChild(tr);
      });
      info.textContent = t("rows_shown", {shown: rows.length, n: r.rows.length});
      pageInfo.textContent = t("page_of", {p: s.page + 1, n: pages});
      prev.disabled = s.page === 0;
      next.disabled = s.page >= pages - 1;
    }
    prev.addEventListener("click", function () { s.page -= 1; fill(); });
    next.addEventListener("click", function () { s.page += 1; fill(); });
    filter.addEventListener("input", function () { s.filter = filter.value; s.page = 0; fill(); });
    fill();
  }

  function redraw(host) {
    host.dataset.rendered = "";
    var focused = document.activeElement && document.activeElement.dataset
      ? document.activeElement.dataset.column : undefined;
    renderView("table");
    if (focused !== undefined) {
      var again = host.querySelector("button.sort[data-column='" + focused + "']");
      if (again) again.focus();
    }
  }

  /* Every view but the table is drawn by the renderer of the CLI's files, from the data
   * the server computes for the query with the same Python code (/api/view): network
   * (static/network.js, g60graph viz), map (static/map.js, g60graph map), chart and
   * timeline (static/views.js). So legend, palette, side panel and export buttons are
   * the files' own. */
  function chartKind() {
    var q = named();
    if (q && (q.view === "line-chart" || q.view === "bar-chart")) return q.view.slice(0, -6);
    return columnHas(state.result, temporal) ? "line" : "bar";
  }

  function viewKind(view) {
    return view === "chart" ? chartKind() : view;
  }

  function renderShared(host, view) {
    var params = pageParams();
    params.set("kind", viewKind(view));
    var box = el("div", "g60-view");
    host.appendChild(box);
    fetch("/api/view?" + params.toString(), {headers: {Accept: "application/json"}}).then(function (response) {
      if (!response.ok) return response.text().then(function (body) { throw new Error(body.trim()); });
      return response.json();
    }).then(function (answer) {
      if (view === "network") drawNetwork(box, answer);
      else if (view === "map") drawMap(box, answer);
      else window.G60Views.render(box, answer);
    }).catch(function (err) {
      host.appendChild(el("p", "note", String(err.message || err)));
    });
  }

  function drawNetwork(box, answer) {
    if (!answer.data.nodes.length) { box.appendChild(el("p", "note", t("no_resources"))); return; }
    var net = el("div", "network-host");
    box.appendChild(net);
    answer.options.height = "540px";
    window.G60Network.render(net, answer.data, answer.options);
  }

  /* The same elements as the page `g60graph map` writes: map.js puts its legend and
   * toolbar before the body and opens features in the panel #g60-panel. */
  function drawMap(box, answer) {
    var frame = el("div", "g60-mapview");
    var body = el("div", "g60-body");
    var map = el("div", "g60-map");
    map.id = "g60-map";
    var panel = el("aside", "g60-panel");
    panel.id = "g60-panel";
    body.appendChild(map);
    body.appendChild(panel);
    frame.appendChild(body);
    box.appendChild(frame);
    window.G60Map.render(map, answer.data, answer.options);
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

  /* -- language ----------------------------------------------------------------------- */

  function setLanguage(lang) {
    state.lang = lang;
    window.G60I18n.remember(lang);
    window.G60I18n.apply(document, lang);
    showGallery();
    if (named()) showQueryInfo();
    showStored();
    updateDownloads();
    if (state.result) render();
  }

  function showPrefixes() {
    var host = $("prefix-list");
    clear(host);
    Object.keys(state.config.prefixes || {}).forEach(function (p) {
      var item = el("li");
      var button = el("button", "link");
      button.type = "button";
      button.dataset.prefix = p;
      button.appendChild(el("code", null, p + ":"));
      button.appendChild(document.createTextNode(" "));
      button.appendChild(el("span", "note", state.config.prefixes[p]));
      button.addEventListener("click", function () { state.editor.addPrefixLines([p]); });
      item.appendChild(button);
      host.appendChild(item);
    });
  }

  /* -- start ----------------------------------------------------------------------------- */

  function start() {
    state.lang = window.G60I18n.initial();
    window.G60I18n.apply(document, state.lang);
    Promise.all([
      fetch("/api/config").then(function (r) { return r.json(); }),
      fetch("/api/queries").then(function (r) { return r.json(); })
    ]).then(function (answers) {
      state.config = answers[0];
      var syncSoon = null;
      state.editor = window.G60Editor.create($("editor"), {
        text: DEFAULT_QUERY,
        prefixes: state.config.prefixes || {},
        ariaLabel: t("editor_label"),
        onRun: run,
        onChange: function () {
          if (state.current && state.current.text !== text()) {
            state.current = null;
            $("params").hidden = true;
          }
          clearTimeout(syncSoon);
          syncSoon = setTimeout(syncUrl, 250);  // the URL follows the text as it is typed
        },
        vocabulary: function () {
          return fetch("/api/vocabulary").then(function (r) { return r.json(); });
        },
        entities: function (q) {
          return fetch("/api/entities?" + new URLSearchParams({q: q}).toString())
            .then(function (r) { return r.ok ? r.json() : []; });
        },
        label: pick
      });
      buildGallery(answers[1]);
      showPrefixes();
      showStored();
      $("run").addEventListener("click", run);
      $("lang").addEventListener("click", function () { setLanguage(state.lang === "zh" ? "en" : "zh"); });
      $("gallery-search").addEventListener("input", showGallery);
      $("param-fields").addEventListener("input", syncUrl);
      $("param-fields").addEventListener("keydown", function (ev) { if (ev.key === "Enter") run(); });
      $("add-prefixes").addEventListener("click", function () { state.editor.addPrefixLines(null); });
      $("save").addEventListener("click", function () {
        remember("g60graph.saved", {hash: shareHash(), title: entryTitle(), time: Date.now()}, 100);
        setStatus(t("saved_as"));
      });
      $("clear-history").addEventListener("click", function () { writeList("g60graph.history", []); showStored(); });
      $("clear-saved").addEventListener("click", function () { writeList("g60graph.saved", []); showStored(); });
      each(".tabs button", function (b) { b.addEventListener("click", function () { showView(b.dataset.view); }); });
      window.addEventListener("hashchange", function () { if (restore(location.hash)) run(); });
      var given = restore(location.hash || location.search);
      syncUrl();
      // for tests and the console
      window.G60Page = {text: text, run: run, completionReady: state.editor.completionReady};
      document.body.dataset.ready = "yes";
      if (given) run();
    });
  }

  start();
})();
