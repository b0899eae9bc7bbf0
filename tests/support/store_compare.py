"""Compare query results from different stores as multisets of rows of RDF terms.

Only what SPARQL lets engines differ on is normalised: blank-node labels, and
a number's lexical form and its numeric datatype within xsd:decimal's family
(Virtuoso returns integers above 2^31 as xsd:decimal, and casts strings to
xsd:decimal through a float, so decimals compare to 5 places), and a WKT
literal's numbers by value (see :func:`wkt_key`).
"""

from __future__ import annotations

import re
from collections import Counter
from decimal import Decimal
from pathlib import Path
from typing import Any

import pytest
from rdflib import BNode, Graph, Literal
from rdflib.compare import isomorphic

from g60graph.results._model import QueryResult


def graph_counts(kg: Any) -> dict[str, int]:
    """Triples per named graph of a local store: what a publish must report."""
    counts: dict[str, int] = {}
    for _, _, _, g in kg.backend.quads():
        counts[str(g)] = counts.get(str(g), 0) + 1
    return counts


WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"
_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def wkt_key(text: str) -> str:
    """A WKT literal with each number written as its exact value, shortest form.

    Virtuoso 7.2.5 keeps no lexical form of a stored geo:wktLiteral: it stores its own
    single-precision geometry, and even STR() and DATATYPE() of the data's
    "POINT(118.7590 30.9406)" answer "POINT(118.75900268555 30.940599441528)" and
    virtrdf:Geometry. The remote backend gives back the numbers (from_virtuoso_geometry:
    POINT(118.759 30.9406)), not the data's trailing zero, which no query can recover.
    So WKT compares on its numbers' values, exactly (118.7590 = 118.759, not rounded):
    a coordinate that differs in any digit still differs.
    """
    head, bracket, coordinates = text.partition("(")  # not the digits of an SRID IRI
    return head + bracket + _NUMBER.sub(
        lambda m: format(Decimal(m.group()).normalize(), "f"), coordinates)


def _same_wkt_values(graph: Graph) -> Graph:
    copy = Graph()
    for s, p, o in graph:
        if isinstance(o, Literal) and str(o.datatype) == WKT_LITERAL:
            o = Literal(wkt_key(str(o)), datatype=o.datatype)
        copy.add((s, p, o))
    return copy


def term_key(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return ("number", round(Decimal(str(value)), 5))
        if str(term.datatype) == WKT_LITERAL:
            return ("wkt", wkt_key(str(term)))
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return ("iri", str(term))


def same_result(a: QueryResult, b: QueryResult) -> bool:
    if a.graph is not None or b.graph is not None:
        return (a.graph is not None and b.graph is not None
                and isomorphic(_same_wkt_values(a.graph), _same_wkt_values(b.graph)))
    if a.form == "ASK":
        return a.boolean == b.boolean
    rows_a = Counter(tuple(term_key(t) for t in row) for row in a.rows)
    rows_b = Counter(tuple(term_key(t) for t in row) for row in b.rows)
    return a.vars == b.vars and rows_a == rows_b


def map_summary(kg: Any) -> dict[str, Any]:
    """What the map draws, in a form two stores must agree on.

    Coordinates compare as numbers (Virtuoso gives 118.759 for 118.7590).
    """
    from g60graph.render._map import map_data

    data = map_data(kg)
    return {
        "places": sorted((p["id"], p["kind"], p["label"], p.get("group", p.get("city")),
                          round(p["lon"], 6), round(p["lat"], 6)) for p in data["places"]),
        "lines": sorted((line["id"], line["kind"], str(line["points"])) for line in data["lines"]),
        "legend": data["legend"],
    }


def views_agree(endpoint: str, local: Any, remote: Any, tmp: Path,
                capsys: pytest.CaptureFixture[str]) -> None:
    """``validate`` and ``map`` through ``--endpoint`` say what they say on the local graph."""
    from g60graph.cli import main

    answers = []
    for where in ([], ["--endpoint", endpoint]):
        code = main(["validate", *where])
        answers.append((code, capsys.readouterr().out))
    assert answers[0] == answers[1]
    assert answers[0][0] == 0, answers[0][1]  # the packaged graph conforms
    said = []
    for name, where in (("local", []), ("remote", ["--endpoint", endpoint])):
        page = tmp / f"map-{name}.html"
        assert main(["map", "-o", str(page), *where]) == 0
        said.append(capsys.readouterr().err.replace(str(page), "PAGE"))
    summary = map_summary(local)
    assert said[0] == said[1] and f"({len(summary['places'])} places," in said[0]
    assert len(summary["places"]) > 5 and map_summary(remote) == summary


# The data's blank nodes: each membership's interval and its beginning (time:Interval and
# time:Instant nodes), and how many blank nodes a graph holds.
_INTERVALS = """PREFIX org: <http://www.w3.org/ns/org#>
PREFIX time: <http://www.w3.org/2006/time#>
SELECT ?m ?d (isBlank(?i) && isBlank(?t) AS ?blank) WHERE { GRAPH <GRAPH> {
  ?m org:memberDuring ?i . ?i a time:Interval ; time:hasBeginning ?t .
  ?t a time:Instant ; time:inXSDDate ?d } }"""
_BLANK = """SELECT (COUNT(DISTINCT ?b) AS ?n) WHERE { GRAPH <GRAPH> {
  { ?b ?p ?o } UNION { ?s ?p ?b } FILTER(isBlank(?b)) } }"""


def blank_graph(kg: Any) -> str:
    """A named graph of the packaged data whose triples mention blank nodes."""
    rows = kg.query(_INTERVALS.replace("GRAPH <GRAPH>", "GRAPH ?g").replace("?m ?d", "?g")).rows
    return str(sorted(str(r[0]) for r in rows)[0])


def blank_node_shape(execute: Any, graph: str) -> tuple[list[tuple[str, ...]], int]:
    """The intervals of ``graph`` (blank or not) and its number of blank nodes, by
    ``execute(text)`` (a backend's or a KnowledgeGraph's, returning a QueryResult)."""
    rows = execute(_INTERVALS.replace("GRAPH>", graph + ">")).rows
    count = execute(_BLANK.replace("GRAPH>", graph + ">")).rows
    shape = sorted((str(m), str(d)[:10], str(bool(b.toPython()))) for m, d, b in rows)
    return shape, int(str(count[0][0]))


def publish_keeps_blank_nodes(
    kg: Any, endpoint: str, update_endpoint: str, published: dict[str, int]
) -> None:
    """Publish a graph with blank nodes by SPARQL Update in chunks of two triples, and
    assert the store holds the same intervals and blank nodes: the triples that mention a
    blank node travel together in the first chunk's INSERT-WHERE template, so the nodes are
    the graph's own, not one per triple."""
    from g60graph.backends import SparqlBackend
    from g60graph.external._publish import publish

    graph = blank_graph(kg)
    local = blank_node_shape(kg.query, graph)
    assert local[0] and all(blank == "True" for *_, blank in local[0]) and local[1] >= 2
    report = publish(kg, endpoint=endpoint, update_endpoint=update_endpoint,
                     graphs=[graph], chunk_size=2, progress=False)
    assert report.method == "update" and report.chunks > 1
    remote = SparqlBackend(endpoint)
    assert blank_node_shape(lambda text: remote.execute(text, restrict=False), graph) == local
    assert remote.graph_count(graph) == report.counts[graph] == published[graph]
