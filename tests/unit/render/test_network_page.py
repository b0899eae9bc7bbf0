"""The network page: self-contained HTML, escaped data, and the viz/map commands."""

from __future__ import annotations

import json
import re
from pathlib import Path
from typing import Any

import pytest

from g60graph import KnowledgeGraph
from g60graph.cli import main
from g60graph.render import _network_page as viz
from paths import REPO
from viz_helpers import IMG, SCRIPT, evil_data


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def embedded(html_text: str, element_id: str) -> object:
    match = re.search(
        rf'<script type="application/json" id="{element_id}">(.*?)</script>', html_text, re.S
    )
    assert match, element_id
    return json.loads(match.group(1))


def test_script_json_cannot_close_the_script() -> None:
    text = viz.script_json({"label": SCRIPT + IMG + "\u2028\u2029&"})
    assert "<" not in text and ">" not in text and "&" not in text
    assert "\u2028" not in text and "\u2029" not in text
    assert json.loads(text)["label"] == SCRIPT + IMG + "\u2028\u2029&"


def test_page_is_self_contained(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "overview.html"
    code, _, err = run(capsys, "viz", "--diagram", "overview", "-o", str(out))
    assert code == 0, err
    raw = out.read_bytes()
    page = raw.decode("utf-8")  # UTF-8, declared
    assert '<meta charset="utf-8">' in page
    # no external reference of any kind: scripts and styles are inline
    assert not re.search(r'<script[^>]+src=|<link[^>]+href=|@import|url\(http', page)
    assert "https://cdn" not in page
    assert "@copyright (c) 2011-2017 Almende B.V" in page  # vis-network's licence header kept
    assert "default-src 'none'" in page  # the CSP forbids every fetch
    data = embedded(page, "g60-data")
    assert isinstance(data, dict)
    assert {"nodes", "edges", "legend"} <= set(data)
    assert embedded(page, "g60-options") == {"hierarchical": "UD", "strings": {}}
    labels = {n["label"] for n in data["nodes"]}
    assert {"Hangzhou", "Zhejiang", "Songjiang District"} <= labels


def test_hostile_labels_are_escaped(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "evil.html"
    code, _, err = run(capsys, "viz", "--data", str(evil_data(tmp_path)), "--focus",
                       "g60r:evil-city", "-o", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    # neither string appears raw: the only </script> tags close our own scripts
    assert IMG not in page and "<img" not in page
    assert page.count("</script>") == 6  # two JSON blocks and four scripts: ours
    assert "&lt;img src=x onerror=window.__pwned=1&gt;" in page  # the subtitle, as text
    data = embedded(page, "g60-data")
    assert isinstance(data, dict)
    assert IMG in {n["label"] for n in data["nodes"]}


def test_focus_and_classes(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    out = tmp_path / "f.html"
    code, _, err = run(capsys, "viz", "--focus", "杭州市", "--depth", "1",
                       "--classes", "-Source", "--lang", "zh", "-o", str(out))
    assert code == 0, err
    page = out.read_text(encoding="utf-8")
    data = embedded(page, "g60-data")
    assert isinstance(data, dict)
    labels = {n["label"] for n in data["nodes"]}
    assert "杭州市" in labels and "浙江省" in labels
    assert all(entry["label"] != "Source" for entry in data["legend"])
    assert '<html lang="zh">' in page


def test_bad_focus_is_one_line_and_keeps_the_old_file(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    out = tmp_path / "page.html"
    out.write_text("previous", encoding="utf-8")
    code, _, err = run(capsys, "viz", "--focus", "Atlantis", "-o", str(out))
    assert code == 2
    assert err.count("\n") == 1 and "Traceback" not in err
    assert "--focus: no entity matches 'Atlantis'" in err
    assert out.read_text(encoding="utf-8") == "previous"  # not touched
    assert [p.name for p in tmp_path.iterdir()] == ["page.html"]  # no temporary left


def test_query_select_graph_view(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    query = tmp_path / "g.rq"
    query.write_text(
        "PREFIX g60: <https://w3id.org/g60graph/def#>\n"
        "SELECT ?source ?target ?edgeLabel ?targetLabel ?rgb WHERE {\n"
        "  ?source g60:directlyLocatedIn ?target .\n"
        "  BIND(\"in\" AS ?edgeLabel) BIND(UCASE(STR(?target)) AS ?targetLabel)\n"
        "  BIND(\"ff0000\" AS ?rgb) }\n",
        encoding="utf-8",
    )
    out = tmp_path / "q.html"
    code, _, err = run(capsys, "viz", "--query", str(query), "-o", str(out))
    assert code == 0, err
    data = embedded(out.read_text(encoding="utf-8"), "g60-data")
    assert isinstance(data, dict)
    assert data["edges"] and all(e["label"] == "in" for e in data["edges"])
    targets = {e["to"] for e in data["edges"]}
    assert all(n["label"].isupper() for n in data["nodes"] if n["id"] in targets)
    sources = {e["from"] for e in data["edges"]}
    assert all(n.get("color") == "#ff0000" for n in data["nodes"] if n["id"] in sources)


def test_a_table_query_draws_each_row(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    """alliances has a citation column ?source but no ?target: each row links the
    alliance to its other IRI columns (city, industry, person, source), by column name."""
    out = tmp_path / "alliances.html"
    code, _, err = run(capsys, "viz", "--query", "alliances", "-o", str(out))
    assert code == 0, err
    data: Any = embedded(out.read_text(encoding="utf-8"), "g60-data")
    labels = {n["id"]: n["label"] for n in data["nodes"]}
    links = {(labels[e["from"]], e["label"]) for e in data["edges"]}
    # each alliance of the query's rows links to its source, under the name the graph gives it
    kg = KnowledgeGraph.load()
    alliances = {kg.label(r["alliance"]) for r in kg.query("alliances").dicts()
                 if r.get("source") is not None}
    assert alliances and all((name, "source") in links for name in alliances)
    assert {label for _, label in links} <= {"foundedIn", "ledFrom", "industry", "person",
                                             "role", "source"}
    numbers = tmp_path / "numbers.rq"
    numbers.write_text("SELECT ?n WHERE { VALUES ?n { 1 2 } }\n", encoding="utf-8")
    code, _, err = run(capsys, "viz", "--query", str(numbers), "-o", str(tmp_path / "x.html"))
    assert code == 2 and "no IRI column" in err


def test_analyze_path_export(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    code, out, _ = run(capsys, "analyze", "--top", "3", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert len(report["pagerank"]) == 3 and report["communities"]
    code, out, _ = run(capsys, "path", "Wuhu", "金华市", "--classes", "-Source")
    assert code == 0
    assert out.startswith("Wuhu ") and out.strip().endswith("Jinhua") and "-->" in out
    code, _, err = run(capsys, "path", "Wuhu", "Nowhere")
    assert code == 2 and "Nowhere" in err
    target = tmp_path / "g.graphml"
    code, _, _ = run(capsys, "export-graph", "--diagram", "agreements", "--format", "graphml",
                     "-o", str(target))
    assert code == 0 and target.read_text(encoding="utf-8").startswith("<graphml")


@pytest.mark.parametrize("command", ["viz", "map", "chart", "timeline"])
def test_visual_commands_say_which_fonts_chinese_needs(
        capsys: pytest.CaptureFixture[str], command: str) -> None:
    code, out, _ = run(capsys, command, "--help")
    assert code == 0
    assert "CJK font" in out and "fonts-noto-cjk" in out.replace("-\n", "-").replace(" ", "")


def test_readme_says_which_fonts_chinese_needs() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    assert re.search(r"Chinese labels\s+\(`--lang zh`\) need a CJK font: Debian's\s+"
                     r"`fonts-noto-cjk`", readme)
