"""The one WKT point reader: the forms GeoSPARQL and Wikidata write, and what it refuses."""

from __future__ import annotations

import pytest

from g60graph._wkt import point


@pytest.mark.parametrize(
    ("wkt", "expected"),
    [
        ("POINT(120.15 30.28)", (120.15, 30.28)),
        ("Point(121.47 31.23)", (121.47, 31.23)),  # Wikidata's case
        ("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> POINT ( -0.5 +51.5 )", (-0.5, 51.5)),
        ("POINT(1.2e2 3E1)", (120.0, 30.0)),
        ("POINT(.5 7)", (0.5, 7.0)),
    ],
)
def test_reads_lon_then_lat(wkt: str, expected: tuple[float, float]) -> None:
    assert point(wkt) == expected


@pytest.mark.parametrize("wkt", ["", "POINT(120.15)", "LINESTRING(1 2, 3 4)", "POINT(1e5e 2)",
                                 "POINT(- 2)"])
def test_refuses_what_is_no_point(wkt: str) -> None:
    assert point(wkt) is None
