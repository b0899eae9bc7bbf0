"""The one WKT reader: points and lines in the forms GeoSPARQL and Wikidata write,
and what it refuses."""

from __future__ import annotations

import pytest

from g60graph._wkt import lines, point


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


@pytest.mark.parametrize(
    ("wkt", "expected"),
    [
        ("LINESTRING(121.2 31.0, 120.7 30.7, 120.1 30.3)",
         [[(121.2, 31.0), (120.7, 30.7), (120.1, 30.3)]]),
        ("<http://www.opengis.net/def/crs/OGC/1.3/CRS84> linestring ( 1 2 , 3 4 )",
         [[(1.0, 2.0), (3.0, 4.0)]]),
        ("LINESTRING Z (1 2 10, 3 4 20)", [[(1.0, 2.0), (3.0, 4.0)]]),  # heights dropped
        ("MULTILINESTRING((1 2, 3 4), (5 6, 7 8, 9 10))",
         [[(1.0, 2.0), (3.0, 4.0)], [(5.0, 6.0), (7.0, 8.0), (9.0, 10.0)]]),
        ("MULTILINESTRING((1 2), (5 6, 7 8))", [[(5.0, 6.0), (7.0, 8.0)]]),  # a lone vertex
    ],
)
def test_reads_lines(wkt: str, expected: list[list[tuple[float, float]]]) -> None:
    assert lines(wkt) == expected


@pytest.mark.parametrize("wkt", ["", "POINT(1 2)", "LINESTRING(1 2, 3 4", "LINESTRING(1 2)",
                                 "POLYGON((1 2, 3 4, 5 6, 1 2))"])
def test_refuses_what_is_no_line(wkt: str) -> None:
    assert lines(wkt) == []
