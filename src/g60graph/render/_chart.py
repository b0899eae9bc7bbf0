"""Charts of numeric results (line and bar), drawn by Apache ECharts in one offline page.

``chart_data`` turns a SELECT result into plain data for static/views.js, following
the Wikidata Query Service's LineChart/BarChart convention: the first date column
(``?date`` if there is one) is the x axis of a line chart, the first other column
(``?city``, say) the categories of a bar chart, the first numeric column (``?value``)
the y axis, and the next column left (``?area``, ``?period``) groups the series.
Columns named ``unit``, ``qualifier``, ``status``, ``source`` and ``sourceUrl`` are
not plotted: they label the axis, the points and the chart's footer, so the unit
and the source are on the chart, also in an exported image.

The same data feeds the query page (issue 16): ``view_page`` is only the shell.
"""

from __future__ import annotations

import datetime as dt
import html
from collections.abc import Callable
from decimal import Decimal
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from g60graph._errors import InputError
from g60graph.render import _network_page as viz
from g60graph.results._model import QueryResult

__all__ = [
    "CHART_KINDS",
    "STRINGS",
    "chart_data",
    "echarts_asset",
    "iso_date",
    "view_page",
]

CHART_KINDS = ("line", "bar")
Labeller = Callable[[Identifier], str]

_ROLES = {"unit", "qualifier", "status", "source", "sourceUrl", "observation", "measure",
          "periodStart", "periodEnd", "sourceCount"}
_DATES = {XSD.date, XSD.dateTime, XSD.gYear, XSD.gYearMonth}
_STATIC = Path(__file__).resolve().parent / "static"
# a qualified figure shows its qualifier on the chart itself: "> 3.2T"
_MARKS = {"qualifier-more-than": ">", "qualifier-less-than": "<", "qualifier-approximately": "≈",
          "qualifier-nearly": "≈"}

STRINGS: dict[str, dict[str, str]] = {
    "en": {
        "source": "Source", "sources": "Sources", "more": "more", "unit": "Unit",
        "period": "Period", "download": "Download", "png": "PNG image", "svg": "SVG image",
        "made": "Made with g60graph; drawing: Apache ECharts. Data: CC-BY-4.0.",
        "target": "target", "producedAt": "at", "produced": "produced", "place": "place",
        "noData": "No rows to draw.",
    },
    "zh": {
        "source": "来源", "sources": "来源", "more": "其他", "unit": "单位",
        "period": "时期", "download": "下载", "png": "PNG 图片", "svg": "SVG 图片",
        "made": "由 g60graph 生成；绘图：Apache ECharts。数据：CC-BY-4.0。",
        "target": "目标", "producedAt": "发布于", "produced": "成果", "place": "地点",
        "noData": "没有可绘制的数据。",
    },
}


def iso_date(term: Identifier | None) -> tuple[str, str] | None:
    """(ISO date, precision) of a date-like literal: gYear 2021 is ("2021-01-01", "year")."""
    if not isinstance(term, Literal) or term.datatype not in _DATES:
        return None
    text = str(term).strip()
    try:
        if term.datatype == XSD.gYear:
            return f"{int(text[:4]):04d}-01-01", "year"
        if term.datatype == XSD.gYearMonth:
            year, month = int(text[:4]), int(text[5:7])
            return f"{year:04d}-{month:02d}-01", "month"
        return dt.date.fromisoformat(text[:10]).isoformat(), "day"
    except ValueError:
        return None


def _number(term: Identifier | None) -> float | None:
    if not isinstance(term, Literal) or term.datatype in _DATES:
        return None
    value = term.toPython()
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal):
        return None
    return float(value)


def _column(result: QueryResult, wanted: Callable[[int], bool], prefer: tuple[str, ...]) -> int:
    for name in prefer:
        if name in result.vars and wanted(result.vars.index(name)):
            return result.vars.index(name)
    for i, name in enumerate(result.vars):
        if name not in _ROLES and wanted(i):
            return i
    return -1


def _all(result: QueryResult, i: int, test: Callable[[Identifier | None], object]) -> bool:
    values = [row[i] for row in result.rows if row[i] is not None]
    return bool(values) and all(test(v) for v in values)


