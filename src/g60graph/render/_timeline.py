"""The timeline view: dated items on a time axis, one lane per class, and a list.

``timeline_data`` reads a SELECT with a date column (``?date``) and, where present,
``?item`` (the thing dated), ``?type`` (its class: the lane, coloured by the one
palette), ``?label``, ``?dateKind`` (what the date marks), ``?place``, ``?at`` (the
conference it was made at: the list shows what each conference produced) and
``?source``/``?sourceUrl``. The named query ``timeline`` has this shape.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

from rdflib import URIRef
from rdflib.term import Identifier

from g60graph._errors import InputError
from g60graph.render._chart import STRINGS, iso_date
from g60graph.render._palette import echarts_symbol, style_for
from g60graph.results._model import QueryResult

__all__ = [
    "DATE_KINDS",
    "timeline_data",
]

Labeller = Callable[[Identifier], str]

# What a date marks, as the timeline query names it, in Chinese.
DATE_KINDS = {"started": "开始", "founded": "成立", "dated": "日期", "in force": "施行",
              "opened": "开通", "reported": "报道"}


def timeline_data(
    result: QueryResult,
    label: Labeller,
    *,
    lang: str = "en",
    title: str = "",
    subtitle: str = "",
) -> dict[str, Any]:
    """{kind: "timeline", lanes, items, ...} for static/views.js."""
    if result.form != "SELECT":
        raise InputError(f"a timeline needs a SELECT query, not {result.form}")
    names = result.vars
    dated = [i for i, _ in enumerate(names)
             if any(iso_date(row[i]) for row in result.rows)]
    if not dated:
        raise InputError("a timeline needs a date column (e.g. ?date): none found")
    x = names.index("date") if "date" in names and names.index("date") in dated else dated[0]

    def get(row: tuple[Identifier | None, ...], name: str) -> Identifier | None:
        return row[names.index(name)] if name in names else None

    lanes: dict[str, dict[str, Any]] = {}
    items: list[dict[str, Any]] = []
    seen: dict[tuple[str, str], dict[str, Any]] = {}
    for n, row in enumerate(result.rows):
        when = iso_date(row[x])
        if when is None:
            continue
        item, cls = get(row, "item"), get(row, "type")
        key = (str(item) if item is not None else f"row{n}", when[0])
        source, url = get(row, "source"), get(row, "sourceUrl")
        src = None
        if source is not None:
            web = str(source).lower().startswith(("http://", "https://"))
            src = {"label": label(source), "url": str(url or (source if web else ""))}
        if key in seen:  # another source for the same dated item
            if src and src not in seen[key]["sources"]:
                seen[key]["sources"].append(src)
            continue
        style = style_for(str(cls)) if cls is not None else style_for("")
        lane = style.key or "other"
        if lane not in lanes:
            lanes[lane] = {"key": lane, "label": label(URIRef(style.key)) if style.key else "",
                           "color": style.colour, "symbol": echarts_symbol(style.shape)}
        text = label(item) if isinstance(item, URIRef) else str(get(row, "label") or "")
        if not text and get(row, "label") is not None:
            text = str(get(row, "label"))
        kind = str(get(row, "dateKind") or "")
        place, at = get(row, "place"), get(row, "at")
        entry: dict[str, Any] = {
            "date": when[0], "precision": when[1], "text": str(row[x]), "label": text,
            "lane": lane, "iri": str(item) if isinstance(item, URIRef) else "",
            "dateKind": DATE_KINDS.get(kind, kind) if lang == "zh" else kind,
            "place": label(place) if place is not None else "",
            "at": str(at) if at is not None else "",
            "atLabel": label(at) if at is not None else "",
            "sources": [src] if src else [],
        }
        seen[key] = entry
        items.append(entry)
    # lanes in the palette's order of families, most items first within equal styles
    counts = {k: sum(1 for i in items if i["lane"] == k) for k in lanes}
    ordered: list[dict[str, Any]] = sorted(
        lanes.values(), key=lambda e: (-counts[e["key"]], str(e["label"]))
    )
    for lane_entry in ordered:
        lane_entry["count"] = counts[lane_entry["key"]]
        if not lane_entry["label"]:
            lane_entry["label"] = "Other" if lang != "zh" else "其他"
    return {"kind": "timeline", "title": title, "subtitle": subtitle, "lang": lang,
            "lanes": ordered, "items": items, "strings": STRINGS.get(lang, STRINGS["en"])}
