"""The graph as networkx: conversion, selections, analytics, paths and exports."""

from __future__ import annotations

import io
import json
import re
import shutil
import subprocess
from pathlib import Path

import networkx as nx
import pytest
from rdflib import RDF, Graph, Literal, URIRef

from g60graph._errors import G60Error, InputError
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._namespaces import G60, G60R
from g60graph.network import _graph as network

HANGZHOU = str(G60R.hangzhou)


@pytest.fixture(scope="module")
def whole(kg: KnowledgeGraph) -> nx.MultiDiGraph:
    return kg.to_networkx()


def test_nodes_are_typed_labelled_entities(kg: KnowledgeGraph, whole: nx.MultiDiGraph) -> None:
    city = whole.nodes[HANGZHOU]
    assert city["label"] == "Hangzhou" and city["label_zh"] == "杭州市"
    assert city["class"] == str(G60.PrefectureLevelCity)
    assert str(G60.Place) in city["types"].split()  # superclasses, for --classes
    # literal facts are attributes, never nodes
    assert city["geo:asWKT"].startswith("POINT(")
    assert not any(n.startswith("POINT") for n in whole)
    # the ontology is not part of the data network
    assert str(G60.PrefectureLevelCity) not in whole
    # every IRI-valued data statement between drawn nodes is an edge
    ask = kg.query(f"ASK {{ <{HANGZHOU}> <{G60.directlyLocatedIn}> <{G60R.zhejiang}> }}")
    assert ask.boolean
    data = whole.get_edge_data(HANGZHOU, str(G60R.zhejiang))
    assert data[str(G60.directlyLocatedIn)]["label"] == "directly located in"


def test_edge_count_matches_sparql(kg: KnowledgeGraph, whole: nx.MultiDiGraph) -> None:
    """Each edge is one triple between two drawn nodes (checked against a SPARQL count)."""
    nodes = set(whole)
    pairs = [
        (str(s), str(p), str(o))  # (external IRIs such as Wikidata's are attributes)
        for s, p, o in kg.union_graph()
        if str(s) in nodes and str(o) in nodes and p != RDF.type
    ]
    assert whole.number_of_edges() == len(set(pairs))


def test_chinese_labels(kg: KnowledgeGraph) -> None:
    g = network.to_networkx(kg, lang="zh")
    assert g.nodes[HANGZHOU]["label"] == "杭州市"
    edge = g.get_edge_data(HANGZHOU, str(G60R.zhejiang))[str(G60.directlyLocatedIn)]
    assert edge["label"] != "directly located in"


def test_from_a_plain_rdflib_graph() -> None:
    g = Graph()
    a, b = URIRef("http://example.org/a"), URIRef("http://example.org/b")
    g.add((a, URIRef("http://example.org/knows"), b))
    g.add((a, URIRef("http://example.org/age"), Literal(3)))
    g.add((b, URIRef("http://example.org/name"), Literal("B")))
    out = network.to_networkx(g)
    assert set(out) == {str(a), str(b)}
    assert "3" in out.nodes[str(a)].values()  # the literal is an attribute


def test_neighbourhood_and_class_filter(kg: KnowledgeGraph) -> None:
    near = network.select(kg, focus="杭州市", depth=1)
    assert HANGZHOU in near
    assert all(
        nx.has_path(near.to_undirected(), HANGZHOU, n) for n in near
    )
    assert str(G60R.zhejiang) in near and str(G60R.hefei) not in near
    cities = network.select(kg, classes="PrefectureLevelCity")
    assert len(cities) == 8
    no_sources = network.select(kg, classes="-Source,-Observation")
    assert not any("Source" in d["class"] for _, d in no_sources.nodes(data=True))
    with pytest.raises(InputError, match="no class named"):
        network.select(kg, classes="Unicorn")
    with pytest.raises(G60Error):
        network.select(kg, focus="nowhere at all")


