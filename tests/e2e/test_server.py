"""The SPARQL endpoint and Linked Data server, spoken to over HTTP.

One server (started by the test, on a free loopback port) answers every test in
this module; the update tests start their own, with updates enabled.
"""

from __future__ import annotations

import io
import itertools
import json
import warnings
from collections import Counter
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from rdflib.compare import isomorphic
from rdflib.query import Result
from rdflib.term import BNode, Variable

from g60graph import KnowledgeGraph
from g60graph._namespaces import GRAPH
from g60graph.cli import main
from g60graph.sparql._lexer import keywords
from g60graph.sparql._named import catalogue
from server_harness import Server, listener, running_server, writable_server

FEDERATED = sorted(n for n, q in catalogue().items() if "SERVICE" in keywords(q.text))
# Queries that run without parameters (one with a required parameter is tested with its
# parameters in tests/support/named_cases.py).
NAMES = sorted(
    n for n, q in catalogue().items()
    if n not in FEDERATED and not any(p.required and not p.default for p in q.params)
)
SELECT_NAMES = [n for n in NAMES if catalogue()[n].form in ("SELECT", "ASK")]
GRAPH_NAMES = [n for n in NAMES if catalogue()[n].form in ("CONSTRUCT", "DESCRIBE")]
MAX_ROWS = 3000
CITIES = (
    "PREFIX g60: <https://w3id.org/g60graph/def#> SELECT ?c WHERE { ?c a g60:PrefectureLevelCity }"
)


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("server")
    with running_server(tmp, "--timeout", "30", "--max-rows", str(MAX_ROWS)) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


def _key(term: Any) -> Any:
    """A term for comparison: blank nodes all alike (their ids are local), literals
    by value ("118.7590" and "118.759" are one xsd:decimal; stores differ in form)."""
    if isinstance(term, BNode):
        return "_:"
    if isinstance(term, rdflib.Literal):
        return ("literal", term.toPython(), term.datatype, term.language)
    return term


def _multiset(rows: Any) -> Counter[tuple[Any, ...]]:
    return Counter(tuple(_key(t) for t in row) for row in rows)


def _parsed_rows(body: bytes, fmt: str) -> tuple[list[str], list[tuple[Any, ...]]]:
    result = Result.parse(io.BytesIO(body), format=fmt)
    names = [str(v) for v in result.vars or []]
    return names, [tuple(b.get(Variable(v)) for v in names) for b in result.bindings]


def _parse_graph(data: bytes, fmt: str) -> rdflib.Graph:
    with warnings.catch_warnings():  # rdflib's JSON-LD parser uses its own deprecated API
        warnings.simplefilter("ignore", DeprecationWarning)
        return rdflib.Graph().parse(data=data, format=fmt)


def _bound_text(kg: KnowledgeGraph, name: str) -> str:
    return catalogue()[name].bind({}, kg.resolve)


# -- every named query gives the CLI's rows --------------------------------------


def test_the_catalogue_is_not_empty() -> None:
    assert len(NAMES) >= 5, "queries/*.rq should hold the named queries"
    assert SELECT_NAMES and GRAPH_NAMES


@pytest.mark.parametrize("name", FEDERATED or ["(none)"])
def test_federated_named_queries_are_refused(name: str, client: httpx.Client) -> None:
    if name == "(none)":  # no federated query in the catalogue: nothing to refuse
        assert not FEDERATED
        return
    answer = client.get(f"/queries/{name}")
    assert answer.status_code == 403 and "SERVICE" in answer.text
    gallery = {q["name"] for q in client.get("/api/queries").json()}
    assert name not in gallery and set(NAMES) <= gallery


@pytest.mark.parametrize("name", SELECT_NAMES)
def test_named_query_rows_match_the_api(
    name: str, kg: KnowledgeGraph, client: httpx.Client
) -> None:
    expected = kg.query(name)
    text = _bound_text(kg, name)
    by_text = client.get(
        "/sparql", params={"query": text}, headers={"Accept": "application/sparql-results+json"}
    )
    assert by_text.status_code == 200, by_text.text
    names, rows = _parsed_rows(by_text.content, "json")
    assert names == expected.vars
    assert _multiset(rows) == _multiset(expected.rows)
    by_name = client.get(f"/queries/{name}", headers={"Accept": "application/sparql-results+xml"})
    assert by_name.status_code == 200, by_name.text
    assert _multiset(_parsed_rows(by_name.content, "xml")[1]) == _multiset(expected.rows)


