/* g60graph query page: every UI string in English and Chinese.
 *
 * G60I18n.t(key, lang) gives the string; G60I18n.apply(root, lang) fills every element
 * carrying data-i18n (text), data-i18n-placeholder, data-i18n-label (aria-label) or
 * data-i18n-title; G60I18n.keys(lang) lists the keys. The chosen language is remembered in localStorage; the first visit
 * follows the browser's language.
 */
(function (root) {
  "use strict";

  var STRINGS = {
    en: {
      title: "Query the G60 corridor graph",
      nav_query: "query", nav_ontology: "ontology", nav_endpoint: "SPARQL endpoint",
      lang_toggle: "中文", lang_toggle_label: "Switch the page to Chinese",
      examples: "Examples", search_examples: "Search the examples", no_examples: "No example matches.",
      theme_places: "Places", theme_organisations: "Organisations", theme_events: "Events",
      theme_figures: "Figures", theme_diagrams: "Diagrams", theme_data_quality: "Data quality",
      theme_other: "Other queries", theme_user: "This server's own queries",
      editor_label: "SPARQL query (Ctrl+Enter runs)",
      prefixes: "Predeclared prefixes", prefixes_note: "Usable without a PREFIX line; click one to add its PREFIX line.",
      add_prefixes: "Add PREFIX lines for the prefixes used",
      run: "Run", share: "Link to this query", save: "Save", saved_as: "Saved.",
      running: "Running…", row_in: "{n} row in {ms} ms", triple_in: "{n} triple in {ms} ms", rows_in: "{n} rows in {ms} ms", triples_in: "{n} triples in {ms} ms",
      answer_in: "Answer: {v} ({ms} ms)", truncated: " — cut at the server's limit of {max} rows",
      error_at: "Line {line}, column {column}: ",
      view_table: "Table", view_network: "Network", view_map: "Map", view_chart: "Chart",
      view_timeline: "Timeline", result_views: "Result views",
      filter: "Filter rows", page_of: "Page {p} of {n}", previous: "Previous", next: "Next",
      rows_shown: "{shown} of {n} rows", sort_by: "Sort by {v}",
      no_resources: "No resources to draw in this result.",
      renderer_missing: "This view's renderer is not available.",
      downloads: "Download", spreadsheet_csv: "CSV for spreadsheets", xlsx: "Excel (XLSX)",
      code: "Code", code_note: "This query from a program:",
      history: "History", saved: "Saved queries", clear: "Clear", none_yet: "Nothing yet.",
      params: "Parameters", required: "required", default_is: "default {v}"
    },
    zh: {
      title: "查询长三角G60科创走廊知识图谱",
      nav_query: "查询", nav_ontology: "本体", nav_endpoint: "SPARQL 端点",
      lang_toggle: "English", lang_toggle_label: "将页面切换为英文",
      examples: "示例查询", search_examples: "搜索示例", no_examples: "没有匹配的示例。",
      theme_places: "地点", theme_organisations: "组织", theme_events: "事件",
      theme_figures: "数据指标", theme_diagrams: "图示", theme_data_quality: "数据质量",
      theme_other: "其他查询", theme_user: "本服务器的自定义查询",
      editor_label: "SPARQL 查询（Ctrl+Enter 运行）",
      prefixes: "预声明前缀", prefixes_note: "无需 PREFIX 行即可使用；点击可添加其 PREFIX 行。",
      add_prefixes: "为已用前缀添加 PREFIX 行",
      run: "运行", share: "本查询的链接", save: "保存", saved_as: "已保存。",
      running: "运行中…", row_in: "{n} 行，用时 {ms} 毫秒", triple_in: "{n} 个三元组，用时 {ms} 毫秒", rows_in: "{n} 行，用时 {ms} 毫秒", triples_in: "{n} 个三元组，用时 {ms} 毫秒",
      answer_in: "结果：{v}（{ms} 毫秒）", truncated: "——已按服务器上限 {max} 行截断",
      error_at: "第 {line} 行第 {column} 列：",
      view_table: "表格", view_network: "网络", view_map: "地图", view_chart: "图表",
      view_timeline: "时间线", result_views: "结果视图",
      filter: "筛选行", page_of: "第 {p} 页，共 {n} 页", previous: "上一页", next: "下一页",
      rows_shown: "显示 {shown} 行，共 {n} 行", sort_by: "按 {v} 排序",
      no_resources: "此结果中没有可绘制的资源。",
      renderer_missing: "此视图的渲染器不可用。",
      downloads: "下载", spreadsheet_csv: "表格软件用 CSV", xlsx: "Excel（XLSX）",
      code: "代码", code_note: "在程序中运行本查询：",
      history: "历史记录", saved: "已保存的查询", clear: "清除", none_yet: "暂无。",
      params: "参数", required: "必填", default_is: "默认 {v}"
    }
  };

  var KEY = "g60graph.lang";

  function stored() {
    try { return localStorage.getItem(KEY); } catch (e) { return null; }
  }

  function initial() {
    var given = stored();
    if (given === "en" || given === "zh") return given;
    var browser = (navigator.languages && navigator.languages[0]) || navigator.language || "en";
    return /^zh\b/i.test(browser) ? "zh" : "en";
  }

  function remember(lang) {
    try { localStorage.setItem(KEY, lang); } catch (e) { /* private mode: not remembered */ }
  }

  function t(key, lang, values) {
    var text = (STRINGS[lang] && STRINGS[lang][key]) || STRINGS.en[key] || key;
    Object.keys(values || {}).forEach(function (k) { text = text.split("{" + k + "}").join(String(values[k])); });
    return text;
  }

  function apply(host, lang) {
    function each(attr, fn) {
      Array.prototype.forEach.call(host.querySelectorAll("[" + attr + "]"), function (node) {
        fn(node, t(node.getAttribute(attr), lang));
      });
    }
    each("data-i18n", function (node, text) { node.textContent = text; });
    each("data-i18n-placeholder", function (node, text) { node.setAttribute("placeholder", text); });
    each("data-i18n-label", function (node, text) { node.setAttribute("aria-label", text); });
    each("data-i18n-title", function (node, text) { node.setAttribute("title", text); });
    document.documentElement.lang = lang === "zh" ? "zh-Hans" : "en";
  }

  function keys(lang) { return Object.keys(STRINGS[lang] || {}); }

  root.G60I18n = {t: t, apply: apply, initial: initial, remember: remember, keys: keys,
                  languages: ["en", "zh"]};
})(window);
