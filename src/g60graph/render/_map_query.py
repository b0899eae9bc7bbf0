"""The corridor map of a query's answer, for the query page's Map tab.

The page draws with the renderer of ``g60graph map`` (static/map.js), fed with
``map_data``'s data: everything that map draws around its places (lines, and whatever
else it gains) stays as it is, and the places are the query's own: each row's first
IRI with a point (a WKT ``POINT`` literal, or ``?lat``/``?lon`` columns), drawn as the
corridor map draws it where that map has it (its colour, side panel, sources), at the
query's point otherwise.
"""

from __future__ import annotations

import re
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef

from g60graph._wkt import point as wkt_point
from g60graph.render import _map as geomap

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph
    from g60graph.results._model import QueryResult

__all__ = ["query_map_data", "row_point"]

_LAT = re.compile(r"^(lat|latitude)$", re.IGNORECASE)
_LON = re.compile(r"^(lon|long|lng|longitude)$", re.IGNORECASE)
_OTHER = "#718096"  # a place the corridor map does not colour by province


def _number(term: object) -> float | None:
    try:
        value = float(str(term))
    except ValueError:
        return None
    return value if abs(value) <= 180 else None


def row_point(variables: list[str], row: tuple[Any, ...]) -> tuple[float, float] | None:
    """(lon, lat) of a row: its first WKT point, else its ?lat and ?lon columns."""
    for term in row:
        if isinstance(term, Literal):
            lon_lat = wkt_point(str(term))
            if lon_lat:
                return lon_lat
    lat = lon = None
    for var, term in zip(variables, row, strict=True):
        if term is not None and _LAT.match(var):
            lat = _number(term)
        elif term is not None and _LON.match(var):
            lon = _number(term)
    return (lon, lat) if lon is not None and lat is not None else None


def query_map_data(kg: KnowledgeGraph, result: QueryResult, lang: str = "en") -> dict[str, Any]:
    """``map_data`` with the query's located rows as its places (one per IRI)."""
    from g60graph.network._graph import Context

    base = geomap.map_data(kg, lang)
    known = {str(p["id"]): p for p in base["places"]}
    ctx = Context.of(kg, lang)
    places: list[dict[str, Any]] = []
    seen: set[str] = set()
    for row in result.rows:
        point = row_point(result.vars, row)
        if point is None:
            continue
        iri = next((t for t in row if isinstance(t, URIRef)), None)
        key = str(iri) if iri is not None else f"POINT({point[0]} {point[1]})"
        if key in seen:
            continue
        seen.add(key)
        if key in known:
            places.append(known[key])
            continue
        if iri is not None:
            item = geomap.feature(kg, ctx, iri, lang)
        else:
            text = next((str(t) for t in row if isinstance(t, Literal)), key)
            item = {"id": key, "iri": "", "label": text, "groupLabel": "", "facts": [],
                    "sources": []}
        item.update(kind="city", lon=point[0], lat=point[1], color=_OTHER, group="")
        places.append(item)
    groups = {p.get("group") for p in places}
    groups |= {line["id"] for line in base["lines"]} | {"station" if base["stations"] else ""}
    groups.add("river")  # the basemap's, drawn whatever the query
    legend = [e for e in base["legend"] if e["group"] in groups or e["shape"] == "area"]
    return {**base, "places": places, "legend": legend}

