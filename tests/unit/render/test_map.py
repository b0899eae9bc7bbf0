"""The map page's data: cities at their points by province, lines, parks in their city."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest

from g60graph._errors import InputError
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._namespaces import G60R
from g60graph.cli import main
from g60graph.render import _map as geomap


@pytest.fixture(scope="module")
def data(kg: KnowledgeGraph) -> dict[str, object]:
    return geomap.map_data(kg)


def test_cities_at_their_coordinates(kg: KnowledgeGraph, data: dict[str, object]) -> None:
    places = data["places"]
    assert isinstance(places, list)
    cities = {p["id"]: p for p in places if p["kind"] == "city"}
    assert len(cities) == 9  # the nine corridor cities
    hangzhou = cities[str(G60R.hangzhou)]
    assert (hangzhou["lon"], hangzhou["lat"]) == (120.1551, 30.2741)
    # coloured by province: the Zhejiang cities share a colour, Anhui's differ from it
    zhejiang = {cities[str(G60R[c])]["color"] for c in ("hangzhou", "jiaxing", "huzhou", "jinhua")}
    anhui = {cities[str(G60R[c])]["color"] for c in ("hefei", "wuhu", "xuancheng")}
    assert len(zhejiang) == 1 and len(anhui) == 1 and zhejiang != anhui
    assert hangzhou["sources"] and hangzhou["label"] == "Hangzhou"


def test_lines_join_the_cities_they_connect(data: dict[str, object]) -> None:
    lines = data["lines"]
    assert isinstance(lines, list)
    g60 = next(line for line in lines if line["id"] == str(G60R["g60-expressway"]))
    # Shanghai has no point of its own: it stands at Songjiang, so the stops are distinct
    assert g60["points"][0] == [121.2333, 31.0058]  # east to west, from Shanghai
    assert [120.1551, 30.2741] in g60["points"]
    assert g60["kind"] == "Expressway"
    assert any(line["kind"] == "Railway" for line in lines)


def test_parks_sit_near_their_city(data: dict[str, object]) -> None:
    places = data["places"]
    assert isinstance(places, list)
    sites = [p for p in places if p["kind"] == "site"]
    assert len(sites) >= 10
    for site in sites:
        lon, lat = site["anchor"]
        assert 0 < math.dist((lon, lat), (site["lon"], site["lat"])) < 0.3


def test_tiles_only_when_asked(data: dict[str, object], tmp_path: Path) -> None:
    offline = geomap.render_map(data)
    assert "img-src data:;" in offline
    online = geomap.render_map(data, tiles="https://tile.example.org/{z}/{x}/{y}.png")
    assert "img-src data: https://tile.example.org;" in online
    with pytest.raises(InputError, match="--tiles"):
        geomap.render_map(data, tiles="javascript:alert(1)")


def test_map_command(tmp_path: Path) -> None:
    out = tmp_path / "m.html"
    assert main(["map", "--lang", "zh", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    assert "G60科创走廊地图" in page and "杭州市" in page


def test_the_vendored_basemap_covers_the_corridor() -> None:
    """Natural Earth's four layers, cut round the nine cities, with the licence note."""
    base = geomap.basemap()
    layers = {f["properties"]["layer"] for f in base["features"]}
    assert layers == {"land", "lake", "coast", "province"}
    west, south, east, north = base["bbox"]
    assert west < 117.2 and east > 121.5 and south < 29.0 and north > 31.9
    for feature in base["features"]:
        flat = json.dumps(feature["geometry"]["coordinates"])
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", flat)]
        lons, lats = numbers[0::2], numbers[1::2]
        assert west <= min(lons) and max(lons) <= east and south <= min(lats) <= max(lats) <= north
    folder = Path(geomap.__file__).parent / "static" / "basemap"
    assert "public domain" in (folder / "LICENSE").read_text(encoding="utf-8")
    assert "sha256" in (folder / "VERSION").read_text(encoding="utf-8")


def test_the_map_draws_what_the_graph_holds(data: dict[str, object]) -> None:
    lines = data["lines"]
    assert isinstance(lines, list)
    # no line in data/ has a geometry of its own: drawn as a schematic, and the legend says so
    assert all(line["geometry"] is False for line in lines)
    assert data["notes"] == [geomap._TEXT["en"]["schematic"]]
    stations = data["stations"]
    assert isinstance(stations, list)
    # the 2024 railway's three stations, each at the point of the place it is in
    assert len(stations) == 3
    huzhou = next(s for s in stations if s["id"].endswith("/station-huzhou"))
    assert (huzhou["lon"], huzhou["lat"]) == (120.0867, 30.8941)
    assert str(data["attribution"]).startswith("Basemap: Natural Earth 1:10m (public domain)")


CENTROID_AND_ROUTE = """\
@prefix g60: <https://w3id.org/g60graph/def#> .
@prefix g60r: <https://w3id.org/g60graph/id/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
g60r:testcity a g60:PrefectureLevelCity ; rdfs:label "Testcity"@en ;
  g60:directlyLocatedIn g60r:zhejiang ;
  geo:hasGeometry g60r:testcity-area ; geo:hasCentroid g60r:testcity-centroid .
g60r:testcity-area geo:asWKT "POINT(118.0 28.0)"^^geo:wktLiteral .
g60r:testcity-centroid geo:asWKT "POINT(119.0 29.5)"^^geo:wktLiteral .
g60r:test-railway a g60:Railway ; rdfs:label "Test railway"@en ;
  g60:connects g60r:testcity , g60r:hangzhou ; g60:hasStation g60r:test-station ;
  geo:hasGeometry g60r:test-railway-route .
g60r:test-railway-route geo:asWKT
  "LINESTRING(119.0 29.5, 119.6 29.95, 120.1551 30.2741)"^^geo:wktLiteral .
g60r:test-station a g60:RailwayStation ; rdfs:label "Test station"@en ;
  g60:directlyLocatedIn g60r:testcity ; geo:hasGeometry g60r:test-station-point .
g60r:test-station-point geo:asWKT "POINT(119.6 29.95)"^^geo:wktLiteral .
g60r:test-expressway a g60:Expressway ; rdfs:label "Unlocated expressway"@en ;
  g60:connects g60r:testcity .
"""


def test_centroids_routes_and_station_points_are_used(tmp_path: Path) -> None:
    """v2's geo:hasCentroid wins over another point; a line's own LINESTRING and a
    station's own point are drawn as they are."""
    extra = tmp_path / "geo.ttl"
    extra.write_text(CENTROID_AND_ROUTE, encoding="utf-8")
    data = geomap.map_data(KnowledgeGraph.load([extra]))
    city = next(p for p in data["places"] if p["id"] == str(G60R.testcity))
    assert (city["lon"], city["lat"]) == (119.0, 29.5) and city["kind"] == "city"
    line = next(line for line in data["lines"] if line["id"] == str(G60R["test-railway"]))
    assert line["geometry"] is True
    assert line["points"] == [[119.0, 29.5], [119.6, 29.95], [120.1551, 30.2741]]
    station = next(s for s in data["stations"] if s["id"] == str(G60R["test-station"]))
    assert (station["lon"], station["lat"]) == (119.6, 29.95)
    assert str(G60R["test-station"]) not in {p["id"] for p in data["places"]}
    # the other lines still have no route: the legend says which is which, and names
    # the line it cannot draw (one located place)
    assert str(G60R["test-expressway"]) not in {line["id"] for line in data["lines"]}
    assert data["notes"] == [geomap._TEXT["en"]["routes"], geomap._TEXT["en"]["schematic"],
                             geomap._TEXT["en"]["undrawn"].format(names="Unlocated expressway")]