def test_query_graphs(kg: KnowledgeGraph) -> None:
    overview = network.select(kg, query="diagram-overview")
    result = kg.query("diagram-overview")
    assert result.graph is not None
    assert overview.number_of_edges() == len(result.graph)
    prov = network.select(kg, query="diagram-provenance")
    sel = kg.query("diagram-provenance")
    assert prov.number_of_edges() == len(sel.rows)
    assert {str(r[1]) for r in sel.rows} <= set(prov)
    # WDQS's graph view: ?item ?linkTo
    wdqs = kg.query("PREFIX g60: <https://w3id.org/g60graph/def#>\n"
                    "SELECT DISTINCT ?item ?linkTo WHERE { ?item g60:directlyLocatedIn ?linkTo }")
    assert network.graph_for_query(kg, wdqs).number_of_edges() == len(wdqs.rows)
    # any other SELECT: each row a star from its first IRI column, edges named by column
    cities = network.graph_for_query(kg, kg.query("cities"))
    assert "https://w3id.org/g60graph/id/hangzhou" in cities
    with pytest.raises(InputError, match="no IRI column"):
        network.graph_for_query(kg, kg.query("SELECT ?n WHERE { VALUES ?n { 1 } }"))


def test_analyze(whole: nx.MultiDiGraph) -> None:
    report = network.analyze(whole, top=5)
    assert report["nodes"] == whole.number_of_nodes()
    assert len(report["degree"]) == 5
    scores = [r["score"] for r in report["degree"]]
    assert scores == sorted(scores, reverse=True)
    top = report["degree"][0]["node"]
    assert top == max(network.simple(whole).degree(), key=lambda nd: nd[1])[0]
    members = [m for c in report["communities"] for m in c]
    assert len(members) == report["nodes"]


def test_path_reads_as_a_chain(kg: KnowledgeGraph) -> None:
    g = network.select(kg, classes="-Source")
    steps = network.path(g, str(G60R.wuhu), str(G60R.jinhua))
    assert steps[0][0] == str(G60R.wuhu) and steps[-1][2] == str(G60R.jinhua)
    for u, _label, v, forward in steps:
        assert g.has_edge(u, v) if forward else g.has_edge(v, u)
    text = network.format_path(g, steps)
    assert text.startswith("Wuhu ") and text.endswith(" Jinhua")
    assert "--" in text
    isolated = nx.MultiDiGraph()
    isolated.add_node("a", label="A")
    isolated.add_node("b", label="B")
    with pytest.raises(InputError, match="not connected"):
        network.path(isolated, "a", "b")


def test_graphml_and_gexf_reread(whole: nx.MultiDiGraph, tmp_path: Path) -> None:
    graphml = tmp_path / "g.graphml"
    graphml.write_text(network.export(whole, "graphml"), encoding="utf-8")
    back = nx.read_graphml(graphml)
    assert back.number_of_nodes() == whole.number_of_nodes()
    assert back.number_of_edges() == whole.number_of_edges()
    assert back.nodes[HANGZHOU]["label_zh"] == "杭州市"
    gexf = network.export(whole, "gexf")
    back = nx.read_gexf(io.BytesIO(gexf.encode("utf-8")))
    assert back.number_of_nodes() == whole.number_of_nodes()
    assert back.number_of_edges() == whole.number_of_edges()
    assert 'xmlns="http://gexf.net/1.2"' in gexf or "gexf.net" in gexf


def test_cytoscape_reread(whole: nx.MultiDiGraph) -> None:
    data = json.loads(network.export(whole, "cytoscape"))
    assert {"data", "elements"} <= set(data)
    assert all("source" in e["data"] and "target" in e["data"] for e in data["elements"]["edges"])
    back = nx.cytoscape_graph(data)
    assert back.number_of_nodes() == whole.number_of_nodes()
    assert back.number_of_edges() == whole.number_of_edges()


