"""Charts and timelines without a browser: the data handed to the page, the CLI, errors."""

from __future__ import annotations

import json
import re
from pathlib import Path

import pytest

from g60graph import KnowledgeGraph
from g60graph.cli import main
from g60graph.render import _chart, _timeline
from views_fixture import series_data
from viz_helpers import IMG, SCRIPT


@pytest.fixture(scope="module")
def skg(tmp_path_factory: pytest.TempPathFactory) -> KnowledgeGraph:
    return KnowledgeGraph.load([series_data(tmp_path_factory.mktemp("series"))])


def page_data(path: Path) -> dict[str, object]:
    text = path.read_text(encoding="utf-8")
    match = re.search(r'<script type="application/json" id="g60-data">(.*?)</script>', text)
    assert match
    return json.loads(match.group(1))  # type: ignore[no-any-return]


def test_series_groups_by_area_with_unit_and_sources(skg: KnowledgeGraph) -> None:
    result = skg.query("series", {"measure": "g60r:measure-test"})
    data = _chart.chart_data(result, skg.label, kind="line")
    assert data["xType"] == "time"
    assert data["units"] == [IMG]
    assert {s["name"] for s in data["series"]} == {"Hangzhou", "Hefei"}
    hangzhou = next(s for s in data["series"] if s["name"] == "Hangzhou")
    assert [(p["x"], p["y"]) for p in hangzhou["points"]] == [
        ("2019-12-31", 5.0), ("2020-12-31", 6.0), ("2021-12-31", 8.0)]
    assert hangzhou["points"][0]["period"] == "2019-01-01 – 2019-12-31"
    assert {s["label"] for s in data["sources"]} == {SCRIPT, "evil"}
    assert {s["url"] for s in data["sources"]} == {
        "https://example.org/source?a=1&b=2", "javascript:window.__pwned=1"}


def test_compare_cities_is_a_bar_per_city_grouped_by_year(skg: KnowledgeGraph) -> None:
    result = skg.query("compare-cities", {"measure": "g60r:measure-test"})
    data = _chart.chart_data(result, lambda t: skg.label(t, "zh"), kind="bar", lang="zh")
    assert data["categories"] == ["杭州市", "合肥市"]
    assert [s["name"] for s in data["series"]] == ["2019", "2020", "2021"]
    assert data["units"] == ["元"]
    assert data["strings"]["source"] == "来源"


def test_two_units_get_two_axes(kg: KnowledgeGraph) -> None:
    result = kg.query("series", {"measure": "g60r:measure-total-output"})
    data = _chart.chart_data(result, kg.label)
    assert len(data["units"]) == 2  # yuan and its US-dollar conversion
    assert {s["axis"] for s in data["series"]} == {0, 1}
    assert all(s["axis"] == data["units"].index(s["unit"]) for s in data["series"])
    assert all(s["unit"] in s["name"] for s in data["series"])
    # each point marked by its qualifier ("more than" is ">")
    marks = {_chart._MARKS.get(str(q).rsplit("/", 1)[-1], "") if q else ""
             for q in (row.get("qualifier") for row in result.dicts())}
    assert ">" in marks
    assert {p["mark"] for s in data["series"] for p in s["points"]} == marks


def test_a_chart_needs_a_number_and_a_date(kg: KnowledgeGraph) -> None:
    from g60graph._errors import InputError

    with pytest.raises(InputError, match="numeric column"):
        _chart.chart_data(kg.query("SELECT ?x WHERE { VALUES ?x { 'a' } }"), kg.label)
    no_date = kg.query("SELECT ?city ?n WHERE { VALUES (?city ?n) { ('a' 1) } }")
    with pytest.raises(InputError, match="date column"):
        _chart.chart_data(no_date, kg.label, kind="line")


def test_timeline_lanes_follow_the_palette(skg: KnowledgeGraph) -> None:
    data = _timeline.timeline_data(skg.query("timeline"), skg.label)
    lanes = {lane["key"].rsplit("#", 1)[-1]: lane for lane in data["lanes"]}
    assert {"Conference", "Declaration", "Railway"} <= set(lanes)
    assert lanes["Conference"]["color"] == "#b83280"
    doc = next(i for i in data["items"] if i["label"] == "Test declaration")
    assert doc["atLabel"] == IMG and doc["at"].endswith("event-test")
    assert [i["date"] for i in data["items"]] == sorted(i["date"] for i in data["items"])


