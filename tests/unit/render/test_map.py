"""The map page's data: cities at their points by province, lines, parks in their city."""

from __future__ import annotations

import json
import math
import re
from pathlib import Path

import pytest
from rdflib import URIRef

from g60graph._errors import InputError
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._namespaces import G60R
from g60graph.cli import main
from g60graph.render import _map as geomap
from g60graph.render._palette import style_for
from paths import REPO


def undrawn_note(kg: KnowledgeGraph, data: dict[str, object]) -> list[str]:
    """The note naming every line of the graph the map does not draw, if any."""
    every = {str(r[0]) for r in kg.query(
        "PREFIX g60: <https://w3id.org/g60graph/def#>\nSELECT DISTINCT ?line WHERE {"
        " ?line a ?kind FILTER(?kind IN (g60:Expressway, g60:Railway)) }").rows}
    drawn = {line["id"] for line in data["lines"]}  # type: ignore[attr-defined]
    names = sorted(kg.label(URIRef(i)) for i in every - drawn)
    text = geomap._TEXT["en"]
    return [text["undrawn"].format(names=text["and"].join(names))] if names else []


CONNECTS = ("PREFIX g60: <https://w3id.org/g60graph/def#>\n"
            "SELECT DISTINCT ?line ?place WHERE { ?line g60:connects ?place }")


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
    # each in its class's colour from the one palette, as in every diagram; the
    # provinces are told apart by their areas' tints, one colour each
    for city in cities.values():
        assert city["color"] == city["class_colour"] == style_for(city["class"]).colour
    areas = {a["name"]: a["color"] for a in data["areas"]}
    assert areas["Zhejiang"] != areas["Anhui"] and len(set(areas.values())) == len(areas)
    legend = {e["label"]: e for e in data["legend"]}
    assert legend["Zhejiang"]["shape"] == "area"
    assert legend["Zhejiang"]["color"] == areas["Zhejiang"]
    assert legend["Prefecture-level city"]["color"] == style_for(
        "https://w3id.org/g60graph/def#PrefectureLevelCity").colour
    assert hangzhou["sources"] and hangzhou["label"] == "Hangzhou"


def test_lines_join_the_cities_they_connect(kg: KnowledgeGraph,
                                           data: dict[str, object]) -> None:
    lines = data["lines"]
    assert isinstance(lines, list) and lines
    where = {p["id"]: [p["lon"], p["lat"]] for p in data["places"]  # type: ignore[attr-defined]
             if p["kind"] == "city"}
    connects: dict[str, set[str]] = {}
    for line, place in kg.query(CONNECTS).rows:
        connects.setdefault(str(line), set()).add(str(place))
    for line in lines:
        assert line["geometry"] is False  # no route in data/: through the places, in order
        assert line["points"] == sorted(line["points"], key=lambda p: -p[0])  # east to west
        assert len({tuple(p) for p in line["points"]}) == len(line["points"])  # distinct stops
        drawn = [where[p] for p in connects[line["id"]] if p in where]
        assert all(point in line["points"] for point in drawn)
        if str(G60R.shanghai) in connects[line["id"]]:
            # Shanghai has no point of its own: it stands at Songjiang, the one place in it
            assert line["points"][0] == where[str(G60R.songjiang)]
    assert any(str(G60R.shanghai) in connects[line["id"]] for line in lines)
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
    """Natural Earth's layers, cut round the nine cities, with the licence note."""
    base = geomap.basemap()
    layers = {f["properties"]["layer"] for f in base["features"]}
    assert layers == {"land", "area", "lake", "river", "coast", "province"}
    west, south, east, north = base["bbox"]
    assert west < 117.2 and east > 121.5 and south < 29.0 and north > 31.9
    for feature in base["features"]:
        flat = json.dumps(feature["geometry"]["coordinates"])
        numbers = [float(n) for n in re.findall(r"-?\d+\.?\d*", flat)]
        lons, lats = numbers[0::2], numbers[1::2]
        assert west <= min(lons) and max(lons) <= east and south <= min(lats) <= max(lats) <= north
    folder = Path(geomap.__file__).parent / "static" / "basemap"
    licence = (folder / "LICENSE").read_text(encoding="utf-8")
    assert "public domain" in licence
    assert "ISC License" in licence and "MIT License" in licence  # the two npm packages
    version = (folder / "VERSION").read_text(encoding="utf-8")
    # each package pinned by the SHA-256 that scripts/vendor-basemap.py checks
    script = (REPO / "scripts" / "vendor-basemap.py").read_text(
        encoding="utf-8")
    for spec, digest in re.findall(r'"([a-z-]+@[\d.]+)": \("([0-9a-f]{64})"', script):
        assert f"from npm {spec} (tarball sha256 {digest})" in version
    assert re.search(r'WHEEL_SHA256 = "([0-9a-f]{64})"', script)[1] in version  # type: ignore[index]


