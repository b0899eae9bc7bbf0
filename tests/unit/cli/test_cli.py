"""The CLI in-process: output, exit codes, and one-line errors with no traceback."""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest
from rdflib import RDFS, URIRef

from g60graph import KnowledgeGraph
from g60graph._namespaces import G60
from g60graph.cli import main
from paths import FIXTURES


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_help_lists_commands_and_exit_codes(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "--help")
    assert code == 0
    for command in ("queries", "show", "query", "describe", "stats", "validate", "export"):
        assert command in out
    assert "Exit codes" in out


def test_queries_lists_the_catalogue(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries", "--format", "json")
    assert code == 0
    listed = {q["name"]: q for q in json.loads(out)}
    assert len(listed) >= 15
    assert listed["parks"]["params"][0]["name"] == "city"
    assert listed["cities"]["title_zh"] == "走廊城市"


def test_queries_in_chinese_show_the_chinese_titles(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "queries", "--lang", "zh")
    assert code == 0
    lines = {line.split()[0]: line for line in out.splitlines()[2:]}
    assert "走廊城市" in lines["cities"] and "Corridor cities" not in out
    assert out.split()[:2] == ["名称", "标题"]


def test_show_prints_header_and_query(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "cities")
    assert code == 0 and out.startswith("#+ title:") and "SELECT" in out


def test_query_csv_has_the_nine_cities(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "cities", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    # one row per place any version of the corridor counts as a member, however many
    # the sources name (one calls the first member Shanghai, others Songjiang)
    union = KnowledgeGraph.load().union_graph()
    members = {str(city) for city in union.objects(None, G60.memberCity)}
    assert [r["city"] for r in rows] and sorted(r["city"] for r in rows) == sorted(members)
    for row in rows:  # the Chinese name is one a source gives the city
        zh = {str(n) for n in union.objects(URIRef(row["city"]), RDFS.label)
              if n.language == "zh"}
        assert row["nameZh"] in zh, row
    assert {r["nameZh"] for r in rows} >= {"苏州市", "合肥市"}


def test_table_shows_labels_in_chosen_language(capsys: pytest.CaptureFixture[str]) -> None:
    _, english, _ = run(capsys, "query", "provinces")
    _, chinese, _ = run(capsys, "query", "provinces", "--lang", "zh")
    assert "Zhejiang" in english and "https://" not in english
    assert "浙江省" in chinese


def test_param_by_chinese_label(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "cities", "-p", "province=安徽省", "--format", "json")
    assert code == 0
    names = {b["nameEn"]["value"] for b in json.loads(out)["results"]["bindings"]}
    assert names == {"Hefei", "Wuhu", "Xuancheng"}


def test_construct_defaults_to_turtle(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "query", "neighbourhood", "-p", "entity=Jinhua")
    assert code == 0 and "@prefix g60r:" in out and "g60r:jinhua" in out


def test_query_from_file_and_stdin(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    text = "PREFIX g60: <https://w3id.org/g60graph/def#>\nASK { ?c a g60:PrefectureLevelCity }"
    path = tmp_path / "ask.rq"
    path.write_text(text, encoding="utf-8")
    assert run(capsys, "query", str(path))[1] == "yes\n"
    monkeypatch.setattr("sys.stdin", io.StringIO(text))
    assert run(capsys, "query", "-", "--format", "tsv")[1] == "true\n"


def test_limit_says_rows_were_cut(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, err = run(capsys, "query", "statistics", "--limit", "2", "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 3
    assert "showing the first 2 rows" in err


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["query", "citys"], "no named query 'citys'; did you mean cities"),
        (["query", "--sparql", "SELECT ?s\nWHERE { ?s ?p }"], "line 2, column"),
        (["query", "parks", "-p", "colour=red"], "unknown parameter colour"),
        (["query", "parks", "-p", "city"], "expected KEY=VALUE"),
        (["query", "parks", "-p", "city=Atlantis"], "no entity matches 'Atlantis'"),
        (["query", "statistics", "-p", "measure=not an iri"],
         "parameter 'measure': no value matches 'not an iri'"),
        (["query", "cities", "--format", "ttl"], "not a result format"),
        (["query", "--sparql", "DROP ALL"], "updates are not allowed"),
        (["query", "nope.rq"], "nope.rq: no such query file"),
        (["describe", "Suzhuo"], "did you mean Suzhou"),
        (["query", "cities", "--data", str(FIXTURES / "malformed.ttl")], "malformed.ttl:3: "),
    ],
)
def test_user_errors_are_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], argv: list[str], message: str
) -> None:
    code, out, err = run(capsys, *argv)
    assert code == 2
    assert out == ""
    assert err.startswith("g60graph: error: ") and message in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err


