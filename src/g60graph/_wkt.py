"""The one reading of a WKT point (GeoSPARQL ``geo:asWKT``, Wikidata ``P625``).

WKT writes longitude first; so does this, and callers that want (lat, lon) swap.
"""

from __future__ import annotations

import re

__all__ = ["point"]

_NUMBER = r"[-+]?(?:\d+\.?\d*|\.\d+)(?:[eE][-+]?\d+)?"
# Either case (GeoSPARQL writes POINT, Wikidata Point); an optional CRS IRI in front.
_POINT = re.compile(rf"point\s*\(\s*({_NUMBER})\s+({_NUMBER})\s*\)", re.IGNORECASE)


def point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) of the first ``POINT(lon lat)`` in ``wkt``, or None."""
    match = _POINT.search(wkt)
    return (float(match[1]), float(match[2])) if match else None
