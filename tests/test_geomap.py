"""The map page's data: cities at their points by province, lines, parks in their city."""

from __future__ import annotations

import math
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
