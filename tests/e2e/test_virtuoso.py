"""Publishing to a real Virtuoso and querying it through the remote backend.

A Virtuoso server (tests/support/virtuoso.py) runs on loopback ports with its database
in a temporary folder for this module. The packaged graph is published with the
Graph Store Protocol, and every named query must give the embedded store's rows.

Virtuoso 7.2.5 quirks accounted for (see tests/support/store_compare.py): integers
above 2^31 come back as xsd:decimal, string-to-decimal casts go through a
float, and blank-node labels differ. Virtuoso 7.2.5 also loses rows when a
zero-or-more property path is joined with a grouped subquery, and misreads
some comment text: the named queries are written around the first (see the
comments in queries/), and the remote backend sends queries without comments.
It answers geo:wktLiteral points as virtrdf:Geometry in single precision; the
remote backend gives them back as geo:wktLiteral with the stored numbers, though
not their lexical form (118.759 for the data's 118.7590), so WKT compares on values.
It has no GRAPH ?g {} and drops rows of some OPTIONALs: the library queries are
written around those (see queries/library/graphs.rq, link-parents.rq, resource.rq).
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import pytest

import virtuoso
from g60graph import KnowledgeGraph
from g60graph._errors import ExecutionError, QuerySyntaxError
from g60graph.backends import SparqlBackend, graph_names, triple_count
from g60graph.cli import main
from g60graph.external._publish import PublishError, Triple, _Target, publish
from g60graph.sparql._named import library
from named_cases import LIBRARY_SAMPLES, Case, all_cases
from paths import FIXTURES, REPO
from store_compare import (
    graph_counts,
    publish_keeps_blank_nodes,
    same_result,
    views_agree,
    wkt_key,
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[virtuoso.Virtuoso]:
    with virtuoso.running(tmp_path_factory.mktemp("virtuoso")) as running:
        yield running


@pytest.fixture(scope="module", autouse=True)
def credentials(server: virtuoso.Virtuoso) -> Iterator[None]:
    with pytest.MonkeyPatch.context() as patch:
        for key, value in server.env().items():
            patch.setenv(key, value)
        yield


@pytest.fixture(scope="module")
def published(server: virtuoso.Virtuoso, kg: KnowledgeGraph) -> dict[str, int]:
    report = publish(kg, endpoint=server.sparql, graph_store=server.graph_store,
                     chunk_size=300, progress=False)
    return report.counts


@pytest.fixture(scope="module")
def remote_kg(server: virtuoso.Virtuoso, published: dict[str, int]) -> KnowledgeGraph:
    return KnowledgeGraph.load(endpoint=server.sparql)


def test_publish_sends_every_graph_and_verifies_counts(
    server: virtuoso.Virtuoso, kg: KnowledgeGraph, published: dict[str, int]
) -> None:
    assert published == graph_counts(kg)
    remote = SparqlBackend(server.sparql)
    assert graph_names(remote) == kg.graph_names()
    assert {g: remote.graph_count(g) for g in published} == published


def test_publishing_again_replaces_rather_than_adds(
    server: virtuoso.Virtuoso, kg: KnowledgeGraph, published: dict[str, int]
) -> None:
    again = publish(kg, endpoint=server.sparql, graph_store=server.graph_store, progress=False)
    assert again.counts == published
    assert triple_count(SparqlBackend(server.sparql)) == kg.stats()["triples"]


@pytest.mark.parametrize("case", all_cases(), ids=lambda c: c.name)
def test_named_query_same_rows_as_embedded(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph, case: Case
) -> None:
    embedded = kg.query(case.query, case.params)
    assert len(embedded) > 0
    assert same_result(remote_kg.query(case.query, case.params), embedded)


# The library's own queries the code sends to a store holding our data (those bound for
# Wikidata, or reading a publication manifest, have data of their own: see
# tests/unit/sparql/test_library.py; the publish-* updates are what publish sends, tested
# by publishing), with a value the graph has for each parameter.
LIBRARY = [p.stem for p in sorted((REPO / "queries" / "library").glob("*.rq"))
           if not p.stem.startswith(("wikidata-", "publication", "publish-"))]


# Each agrees on Virtuoso 7.2.5 too: `graphs` lists the graphs holding a triple there
# (it has no GRAPH ?g {}), `link-parents` and `resource` are written around its OPTIONAL
# bugs (see their comments), and WKT literals compare on their numbers' values
# (store_compare.wkt_key: Virtuoso keeps no lexical form of a geometry).
@pytest.mark.parametrize("name", LIBRARY)
def test_library_query_same_rows_as_embedded(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph, name: str
) -> None:
    query = library(name)
    params = {p.name: LIBRARY_SAMPLES[p.name] for p in query.params if p.required}
    embedded = kg.query(query, params)
    assert embedded.boolean or len(embedded) > 0
    assert same_result(remote_kg.query(query, params), embedded)


@pytest.mark.parametrize("entity", [
    "xuancheng",  # its point is stored as POINT(118.7590 30.9406)
    "membership-apeloa-pharmaceutical-alliance-biomedicine-vice-chair",  # a blank node
    "china",  # no geometry
])
def test_a_resource_page_has_the_same_triples(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph, entity: str
) -> None:
    iri = f"https://w3id.org/g60graph/id/{entity}"
    params = {"subject": iri, "geometry": iri + "-geom"}
    embedded = kg.query(library("resource"), params)
    assert embedded.graph is not None and len(embedded.graph) > 3
    assert same_result(remote_kg.query(library("resource"), params), embedded)
    # WKT compares on values, exactly: a different digit is a different point
    assert wkt_key("POINT(118.7590 30.9406)") == wkt_key("POINT(118.759 30.9406)")
    assert wkt_key("POINT(118.7590 30.9406)") != wkt_key("POINT(118.7591 30.9406)")


def test_remote_graph_answers_like_the_embedded_one(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph
) -> None:
    assert remote_kg.stats() == kg.stats()
    assert remote_kg.resolve("杭州市") == kg.resolve("Hangzhou")
    assert remote_kg.label(kg.resolve("Hangzhou"), "zh") == "杭州市"
    assert len(remote_kg.union_graph()) == len(kg.union_graph())
    with pytest.raises(Exception, match="remote store"):
        _ = remote_kg.dataset


def test_points_come_back_as_the_wkt_literals_stored(
    remote_kg: KnowledgeGraph, kg: KnowledgeGraph
) -> None:
    text = ("PREFIX geo: <http://www.opengis.net/ont/geosparql#>"
            " SELECT ?g ?wkt WHERE { ?g geo:asWKT ?wkt }")
    local = {str(g): w for g, w in kg.query(text).rows}
    remote = {str(g): w for g, w in remote_kg.query(text).rows}
    assert len(remote) == len(local) == 9
    for geometry, wkt in remote.items():
        assert str(wkt.datatype) == "http://www.opengis.net/ont/geosparql#wktLiteral"
        expected = str(local[geometry])  # e.g. POINT(118.7590 30.9406): same numbers
        assert [float(x) for x in str(wkt)[6:-1].split()] == [
            float(x) for x in expected[6:-1].split()]
    graph = remote_kg.query(text.replace("SELECT ?g ?wkt", "CONSTRUCT { ?g geo:asWKT ?wkt }")).graph
    assert graph is not None and len(graph) == 9
    assert {str(o.datatype) for o in graph.objects()} == {  # type: ignore[attr-defined]
        "http://www.opengis.net/ont/geosparql#wktLiteral"}


def test_validate_and_map_through_the_endpoint_agree_with_the_local_graph(
    server: virtuoso.Virtuoso, kg: KnowledgeGraph, remote_kg: KnowledgeGraph,
    tmp_path: Path, capsys: pytest.CaptureFixture[str],
) -> None:
    views_agree(server.sparql, kg, remote_kg, tmp_path, capsys)


def test_system_graphs_stay_out_of_results(remote_kg: KnowledgeGraph) -> None:
    rows = remote_kg.query("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
    assert {str(r[0]) for r in rows} == set(remote_kg.graph_names())
    assert not any("openlinksw" in str(r[0]) for r in rows)


def test_sparql_update_fallback(server: virtuoso.Virtuoso, published: dict[str, int]) -> None:
    extra = KnowledgeGraph.load([FIXTURES / "extra.ttl"])
    graph = (FIXTURES / "extra.ttl").resolve().as_uri()
    report = publish(extra, endpoint=server.sparql, update_endpoint=server.sparql_auth,
                     graphs=[graph], chunk_size=2, progress=False)
    assert report.method == "update" and report.chunks > 1
    remote = SparqlBackend(server.sparql)
    assert remote.graph_count(graph) == report.counts[graph] > 0
    assert graph in graph_names(remote)  # the manifest now lists it with the others
    assert set(published) <= set(graph_names(remote))


def test_cli_publish_and_query(
    server: virtuoso.Virtuoso, kg: KnowledgeGraph, published: dict[str, int],
    capsys: pytest.CaptureFixture[str],
) -> None:
    code = main(["publish", "--quiet", "--endpoint", server.sparql,
                 "--graph-store", server.graph_store,
                 "--graph", "https://w3id.org/g60graph/graph/curation"])
    err = capsys.readouterr().err
    assert code == 0 and "counts verified" in err
    code = main(["query", "alliances", "--endpoint", server.sparql, "--format", "csv"])
    out = capsys.readouterr().out
    alliances = kg.query("alliances")
    assert code == 0 and len(out.splitlines()) == 1 + len(alliances) > 3


def test_a_bad_chunk_is_reported_and_marks_the_graphs_incomplete(
    server: virtuoso.Virtuoso, kg: KnowledgeGraph, monkeypatch: pytest.MonkeyPatch
) -> None:
    real = _Target.write
    calls = {"n": 0}

    def flaky(self: _Target, graph: str, triples: list[Triple], replace: bool) -> None:
        calls["n"] += 1
        if calls["n"] == 4:  # the manifest, two chunks, then a chunk the server refuses
            self.http.send("POST", self._gsp(graph),
                           content=b"<https://example.org/broken> this is not turtle .\n",
                           headers={"Content-Type": "text/turtle; charset=utf-8"})
        real(self, graph, triples, replace)

    before = KnowledgeGraph.load(endpoint=server.sparql).stats()
    monkeypatch.setattr(_Target, "write", flaky)
    with pytest.raises(PublishError) as caught:
        publish(kg, endpoint=server.sparql, graph_store=server.graph_store,
                chunk_size=300, progress=False)
    message = str(caught.value)
    assert "chunk" in message and "Graphs fully sent:" in message and "incomplete" in message
    with pytest.raises(ExecutionError, match="marked incomplete"):
        KnowledgeGraph.load(endpoint=server.sparql)
    monkeypatch.setattr(_Target, "write", real)
    publish(kg, endpoint=server.sparql, graph_store=server.graph_store, progress=False)
    assert KnowledgeGraph.load(endpoint=server.sparql).stats() == before


def test_server_stopped_mid_publish(tmp_path: Path, kg: KnowledgeGraph,
                                    monkeypatch: pytest.MonkeyPatch) -> None:
    own = virtuoso.start(tmp_path / "db")
    try:
        real = _Target.write
        calls = {"n": 0}

        def stopping(self: _Target, graph: str, triples: list[Triple], replace: bool) -> None:
            calls["n"] += 1
            if calls["n"] == 3:
                own.stop()
            real(self, graph, triples, replace)

        monkeypatch.setattr(_Target, "write", stopping)
        with pytest.raises(PublishError) as caught:
            publish(kg, endpoint=own.sparql, graph_store=own.graph_store,
                    chunk_size=300, progress=False)
        assert "chunk" in str(caught.value) and "Graphs fully sent:" in str(caught.value)
    finally:
        own.stop()
    assert own.process.poll() is not None  # stopped, as the test meant


def test_a_large_chunk_goes_through_authentication(
    server: virtuoso.Virtuoso, published: dict[str, int], tmp_path: Path
) -> None:
    """A multi-megabyte body is not answered 401 half-way (that was a broken pipe)."""
    big = tmp_path / "big.nt"
    big.write_text(
        "".join(f'<https://example.org/big/{i}> <https://example.org/p> "value {i} 值" .\n'
                for i in range(30_000)),
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load([big])
    graph = big.resolve().as_uri()
    report = publish(kg, endpoint=server.sparql, graph_store=server.graph_store,
                     graphs=[graph], chunk_size=50_000, progress=False)
    assert report.chunks == 1
    assert SparqlBackend(server.sparql).graph_count(graph) == 30_000


def test_a_query_the_server_cannot_parse_is_a_user_error(remote_kg: KnowledgeGraph) -> None:
    with pytest.raises(QuerySyntaxError, match="refused the query"):
        remote_kg.query("SELECT ?x WHERE { ?x }")


def test_blank_nodes_keep_their_shape_by_sparql_update(
    server: virtuoso.Virtuoso, kg: KnowledgeGraph, published: dict[str, int]
) -> None:
    publish_keeps_blank_nodes(kg, server.sparql, server.sparql_auth, published)
