"""The network and map pages as files: self-contained, escaped, written atomically."""

from __future__ import annotations

import base64
import hashlib
import json
import re
from pathlib import Path

import pytest

from g60graph import network, viz
from g60graph.cli import main
from g60graph.graph import KnowledgeGraph

FIXTURES = Path(__file__).parent / "fixtures"
HOSTILE = FIXTURES / "hostile.ttl"
SCRIPT = re.compile(r"<script([^>]*)>(.*?)</script>", re.DOTALL | re.IGNORECASE)


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def json_blocks(page: str) -> dict[str, object]:
    return {
        m[1]: json.loads(m[2])
        for m in re.finditer(
            r'<script type="application/json" id="([^"]+)">(.*?)</script>', page, re.DOTALL
        )
    }


def test_script_json_cannot_close_its_element() -> None:
    value = {"label": "</script><!-- & \u2028\u2029 >"}
    text = viz.script_json(value)
    assert not re.search(r"[<>&\u2028\u2029]", text)
    assert json.loads(text) == value


def test_page_is_self_contained(tmp_path: Path) -> None:
    data = {"nodes": [{"id": 0, "label": "松江区", "group": "g"}], "edges": [], "legend": []}
    page = viz.network_page(data, title="T")
    assert page.startswith("<!DOCTYPE html>")
    assert '<meta charset="utf-8">' in page
    # vis-network's licence header is kept, its source-map pointer is not
    assert "@license" in page and "Apache 2.0 License" in page and "MIT License" in page
    assert "sourceMappingURL" not in page
    # nothing refers to anything outside the file
    assert not re.search(r"""\b(src|href)\s*=\s*["']?(https?:)?//""", page, re.IGNORECASE)
    assert not re.search(r"<link\b", page, re.IGNORECASE)
    for cdn in ("jsdelivr", "unpkg.com", "cdnjs", "bootstrapcdn", "googleapis"):
        assert cdn not in page.lower()
    # the policy forbids any fetch and allows exactly our inline scripts, by hash
    csp = re.search(r'http-equiv="Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None and "default-src 'none'" in csp[1]
    executable = [m[2] for m in SCRIPT.finditer(page) if "application/json" not in m[1]]
    assert len(executable) == 3
    for code in executable:
        digest = base64.b64encode(hashlib.sha256(code.encode("utf-8")).digest()).decode()
        assert f"'sha256-{digest}'" in csp[1]
    # UTF-8 on disk, whatever the platform's default encoding
    target = tmp_path / "p.html"
    target.write_text(page, encoding="utf-8")
    assert "松江区".encode() in target.read_bytes()


def test_inline_assets_refuse_a_closing_tag() -> None:
    with pytest.raises(ValueError, match="script"):
        viz.page(title="t", subtitle="", body="", scripts=["x='</script>'"], styles=[], data={})


def test_hostile_labels_stay_data(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "hostile.html"
    code, _, err = run(
        capsys, "viz", "--data", str(HOSTILE), "--focus", "hostile-alliance", "--depth", "1",
        "-o", str(target),
    )
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    # only our script elements close: 2 JSON blocks + 3 inline scripts
    assert len(re.findall(r"</script", page, re.IGNORECASE)) == 5
    assert "around &lt;img src=x onerror=" in page  # the subtitle names it, escaped
    for raw in ("<img src=x", "<svg onload", "<b onmouseover", "\u2028"):
        assert raw not in page
    data = json_blocks(page)["g60-data"]
    assert isinstance(data, dict)
    labels = {n["label"] for n in data["nodes"]}
    assert "<img src=x onerror=\"document.title='pwned'\">" in labels
    assert "</script><svg onload=\"document.title='pwned'\">" in labels


def test_network_data_matches_the_graph(kg: KnowledgeGraph) -> None:
    g = network.select(kg, query=None, params={}, focus="Hangzhou", depth=1, classes=None,
                       lang="en")
    data = viz.network_data(g, context=network.Context(kg.union_graph()))
    assert len(data["nodes"]) == g.number_of_nodes() > 1
    assert len(data["edges"]) == g.number_of_edges() > 0
    assert sum(entry["count"] for entry in data["legend"]) == g.number_of_nodes()
    hangzhou = next(n for n in data["nodes"] if n["label"] == "Hangzhou")
    assert hangzhou["sources"], "a city's side panel lists its sources"
    assert any(f["p"] == "← member city" for f in hangzhou["facts"])
    assert hangzhou["value"] == g.degree(hangzhou["iri"])


@pytest.mark.parametrize("size_by", ["betweenness", "pagerank"])
def test_size_by_centrality(kg: KnowledgeGraph, size_by: str) -> None:
    g = network.select(kg, query=None, params={}, focus="Hangzhou", depth=1, classes=None,
                       lang="en")
    values = {n["label"]: n["value"] for n in viz.network_data(g, size_by=size_by)["nodes"]}
    assert max(values, key=lambda k: values[k]) == "Hangzhou"  # the centre of its own star


@pytest.mark.parametrize("diagram", ["overview", "alliances-parks", "agreements", "provenance"])
def test_cli_writes_each_diagram(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, diagram: str
) -> None:
    target = tmp_path / f"{diagram}.html"
    code, _, err = run(capsys, "viz", "--diagram", diagram, "-o", str(target))
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == [target.name]  # no temporary file left
    blocks = json_blocks(target.read_text(encoding="utf-8"))
    data, options = blocks["g60-data"], blocks["g60-options"]
    assert isinstance(data, dict) and isinstance(options, dict)
    match = re.search(r"\((\d+) nodes, (\d+) edges\)", err)
    assert match, err
    assert (len(data["nodes"]), len(data["edges"])) == (int(match[1]), int(match[2]))
    assert len(data["nodes"]) > 5
    assert options["hierarchical"] == ("UD" if diagram == "overview" else False)


def test_cli_chinese_labels(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "zh.html"
    assert run(capsys, "viz", "--diagram", "overview", "--lang", "zh", "-o", str(target))[0] == 0
    page = target.read_text(encoding="utf-8")
    assert '<html lang="zh">' in page
    data = json_blocks(page)["g60-data"]
    assert isinstance(data, dict)
    assert "松江区" in {n["label"] for n in data["nodes"]}


def test_cli_class_filter(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "nosources.html"
    assert run(capsys, "viz", "--classes=-Source", "-o", str(target))[0] == 0
    data = json_blocks(target.read_text(encoding="utf-8"))["g60-data"]
    assert isinstance(data, dict)
    groups = {n["group"] for n in data["nodes"]}
    assert groups and "g60:Source" not in groups


def test_bad_focus_is_a_clear_error_and_writes_nothing(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    target = tmp_path / "keep.html"
    target.write_text("old", encoding="utf-8")
    code, _, err = run(capsys, "viz", "--focus", "Atlantis-on-Sea", "-o", str(target))
    assert code == 2
    assert err.startswith("g60graph: error:") and "Atlantis-on-Sea" in err
    assert len(err.strip().splitlines()) == 1 and "Traceback" not in err
    assert target.read_text(encoding="utf-8") == "old"
    assert [p.name for p in tmp_path.iterdir()] == ["keep.html"]


def test_query_and_diagram_together_is_an_error(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "viz", "--diagram", "overview", "--query", "diagram-agreements",
                       "-o", str(tmp_path / "x.html"))
    assert code == 2 and "either" in err


def test_select_query_file_in_graph_view_style(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    query = tmp_path / "lines.rq"
    query.write_text(
        "PREFIX g60: <https://w3id.org/g60graph/def#>\n"
        "SELECT ?source ?target ?edgeLabel ?rgb WHERE {\n"
        "  ?source g60:connects ?target BIND(\"connects\" AS ?edgeLabel) BIND(\"ff0000\" AS ?rgb)\n"
        "}\n",
        encoding="utf-8",
    )
    target = tmp_path / "lines.html"
    code, _, err = run(capsys, "viz", "--query", str(query), "-o", str(target))
    assert code == 0, err
    data = json_blocks(target.read_text(encoding="utf-8"))["g60-data"]
    assert isinstance(data, dict)
    # 3 lines connecting 4 + 4 + 3 places (Songjiang, Suzhou, Huzhou shared)
    assert len(data["edges"]) == 11
    assert {e["label"] for e in data["edges"]} == {"connects"}
    labels = {n["label"] for n in data["nodes"]}
    assert {"G60 Expressway", "Hangzhou", "Hefei"} <= labels


# -- the map -----------------------------------------------------------------------


def test_map_page_offline_by_default(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "map.html"
    code, _, err = run(capsys, "map", "-o", str(target))
    assert code == 0, err
    page = target.read_text(encoding="utf-8")
    csp = re.search(r'Content-Security-Policy" content="([^"]+)"', page)
    assert csp is not None and re.search(r"img-src data:;", csp[1])
    options = json_blocks(page)["g60-options"]
    assert isinstance(options, dict) and options["tiles"] is None


def test_map_tiles_only_when_asked(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    target = tmp_path / "tiles.html"
    url = "https://tile.example.org/{z}/{x}/{y}.png"
    assert run(capsys, "map", "--tiles", url, "-o", str(target))[0] == 0
    page = target.read_text(encoding="utf-8")
    assert "img-src data: https://tile.example.org;" in page
    code, _, err = run(capsys, "map", "--tiles", "javascript:alert(1)//{z}",
                       "-o", str(tmp_path / "bad.html"))
    assert code == 2 and "--tiles" in err
    assert not (tmp_path / "bad.html").exists()