def test_dot_parses_with_graphviz(whole: nx.MultiDiGraph, tmp_path: Path) -> None:
    """Graphviz's own parser reads the file; every node and edge is drawn (by sfdp, the
    engine for large graphs: dot's ranked layout of the whole graph takes minutes)."""
    dot = shutil.which("dot")
    assert dot, "graphviz is installed by scripts/test.sh"
    tricky = whole.copy()
    tricky.add_node('say "hi" \\ {x}', label='quote " and \\ backslash\nnewline')
    path = tmp_path / "g.dot"
    path.write_text(network.export(tricky, "dot"), encoding="utf-8")
    run = subprocess.run([dot, "-Ksfdp", "-Tsvg", str(path)], capture_output=True, text=True,
                         timeout=120)
    assert run.returncode == 0, run.stderr
    assert len(re.findall(r'<g id="node\d+" class="node"', run.stdout)) == len(tricky)
    assert len(re.findall(r'<g id="edge\d+" class="edge"', run.stdout)) == tricky.number_of_edges()


def test_unknown_format(whole: nx.MultiDiGraph) -> None:
    with pytest.raises(InputError, match="unknown graph format"):
        network.export(whole, "png")


def test_pagerank_needs_no_scipy(monkeypatch: pytest.MonkeyPatch) -> None:
    """A star of k leaves has a closed form; scipy (not a dependency) is never imported."""
    import sys

    monkeypatch.setitem(sys.modules, "scipy", None)  # importing it now raises ImportError
    k, alpha = 5, 0.85
    star = nx.star_graph(k)
    star.add_node("alone")
    n = k + 2
    ranks = network.pagerank(star, alpha)
    # dangling "alone" spreads its rank evenly: d = alpha * r_alone / n
    # centre c = base + alpha*k*leaf, leaf = base + alpha*c/k, alone = base; base = (1-a)/n + d
    alone = ranks["alone"]
    assert alone > (1 - alpha) / n  # the teleport share plus its own dangling share
    base = alone
    centre = (base + alpha * k * base) / (1 - alpha**2)
    assert ranks[0] == pytest.approx(centre, rel=1e-6)
    assert ranks[1] == pytest.approx(base + alpha * centre / k, rel=1e-6)
    assert sum(ranks.values()) == pytest.approx(1.0)


