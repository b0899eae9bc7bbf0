/* g60graph chart and timeline views, drawn with Apache ECharts (vendored).
 *
 * Stable entry point (shared by `g60graph chart|timeline` pages, notebooks and the
 * server's query page):
 *
 *   G60Views.render(container, data) -> {chart, option, png(), svg()}
 *
 * data is what g60graph.render chart_data() or timeline_data() returns; data.kind is
 * "line", "bar" or "timeline". Chart text (axes, legend, labels) is drawn by ECharts
 * as SVG text; tooltips and the lists under the chart are DOM nodes built with
 * textContent; links are only ever http(s). Animation is off, so the same data draws
 * the same picture. The container gets data-state="stable" once drawn.
 */
(function (root) {
  "use strict";

  var el = root.G60Network.el;
  // single quotes: ECharts writes this into SVG style attributes as it is
  var FONT = "system-ui, 'Noto Sans CJK SC', 'Noto Sans SC', 'Microsoft YaHei', sans-serif";

  function numberFormat(lang) {
    var nf = new Intl.NumberFormat(lang === "zh" ? "zh-CN" : "en",
                                   {notation: "compact", maximumSignificantDigits: 4});
    return function (v) { return nf.format(v); };
  }

  function linkTo(text, url) {
    if (typeof url === "string" && /^https?:\/\//i.test(url)) {
      var a = el("a", null, text);
      a.href = url;
      a.rel = "noopener noreferrer nofollow";
      a.target = "_blank";
      return a;
    }
    return el("span", null, text);
  }

  function sourcesLine(sources, strings) {
    if (!sources.length) return "";
    var names = sources.slice(0, 2).map(function (s) { return s.label; });
    var more = sources.length > 2 ? " (+" + (sources.length - 2) + " " + strings.more + ")" : "";
    return (sources.length > 1 ? strings.sources : strings.source) + ": " + names.join("; ") + more;
  }

  function sourceList(sources, strings) {
    var box = el("section", "g60-view-sources");
    if (!sources.length) return box;
    box.appendChild(el("h2", null, strings.sources));
    var list = el("ol");
    sources.forEach(function (s) {
      var li = el("li");
      li.appendChild(linkTo(s.label, s.url));
      list.appendChild(li);
    });
    box.appendChild(list);
    return box;
  }

  function tooltipBox(title, rows, sources, strings) {
    var box = el("div", "g60-tip");
    box.appendChild(el("strong", null, title));
    rows.forEach(function (r) { if (r) box.appendChild(el("div", null, r)); });
    if (sources && sources.length) box.appendChild(el("div", "g60-tip-source", sourcesLine(sources, strings)));
    return box;
  }

  function chartOption(data) {
    var s = data.strings, nf = numberFormat(data.lang);
    var units = data.units.length ? data.units : [""];
    var bar = data.kind === "bar";
    var yAxis = units.map(function (u, i) {
      return {type: "value", name: u ? s.unit + ": " + u : "", position: i % 2 ? "right" : "left",
              offset: i > 1 ? 64 * Math.floor(i / 2) : 0, axisLabel: {formatter: nf},
              nameTextStyle: {align: i % 2 ? "right" : "left"}, scale: !bar};
    });
    var series = data.series.map(function (ser) {
      var values;
      if (bar) {
        values = data.categories.map(function (c) {
          var p = ser.points.filter(function (q) { return q.x === c; })[0];
          return p ? {value: p.y, point: p} : null;
        });
      } else {
        values = ser.points.map(function (p) { return {value: [p.x, p.y], point: p}; });
      }
      return {
        name: ser.name, type: data.kind, yAxisIndex: ser.axis, data: values,
        symbolSize: 8, connectNulls: true,
        lineStyle: ser.dashed ? {type: "dashed"} : undefined,
        label: {show: ser.points.length <= 30, position: "top", fontSize: 11,
                formatter: function (q) { return q.data ? (q.data.point.mark || "") + nf(q.data.point.y) : ""; }}
      };
    });
    return {
      backgroundColor: "#ffffff",
      animation: false,
      textStyle: {fontFamily: FONT},
      title: {text: data.title, subtext: data.subtitle, left: 12, top: 8,
              textStyle: {fontSize: 16}, subtextStyle: {fontSize: 12, color: "#555"}},
      legend: {type: "scroll", top: 58, left: 12, right: 12},
      grid: {top: 110, bottom: 64, left: 24, right: units.length > 1 ? 24 : 32, containLabel: true},
      tooltip: {trigger: "item", confine: true, formatter: function (q) {
        var p = q.data && q.data.point;
        if (!p) return "";
        return tooltipBox(q.seriesName, [
          (p.qualifier ? p.qualifier + " " : "") + nf(p.y) + (data.units.length ? " " + (data.series[q.seriesIndex].unit || "") : ""),
          p.period ? s.period + ": " + p.period : (bar ? "" : p.x)
        ], p.sources, s);
      }},
      xAxis: bar ? {type: "category", data: data.categories, axisLabel: {interval: 0, rotate: data.categories.length > 6 ? 30 : 0}}
                 : timeAxis([].concat.apply([], data.series.map(function (x) {
                     return x.points.map(function (p) { return p.x; }); }))),
      yAxis: yAxis,
      series: series,
      graphic: [{type: "text", left: 12, bottom: 10,
                 style: {text: sourcesLine(data.sources, s), fontSize: 11, fill: "#444", fontFamily: FONT}}]
    };
  }

  /* A time axis with room around the first and last date (at least four months). */
  function timeAxis(dates, extra) {
    var times = dates.map(function (d) { return Date.parse(d); }).filter(function (t) { return !isNaN(t); });
    var axis = {type: "time"};
    if (times.length) {
      var lo = Math.min.apply(null, times), hi = Math.max.apply(null, times);
      var pad = Math.max((hi - lo) * 0.04, 120 * 864e5);
      axis.min = lo - pad;
      axis.max = hi + pad;
    }
    Object.keys(extra || {}).forEach(function (k) { axis[k] = extra[k]; });
    return axis;
  }

  function shortLabel(text) {
    text = String(text);
    return text.length > 34 ? text.slice(0, 33) + "\u2026" : text;
  }

  var LABEL_W = 180;  // px: the widest label beside a timeline's mark

  function timelineOption(data) {
    var s = data.strings;
    var lanes = data.lanes.map(function (l) { return l.label; });
    var stacked = {};
    var series = data.lanes.map(function (lane) {
      var mine = data.items.filter(function (it) { return it.lane === lane.key; });
      return {
        type: "scatter", name: lane.label, symbol: lane.symbol, symbolSize: 14,
        itemStyle: {color: lane.color, borderColor: "#1a202c", borderWidth: 1},
        data: mine.map(function (it) {
          var key = lane.key + "|" + it.date;
          var k = stacked[key] = (stacked[key] || 0) + 1;
          // items on one day in one lane fan out instead of hiding each other
          return {value: [it.date, lane.label], item: it,
                  symbolOffset: [0, (k - 1) % 2 ? -9 * Math.ceil((k - 1) / 2) : 9 * ((k - 1) / 2)]};
        }),
        // at most the grid's right margin wide, so a label by the last date stays in view
        label: {show: true, position: "right", fontSize: 11, color: "#1a202c",
                width: LABEL_W, overflow: "truncate",
                formatter: function (q) { return shortLabel(q.data.item.label); }},
        labelLayout: {hideOverlap: true}
      };
    });
    return {
      backgroundColor: "#ffffff",
      animation: false,
      textStyle: {fontFamily: FONT},
      title: {text: data.title, subtext: data.subtitle, left: 12, top: 8,
              textStyle: {fontSize: 16}, subtextStyle: {fontSize: 12, color: "#555"}},
      legend: {type: "scroll", top: 58, left: 12, right: 12},
      grid: {top: 100, bottom: 90, left: 24, right: LABEL_W + 20, containLabel: true},
      tooltip: {trigger: "item", confine: true, formatter: function (q) {
        var it = q.data.item;
        return tooltipBox(it.label, [
          it.text + (it.dateKind ? " (" + it.dateKind + ")" : "") + " \u00b7 " + q.seriesName,
          it.place ? s.place + ": " + it.place : "",
          it.atLabel ? s.producedAt + ": " + it.atLabel : ""
        ], it.sources, s);
      }},
      xAxis: timeAxis(data.items.map(function (it) { return it.date; }),
                      {splitLine: {show: true, lineStyle: {color: "#edf2f7"}}}),
      yAxis: {type: "category", data: lanes, inverse: true, axisTick: {show: false},
              splitLine: {show: true, lineStyle: {color: "#edf2f7"}}},
      dataZoom: [{type: "inside", xAxisIndex: 0}, {type: "slider", xAxisIndex: 0, bottom: 36, height: 18}],
      series: series,
      graphic: [{type: "text", left: 12, bottom: 10,
                 style: {text: data.items.length + " \u00b7 " + s.made, fontSize: 11, fill: "#444", fontFamily: FONT}}]
    };
  }

  /* The list under the timeline: every item by date, with what each conference produced. */
  function eventList(data) {
    var s = data.strings;
    var byIri = {};
    var produced = {};
    data.items.forEach(function (it) {
      if (it.iri) byIri[it.iri] = it;
      if (it.at) (produced[it.at] = produced[it.at] || []).push(it);
    });
    var lanes = {};
    data.lanes.forEach(function (l) { lanes[l.key] = l; });
    var box = el("section", "g60-events");
    var year = null, list = null;
    data.items.forEach(function (it) {
      var y = it.date.slice(0, 4);
      if (y !== year) {
        year = y;
        box.appendChild(el("h2", null, y));
        list = el("ol", "g60-event-list");
        box.appendChild(list);
      }
      var li = el("li", "g60-event");
      var swatch = el("span", "g60-swatch");
      swatch.style.backgroundColor = lanes[it.lane].color;
      li.appendChild(swatch);
      li.appendChild(el("span", "g60-event-date", it.text));
      li.appendChild(el("span", "g60-event-label", it.label));
      var bits = [lanes[it.lane].label];
      if (it.dateKind) bits.push(it.dateKind);
      if (it.place) bits.push(it.place);
      li.appendChild(el("span", "g60-event-meta", bits.join(" \u00b7 ")));
      if (it.atLabel) li.appendChild(el("div", "g60-event-at", s.producedAt + ": " + it.atLabel));
      if (it.iri && produced[it.iri]) {
        li.appendChild(el("div", "g60-event-produced",
          s.produced + ": " + produced[it.iri].map(function (p) { return p.label; }).join("; ")));
      }
      it.sources.forEach(function (src) {
        var line = el("div", "g60-event-source");
        line.appendChild(linkTo(src.label, src.url));
        li.appendChild(line);
      });
      list.appendChild(li);
    });
    return box;
  }

  function pngOf(option, width, height) {
    var host = el("div");
    host.style.cssText = "position:absolute;left:-20000px;top:0;width:" + width + "px;height:" + height + "px";
    document.body.appendChild(host);
    var off = root.echarts.init(host, null, {renderer: "canvas", width: width, height: height});
    off.setOption(option);
    var url = off.getDataURL({type: "png", pixelRatio: 2, backgroundColor: "#ffffff"});
    off.dispose();
    host.parentNode.removeChild(host);
    return url;
  }

  function render(container, data) {
    while (container.firstChild) container.removeChild(container.firstChild);
    container.setAttribute("data-state", "loading");
    var s = data.strings;
    var timeline = data.kind === "timeline";
    var toolbar = el("div", "g60-toolbar");
    var plot = el("div", "g60-plot");
    var count = timeline ? data.items.length : data.series.reduce(function (n, x) { return n + x.points.length; }, 0);
    var height = timeline ? Math.max(420, data.lanes.length * 52 + 220) : 520;
    plot.style.height = height + "px";
    container.appendChild(toolbar);
    container.appendChild(plot);
    container.setAttribute("data-points", String(count));
    if (!count) container.appendChild(el("p", "g60-hint", s.noData));
    var option = timeline ? timelineOption(data) : chartOption(data);
    var chart = root.echarts.init(plot, null, {renderer: "svg"});
    chart.setOption(option);
    root.addEventListener("resize", function () { chart.resize(); });
    var exporters = {
      svg: function () { return chart.renderToSVGString(); },
      png: function () { return pngOf(option, plot.clientWidth || 1000, height); }
    };
    root.G60Export.buttons(toolbar, exporters, s, timeline ? "g60graph-timeline" : "g60graph-chart");
    container.appendChild(timeline ? eventList(data) : sourceList(data.sources, s));
    container.setAttribute("data-state", "stable");
    root.G60Export.fromHash(exporters);
    return {chart: chart, option: option, png: exporters.png, svg: exporters.svg};
  }

  root.G60Views = {render: render, chartOption: chartOption, timelineOption: timelineOption};
})(typeof window !== "undefined" ? window : this);
