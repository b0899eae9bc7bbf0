"""The W3C SPARQL 1.1 Protocol tests (tests/w3c/protocol/manifest.ttl), against a real server.

``g60graph serve --data <the suite's graphs>`` runs on loopback, read-only (its
default), and every query test and bad-request test of the manifest is sent as
the manifest describes it: method, path, headers and body. The seven update
tests are not run: they need a writable endpoint that takes updates without
credentials, which this server never is (its updates need a bearer token).

Two readings of the manifest, both documented in docs/server.md:
- the manifest's ``/sparql/`` is the endpoint under test (ours is ``/sparql``);
- ``query_multiple_dataset`` writes the ``&`` between its two
  ``named-graph-uri`` parameters as ``%26`` (one parameter whose value is a
  strange IRI); its expected answer, true, needs the two parameters it means.
"""

from __future__ import annotations

import io
import json
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from xml.etree import ElementTree

import httpx
import pytest
import rdflib
from rdflib import RDFS, Namespace, URIRef
from rdflib.collection import Collection

from paths import TESTS
from server_harness import Server, running_server

SUITE = TESTS / "w3c" / "protocol"
BASE = "http://www.w3.org/2009/sparql/docs/tests/data-sparql11/protocol/"
MF = Namespace("http://www.w3.org/2001/sw/DataAccess/tests/test-manifest#")
HT = Namespace("http://www.w3.org/2011/http#")
CNT = Namespace("http://www.w3.org/2011/content#")
UT = Namespace("http://www.w3.org/2009/sparql/tests/test-update#")
ERRATA = {"query_multiple_dataset": ("%26named-graph-uri%3D", "&named-graph-uri=")}
RESULT_TYPES = {
    "application/sparql-results+json": "json",
    "application/sparql-results+xml": "xml",
    "text/csv": "csv",
    "text/tab-separated-values": "tsv",
}
RDF_TYPES = {
    "text/turtle": "turtle",
    "application/n-triples": "nt",
    "application/rdf+xml": "xml",
    "application/ld+json": "json-ld",
}


@dataclass
class Exchange:
    method: str
    path: str
    headers: dict[str, str]
    body: bytes | None
    statuses: set[int]  # acceptable status classes: 2, 3, 4
    boolean: bool | None
    fmt: str | None  # "boolean", "tabular", "RDF"


@dataclass
class ProtocolTest:
    name: str
    title: str
    exchanges: list[Exchange] = field(default_factory=list)


def _manifest() -> rdflib.Graph:
    graph = rdflib.Graph()
    graph.parse(SUITE / "manifest.ttl", format="turtle", publicID=BASE + "manifest.ttl")
    return graph


def _exchange(graph: rdflib.Graph, request: rdflib.term.Node) -> Exchange:
    headers = {}
    header_list = graph.value(request, HT.headers)
    if header_list is not None:
        for header in Collection(graph, header_list):
            value = graph.value(header, HT.fieldValue)
            headers[str(graph.value(header, HT.fieldName))] = str(value)
    body = None
    content = graph.value(request, HT.body)
    if content is not None:
        encoding = str(graph.value(content, CNT.characterEncoding) or "UTF-8")
        body = str(graph.value(content, CNT.chars)).encode(encoding.lower())  # UTF-16: with BOM
    response = graph.value(request, HT.resp)
    statuses = {int(str(code).rsplit("StatusCode", 1)[1][0])
                for code in graph.objects(response, MF.expectedStatus)}
    expected = graph.value(response, MF.expectedBoolean)
    fmt = graph.value(response, MF.expectedFormat)
    return Exchange(
        method=str(graph.value(request, HT.methodName)),
        path=str(graph.value(request, HT.absolutePath)),
        headers=headers,
        body=body,
        statuses=statuses,
        boolean=None if expected is None else bool(expected.toPython()),
        fmt=None if fmt is None else str(fmt),
    )