def test_click_usage_errors_exit_2(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "cities", "--limit", "-1")
    assert code == 2 and "Traceback" not in err


def test_ambiguous_label_lists_candidates(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    twin = tmp_path / "twin.ttl"
    twin.write_text(
        "<https://example.org/another-jinhua> "
        '<http://www.w3.org/2000/01/rdf-schema#label> "Jinhua"@en, "金华市"@zh .\n',
        encoding="utf-8",
    )
    code, _, err = run(capsys, "describe", "金华市", "--data", str(twin))
    assert code == 2 and "ambiguous" in err and "g60r:jinhua" in err and "another-jinhua" in err
    # a label that is also one entity's slug names that entity: the city, not its twin
    code, out, _ = run(capsys, "describe", "Jinhua", "--data", str(twin), "--format", "csv")
    assert code == 0 and "another-jinhua" not in out and "/id/jinhua" in out


def test_describe_by_chinese_label(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "describe", "湖州市", "--format", "csv")
    assert code == 0
    rows = list(csv.DictReader(io.StringIO(out)))
    assert {"https://w3id.org/g60graph/id/zhejiang", "湖州市"} <= {r["value"] for r in rows}


def test_stats(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "stats", "--format", "json")
    figures = json.loads(out)
    assert code == 0 and figures["triples"] > 1000 and figures["sources"] >= 10
    assert figures["classes"]["Prefecture-level city"] == 8
    assert {"en", "zh"} <= set(figures["label_languages"])


def test_validate_conforms(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "validate")
    assert code == 0 and out.startswith("Conforms")


def test_validate_checks_what_is_asserted_also_with_inference(
        capsys: pytest.CaptureFixture[str]) -> None:
    """The entailments --infer adds are no data to check: OWL RL holds each number in
    several lexical forms (an "exactly one value" shape failed) and their graph names no
    source. The same violations are found with it as without (one OWL RL run: a minute)."""
    broken = str(sorted((FIXTURES / "broken").glob("*.trig"))[0])
    code, plain, _ = run(capsys, "validate", "--data", broken)
    assert code == 1
    code, inferred, _ = run(capsys, "validate", "--infer", "owlrl", "--data", broken)
    assert code == 1 and "Does not conform" in inferred
    assert inferred.splitlines()[0] == plain.splitlines()[0]  # "Does not conform: N violation(s)"


def test_validate_reports_broken_data_with_exit_1(capsys: pytest.CaptureFixture[str]) -> None:
    broken = sorted((FIXTURES / "broken").glob("*.trig"))
    assert broken, "the broken samples are missing"
    code, out, _ = run(capsys, "validate", "--data", str(broken[0]))
    assert code == 1 and "Does not conform" in out


def test_export_writes_atomically(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "g60.trig"
    code, _, err = run(capsys, "export", "--format", "trig", "-o", str(target))
    assert code == 0 and "wrote" in err
    import pyoxigraph as ox

    graphs = {q.graph_name for q in ox.parse(path=target, format=ox.RdfFormat.TRIG)}
    assert len(graphs) >= 10
    assert [p.name for p in tmp_path.iterdir()] == ["g60.trig"]  # no temporary file left


def test_failed_export_leaves_old_file_untouched(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "out.ttl"
    target.write_text("old", encoding="utf-8")
    code, _, _ = run(capsys, "export", "-o", str(target), "--data", str(FIXTURES / "malformed.ttl"))
    assert code == 2 and target.read_text(encoding="utf-8") == "old"


def test_inference_finds_places_through_the_hierarchy(capsys: pytest.CaptureFixture[str]) -> None:
    query = (
        "PREFIX g60: <https://w3id.org/g60graph/def#>\n"
        "SELECT ?x WHERE { ?x g60:locatedIn <https://w3id.org/g60graph/id/zhejiang> ; "
        "a g60:TechnologyTransferBase }"
    )
    _, plain, _ = run(capsys, "query", "--sparql", query, "--format", "csv")
    code, inferred, _ = run(
        capsys, "query", "--sparql", query, "--format", "csv", "--infer", "owlrl"
    )
    assert code == 0
    assert plain.strip().splitlines() == ["x"]  # nothing without reasoning
    assert len(inferred.strip().splitlines()) > 1  # bases in Zhejiang's cities, found transitively


def test_inference_gives_up_at_its_time_limit(capsys: pytest.CaptureFixture[str]) -> None:
    code, _, err = run(capsys, "query", "cities", "--infer", "owlrl", "--infer-timeout", "0.1")
    assert code == 3 and "gave up after 0.1 s" in err