def _without_header(text: str) -> str:
    # SPARQLWrapper guesses the query form by regex, header comments included: drop them
    return "\n".join(line for line in text.splitlines() if not line.startswith("#"))


@pytest.mark.parametrize("method", ["GET", "POST"])
@pytest.mark.parametrize("name", NAMES)
def test_sparqlwrapper_gets_the_same_answer(
    name: str, method: str, kg: KnowledgeGraph, server: Server
) -> None:
    from SPARQLWrapper import JSON, TURTLE, SPARQLWrapper

    endpoint = SPARQLWrapper(f"{server.url}/sparql", agent="g60graph-tests/1 (loopback)")
    endpoint.setTimeout(30)
    endpoint.setMethod(method)
    endpoint.setQuery(_without_header(_bound_text(kg, name)))
    expected = kg.query(name)
    if expected.graph is not None:
        endpoint.setReturnFormat(TURTLE)
        graph = rdflib.Graph().parse(data=endpoint.query().convert(), format="turtle")
        assert isomorphic(graph, expected.graph)
        return
    endpoint.setReturnFormat(JSON)
    body = json.dumps(endpoint.query().convert()).encode()
    assert _multiset(_parsed_rows(body, "json")[1]) == _multiset(expected.rows)


@pytest.mark.parametrize("name", GRAPH_NAMES)
def test_named_graph_queries_match_the_api(
    name: str, kg: KnowledgeGraph, client: httpx.Client
) -> None:
    expected = kg.query(name).graph
    assert expected is not None and len(expected) > 0
    for media, fmt in [
        ("text/turtle", "turtle"),
        ("application/n-triples", "nt"),
        ("application/ld+json", "json-ld"),
        ("application/rdf+xml", "xml"),
    ]:
        answer = client.get(f"/queries/{name}", headers={"Accept": media})
        assert answer.status_code == 200, answer.text
        assert answer.headers["content-type"].startswith(media)
        graph = _parse_graph(answer.content, fmt)
        assert isomorphic(graph, expected), media


# -- result formats and content negotiation ------------------------------------------


@pytest.mark.parametrize(
    ("media", "fmt"),
    [
        ("application/sparql-results+json", "json"),
        ("application/sparql-results+xml", "xml"),
        ("text/csv", "csv"),
        ("text/tab-separated-values", "tsv"),
    ],
)
def test_each_result_format_parses(
    media: str, fmt: str, kg: KnowledgeGraph, client: httpx.Client
) -> None:
    expected = kg.query(CITIES).rows
    for response in (
        client.get("/sparql", params={"query": CITIES}, headers={"Accept": media}),
        client.get("/sparql", params={"query": CITIES, "format": fmt}),
    ):
        assert response.status_code == 200
        assert response.headers["content-type"].startswith(media)
        rows = _parsed_rows(response.content, fmt)[1]
        if fmt == "csv":  # CSV carries no term types: compare the text
            assert Counter(str(r[0]) for r in rows) == Counter(str(r[0]) for r in expected)
        else:
            assert _multiset(rows) == _multiset(expected)


def test_accept_with_quality_values(client: httpx.Client) -> None:
    accept = "text/csv;q=0.5, application/sparql-results+xml;q=0.9, */*;q=0.1"
    answer = client.get("/sparql", params={"query": CITIES}, headers={"Accept": accept})
    assert answer.headers["content-type"].startswith("application/sparql-results+xml")
    refused = client.get("/sparql", params={"query": CITIES}, headers={"Accept": "image/png"})
    assert refused.status_code == 406


def test_ask_answers(client: httpx.Client) -> None:
    answer = client.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
    assert answer.status_code == 200
    assert Result.parse(io.BytesIO(answer.content), format="json").askAnswer is True


