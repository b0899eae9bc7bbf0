"""Updates on a writable server (--enable-updates), on both in-memory stores: the
protocol's using-graph-uri / using-named-graph-uri scope them, and the default
graph (the union of the named graphs) takes no triples of its own."""

from __future__ import annotations

from collections.abc import Iterator

import httpx
import pytest

from g60graph._namespaces import GRAPH
from server_harness import running_server

TOKEN = "a-token-for-the-update-tests"
CURATION = str(GRAPH["curation"])  # the curators' own graph: types among other things


@pytest.fixture(scope="module", params=["oxigraph", "memory"])
def http(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
         ) -> Iterator[httpx.Client]:
    with (
        running_server(
            tmp_path_factory.mktemp("updates"), "--store", request.param, "--enable-updates",
            "--workers", "2", env={"G60GRAPH_UPDATE_TOKEN": TOKEN},
        ) as srv,
        httpx.Client(
            base_url=srv.url, timeout=60,
            headers={"Authorization": f"Bearer {TOKEN}", "X-Store": request.param},
        ) as client,
    ):
        yield client


def _count(http: httpx.Client, where: str) -> int:
    query = f"SELECT (COUNT(*) AS ?n) WHERE {{ {where} }}"
    answer = http.get("/sparql", params={"query": query})
    assert answer.status_code == 200, answer.text
    return int(answer.json()["results"]["bindings"][0]["n"]["value"])


def test_using_graph_uri_scopes_the_where_clause(http: httpx.Client) -> None:
    typed = "SELECT DISTINCT ?s WHERE { GRAPH ?g { ?s a ?c } }"
    in_curation = _count(http, f"GRAPH <{CURATION}> {{ ?s a ?c }}")
    everywhere = _count(http, f"{{ {typed} }}")
    assert 0 < in_curation < everywhere
    update = (
        "INSERT { GRAPH <urn:x:scoped> { ?s a ?c } } WHERE { ?s a ?c }"
    )
    sent = http.post("/update", data={"update": update, "using-graph-uri": CURATION})
    assert sent.status_code == 200, sent.text
    assert _count(http, "GRAPH <urn:x:scoped> { ?s a ?c }") == in_curation
    # as application/sparql-update, the parameters in the URL
    named = "INSERT { GRAPH <urn:x:named> { ?g <urn:x:holds> ?s } } WHERE { GRAPH ?g { ?s a ?c } }"
    sent = http.post(
        "/update", params={"using-named-graph-uri": CURATION}, content=named.encode(),
        headers={"Content-Type": "application/sparql-update"},
    )
    if "memory" in http.headers["X-Store"]:  # rdflib would ignore it: refused
        assert sent.status_code == 400 and "not supported on --store memory" in sent.text
        return
    assert sent.status_code == 200, sent.text
    graphs = http.get("/sparql", params={
        "query": "SELECT DISTINCT ?g WHERE { GRAPH <urn:x:named> { ?g <urn:x:holds> ?s } }"
    }).json()["results"]["bindings"]
    assert [row["g"]["value"] for row in graphs] == [CURATION]


def test_using_graph_uri_with_using_in_the_text_is_400(http: httpx.Client) -> None:
    update = f"INSERT {{ GRAPH <urn:x:both> {{ ?s a ?c }} }} USING <{CURATION}> WHERE {{ ?s a ?c }}"
    sent = http.post("/update", data={"update": update, "using-graph-uri": CURATION})
    assert sent.status_code == 400 and "USING or WITH" in sent.text
    sent = http.post("/update", data={"update": update, "using-graph-uri": "not an iri"})
    assert sent.status_code == 400
    outside = http.post("/update", data={
        "update": "INSERT { GRAPH <urn:x:o> { ?s a ?c } } WHERE { ?s a ?c }",
        "using-graph-uri": "http://127.0.0.1:9/elsewhere",
    })
    assert outside.status_code == 403  # only graphs in the dataset may be named
    assert _count(http, "GRAPH <urn:x:both> { ?s ?p ?o }") == 0


@pytest.mark.parametrize("update", [
    "INSERT DATA { <urn:x:s> <urn:x:p> 1 }",
    "INSERT { ?s <urn:x:p> 1 } WHERE { GRAPH ?g { ?s a ?c } }",
    "DELETE WHERE { ?s <urn:x:p> ?o }",
    f"COPY <{CURATION}> TO DEFAULT",
])
def test_the_default_graph_takes_no_triples_of_its_own(http: httpx.Client, update: str) -> None:
    before = _count(http, "GRAPH ?g { ?s ?p ?o }")
    sent = http.post("/update", data={"update": update})
    assert sent.status_code == 400, sent.text
    assert "union of the named graphs" in sent.text
    assert _count(http, "GRAPH ?g { ?s ?p ?o }") == before
    assert _count(http, "<urn:x:s> ?p ?o") == 0
    into_a_graph = "INSERT DATA { GRAPH <urn:x:mine> { <urn:x:s> <urn:x:p> 1 } }"
    assert http.post("/update", data={"update": into_a_graph}).status_code == 200
    assert _count(http, "<urn:x:s> <urn:x:p> 1") == 1  # the union default graph holds it
    assert http.post("/update", data={"update": "DROP GRAPH <urn:x:mine>"}).status_code == 200


