"""The corridor map: one offline HTML page with an inline SVG drawn by static/map.js.

Geographic context is Natural Earth (public domain): 1:10m land, lakes, coast, province
lines and areas with their names, 1:50m rivers; cut to the Yangtze River Delta and
vendored in static/basemap (scripts/vendor-basemap.py). The graph's provinces are
tinted in their colour (found by Wikidata id, else English name). On it, what the
graph holds and nothing more: places at their WKT points, in their class's colour; each
expressway and railway through the places it ``g60:connects`` (a straight-segment
schematic, ordered east to west, unless the line has a LINESTRING of its own); its
stations (``g60:hasStation``) at their own point or at the point of the place they
are in; parks and institutes around their city, each labelled where its label
overlaps nothing (static/map.js places them). The legend says which is which.
Lambert conformal conic offline (Web Mercator when ``--tiles`` asks for an online
layer that must line up), with a scale bar, a north arrow and an attribution line.
"""

from __future__ import annotations

import json
import math
import re
from functools import cache
from typing import TYPE_CHECKING, Any

from rdflib import URIRef

from g60graph._namespaces import expand
from g60graph._wkt import lines as wkt_lines
from g60graph._wkt import point as wkt_point
from g60graph.render import _network_page as viz
from g60graph.render._palette import style_for
from g60graph.sparql._named import library

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph

__all__ = [
    "LINE_COLOURS",
    "PROVINCE_COLOURS",
    "RIVER_COLOUR",
    "basemap",
    "feature",
    "map_data",
    "map_options",
    "render_map",
]

_G60 = "https://w3id.org/g60graph/def#"
_CENTROID = URIRef("http://www.opengis.net/ont/geosparql#hasCentroid")
PROVINCE_COLOURS = ["#2b6cb0", "#c0392b", "#2f855a", "#b7791f", "#6b46c1", "#d53f8c"]
# the classes' colours from the one palette, so a line looks as it does in the network
LINE_COLOURS = {kind: style_for(_G60 + kind).colour for kind in ("Expressway", "Railway")}
_STATION = style_for(_G60 + "RailwayStation").colour
RIVER_COLOUR = "#5b8fc7"
_DASHES = ["", "9 5", "3 4", "12 4 3 4"]  # a second line of the same class is told apart

# The map's queries are queries/library/map-*.rq; points come through geo:hasCentroid
# (v2's cities) or geo:hasGeometry, each with geo:asWKT.

_TEXT = {
    "en": {
        "title": "The G60 corridor: cities, lines, parks",
        "subtitle": "{places} places, {lines} lines, on Natural Earth. "
                    "Click a feature for its facts and sources.",
        "site": "Parks and institutes without a point of their own are drawn around the "
                "city they are in.",
        "station": "Station (at the point of the place it is in)",
        "schematic": "Lines: straight segments between the places the graph says they "
                     "connect, east to west (the graph holds no route geometry for them)",
        "routes": "Lines with a route in the graph: drawn along it",
        "undrawn": "Not drawn, as the graph locates fewer than two of the places "
                   "they connect: {names}",
        "and": "; ",
        "attribution": "Basemap: Natural Earth 1:10m, rivers 1:50m (public domain). Places "
                       "and lines: g60graph, from {sources} cited sources (click a feature "
                       "for them).",
        "attribution_plain": "Basemap: Natural Earth 1:10m, rivers 1:50m (public domain). "
                             "Places and lines: g60graph (click a feature for its facts).",
        "river": "River (Natural Earth 1:50m)",
        "north": "N",
        "conic": "Lambert conformal conic, standard parallels {a}° and {b}°, "
                 "central meridian {c}°",
        "mercator": "Web Mercator",
    },
    "zh": {
        "title": "G60科创走廊地图",
        "subtitle": "{places} 个地点，{lines} 条线路，底图为 Natural Earth。"
                    "点击要素查看其事实和来源。",
        "site": "无自身坐标的园区和研究机构画在所在城市周围。",
        "station": "车站（画在所在地点的坐标处）",
        "schematic": "线路：按图谱所载连接地点由东向西以直线段连接（图谱无其线路几何）",
        "routes": "图谱载有走向的线路：按其走向绘制",
        "undrawn": "未绘出（图谱中其连接地点有坐标者不足两个）：{names}",
        "and": "；",
        "attribution": "底图：Natural Earth 1:10m，河流 1:50m（公有领域）。地点与线路："
                       "g60graph，来自 {sources} 个引用来源（点击要素查看）。",
        "attribution_plain": "底图：Natural Earth 1:10m，河流 1:50m（公有领域）。地点与线路："
                             "g60graph（点击要素查看其事实）。",
        "river": "河流（Natural Earth 1:50m）",
        "north": "北",
        "conic": "兰勃特等角圆锥投影，标准纬线 {a}° 与 {b}°，中央经线 {c}°",
        "mercator": "Web 墨卡托投影",
    },
}