# -- the protocol ------------------------------------------------------------------


def test_get_and_both_posts_agree(client: httpx.Client) -> None:
    get = client.get("/sparql", params={"query": CITIES}, headers={"Accept": "text/csv"})
    form = client.post("/sparql", data={"query": CITIES}, headers={"Accept": "text/csv"})
    direct = client.post(
        "/sparql",
        content=CITIES.encode(),
        headers={"Content-Type": "application/sparql-query", "Accept": "text/csv"},
    )
    assert get.status_code == form.status_code == direct.status_code == 200
    assert sorted(get.text.splitlines()) == sorted(form.text.splitlines())
    assert sorted(get.text.splitlines()) == sorted(direct.text.splitlines())
    assert len(get.text.splitlines()) > 2


def test_malformed_query_is_400_with_the_parser_message(client: httpx.Client) -> None:
    answer = client.get("/sparql", params={"query": "SELECT * WHERE { ?s ?p }"})
    assert answer.status_code == 400
    assert "syntax error" in answer.text and "line 1" in answer.text
    misspelt = client.post("/sparql", data={"query": "SELEC ?s WHERE { ?s ?p ?o }"})
    assert misspelt.status_code == 400


@pytest.mark.parametrize(
    "text", ["# nothing but a comment", "SELECT * WHERE { ?s ?p }",
             "SELECT * WHERE { ?s ex:name ?o }", "SELECT * WHERE { ?s ?p ?o "],
)
def test_syntax_errors_read_as_in_the_cli(
    client: httpx.Client, capsys: pytest.CaptureFixture[str], text: str
) -> None:
    answer = client.post("/sparql", data={"query": text})
    assert main(["query", "--sparql", text]) == 2
    cli_line = next(line for line in capsys.readouterr().err.splitlines(keepends=True)
                    if line.startswith("g60graph: error: ")).removeprefix("g60graph: error: ")
    assert answer.status_code == 400
    assert answer.text == cli_line
    assert cli_line.count("\n") == 1 and "line 1, column" in cli_line


def test_other_protocol_errors(client: httpx.Client) -> None:
    wrong_type = client.post("/sparql", content=b"x", headers={"Content-Type": "text/plain"})
    assert wrong_type.status_code == 415
    two = client.get("/sparql?query=ASK%7B%7D&query=ASK%7B%7D")
    assert two.status_code == 400
    assert client.get("/queries/no-such-query").status_code == 404


def test_updates_are_refused_by_default(client: httpx.Client) -> None:
    update = "INSERT DATA { <http://example.org/s> <http://example.org/p> 1 }"
    assert client.post("/update", data={"update": update}).status_code == 403
    assert client.post("/sparql", data={"update": update}).status_code == 403
    sent_as_query = client.post("/sparql", data={"query": update})
    assert sent_as_query.status_code == 403
    direct = client.post(
        "/update", content=update.encode(), headers={"Content-Type": "application/sparql-update"}
    )
    assert direct.status_code == 403


def test_oversize_request_is_413(client: httpx.Client) -> None:
    big = "SELECT * WHERE { ?s ?p ?o } #" + "x" * (600 * 1024)
    answer = client.post("/sparql", data={"query": big})
    assert answer.status_code == 413
    long_url = client.get("/sparql", params={"query": "ASK {} #" + "x" * 40_000})
    assert long_url.status_code == 414
    assert client.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_dataset_parameters_choose_graphs(kg: KnowledgeGraph, client: httpx.Client) -> None:
    # data v2: the curators' graph (data/curation/*.trig); a file's own graph is empty
    places = str(GRAPH["curation"])
    expected = len(kg.dataset.graph(GRAPH["curation"]))
    assert expected
    count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
    answer = client.get("/sparql", params={"query": count, "default-graph-uri": places})
    assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == expected
    whole = client.get("/sparql", params={"query": count})
    # the default graph is the union of the graphs: a statement two sources make is
    # matched once in each source's graph
    quads = sum(len(g) for g in kg.dataset.graphs())
    assert int(whole.json()["results"]["bindings"][0]["n"]["value"]) == quads
    in_query = client.get(
        "/sparql", params={"query": count.replace("WHERE", f"FROM <{places}> WHERE")}
    )
    assert int(in_query.json()["results"]["bindings"][0]["n"]["value"]) == expected
    named = client.get(
        "/sparql",
        params={
            "query": "SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }",
            "named-graph-uri": places,
        },
    )
    graphs = [b["g"]["value"] for b in named.json()["results"]["bindings"]]
    assert graphs == [places]