def test_provinces_named_and_the_yangtze_on_the_basemap(data: dict[str, object]) -> None:
    """Province areas carry both names, a Wikidata id and a label point inside the cut;
    the Yangtze is one of the rivers; the graph's provinces find their areas."""
    base = geomap.basemap()
    west, south, east, north = base["bbox"]
    areas = [f["properties"] for f in base["features"] if f["properties"]["layer"] == "area"]
    assert areas
    for area in areas:
        assert area["name_en"] and re.fullmatch(r"[\u4e00-\u9fff]+", area["name_zh"])
        assert re.fullmatch(r"Q\d+", area["wikidata"])
        lon, lat = area["label"]
        assert west <= lon <= east and south <= lat <= north
    rivers = [f for f in base["features"] if f["properties"]["layer"] == "river"]
    yangtze = [f for f in rivers if f["properties"].get("name_en") == "Yangtze"]
    assert len(yangtze) == 1 and yangtze[0]["properties"]["name_zh"] == "长江"
    # it runs from the west of the cut to the estuary, past Wuhu
    flat = json.dumps(yangtze[0]["geometry"]["coordinates"])
    lons = [float(n) for n in re.findall(r"-?\d+\.?\d*", flat)][0::2]
    assert min(lons) < 118.0 and max(lons) > 120.0
    by_id = {a["wikidata"]: a for a in areas}
    graph_areas = data["areas"]
    assert isinstance(graph_areas, list) and graph_areas
    for area in graph_areas:
        found = by_id.get(area["wikidata"]) or next(
            (a for a in areas if a["name_en"].lower() == area["name"].lower()), None)
        assert found is not None, area
        assert re.fullmatch(r"#[0-9a-f]{6}", area["color"])


LONG_ROUTE = """\
@prefix g60: <https://w3id.org/g60graph/def#> .
@prefix g60r: <https://w3id.org/g60graph/id/> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
g60r:g60-expressway g60:connects g60r:hangzhou , g60r:jinhua .
g60r:test-line a g60:Railway ; g60:connects g60r:hefei , g60r:jinhua ;
  geo:hasGeometry g60r:test-line-a , g60r:test-line-b .
g60r:test-line-a geo:asWKT
  "MULTILINESTRING((117.2 31.8, 118.4 31.3), (118.4 31.3, 118.8 30.9))"^^geo:wktLiteral .
g60r:test-line-b geo:asWKT "LINESTRING(118.8 30.9, 119.6 29.1)"^^geo:wktLiteral .
"""