@cache
def basemap() -> dict[str, Any]:
    """The vendored Natural Earth cut (GeoJSON), parsed once."""
    text = viz.static_text("basemap/yrd-10m.geojson")
    parsed: dict[str, Any] = json.loads(text)
    return parsed


def feature(kg: KnowledgeGraph, ctx: Any, iri: URIRef, lang: str) -> dict[str, Any]:
    """One map feature's label, facts and sources (its side panel), from a network Context."""
    attrs = ctx.node_attributes(iri)
    facts = [{"p": ctx.label(URIRef(expand(k) or k)), "v": v}
             for k, v in attrs.items()
             if k not in {"iri", "label", "label_en", "label_zh", "class", "class_label", "types"}]
    style = style_for(attrs["class"], attrs["types"].split())
    return {"id": str(iri), "iri": str(iri), "label": kg.label(iri, lang),
            "label_en": attrs["label_en"], "label_zh": attrs["label_zh"],
            "groupLabel": attrs["class_label"], "facts": facts, "sources": ctx.sources(iri),
            "class": style.key, "class_colour": style.colour}


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


Track = list[list[tuple[float, float]]]  # a line's polylines


def _points(kg: KnowledgeGraph) -> tuple[dict[str, tuple[float, float]], dict[str, str],
                                         dict[str, Track]]:
    """Each feature's point (a centroid wins), its province, and by feature the
    polylines of all its (MULTI)LINESTRING geometries."""
    coords: dict[str, tuple[float, float]] = {}
    provinces: dict[str, str] = {}
    tracks: dict[str, Track] = {}
    for p_term, via, wkt, province in kg.query(library("map-places")).rows:
        key = str(p_term)
        if province is not None:
            provinces[key] = str(province)
        if (lon_lat := wkt_point(str(wkt))) and (key not in coords or via == _CENTROID):
            coords[key] = lon_lat
        elif parts := wkt_lines(str(wkt)):
            tracks.setdefault(key, []).extend(parts)
    return coords, provinces, tracks