def test_service_description(server: Server, client: httpx.Client) -> None:
    answer = client.get("/sparql", headers={"Accept": "text/turtle"})
    assert answer.status_code == 200
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    sd = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
    assert (None, sd.endpoint, rdflib.URIRef(f"{server.url}/sparql")) in graph
    assert len(list(graph.objects(None, sd.namedGraph))) >= 5
    browser = client.get("/sparql", headers={"Accept": "text/html"}, follow_redirects=False)
    assert browser.status_code == 303


# -- safe by default ---------------------------------------------------------------


def test_service_load_and_from_never_fetch(client: httpx.Client) -> None:
    with listener() as target:
        url = f"{target.url}/data.ttl"
        refused = [
            ("query", f"SELECT * WHERE {{ SERVICE <{target.url}/sparql> {{ ?s ?p ?o }} }}"),
            ("query", f"SELECT * WHERE {{ SERVICE SILENT <{url}> {{ ?s ?p ?o }} }}"),
            ("query", f"LOAD <{url}>"),
            ("update", f"LOAD <{url}>"),
        ]
        for kind, text in refused:
            answer = client.post("/sparql", data={kind: text})
            assert answer.status_code == 403, (text, answer.status_code, answer.text)
        # A graph the dataset lacks is an empty graph: answered, never fetched.
        empty = [
            {"query": f"SELECT * FROM <{url}> WHERE {{ ?s ?p ?o }}"},
            {"query": f"SELECT * FROM NAMED <{url}> WHERE {{ GRAPH ?g {{ ?s ?p ?o }} }}"},
            {"query": "SELECT * WHERE { ?s ?p ?o }", "default-graph-uri": url},
            {"query": "SELECT * WHERE { GRAPH ?g { ?s ?p ?o } }", "named-graph-uri": url},
        ]
        for params in empty:
            answer = client.get("/sparql", params=params)
            assert answer.status_code == 200, (params, answer.text)
            assert answer.json()["results"]["bindings"] == []
        assert target.requests == []


def test_row_cap_is_signalled(client: httpx.Client) -> None:
    many = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f } LIMIT 100000"
    answer = client.get("/sparql", params={"query": many})
    assert answer.status_code == 200
    assert answer.headers["X-G60-Truncated"] == "true"
    body = answer.json()
    assert body["truncated"] is True
    assert len(body["results"]["bindings"]) == MAX_ROWS
    small = client.get("/sparql", params={"query": CITIES})
    assert small.headers["X-G60-Truncated"] == "false"


def test_cors_gzip_and_access_log(server: Server, client: httpx.Client) -> None:
    answer = client.get(
        "/sparql",
        params={"query": "SELECT * WHERE { ?s ?p ?o }"},
        headers={"Origin": "http://example.org", "Accept-Encoding": "gzip"},
    )
    assert answer.headers["access-control-allow-origin"] == "*"
    assert "default-src 'self'" in answer.headers["content-security-policy"]
    assert answer.headers["content-encoding"] == "gzip"
    assert json.loads(answer.content)["results"]["bindings"]  # httpx decompressed it
    preflight = client.options(
        "/sparql",
        headers={"Origin": "http://example.org", "Access-Control-Request-Method": "POST"},
    )
    assert preflight.status_code == 200
    lines = [json.loads(line) for line in server.access_log() if line.startswith("{")]
    mine = [e for e in lines if e["path"] == "/sparql" and e["query_hash"]]
    assert mine, "every request leaves one JSON line"
    assert {"method", "path", "status", "duration_ms", "bytes", "query_hash"} <= set(mine[-1])