def test_analyze_without_scipy(whole: nx.MultiDiGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    import sys

    monkeypatch.setitem(sys.modules, "scipy", None)
    ranking = network.analyze(whole, 5)["pagerank"]
    assert len(ranking) == 5
    assert [r["score"] for r in ranking] == sorted((r["score"] for r in ranking), reverse=True)


def test_each_node_is_described_once(kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch) -> None:
    """Node attributes are computed once per node, not once per statement (speed)."""
    calls: list[str] = []
    original = network.Context.node_attributes

    def counted(self: network.Context, node: URIRef) -> dict[str, object]:
        calls.append(str(node))
        return original(self, node)

    monkeypatch.setattr(network.Context, "node_attributes", counted)
    g = network.to_networkx(kg)
    assert len(calls) == len(set(calls)) == g.number_of_nodes()


# -- the commands (in-process) -------------------------------------------------------


def cli(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    from g60graph.cli import main

    code = main(list(argv))
    out, err = capsys.readouterr()
    return code, out, err


def test_path_command(capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph) -> None:
    hefei, expressway = str(G60R.hefei), str(G60R["g60-expressway"])
    drawn = network.to_networkx(kg)
    plain = nx.shortest_path_length(network.simple(drawn), hefei, expressway)
    code, out, _ = cli(capsys, "path", "Hefei", "G60 Expressway")
    assert code == 0
    chain = out.strip()
    assert chain.startswith(kg.label(G60R.hefei) + " ")
    assert chain.endswith(" " + kg.label(G60R["g60-expressway"]))
    assert chain.count("--") == 2 * plain  # a shortest chain, each step a statement
    assert "source" not in chain  # citations are not walked
    # via sources: an entity that one article describes along with Hefei is two steps
    # away, nearer than by any chain of statements
    cited = network.Context.of(kg)
    shared = {src for src, _ in cited.cited[G60R.hefei]}
    by_statements = nx.single_source_shortest_path_length(network.simple(drawn), hefei)
    nearer = sorted(str(e) for e, pairs in cited.cited.items()
                    if shared & {src for src, _ in pairs} and str(e) in drawn
                    and by_statements.get(str(e), 99) > 2)
    assert nearer
    code, out, _ = cli(capsys, "path", "Hefei", nearer[0], "--via-sources")
    assert code == 0 and out.count("--source-->") == 1 and out.count("--") == 4
    code, out, _ = cli(capsys, "path", "合肥市", "浙江省", "--lang", "zh")
    assert code == 0 and out.startswith("合肥市 ") and out.strip().endswith(" 浙江省")
    assert re.search(r"--[\u4e00-\u9fff]+--", out)  # property labels in Chinese too
    code, _, err = cli(capsys, "path", "Hefei", "Atlantis")
    assert code == 2 and "Atlantis" in err and len(err.strip().splitlines()) == 1


def overview_size(kg: KnowledgeGraph) -> tuple[int, int]:
    """Nodes and edges of the overview diagram, counted from its CONSTRUCT result."""
    triples = kg.query("diagram-overview").graph
    assert triples is not None and len(triples) > 10
    return len(set(triples.subjects()) | set(triples.objects())), len(triples)


def test_analyze_command(capsys: pytest.CaptureFixture[str], kg: KnowledgeGraph) -> None:
    code, out, _ = cli(capsys, "analyze", "--diagram", "overview", "--format", "json")
    assert code == 0
    report = json.loads(out)
    assert (report["nodes"], report["edges"]) == overview_size(kg)
    # the best connected: the version with the most member cities (each a neighbour,
    # as is the corridor it is a version of), counted from the diagram's statements
    triples = kg.query("diagram-overview").graph
    assert triples is not None
    neighbours: dict[str, set[str]] = {}
    for s, _, o in triples:
        neighbours.setdefault(str(s), set()).add(str(o))
        neighbours.setdefault(str(o), set()).add(str(s))
    most = max(len(n) for n in neighbours.values())
    top = report["degree"][0]
    assert kg.resolve(top["node"]) in set(triples.subjects(G60.memberCity))
    assert top["score"] == len(neighbours[top["node"]]) == most
    assert top["label"] == kg.label(URIRef(top["node"]))
    assert sum(len(c) for c in report["communities"]) == report["nodes"]
    code, out, _ = cli(capsys, "analyze", "--top", "3")
    assert code == 0 and "pagerank:" in out and "communities" in out


@pytest.mark.parametrize("fmt", ["graphml", "gexf", "cytoscape", "dot"])
def test_export_graph_command(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, fmt: str, kg: KnowledgeGraph
) -> None:
    nodes, edges = overview_size(kg)
    target = tmp_path / f"overview.{fmt}"
    code, _, err = cli(capsys, "export-graph", "--diagram", "overview", "--format", fmt,
                       "-o", str(target))
    assert code == 0, err
    assert [p.name for p in tmp_path.iterdir()] == [target.name]
    text = target.read_text(encoding="utf-8")
    if fmt == "graphml":
        g = nx.read_graphml(target)
    elif fmt == "gexf":
        g = nx.read_gexf(target)
    elif fmt == "cytoscape":
        g = nx.cytoscape_graph(json.loads(text))
    else:
        assert text.startswith("digraph")
        assert text.count(" -> ") == edges
        return
    assert (g.number_of_nodes(), g.number_of_edges()) == (nodes, edges)


def test_the_classes_hint_and_help_name_real_classes(kg: KnowledgeGraph) -> None:
    resolve = network.class_resolver(kg)
    for name in ("Source", "g60:IndustrialPark", "PrefectureLevelCity"):  # as the texts say
        assert resolve(name).startswith(str(G60))
    with pytest.raises(InputError, match=r"no class named 'Nope' \(try e\.g\. Source, g60:Ind"):
        resolve("Nope")


def test_one_copy_of_the_dataset_serves_a_selection(kg: KnowledgeGraph) -> None:
    union = kg.union_graph()
    chosen = network.select(kg, classes="PrefectureLevelCity", union=union)
    assert chosen.number_of_nodes() > 0
    assert network.select(kg, classes="PrefectureLevelCity").nodes == chosen.nodes