def map_data(kg: KnowledgeGraph, lang: str = "en") -> dict[str, Any]:
    """{places, lines, stations, areas, legend, notes, attribution} for static/map.js."""
    from g60graph.network._graph import Context

    text = _TEXT.get(lang, _TEXT["en"])
    ctx = Context.of(kg, lang)
    coords, provinces, tracks = _points(kg)
    # a place with no point stands at the one place in it that has one (Shanghai at
    # Songjiang); a province holding several (sources say a line "connects Zhejiang")
    # has no single point to stand at, so it is not drawn rather than drawn at any city
    inners: dict[str, set[str]] = {}
    for outer, inner in kg.query(library("map-stand-ins")).rows:
        if str(inner) in coords:
            inners.setdefault(str(outer), set()).add(str(inner))
    stand_in = {o: next(iter(i)) for o, i in inners.items() if len(i) == 1}

    def where(place: str) -> tuple[float, float] | None:
        return coords.get(place) or coords.get(stand_in.get(place, ""))

    province_ids = sorted(set(provinces.values()), key=lambda p: kg.label(URIRef(p)))
    colour = {p: PROVINCE_COLOURS[i % len(PROVINCE_COLOURS)] for i, p in enumerate(province_ids)}
    # provinces are areas tinted in their colour; a place's mark has its class's colour
    # from the one palette, as in every diagram
    legend = [{"group": p, "label": kg.label(URIRef(p), lang), "color": colour[p],
               "shape": "area"} for p in province_ids if any(provinces.get(c) == p for c in coords)]
    classes: dict[str, dict[str, Any]] = {}
    site_rows = kg.query(library("map-sites")).rows
    stations_rows = kg.query(library("map-stations")).rows
    own_marks = {str(r[1]) for r in stations_rows} | {str(r[0]) for r in site_rows}
    places = []
    for iri, (lon, lat) in coords.items():
        if iri in own_marks:
            continue  # a station or a site with a point of its own: drawn as one, below
        item = feature(kg, ctx, URIRef(iri), lang)
        item.update(kind="city", lon=lon, lat=lat, color=item["class_colour"],
                    group=item["class"], province=provinces.get(iri, ""))
        classes.setdefault(item["class"], {"group": item["class"], "label": item["groupLabel"],
                                           "color": item["class_colour"], "shape": "dot"})
        places.append(item)
    sites: dict[str, list[URIRef]] = {}
    seen: set[tuple[str, str]] = set()
    for site, _kind, in_place in site_rows:
        if (str(site), str(in_place)) in seen:
            continue  # sources may give it two classes (a park and a base): one mark
        seen.add((str(site), str(in_place)))
        if str(site) in coords:
            item = feature(kg, ctx, URIRef(str(site)), lang)
            lon, lat = coords[str(site)]
            item.update(kind="site", lon=lon, lat=lat, color=item["class_colour"],
                        group=item["class"], city=str(in_place))
            places.append(item)
        elif where(str(in_place)) is not None:
            sites.setdefault(str(in_place), []).append(URIRef(str(site)))
    for place, members in sites.items():
        lon, lat = where(place) or (0.0, 0.0)
        for i, site in enumerate(members):
            # spread the sites on a small ring around their city, leaving the east
            # (30 degrees either side), where the city's own label goes, free
            angle = math.pi / 6 + 5 * math.pi / 3 * (i + 0.5) / len(members)
            item = feature(kg, ctx, site, lang)
            item.update(kind="site", lon=lon + 0.2 * math.cos(angle),
                        lat=lat + 0.16 * math.sin(angle), color=item["class_colour"],
                        group=item["class"], city=place, anchor=[lon, lat])
            places.append(item)
    for item in places:
        if item["kind"] == "site":  # a square in its class's colour
            classes.setdefault(item["class"], {"group": item["class"],
                                               "label": item["groupLabel"],
                                               "color": item["class_colour"], "shape": "square"})
    legend += sorted(classes.values(), key=lambda e: (e["shape"], e["label"]))
    undrawn: list[str] = []
    lines = _lines(kg, ctx, lang, where, tracks, undrawn)
    stations = _stations(kg, ctx, lang, where, stations_rows, {line["id"]: line for line in lines})
    for line in lines:
        legend.append({"group": line["id"], "label": line["label"], "color": line["color"],
                       "shape": "line", "dash": line["dash"]})
    if stations:
        legend.append({"group": "station", "label": text["station"], "color": _STATION,
                       "shape": "station"})
    if any(f["properties"].get("layer") == "river" for f in basemap()["features"]):
        legend.append({"group": "river", "label": text["river"], "color": RIVER_COLOUR,
                       "shape": "line", "dash": ""})
    notes = [text[key] for key, wanted in (("routes", True), ("schematic", False))
             if any(line["geometry"] is wanted for line in lines)]
    if any("anchor" in p for p in places):
        notes.append(text["site"])
    if undrawn:
        notes.append(text["undrawn"].format(names=text["and"].join(sorted(undrawn))))
    drawn = [*places, *lines, *stations]
    cited = {s["iri"] for feature in drawn for s in feature["sources"]}
    credit = text["attribution"] if cited else text["attribution_plain"]
    return {"places": places, "lines": lines, "stations": stations, "legend": legend,
            "areas": _areas(kg, province_ids, colour), "notes": notes,
            "attribution": credit.format(sources=len(cited))}


def _areas(kg: KnowledgeGraph, provinces: list[str],
           colour: dict[str, str]) -> list[dict[str, str]]:
    """Each of the graph's provinces as the map finds its Natural Earth area: by its
    Wikidata item where the graph links one, else by its English label."""
    items: dict[str, str] = {}
    for province, match in kg.query(library("map-province-ids")).rows:
        if match is not None:
            items.setdefault(str(province), str(match).rsplit("/", 1)[-1])
    return [{"id": p, "wikidata": items.get(p, ""), "name": kg.label(URIRef(p), "en"),
             "color": colour[p]} for p in provinces]