def chart_data(
    result: QueryResult,
    label: Labeller,
    *,
    kind: str = "line",
    lang: str = "en",
    title: str = "",
    subtitle: str = "",
) -> dict[str, Any]:
    """{kind, xType, xName, yName, series, units, sources, ...} for static/views.js."""
    if kind not in CHART_KINDS:
        raise InputError(f"--kind: {kind!r} is not one of {', '.join(CHART_KINDS)}")
    if result.form != "SELECT":
        raise InputError(f"a chart needs a SELECT query, not {result.form}")
    y = _column(result, lambda i: _all(result, i, _number), ("value",))
    if y < 0:
        raise InputError("a chart needs a numeric column (e.g. ?value): none found")
    if kind == "line":
        x = _column(result, lambda i: i != y and _all(result, i, iso_date), ("date",))
        if x < 0:
            raise InputError("a line chart needs a date column (e.g. ?date): none found")
    else:
        x = _column(result, lambda i: i != y and _all(result, i, lambda t: True), ("category",))
        if x < 0:
            raise InputError("a bar chart needs a column of categories (e.g. ?city)")
    group = _column(
        result, lambda i: i not in (x, y) and _all(result, i, lambda t: _number(t) is None),
        ("series", "group"),
    )
    col = {name: result.vars.index(name) for name in _ROLES if name in result.vars}

    def cell(row: tuple[Identifier | None, ...], name: str) -> Identifier | None:
        return row[col[name]] if name in col else None

    strings = STRINGS.get(lang, STRINGS["en"])
    seen: dict[str, dict[str, Any]] = {}  # one point per observation, its sources merged
    series: dict[tuple[str, str, bool], list[dict[str, Any]]] = {}
    sources: dict[str, dict[str, str]] = {}
    units: list[str] = []
    categories: list[str] = []
    for n, row in enumerate(result.rows):
        value, xterm = _number(row[y]), row[x]
        if value is None or xterm is None:
            continue
        source, url = cell(row, "source"), cell(row, "sourceUrl")
        src = None
        if source is not None:
            src = {"label": label(source), "url": str(url or (source if _web(source) else ""))}
            sources.setdefault(str(source), src)
        key = str(cell(row, "observation") or n)
        if key in seen:
            if src and src not in seen[key]["sources"]:
                seen[key]["sources"].append(src)
            continue
        unit = cell(row, "unit")
        unit_label = label(unit) if unit is not None else ""
        if unit_label not in units:
            units.append(unit_label)
        status = cell(row, "status")
        target = status is not None and str(status).endswith("target")
        grouped = row[group] if group >= 0 else None
        name = label(grouped) if grouped is not None else ""
        if kind == "line":
            xvalue, precision = iso_date(xterm) or ("", "day")
        else:
            xvalue, precision = label(xterm), ""
            if xvalue not in categories:
                categories.append(xvalue)
        qualifier = cell(row, "qualifier")
        period = [str(t) for t in (cell(row, "periodStart"), cell(row, "periodEnd")) if t]
        point = {
            "x": xvalue, "precision": precision, "y": value,
            "qualifier": label(qualifier) if qualifier is not None else "",
            "mark": _MARKS.get(str(qualifier).rsplit("/", 1)[-1], "") if qualifier else "",
            "period": " – ".join(dict.fromkeys(period)),
            "sources": [src] if src else [],
        }
        seen[key] = point
        series.setdefault((name, unit_label, target), []).append(point)
    several_units = len(units) > 1
    out_series = []
    for (name, unit_label, target), points in series.items():
        shown = name or (result.vars[y] if not several_units else "")
        if several_units and unit_label:
            shown = f"{shown} ({unit_label})" if shown else unit_label
        if target:
            shown = f"{shown} ({strings['target']})"
        out_series.append({"name": shown, "unit": unit_label, "axis": units.index(unit_label),
                           "dashed": target, "points": points})
    return {
        "kind": kind, "title": title, "subtitle": subtitle, "lang": lang,
        "xType": "time" if kind == "line" else "category", "categories": categories,
        "xName": result.vars[x], "yName": result.vars[y], "units": units,
        "series": out_series, "sources": sorted(sources.values(), key=lambda s: s["label"]),
        "strings": strings,
    }


def _web(term: Identifier) -> bool:
    return isinstance(term, URIRef) and str(term).lower().startswith(("http://", "https://"))


def echarts_asset() -> str:
    """The vendored ECharts build (see scripts/vendor-echarts.sh; licence beside it)."""
    return (_STATIC / "vendor" / "echarts" / "echarts.min.js").read_text(encoding="utf-8")


_BOOT = """(function () {
  var data = G60Network.readJson("g60-data");
  window.g60view = G60Views.render(document.getElementById("g60-view"), data);
})();"""


def view_page(data: dict[str, Any], *, title: str, subtitle: str = "", lang: str = "en") -> str:
    """The complete offline page for chart or timeline ``data`` (its ``kind`` says which)."""
    strings = STRINGS.get(lang, STRINGS["en"])
    footer = f'<footer class="g60-footer">{html.escape(strings["made"])}</footer>'
    return viz.page(
        title=title, subtitle=subtitle,
        body=f'<main id="g60-view" class="g60-view"></main>\n{footer}',
        scripts=[echarts_asset(), viz.static_text("network.js"), viz.static_text("export.js"),
                 viz.static_text("views.js"), _BOOT],
        styles=[viz.static_text("network.css"), viz.static_text("views.css")],
        data={"g60-data": data}, lang=lang,
    )