def test_lines_drawn_as_far_as_the_graph_says(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """Every place a line ``g60:connects`` is on it (the G60 on to Jinhua when the graph
    says so), and every part of its (MULTI)LINESTRING geometries is drawn."""
    extra = tmp_path / "long.ttl"
    extra.write_text(LONG_ROUTE, encoding="utf-8")
    data = geomap.map_data(KnowledgeGraph.load([extra]))
    where = {p["id"]: [p["lon"], p["lat"]] for p in data["places"] if p["kind"] == "city"}
    lines = {line["id"]: line for line in data["lines"]}
    g60 = lines[str(G60R["g60-expressway"])]
    assert where[str(G60R.jinhua)] in g60["points"]
    connected = kg.query(
        "PREFIX g60: <https://w3id.org/g60graph/def#>\n"
        "PREFIX g60r: <https://w3id.org/g60graph/id/>\n"
        "SELECT DISTINCT ?c WHERE { g60r:g60-expressway g60:connects ?c }")
    for (city,) in connected.rows:
        if str(city) in where:
            assert where[str(city)] in g60["points"]
    track = lines[str(G60R["test-line"])]
    assert track["geometry"] is True
    assert sorted(track["parts"]) == [[[117.2, 31.8], [118.4, 31.3]],
                                      [[118.4, 31.3], [118.8, 30.9]],
                                      [[118.8, 30.9], [119.6, 29.1]]]


def test_the_map_draws_what_the_graph_holds(kg: KnowledgeGraph,
                                             data: dict[str, object]) -> None:
    lines = data["lines"]
    assert isinstance(lines, list)
    # no line in data/ has a geometry of its own: drawn as a schematic, and the legend
    # says so, and names the lines the graph locates fewer than two places of
    assert all(line["geometry"] is False for line in lines)
    text = geomap._TEXT["en"]
    assert data["notes"] == [text["schematic"], text["site"], *undrawn_note(kg, data)]
    stations = data["stations"]
    assert isinstance(stations, list) and stations
    # each station mark at the point of the place it is in (none has a point of its own)
    where = {p["id"]: (p["lon"], p["lat"]) for p in data["places"]}  # type: ignore[attr-defined]
    cities = {p["id"] for p in data["places"] if p["kind"] == "city"}  # type: ignore[attr-defined]
    located = dict(kg.query(
        "PREFIX g60: <https://w3id.org/g60graph/def#>\nSELECT DISTINCT ?station ?place WHERE {"
        " ?station a g60:RailwayStation ; g60:directlyLocatedIn ?place }").rows)
    inside = kg.query("PREFIX g60: <https://w3id.org/g60graph/def#>\nSELECT DISTINCT ?outer ?in"
                      " WHERE { ?in g60:directlyLocatedIn ?outer }").rows
    for station in stations:
        place = str(located[URIRef(station["id"])])
        # a place with no point (Shanghai) stands at the one drawn place in it
        stand_ins = {where[str(i)] for o, i in inside if str(o) == place and str(i) in cities}
        at = where.get(place) or (stand_ins.pop() if len(stand_ins) == 1 else None)
        assert (station["lon"], station["lat"]) == at, station["id"]
    assert str(data["attribution"]).startswith("Basemap: Natural Earth 1:10m, rivers 1:50m")


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
    extended = KnowledgeGraph.load([extra])
    data = geomap.map_data(extended)
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
    undrawn = undrawn_note(extended, data)
    assert "Unlocated expressway" in undrawn[0]
    assert data["notes"] == [geomap._TEXT["en"]["routes"], geomap._TEXT["en"]["schematic"],
                             geomap._TEXT["en"]["site"], *undrawn]


def test_one_colour_per_class_on_the_map_and_in_the_diagrams(
        kg: KnowledgeGraph, data: dict[str, object]) -> None:
    """A class (Prefecture-level city, District, a park's class) has one colour on the
    map and in every diagram, as the palette gives it."""
    from g60graph.network import _graph as network
    from g60graph.render._network_page import network_data

    on_map = {e["group"]: e["color"] for e in data["legend"]
              if e["shape"] in ("dot", "square")}
    assert on_map
    seen = 0
    for name in ("overview", "alliances-parks"):
        legend = network_data(network.select(kg, query=f"diagram-{name}"))["legend"]
        for entry in legend:
            if entry["group"] in on_map:
                assert entry["color"] == on_map[entry["group"]], entry
                seen += 1
    assert seen >= 2
