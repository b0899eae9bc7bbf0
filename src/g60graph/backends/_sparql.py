"""A remote SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, QLever) as a backend.

SPARQLWrapper sends the query (JSON results for SELECT/ASK, Turtle for
CONSTRUCT/DESCRIBE), set up by ``g60graph._remote`` like every remote request:
its User-Agent, timeout, credentials, retries and error wording. The predeclared
prefixes a query uses without declaring are written in front of it, since a
server knows none of ours; literals come back with the server's lexical forms.
"""

from __future__ import annotations

import http.client
import json
import re
import struct
from collections.abc import Collection, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.term import Identifier

from g60graph._errors import ExecutionError, InputError
from g60graph._namespaces import GRAPH, QUERY_PREFIXES
from g60graph._remote import Policy, sparql
from g60graph.backends._seam import Dataset, Quad
from g60graph.results._model import QueryResult, cut_graph, empty_graph, take
from g60graph.results._w3c import term_from_json
from g60graph.sparql import _lexer as sparql_text
from g60graph.sparql import _safety as safety
from g60graph.sparql._named import library

if TYPE_CHECKING:
    from SPARQLWrapper import SPARQLWrapper

__all__ = [
    "MANIFEST",
    "STATUS",
    "VIRTUOSO_GEOMETRY",
    "VOID",
    "WKT_LITERAL",
    "SparqlBackend",
    "from_virtuoso_geometry",
]

MANIFEST = GRAPH["publication"]  # written by `g60graph publish`, names the published graphs
VOID = "http://rdfs.org/ns/void#"
STATUS = "https://schema.org/creativeWorkStatus"
WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
XSD_BOOLEAN = "http://www.w3.org/2001/XMLSchema#boolean"