def test_the_query_shortcut_answers_as_the_route_does(client: httpx.Client) -> None:
    # GET and POST /sparql queries skip Starlette's router; HEAD still takes the route.
    # a small answer, and one above GZIP_MIN (gzipped, or marked Vary: Accept-Encoding);
    # without Origin and gzip, the CORS and gzip layers are skipped too (what they add
    # is added by hand); text/turtle for a SELECT is the 406 of the same path
    for query, accept, gzip, origin in itertools.product(
            ("SELECT ?s WHERE { ?s a ?type } ORDER BY ?s LIMIT 3 # shortcut",
             "SELECT ?s WHERE { ?s a ?type } ORDER BY ?s LIMIT 60 # shortcut"),
            ("application/sparql-results+json", "text/csv", "text/turtle"),
            ("gzip", "identity"), ({"Origin": "http://x.example"}, {})):
        headers = {"Accept": accept, "Accept-Encoding": gzip, **origin}
        routed = client.head("/sparql", params={"query": query}, headers=headers)
        answers = [
            client.get("/sparql", params={"query": query}, headers=headers),
            client.post("/sparql", data={"query": query}, headers=headers),
            client.post("/sparql", content=query,
                        headers={**headers, "Content-Type": "application/sparql-query"}),
        ]
        for answer in answers:
            assert answer.status_code == routed.status_code, (accept, gzip)
            mine, theirs = ({k: v for k, v in a.headers.items()
                             if k not in ("date", "x-g60-cache", "x-g60-ran-in")}
                            for a in (answer, routed))
            assert mine == theirs, (query, accept, gzip)
        if "LIMIT 60" in query and accept != "text/turtle":
            assert "Accept-Encoding" in answers[0].headers["vary"]
    for origin in ({"Origin": "http://x.example"}, {}):  # a protocol error, both ways
        twice = [("query", "ASK {}"), ("query", "ASK {}")]
        routed = client.head("/sparql", params=twice, headers=origin)
        answer = client.get("/sparql", params=twice, headers=origin)
        assert answer.status_code == routed.status_code == 400
        assert {k: v for k, v in answer.headers.items() if k != "date"} == {
            k: v for k, v in routed.headers.items() if k != "date"}
    update = client.post("/sparql", data={"update": "CLEAR ALL"})  # passed on to the route
    assert update.status_code == 403 and "read-only" in update.text
    described = client.post("/sparql", data={"default-graph-uri": "urn:x"},
                            headers={"Accept": "text/turtle"})  # no operation
    assert described.status_code == 200 and "sd:endpoint" in described.text


# -- Linked Data ------------------------------------------------------------------


