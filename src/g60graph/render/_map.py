"""The corridor map: one offline HTML page with an inline SVG drawn by static/map.js.

No tile server is needed: the cities are placed by their WKT points (Web Mercator,
so an optional online tile layer, ``--tiles URL``, lines up), coloured by province;
the expressway and railways join the cities they connect (east to west, nearest
next); parks and institutes sit around their city. Each feature opens the same side
panel as the network view (facts and sources).
"""

from __future__ import annotations

import math
import re
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from g60graph._namespaces import expand
from g60graph._wkt import point as wkt_point
from g60graph.render import _network_page as viz
from g60graph.sparql._named import library

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph

__all__ = [
    "LINE_COLOURS",
    "PROVINCE_COLOURS",
    "map_data",
    "render_map",
]

PROVINCE_COLOURS = ["#2b6cb0", "#c0392b", "#2f855a", "#b7791f", "#6b46c1", "#d53f8c"]
LINE_COLOURS = {"Expressway": "#dd6b20", "Railway": "#3c366b"}

def _feature(kg: KnowledgeGraph, ctx: Any, iri: URIRef, lang: str) -> dict[str, Any]:
    attrs = ctx.node_attributes(iri)
    facts = [{"p": ctx.label(URIRef(expand(k) or k)), "v": v}
             for k, v in attrs.items()
             if k not in {"iri", "label", "label_en", "label_zh", "class", "class_label", "types"}]
    return {"id": str(iri), "iri": str(iri), "label": kg.label(iri, lang),
            "groupLabel": attrs["class_label"], "facts": facts, "sources": ctx.sources(iri)}


def _route(points: list[tuple[float, float]]) -> list[tuple[float, float]]:
    """Order stops east to west by nearest neighbour (lines run out of Shanghai)."""
    todo = sorted(set(points), key=lambda p: -p[0])
    if not todo:
        return []
    route = [todo.pop(0)]
    while todo:
        last = route[-1]
        nxt = min(todo, key=lambda p: math.dist(p, last))
        todo.remove(nxt)
        route.append(nxt)
    return route


def map_data(kg: KnowledgeGraph, lang: str = "en") -> dict[str, Any]:
    """{places, lines, legend} for static/map.js."""
    from g60graph.network._graph import Context

    ctx = Context(kg.union_graph(), lang)
    coords: dict[str, tuple[float, float]] = {}
    provinces: dict[str, str] = {}
    for p_term, wkt, province in kg.query(library("map-places")).rows:
        lon_lat = wkt_point(str(wkt))
        if lon_lat:
            coords[str(p_term)] = lon_lat
            if province is not None:
                provinces[str(p_term)] = str(province)
    # a place with no point of its own (Shanghai) stands at a located-in place that has one
    stand_in = {str(o): str(i) for o, i in kg.query(library("map-stand-ins")).rows
                if str(i) in coords}

    def where(place: str) -> tuple[float, float] | None:
        return coords.get(place) or coords.get(stand_in.get(place, ""))

    province_ids = sorted(set(provinces.values()), key=lambda p: kg.label(URIRef(p)))
    colour = {p: PROVINCE_COLOURS[i % len(PROVINCE_COLOURS)] for i, p in enumerate(province_ids)}
    legend = [{"group": p, "label": kg.label(URIRef(p), lang), "color": colour[p], "shape": "dot"}
              for p in province_ids]
    places = []
    for iri, (lon, lat) in coords.items():
        item = _feature(kg, ctx, URIRef(iri), lang)
        prov = provinces.get(iri, "")
        item.update(kind="city", lon=lon, lat=lat, color=colour.get(prov, "#718096"),
                    group=prov)
        places.append(item)
    sites: dict[str, list[URIRef]] = {}
    for site, _kind, in_place in kg.query(library("map-sites")).rows:
        if where(str(in_place)) is not None:
            sites.setdefault(str(in_place), []).append(URIRef(str(site)))
    for place, members in sites.items():
        lon, lat = where(place) or (0.0, 0.0)
        for i, site in enumerate(members):
            # spread the sites on a small ring around their city
            angle = math.pi / 2 + 2 * math.pi * i / len(members)
            item = _feature(kg, ctx, site, lang)
            item.update(kind="site", lon=lon + 0.2 * math.cos(angle),
                        lat=lat + 0.16 * math.sin(angle), color="#ffffff",
                        city=place, anchor=[lon, lat])
            places.append(item)
    stops: dict[str, list[tuple[float, float]]] = {}
    kinds: dict[str, str] = {}
    for line, line_kind, stop in kg.query(library("map-lines")).rows:
        point = where(str(stop))
        kinds[str(line)] = str(line_kind).rsplit("#", 1)[-1]
        if point is not None:
            stops.setdefault(str(line), []).append(point)
    lines = []
    for line_iri, points in sorted(stops.items()):
        item = _feature(kg, ctx, URIRef(line_iri), lang)
        item.update(points=[list(p) for p in _route(points)],
                    color=LINE_COLOURS.get(kinds[line_iri], "#444444"), kind=kinds[line_iri])
        lines.append(item)
    for kind, col in LINE_COLOURS.items():
        if kind in kinds.values():
            legend.append({"group": kind, "label": ctx.label(URIRef(_G60 + kind)), "color": col,
                           "shape": "line"})
    site_label = "Park or institute" if lang == "en" else "园区或研究机构"
    legend.append({"group": "site", "label": site_label, "color": "#ffffff", "shape": "square"})
    return {"places": places, "lines": lines, "legend": legend}


_G60 = "https://w3id.org/g60graph/def#"

_BOOT = """(function () {
  var data = G60Network.readJson("g60-data");
  var options = G60Network.readJson("g60-options");
  window.g60map = G60Map.render(document.getElementById("g60-map"), data, options);
})();"""


def render_map(data: dict[str, Any], *, tiles: str | None = None, lang: str = "en") -> str:
    """The complete map page (works offline; ``tiles`` adds an online basemap)."""
    title = "The G60 corridor: cities, lines, parks" if lang == "en" else "G60科创走廊地图"
    places, lines = len(data["places"]), len(data["lines"])
    subtitle = (
        f"{places} places, {lines} lines. "
        "Drawn without a basemap; click a feature for its facts and sources."
        if lang != "zh"
        else f"{places} 个地点，{lines} 条线路。无底图；点击要素查看其事实和来源。"
    )
    options = {"tiles": tiles, "strings": viz.STRINGS.get(lang, {})}
    img_src = ""
    if tiles:
        match = re.match(r"^(https?://[A-Za-z0-9.-]+(?::[0-9]+)?)/", tiles)
        if not match:
            from g60graph._errors import InputError

            raise InputError(f"--tiles: expected an http(s) URL template, got {tiles!r}")
        img_src = match.group(1)
    body = ('<div class="g60-body"><main id="g60-map" class="g60-map"></main>'
            '<aside class="g60-panel" id="g60-panel"></aside></div>')
    return viz.page(
        title=title, subtitle=subtitle, body=body,
        scripts=[viz.static_text("network.js"), viz.static_text("export.js"),
                 viz.static_text("map.js"), _BOOT],
        styles=[viz.static_text("network.css")],
        data={"g60-data": data, "g60-options": options}, lang=lang, img_src=img_src,
    )