def test_cli_chart_and_timeline_write_one_offline_page(skg: KnowledgeGraph, tmp_path: Path) -> None:
    data = series_data(tmp_path)
    out = tmp_path / "chart.html"
    assert main(["chart", "-p", "measure=g60r:measure-test", "--data", str(data),
                 "-o", str(out)]) == 0
    text = out.read_text(encoding="utf-8")
    assert "default-src 'none'" in text and "<script src" not in text
    assert SCRIPT not in text and IMG not in text  # only escaped, inside JSON
    assert page_data(out)["kind"] == "line"
    bar = tmp_path / "bar.html"
    assert main(["chart", "compare-cities", "-p", "measure=g60r:measure-test", "--data",
                 str(data), "-o", str(bar), "--lang", "zh"]) == 0
    assert page_data(bar)["kind"] == "bar"  # the query's view: BarChart
    line = tmp_path / "timeline.html"
    assert main(["timeline", "--data", str(data), "-o", str(line)]) == 0
    assert page_data(line)["kind"] == "timeline"


def test_cli_errors_are_one_line(tmp_path: Path, capsys: pytest.CaptureFixture[str],
                                 monkeypatch: pytest.MonkeyPatch) -> None:
    out = tmp_path / "x.html"
    assert main(["chart", "--sparql", "SELECT ?x WHERE { VALUES ?x { 'a' } }", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "numeric column" in err
    assert not out.exists()
    monkeypatch.setenv("PATH", str(tmp_path))  # no chromium anywhere
    monkeypatch.delenv("G60GRAPH_CHROMIUM", raising=False)
    assert main(["timeline", "--png", "-o", str(tmp_path / "t.png")]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "chromium" in err
    assert not (tmp_path / "t.png").exists()


@pytest.mark.parametrize("command", ["map", "viz", "chart", "timeline"])
def test_an_image_flag_that_contradicts_the_name_is_refused_first(
    command: str, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "figure.svg"
    assert main([command, "--png", "-o", str(out)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "--png" in err and ".svg" in err
    assert list(tmp_path.iterdir()) == []


def test_the_output_name_decides_the_format() -> None:
    from g60graph.cli._options import output_target

    assert output_target(Path("m.png"), None) == (Path("m.png"), "png")
    assert output_target(Path("m.SVG"), None) == (Path("m.SVG"), "svg")
    assert output_target(Path("m.html"), None) == (Path("m.html"), "html")
    assert output_target(Path("m.html"), "png") == (Path("m.png"), "png")
    assert output_target(Path("m.png"), "png") == (Path("m.png"), "png")
    assert output_target(Path("m"), "svg") == (Path("m"), "svg")


def test_wdqs_view_names_are_accepted() -> None:
    from g60graph import Query

    query = Query.from_text("#+ title: t\n#+ description: d\n#+ view: BarChart\nSELECT * {}")
    assert query.view == "bar-chart"


def test_the_corridor_timeline_holds_each_kind_of_event(kg: KnowledgeGraph) -> None:
    """The packaged graph's timeline: the corridor's versions, alliances founded,
    conferences and what they produced, railways opened."""
    data = _timeline.timeline_data(kg.query("timeline"), kg.label)
    lanes = {lane["key"].rsplit("#", 1)[-1] for lane in data["lanes"]}
    assert {"CorridorVersion", "IndustrialAlliance", "Conference", "Railway"} <= lanes
    by_iri = {item["iri"]: item for item in data["items"]}
    kinds = {item["lane"].rsplit("#", 1)[-1]: item["dateKind"] for item in data["items"]}
    assert kinds["IndustrialAlliance"] == "founded"
    produced = [item for item in data["items"] if item["at"]]
    assert produced  # a document or alliance made at a conference or event
    assert any(by_iri.get(item["at"], {}).get("lane", "").endswith("Conference")
               for item in produced)
