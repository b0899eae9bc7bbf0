"""Publishing to a real Oxigraph server and querying it through the remote backend.

A second SPARQL 1.1 server besides Virtuoso (tests/e2e/test_virtuoso.py): ``oxigraph
serve`` from the PyPI package ``oxigraph`` (tests/support/oxigraph_server.py), on a
loopback port with its store in a temporary folder. The packaged graph is
published with the Graph Store Protocol (and with SPARQL Update), every named
query must give the embedded store's rows, and ``validate`` and ``map`` through
``--endpoint`` must say what they say on the local graph.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import oxigraph_server
from g60graph import KnowledgeGraph
from g60graph.backends import SparqlBackend, graph_names, triple_count
from g60graph.backends._sparql import MANIFEST
from g60graph.cli import main
from g60graph.external._publish import publish
from named_cases import Case, all_cases
from paths import FIXTURES
from store_compare import graph_counts, publish_keeps_blank_nodes, same_result, views_agree


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[oxigraph_server.Oxigraph]:
    with oxigraph_server.running(tmp_path_factory.mktemp("oxigraph")) as running:
        yield running


@pytest.fixture(scope="module")
def published(server: oxigraph_server.Oxigraph, kg: KnowledgeGraph) -> dict[str, int]:
    report = publish(kg, endpoint=server.sparql, graph_store=server.graph_store,
                     chunk_size=300, progress=False)
    assert report.method == "graph-store" and report.chunks > len(report.counts)
    return report.counts


@pytest.fixture(scope="module")
def remote_kg(server: oxigraph_server.Oxigraph, published: dict[str, int]) -> KnowledgeGraph:
    return KnowledgeGraph.load(endpoint=server.sparql)


def test_publish_sends_every_graph_and_verifies_counts(
    server: oxigraph_server.Oxigraph, kg: KnowledgeGraph, published: dict[str, int]
) -> None:
    assert published == graph_counts(kg)
    remote = SparqlBackend(server.sparql)
    assert graph_names(remote) == kg.graph_names()
    assert {g: remote.graph_count(g) for g in published} == published
    assert remote.graph_count(str(MANIFEST)) > len(published)  # the manifest, marked complete


def test_publishing_again_replaces_rather_than_adds(
    server: oxigraph_server.Oxigraph, kg: KnowledgeGraph, published: dict[str, int]
) -> None:
    again = publish(kg, endpoint=server.sparql, graph_store=server.graph_store, progress=False)
    assert again.counts == published
    remote = SparqlBackend(server.sparql)
    assert triple_count(remote) == kg.stats()["triples"]
    assert {g: remote.graph_count(g) for g in published} == published


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_named_query_same_rows_as_embedded(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph, case: Case
) -> None:
    embedded = kg.query(case.query, case.params)
    assert len(embedded) > 0
    assert same_result(remote_kg.query(case.query, case.params), embedded)


def test_remote_graph_answers_like_the_embedded_one(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph
) -> None:
    assert remote_kg.stats() == kg.stats()
    assert remote_kg.resolve("杭州市") == kg.resolve("Hangzhou")
    assert len(remote_kg.union_graph()) == len(kg.union_graph())


def test_validate_and_map_through_the_endpoint_agree_with_the_local_graph(
    server: oxigraph_server.Oxigraph, kg: KnowledgeGraph, remote_kg: KnowledgeGraph,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    views_agree(server.sparql, kg, remote_kg, tmp_path, capsys)


def test_publish_by_sparql_update(
    server: oxigraph_server.Oxigraph, published: dict[str, int]
) -> None:
    extra = KnowledgeGraph.load([FIXTURES / "extra.ttl"])
    graph = (FIXTURES / "extra.ttl").resolve().as_uri()
    for _ in range(2):  # the second run replaces the first
        report = publish(extra, endpoint=server.sparql, update_endpoint=server.update,
                         graphs=[graph], chunk_size=2, progress=False)
        assert report.method == "update" and report.chunks > 1
        remote = SparqlBackend(server.sparql)
        assert remote.graph_count(graph) == report.counts[graph] > 0
    assert set(published) | {graph} == set(graph_names(remote))


def test_cli_publish_and_query(
    server: oxigraph_server.Oxigraph, kg: KnowledgeGraph, published: dict[str, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["publish", "--quiet", "--endpoint", server.sparql,
                 "--graph-store", server.graph_store,
                 "--graph", "https://w3id.org/g60graph/graph/curation"])
    assert code == 0 and "counts verified" in capsys.readouterr().err
    code = main(["query", "alliances", "--endpoint", server.sparql, "--format", "csv"])
    alliances = kg.query("alliances")
    assert code == 0 and len(capsys.readouterr().out.splitlines()) == 1 + len(alliances) > 3


def test_blank_nodes_keep_their_shape_by_sparql_update(
    server: oxigraph_server.Oxigraph, kg: KnowledgeGraph, published: dict[str, int]
) -> None:
    publish_keeps_blank_nodes(kg, server.sparql, server.update, published)