def _lines(kg: KnowledgeGraph, ctx: Any, lang: str, where: Any,
           tracks: dict[str, Track], undrawn: list[str]) -> list[dict[str, Any]]:
    """The expressways and railways: their own (MULTI)LINESTRINGs, else every place they
    ``g60:connect`` in order (however many the graph holds, to Jinhua and beyond);
    the names of those with neither (fewer than two located places) go to ``undrawn``."""
    stops: dict[str, list[tuple[float, float]]] = {}
    kinds: dict[str, str] = {}
    for line, line_kind, stop in kg.query(library("map-lines")).rows:
        kinds[str(line)] = str(line_kind).rsplit("#", 1)[-1]
        stops.setdefault(str(line), [])
        if stop is not None and (point := where(str(stop))) is not None:
            stops[str(line)].append(point)
    lines = []
    seen: dict[str, int] = {}
    for line_iri in sorted(kinds):
        kind = kinds[line_iri]
        parts = tracks.get(line_iri) or [_route(stops[line_iri])]
        points = [p for part in parts for p in part]
        if len(points) < 2:
            undrawn.append(kg.label(URIRef(line_iri), lang))  # one place is not a line
            continue
        item = feature(kg, ctx, URIRef(line_iri), lang)
        nth = seen[kind] = seen.get(kind, -1) + 1
        item.update(points=[list(p) for p in points],
                    parts=[[list(p) for p in part] for part in parts],
                    kind=kind, geometry=line_iri in tracks,
                    color=LINE_COLOURS.get(kind, "#444444"), dash=_DASHES[nth % len(_DASHES)])
        lines.append(item)
    return lines


def _stations(kg: KnowledgeGraph, ctx: Any, lang: str, where: Any, rows: list[Any],
              lines: dict[str, dict[str, Any]]) -> list[dict[str, Any]]:
    """One mark per point with stations: a station's own point, or its place's."""
    marks: dict[tuple[float, float], dict[str, Any]] = {}
    for line, station, place in rows:
        point = where(str(station)) or (where(str(place)) if place is not None else None)
        if point is None or str(line) not in lines:
            continue
        mark = marks.setdefault(point, {"stations": {}, "lines": set()})
        mark["stations"].setdefault(str(station), URIRef(str(station)))
        mark["lines"].add(lines[str(line)]["label"])
    out = []
    for (lon, lat), mark in sorted(marks.items()):
        members = [feature(kg, ctx, iri, lang) for iri in mark["stations"].values()]
        first = members[0]
        label = " · ".join(sorted(m["label"] for m in members))
        facts = [{"p": ctx.label(URIRef(_G60 + "RailwayStation")), "v": m["label"]}
                 for m in members]
        facts += [{"p": ctx.label(URIRef(_G60 + "hasStation")), "v": name}
                  for name in sorted(mark["lines"])]
        sources = {s["iri"]: s for m in members for s in m["sources"]}
        out.append({**first, "kind": "station", "label": label, "lon": lon, "lat": lat,
                    "color": _STATION,
                    "facts": facts, "sources": sorted(sources.values(),
                                                      key=lambda s: s["label"]),
                    "stations": [m["id"] for m in members]})
    return out


_BOOT = """(function () {
  var data = G60Network.readJson("g60-data");
  var options = G60Network.readJson("g60-options");
  window.g60map = G60Map.render(document.getElementById("g60-map"), data, options);
})();"""


def map_options(lang: str = "en", tiles: str | None = None) -> dict[str, Any]:
    """What static/map.js needs besides the data: the basemap, its strings, tiles."""
    text = _TEXT.get(lang, _TEXT["en"])
    own = {key: text[key] for key in ("north", "conic", "mercator")}
    return {"tiles": tiles, "strings": {**viz.STRINGS.get(lang, {}), **own}, "lang": lang,
            "title": text["title"], "basemap": basemap()}


def render_map(data: dict[str, Any], *, tiles: str | None = None, lang: str = "en") -> str:
    """The complete map page (works offline; ``tiles`` adds an online basemap)."""
    text = _TEXT.get(lang, _TEXT["en"])
    subtitle = text["subtitle"].format(places=len(data["places"]), lines=len(data["lines"]))
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
        title=text["title"], subtitle=subtitle, body=body,
        scripts=[viz.static_text("network.js"), viz.static_text("export.js"),
                 viz.static_text("map.js"), _BOOT],
        styles=[viz.static_text("network.css")],
        data={"g60-data": data, "g60-options": map_options(lang, tiles)},
        lang=lang, img_src=img_src,
    )