def load_tests() -> tuple[list[ProtocolTest], list[str], dict[str, Path]]:
    """(the query and bad-request tests, the names of the others, graph name -> file)."""
    graph = _manifest()
    manifest = URIRef(BASE + "manifest.ttl")
    chosen: list[ProtocolTest] = []
    others: list[str] = []
    graphs: dict[str, Path] = {}
    for entry in Collection(graph, graph.value(manifest, MF.entries)):
        name = str(entry).rsplit("#", 1)[1]
        for data in graph.objects(entry, UT.graphData):
            file = str(graph.value(data, UT.graph)).removeprefix(BASE)
            graphs[str(graph.value(data, RDFS.label))] = SUITE / file
        if not name.startswith(("query_", "bad_")):
            others.append(name)
            continue
        test = ProtocolTest(name, str(graph.value(entry, MF.name)))
        action = graph.value(entry, MF.action)
        for request in Collection(graph, graph.value(action, HT.requests)):
            test.exchanges.append(_exchange(graph, request))
        chosen.append(test)
    return chosen, others, graphs


TESTS, OTHERS, GRAPHS = load_tests()


def test_the_suite_is_the_one_the_issue_counts() -> None:
    assert len(TESTS) == 27
    assert sorted(OTHERS) == sorted([
        "update_dataset_default_graph", "update_dataset_default_graphs",
        "update_dataset_named_graphs", "update_dataset_full", "update_post_form",
        "update_post_direct", "update_base_uri",
    ])
    assert set(GRAPHS) == {f"http://kasei.us/2009/09/sparql/data/data{n}.rdf" for n in (1, 2, 3)}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("w3c")
    quads = tmp / "protocol-graphs.nq"  # each suite graph under the name its label gives
    lines = []
    for name, path in sorted(GRAPHS.items()):
        for s, p, o in rdflib.Graph().parse(path, format="nt"):
            lines.append(f"{s.n3()} {p.n3()} {o.n3()} <{name}> .\n")
    quads.write_text("".join(lines), encoding="utf-8")
    with running_server(tmp, "--data", str(quads)) as running:
        yield running


def _url(server: Server, test: str, path: str) -> str:
    if test in ERRATA:
        path = path.replace(*ERRATA[test])
    assert path.startswith("/sparql/")
    return server.url + "/sparql" + path[len("/sparql/"):]


def _check_body(exchange: Exchange, answer: httpx.Response) -> None:
    media = answer.headers.get("content-type", "").split(";")[0].strip()
    if exchange.fmt in ("boolean", "tabular"):
        assert media in RESULT_TYPES, media
        if exchange.fmt == "boolean":
            assert media in ("application/sparql-results+json", "application/sparql-results+xml")
        result = rdflib.query.Result.parse(
            source=io.BytesIO(answer.content), format=RESULT_TYPES[media]
        )
        if exchange.fmt == "boolean":
            assert result.type == "ASK"
        else:
            assert result.type == "SELECT" and len(result.vars or []) >= 1
    if exchange.fmt == "RDF":
        assert media in RDF_TYPES, media
        rdflib.Graph().parse(data=answer.content, format=RDF_TYPES[media])
    if exchange.boolean is not None:
        assert _boolean(media, answer.content) is exchange.boolean


def _boolean(media: str, body: bytes) -> bool:
    if media == "application/sparql-results+json":
        return bool(json.loads(body)["boolean"])
    root = ElementTree.fromstring(body)
    found = root.find("{http://www.w3.org/2005/sparql-results#}boolean")
    assert found is not None and found.text in ("true", "false")
    return found.text == "true"


@pytest.mark.parametrize("test", TESTS, ids=lambda t: t.name)
def test_w3c_protocol(server: Server, test: ProtocolTest) -> None:
    with httpx.Client(timeout=30) as client:
        for exchange in test.exchanges:
            answer = client.request(exchange.method, _url(server, test.name, exchange.path),
                                    headers=exchange.headers, content=exchange.body)
            assert answer.status_code // 100 in exchange.statuses, (
                f"{test.title}: {answer.status_code} {answer.text[:200]}")
            if answer.status_code // 100 == 2:
                _check_body(exchange, answer)