class SparqlBackend:
    """A SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, QLever) over HTTP.

    The dataset a query sees is set by the protocol, not by the query text: the
    graphs listed by the publication manifest (see g60graph.publish) are sent as
    ``default-graph-uri`` (their union) and ``named-graph-uri``, so a server's
    own system graphs never leak into results. Without a manifest the server's
    default dataset is used as it is.
    """

    name = "sparql"
    graphs_query = "graphs-remote"  # Virtuoso has no GRAPH ?g {}

    def __init__(
        self,
        endpoint: str,
        *,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
        timeout: float = 120.0,
        graphs: list[str] | None = None,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(f"--endpoint: {endpoint!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.update_endpoint = update_endpoint
        self.graph_store = graph_store
        self.timeout = timeout
        self.policy = Policy(timeout=timeout)
        self._graphs = graphs if graphs is not None else self._published_graphs()

    # -- protocol ----------------------------------------------------------------

    def _wrapper(self, text: str, restrict: bool, dataset: Dataset | None) -> SPARQLWrapper:
        from SPARQLWrapper import JSON, TURTLE

        # Virtuoso 7.2 misreads some comments; a server knows none of our prefixes.
        text = sparql_text.with_prefixes(sparql_text.strip_comments(text), QUERY_PREFIXES)
        sw = sparql(self.endpoint, text, self.policy)
        sw.setReturnFormat(JSON if sparql_text.query_form(text) in ("SELECT", "ASK") else TURTLE)
        if dataset:
            for graph in dataset.default:
                sw.addDefaultGraph(graph)
            for graph in dataset.named:
                sw.addNamedGraph(graph)
        elif restrict and self._graphs:
            for graph in self._graphs:
                sw.addDefaultGraph(graph)
                sw.addNamedGraph(graph)
        return sw

    def _send(self, text: str, restrict: bool, dataset: Dataset | None) -> tuple[str, bytes, str]:
        sw = self._wrapper(text, restrict, dataset)
        # Virtuoso echoes every default-graph-uri and named-graph-uri as a response
        # header (X-SPARQL-default-graph, ...): one graph per source is hundreds of
        # headers, above http.client's limit of 100.
        published = getattr(self, "_graphs", None) or []  # (none yet while listing them)
        graphs = len(dataset.default) + len(dataset.named) if dataset else 2 * len(published)
        limit = getattr(http.client, "_MAXHEADERS", 100)
        setattr(http.client, "_MAXHEADERS", max(limit, 100 + graphs))  # noqa: B010

        def call() -> tuple[bytes, str]:
            response = sw.query().response
            ctype = response.headers.get("Content-Type", "") if response.headers else ""
            return response.read(), ctype

        body, ctype = self.policy.run(self.endpoint, call)
        return sparql_text.query_form(text), body, ctype

    def execute(
        self,
        text: str,
        *,
        limit: int | None = None,
        dataset: Dataset | None = None,
        allowed_services: Collection[str] = (),
        restrict: bool = True,
    ) -> QueryResult:
        """``restrict=False`` sees the server's whole dataset, not just the published graphs.
        Checked like a local query: a SERVICE the remote store would call is refused too."""
        safety.check(text, allowed_services=allowed_services)
        form, body, ctype = self._send(text, restrict, dataset)
        if form in ("CONSTRUCT", "DESCRIBE"):
            found = empty_graph()
            fmt = "nt" if "n-triples" in ctype else "turtle"
            try:
                found.parse(data=body.decode("utf-8"), format=fmt)
            except Exception as err:
                raise ExecutionError(f"{self.endpoint}: not an RDF graph: {err}") from None
            for subject, predicate, value in list(found):
                if isinstance(value, Literal) and str(value.datatype) == VIRTUOSO_GEOMETRY:
                    found.remove((subject, predicate, value))
                    found.add((subject, predicate, from_virtuoso_geometry(str(value))))
            graph, truncated = cut_graph(found, limit)
            return QueryResult(form=form, graph=graph, truncated=truncated)
        try:
            doc = json.loads(body)
        except ValueError:
            raise ExecutionError(
                f"{self.endpoint}: the answer is not SPARQL JSON results ({ctype or 'no type'})"
            ) from None
        if "boolean" in doc:
            return QueryResult(form="ASK", boolean=bool(doc["boolean"]))
        if "results" not in doc or "head" not in doc:
            raise ExecutionError(f"{self.endpoint}: the answer holds no results")
        names = list(doc["head"].get("vars", []))
        rows: list[tuple[Identifier | None, ...]] = [
            tuple(_from_server(term_from_json(binding.get(n))) for n in names)
            for binding in doc["results"].get("bindings", [])
        ]
        if sparql_text.selects_distinct(text):
            # Virtuoso 7.2's DISTINCT lets rows repeated once per source graph through
            # (after several OPTIONALs, even of DISTINCT subqueries): a DISTINCT answer
            # has each row once, so it is made so here
            rows = list(dict.fromkeys(rows))
        rows, truncated = take(rows, limit)
        return QueryResult(form="SELECT", vars=names, rows=rows, truncated=truncated)

    # -- the dataset -------------------------------------------------------------

    def _published_graphs(self) -> list[str] | None:
        rows = self.execute(library("publication").text, restrict=False).rows
        if not rows:
            return None
        if any(str(r[0]) != "complete" for r in rows):
            raise ExecutionError(
                f"{self.endpoint}: the graphs are marked incomplete by an interrupted"
                " 'g60graph publish'; publish again"
            )
        return sorted({str(r[1]) for r in rows if r[1] is not None})

    def graph_count(self, graph: str) -> int:
        """Triples in one named graph, whatever the manifest says."""
        rows = self.execute(library("graph-sizes").bind({"g": graph}), restrict=False).rows
        return int(str(rows[0][1])) if rows and rows[0][1] is not None else 0

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        chosen = Dataset(named=(graph,)) if graph is not None else None
        rows = self.execute(library("quads").text, dataset=chosen).rows
        expected = self.execute(library("triples").text, dataset=chosen).rows
        if expected and int(str(expected[0][0])) > len(rows):
            raise ExecutionError(
                f"{self.endpoint} returned {len(rows)} of {expected[0][0]} quads: the server caps"
                " result sizes (Virtuoso: ResultSetMaxRows); raise the cap or use a local store"
            )
        yield from rows  # type: ignore[misc]


def _from_server(term: Identifier | None) -> Identifier | None:
    """A term as the server should have answered it: a Virtuoso geometry is a WKT literal,
    and a boolean it stored as 1 or 0 is "true" or "false" again."""
    if isinstance(term, Literal) and str(term.datatype) == VIRTUOSO_GEOMETRY:
        return from_virtuoso_geometry(str(term))
    if isinstance(term, Literal) and str(term.datatype) == XSD_BOOLEAN and str(term) in "10":
        return Literal("true" if str(term) == "1" else "false", datatype=term.datatype)
    return term


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def from_virtuoso_geometry(text: str) -> Literal:
    """A Virtuoso geometry as the ``geo:wktLiteral`` that was stored.

    Virtuoso 7.2 turns a stored ``geo:wktLiteral`` into its own geometry type,
    keeping coordinates in single precision, and answers ``virtrdf:Geometry``
    with the noise: ``POINT(120.1551 30.2741)`` comes back as
    ``POINT(120.15509796143 30.274099349976)``. Each coordinate becomes the
    shortest decimal with the same single-precision value (a trailing zero, as
    in 118.7590, is gone: the same number), typed ``geo:wktLiteral``.
    """
    head, bracket, coordinates = text.partition("(")  # an SRID IRI before it may hold digits
    if bracket:
        coordinates = _NUMBER.sub(lambda m: _shortest_single(m.group()), coordinates)
    return Literal(head + bracket + coordinates, datatype=URIRef(WKT_LITERAL))


def _single(value: float) -> float:
    return float(struct.unpack("f", struct.pack("f", value))[0])


def _shortest_single(number: str) -> str:
    try:
        target = _single(float(number))
    except (OverflowError, ValueError):
        return number
    for digits in range(1, 10):
        candidate = f"{target:.{digits}g}"
        if _single(float(candidate)) == target:
            return format(Decimal(candidate), "f")
    return number