def test_the_where_clause_reads_the_union_as_queries_do(http: httpx.Client) -> None:
    """Without USING, an update's WHERE reads the same default graph as a query (Oxigraph
    alone would read its own, empty, default graph)."""
    typed = _count(http, "{ SELECT DISTINCT ?s ?c WHERE { ?s a ?c } }")  # one triple in two graphs
    update = "INSERT { GRAPH <urn:x:union> { ?s a ?c } } WHERE { ?s a ?c }"
    sent = http.post("/update", data={"update": update})
    assert sent.status_code == 200, sent.text
    assert 0 < typed == _count(http, "GRAPH <urn:x:union> { ?s a ?c }")  # is inserted once
    assert http.post("/update", data={"update": "DROP GRAPH <urn:x:union>"}).status_code == 200


# Updates the standard's grammar forbids (SPARQL 1.1 Update §3.1.1-3.1.3, 19.6): rdflib's
# parser took them, and wrote a variable into the graph; every store now refuses them.
INVALID_UPDATES = [
    "INSERT DATA { GRAPH <urn:x:bad> { ?s <urn:x:p> <urn:x:o> } }",
    "DELETE DATA { GRAPH <urn:x:bad> { ?s <urn:x:p> <urn:x:o> } }",
    "DELETE DATA { GRAPH <urn:x:bad> { _:b <urn:x:p> <urn:x:o> } }",
    "DELETE WHERE { GRAPH <urn:x:bad> { _:b <urn:x:p> <urn:x:o> } }",
    "DELETE { GRAPH <urn:x:bad> { _:b <urn:x:p> <urn:x:o> } } WHERE { ?s ?p ?o }",
    "INSERT DATA { GRAPH ?g { <urn:x:s> <urn:x:p> <urn:x:o> } }",
    "INSERT DATA { GRAPH <urn:x:bad> { _:b <urn:x:p> 1 } } ;"
    " INSERT DATA { GRAPH <urn:x:bad> { _:b <urn:x:p> 2 } }",
]


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
@pytest.mark.parametrize("text", INVALID_UPDATES)
def test_an_update_the_standard_forbids_is_a_syntax_error(store: str, text: str) -> None:
    from g60graph import KnowledgeGraph
    from g60graph._errors import QuerySyntaxError

    kg = KnowledgeGraph.load(store=store)
    before = sorted(map(str, kg.backend.quads()))
    with pytest.raises(QuerySyntaxError, match="SPARQL syntax error"):
        kg.backend.update(text)  # type: ignore[attr-defined]
    assert sorted(map(str, kg.backend.quads())) == before


def test_invalid_updates_are_400_and_insert_data_is_applied(http: httpx.Client) -> None:
    for text in INVALID_UPDATES:
        answer = http.post("/update", data={"update": text})
        assert answer.status_code == 400, (text, answer.text)
    assert _count(http, "GRAPH <urn:x:bad> { ?s ?p ?o }") == 0
    insert = "INSERT DATA { GRAPH <urn:x:plain> { <urn:x:s> <urn:x:p> 0, false } }"
    assert http.post("/update", data={"update": insert}).status_code == 200
    assert _count(http, "GRAPH <urn:x:plain> { <urn:x:s> ?p ?o }") == 2
    assert http.post("/update", data={"update": "DROP GRAPH <urn:x:plain>"}).status_code == 200


@pytest.mark.parametrize("function", ["RAND()", "NOW()", "UUID()", "STRUUID()", "BNODE()"])
def test_an_update_with_per_worker_values_is_403(http: httpx.Client, function: str) -> None:
    """Each worker applies every update: a value computed per run would differ."""
    update = (f"INSERT {{ GRAPH <urn:x:r> {{ <urn:x:s> <urn:x:p> ?v }} }}"
              f" WHERE {{ BIND({function} AS ?v) }}")
    answer = http.post("/update", data={"update": update})
    assert answer.status_code == 403, answer.text
    assert "workers would disagree" in answer.text
    assert _count(http, "GRAPH <urn:x:r> { ?s ?p ?o }") == 0
