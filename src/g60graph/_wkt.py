"""The one reading of WKT points and lines (GeoSPARQL ``geo:asWKT``, Wikidata ``P625``).

WKT writes longitude first; so does this, and callers that want (lat, lon) swap.
"""

from __future__ import annotations

import re

__all__ = ["lines", "point"]

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# Either case (GeoSPARQL writes POINT, Wikidata Point); an optional CRS IRI in front.
_POINT = re.compile(rf"point\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)", re.IGNORECASE)


def point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) of the first ``POINT(lon lat)`` in ``wkt``, or None."""
    match = _POINT.search(wkt)
    return (float(match[1]), float(match[2])) if match else None


# LINESTRING or MULTILINESTRING, any case, with an optional Z/M (ignored: the map is flat)
_LINE = re.compile(r"\b(?:multi)?linestring\s*(?:zm|z|m)?\s*\(", re.IGNORECASE)


def lines(wkt: str) -> list[list[tuple[float, float]]]:
    """The (lon, lat) polylines of the first ``LINESTRING`` or ``MULTILINESTRING`` in
    ``wkt`` (one for a LINESTRING), each of two vertices or more; [] if there is none."""
    match = _LINE.search(wkt)
    if match is None:
        return []
    depth, start = 0, match.end() - 1
    for end in range(start, len(wkt)):
        depth += {"(": 1, ")": -1}.get(wkt[end], 0)
        if depth == 0:
            break
    else:
        return []  # unbalanced: not WKT
    out = []
    for part in re.findall(r"\(([^()]*)\)", wkt[start:end + 1]):
        vertices = [re.findall(_NUMBER, vertex) for vertex in part.split(",")]
        points = [(float(v[0]), float(v[1])) for v in vertices if len(v) >= 2]
        if len(points) >= 2:
            out.append(points)
    return out