def test_resource_page_html_and_rdf(kg: KnowledgeGraph, client: httpx.Client) -> None:
    html = client.get("/id/songjiang", headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert html.headers["content-type"].startswith("text/html")
    assert "Songjiang District" in html.text and "松江区" in html.text
    assert 'href="/id/shanghai"' in html.text  # links stay on this server
    assert "<svg" in html.text  # the neighbourhood diagram
    subject = rdflib.URIRef("https://w3id.org/g60graph/id/songjiang")
    for media, fmt in [("text/turtle", "turtle"), ("application/ld+json", "json-ld")]:
        answer = client.get("/id/songjiang", headers={"Accept": media})
        assert answer.headers["content-type"].startswith(media)
        graph = _parse_graph(answer.content, fmt)
        assert set(graph.predicate_objects(subject)) == set(kg.dataset.predicate_objects(subject))
    assert client.get("/id/no-such-thing", headers={"Accept": "text/html"}).status_code == 404
    assert client.get("/id/no-such-thing", headers={"Accept": "text/turtle"}).status_code == 404
    assert client.get("/id/x%3E%20%7D", headers={"Accept": "text/turtle"}).status_code == 404


def test_resource_page_escapes_data() -> None:
    from g60graph.render._pages import Links, resource_page

    evil = "<script>alert(1)</script>"
    term = {"kind": "literal", "value": evil, "lang": "", "datatype": ""}
    data = {
        "iri": "https://w3id.org/g60graph/id/x",
        "en": evil,
        "zh": evil,
        "labels": [{"prop": "label", "value": evil, "lang": "en"}],
        "types": [],
        "facts": [{"p": {"kind": "iri", "value": "http://e/p", "en": evil, "zh": evil}, "o": term}],
        "sources": [{"iri": "http://e/s", "title": evil, "url": 'http://e/"onmouseover="x'}],
        "links": ["javascript:alert(1)"],
        "referrers": [],
        "nodes": {
            "https://w3id.org/g60graph/id/x": {"kind": "iri", "value": "x", "en": evil, "zh": evil}
        },
        "edges": [],
    }
    page = resource_page(
        data, Links("https://w3id.org/g60graph/id/", "https://w3id.org/g60graph/def")
    )
    assert "<script>" not in page and '"onmouseover' not in page
    assert 'href="javascript:' not in page
    assert "&lt;script&gt;" in page


def test_ontology_documentation(client: httpx.Client) -> None:
    html = client.get("/def", headers={"Accept": "text/html"})
    assert html.status_code == 200
    assert 'id="PrefectureLevelCity"' in html.text and "走廊" in html.text
    turtle = client.get("/def", headers={"Accept": "text/turtle"})
    graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
    owl_class = rdflib.URIRef("http://www.w3.org/2002/07/owl#Class")
    assert len(set(graph.subjects(rdflib.RDF.type, owl_class))) >= 10


def test_void_description(kg: KnowledgeGraph, client: httpx.Client) -> None:
    answer = client.get("/.well-known/void")
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/turtle")
    graph = rdflib.Graph().parse(data=answer.text, format="turtle")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    dataset = next(
        s for s in graph.subjects(rdflib.RDF.type, void.Dataset) if s.endswith("#g60graph")
    )
    # triples over all named graphs (one two sources state counts twice), as in the store
    assert int(graph.value(dataset, void.triples)) == sum(len(g) for g in kg.dataset.graphs())
    assert (dataset, rdflib.URIRef("http://purl.org/dc/terms/license"), None) in graph
    assert list(graph.objects(dataset, rdflib.URIRef("http://purl.org/dc/terms/source")))
    assert len(list(graph.subjects(rdflib.RDF.type, void.Linkset))) >= 2
    classes = next(graph.objects(dataset, void.classes))
    assert int(classes) == len({o for o in kg.dataset.objects(None, rdflib.RDF.type)})


def test_vendored_assets_are_served(client: httpx.Client) -> None:
    js = client.get("/static/vendor/vis-network.min.js")
    assert js.status_code == 200 and "sourceMappingURL" not in js.text
    assert client.get("/static/server-app.js").status_code == 200
    assert client.get("/static/vendor/other.js").status_code == 404


# -- updates, when enabled ---------------------------------------------------------


def test_updates_need_the_token(tmp_path: Path) -> None:
    token = "s3cret-token-for-tests"
    insert = (
        "INSERT DATA { GRAPH <https://w3id.org/g60graph/graph/places>"
        " { <http://example.org/new> <http://example.org/p> 42 } }"
    )
    with writable_server(tmp_path, token, "--workers", "2") as http:
        assert http.post("/update", data={"update": insert}).status_code == 401
        wrong = {"Authorization": "Bearer nope"}
        assert http.post("/update", data={"update": insert}, headers=wrong).status_code == 401
        right = {"Authorization": f"Bearer {token}"}
        assert http.post("/update", data={"update": insert}, headers=right).status_code == 200
        ask = "ASK { <http://example.org/new> <http://example.org/p> 42 }"
        for _ in range(4):  # every worker sees it
            assert http.get("/sparql", params={"query": ask}).json()["boolean"] is True
        with listener() as target:
            load = http.post(
                "/update", data={"update": f"LOAD <{target.url}/x.ttl>"}, headers=right
            )
            assert load.status_code == 403
            service = (
                f"INSERT {{ ?s ?p ?o }} WHERE {{ SERVICE <{target.url}/sparql> {{ ?s ?p ?o }} }}"
            )
            assert http.post("/update", data={"update": service}, headers=right).status_code == 403
            assert target.requests == []


def test_enable_updates_without_a_token_is_refused(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.delenv("G60GRAPH_UPDATE_TOKEN", raising=False)
    assert main(["serve", "--enable-updates"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "G60GRAPH_UPDATE_TOKEN" in err


def test_a_server_on_the_memory_store(tmp_path: Path, kg: KnowledgeGraph) -> None:
    places = str(GRAPH["curation"])
    with (
        # rdflib takes 15-35 s for the timeline query on a loaded 2-core machine: this
        # test is about the answers, so the time limit is well above that
        running_server(tmp_path, "--store", "memory", "--workers", "1", "--timeout", "300") as srv,
        httpx.Client(base_url=srv.url, timeout=300) as http,
    ):
        for name in SELECT_NAMES:
            answer = http.get(
                f"/queries/{name}", headers={"Accept": "application/sparql-results+json"}
            )
            assert answer.status_code == 200, (name, answer.text)
            assert _multiset(_parsed_rows(answer.content, "json")[1]) == _multiset(
                kg.query(name).rows
            )
        count = "SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }"
        answer = http.get("/sparql", params={"query": count, "default-graph-uri": places})
        expected = len(kg.dataset.graph(GRAPH["curation"]))
        assert int(answer.json()["results"]["bindings"][0]["n"]["value"]) == expected
        assert http.get("/id/songjiang", headers={"Accept": "text/turtle"}).status_code == 200


def test_a_server_with_inference(tmp_path: Path) -> None:
    # the bounded reasoner runs in a child of the worker process: workers may have children
    ask = (
        "ASK { <https://w3id.org/g60graph/id/songjiang>"
        " <https://w3id.org/g60graph/def#locatedIn> <https://w3id.org/g60graph/id/shanghai> }"
    )
    with running_server(tmp_path, "--infer", "rdfs", "--workers", "1", deadline=300) as srv:
        answer = httpx.get(f"{srv.url}/sparql", params={"query": ask}, timeout=30)
        assert answer.json()["boolean"] is True
    plain = KnowledgeGraph.load()
    assert plain.query(ask).boolean is False  # so the answer above came from inference


def test_servers_on_a_disk_store_and_on_a_remote_endpoint(
    tmp_path: Path, kg: KnowledgeGraph, server: Server
) -> None:
    # every page is built from SPARQL queries, so read-only and remote stores serve too
    disk = tmp_path / "store"
    assert main(["load", "--store", str(disk), "--quiet"]) == 0
    subject = rdflib.URIRef("https://w3id.org/g60graph/id/songjiang")
    void = rdflib.Namespace("http://rdfs.org/ns/void#")
    for options in (["--store", str(disk)], ["--endpoint", f"{server.url}/sparql"]):
        with (
            running_server(tmp_path, *options, "--workers", "1") as srv,
            httpx.Client(base_url=srv.url, timeout=30) as http,
        ):
            for name in SELECT_NAMES[:6]:
                answer = http.get(f"/queries/{name}")
                rows = _parsed_rows(answer.content, "json")[1]
                assert _multiset(rows) == _multiset(kg.query(name).rows), (options, name)
            turtle = http.get("/id/songjiang", headers={"Accept": "text/turtle"})
            graph = rdflib.Graph().parse(data=turtle.text, format="turtle")
            assert set(graph.predicate_objects(subject)) == set(
                kg.dataset.predicate_objects(subject)
            )
            assert "松江区" in http.get("/id/songjiang", headers={"Accept": "text/html"}).text
            ontology = rdflib.Graph().parse(data=http.get("/def?format=ttl").text, format="turtle")
            assert len(ontology) == len(kg.dataset.graph(GRAPH["g60"]))
            described = rdflib.Graph().parse(data=http.get("/.well-known/void").text)
            subsets = set(described.objects(None, void.subset))
            assert {rdflib.URIRef(g) for g in kg.graph_names()} <= subsets


def test_updates_need_an_in_memory_store(
    capsys: pytest.CaptureFixture[str], monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("G60GRAPH_UPDATE_TOKEN", "t")
    code = main(["serve", "--enable-updates", "--endpoint", "http://127.0.0.1:9/sparql"])
    assert code == 2
    assert "in-memory store" in capsys.readouterr().err
