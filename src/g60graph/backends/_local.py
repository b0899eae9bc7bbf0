"""Where queries run: a small backend seam, like httpx's transport.

A backend answers SPARQL text with a :class:`QueryResult` and lists its named
graphs; ``KnowledgeGraph`` needs nothing else. Two kinds exist:

- :class:`LocalBackend`: an ``rdflib.Dataset`` on Oxigraph (in memory or on
  disk) or on rdflib's memory store. Oxigraph datasets are queried through
  pyoxigraph directly, skipping rdflib's result objects.
- :class:`RemoteBackend`: any SPARQL 1.1 server through SPARQLWrapper
  (JSON results for SELECT/ASK, Turtle for CONSTRUCT/DESCRIBE).

Either way literals come back in one shape: a simple literal is a plain
``Literal("x")`` (RDF 1.1 makes it the same as ``"x"^^xsd:string``; Oxigraph
and rdflib spell it differently).
"""

from __future__ import annotations

import json
import os
import re
import struct
from collections.abc import Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any, Protocol

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.term import Identifier

from g60graph._errors import ExecutionError, InputError, QuerySyntaxError
from g60graph._namespaces import GRAPH, PREFIXES
from g60graph.results._model import QueryResult
from g60graph.sparql import _lexer as sparql_text

if TYPE_CHECKING:
    from SPARQLWrapper import SPARQLWrapper

__all__ = [
    "MANIFEST",
    "STATUS",
    "USER_AGENT",
    "VIRTUOSO_GEOMETRY",
    "VOID",
    "WKT_LITERAL",
    "XSD_STRING",
    "Backend",
    "LocalBackend",
    "Quad",
    "RemoteBackend",
    "auth_scheme",
    "credentials",
    "from_ox",
    "from_virtuoso_geometry",
    "plain",
    "result_graph",
]

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"
WKT_LITERAL = "http://www.opengis.net/ont/geosparql#wktLiteral"
VIRTUOSO_GEOMETRY = "http://www.openlinksw.com/schemas/virtrdf#Geometry"
MANIFEST = GRAPH["publication"]  # written by `g60graph publish`, names the published graphs
VOID = "http://rdfs.org/ns/void#"
STATUS = "https://schema.org/creativeWorkStatus"
USER_AGENT = "g60graph (https://w3id.org/g60graph; SPARQL client)"

Quad = tuple[Identifier, Identifier, Identifier, URIRef]


class Backend(Protocol):
    """What KnowledgeGraph asks of a store."""

    kind: str

    def execute(self, text: str, limit: int | None = None) -> QueryResult:
        """Run one (already checked) SPARQL query."""
        ...

    def graph_names(self) -> list[str]: ...

    def triple_count(self) -> int: ...

    def quads(self) -> Iterator[Quad]: ...

    @property
    def dataset(self) -> rdflib.Dataset: ...


# -- terms ----------------------------------------------------------------------


def plain(term: Identifier | None) -> Identifier | None:
    """``"x"^^xsd:string`` as the plain ``"x"``; every other term unchanged."""
    if isinstance(term, Literal) and term.datatype is not None and str(term.datatype) == XSD_STRING:
        return Literal(str(term))
    return term


def result_graph() -> rdflib.Graph:
    """An empty graph for CONSTRUCT/DESCRIBE results, with the project's prefixes."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def from_ox(term: Any) -> Identifier | None:
    """A pyoxigraph term as an rdflib term (simple literals plain)."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        if term.language:
            return Literal(term.value, lang=term.language)
        datatype = term.datatype.value
        if datatype == XSD_STRING:
            return Literal(term.value)
        return Literal(term.value, datatype=URIRef(datatype))
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise ExecutionError(f"unsupported RDF term in a result: {term!r}")


# -- local ----------------------------------------------------------------------


class LocalBackend:
    """An rdflib Dataset in this process: Oxigraph (memory or disk) or rdflib memory."""

    def __init__(self, dataset: rdflib.Dataset, kind: str = "oxigraph") -> None:
        self._dataset = dataset
        self.kind = kind
        inner = getattr(dataset.store, "_inner", None)
        self._ox: ox.Store | None = inner if isinstance(inner, ox.Store) else None

    @property
    def dataset(self) -> rdflib.Dataset:
        return self._dataset

    @property
    def oxigraph(self) -> ox.Store | None:
        """The pyoxigraph store underneath, when there is one."""
        return self._ox

    def execute(self, text: str, limit: int | None = None) -> QueryResult:
        if self._ox is not None:
            return self._execute_ox(self._ox, text, limit)
        from pyparsing import ParseException

        from g60graph.sparql import _safety as safety

        try:
            result = self._dataset.query(text)
            return _normalised(QueryResult.from_rdflib(result, limit=limit))
        except ParseException as err:
            raise QuerySyntaxError(safety.syntax_message(err)) from None
        except (RuntimeError, ValueError, TypeError) as err:
            raise ExecutionError(f"query failed: {err}") from None

    @staticmethod
    def _execute_ox(store: ox.Store, text: str, limit: int | None) -> QueryResult:
        try:
            # The union is the default graph unless the query names its own (FROM).
            union = "FROM" not in sparql_text.keywords(text)
            result = store.query(text, use_default_graph_as_union=union)
            if isinstance(result, ox.QueryBoolean):
                return QueryResult(form="ASK", boolean=bool(result))
            if isinstance(result, ox.QueryTriples):
                graph = result_graph()
                for t in result:
                    graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))  # type: ignore[arg-type]
                form = "DESCRIBE" if _is_describe(text) else "CONSTRUCT"
                return QueryResult(form=form, graph=graph)
            names = [v.value for v in result.variables]
            rows: list[tuple[Identifier | None, ...]] = []
            truncated = False
            for solution in result:
                if limit is not None and len(rows) >= limit:
                    truncated = True
                    break
                rows.append(tuple(from_ox(t) for t in solution))
            return QueryResult(form="SELECT", vars=names, rows=rows, truncated=truncated)
        except SyntaxError as err:
            raise QuerySyntaxError(_oxigraph_syntax(err)) from None
        except (RuntimeError, ValueError, TypeError, OSError) as err:
            raise ExecutionError(f"query failed: {err}") from None

    def graph_names(self) -> list[str]:
        if self._ox is not None:
            return sorted(g.value for g in self._ox.named_graphs() if isinstance(g, ox.NamedNode))
        return sorted(
            str(g.identifier)
            for g in self._dataset.graphs()
            if isinstance(g.identifier, URIRef) and g.identifier != DATASET_DEFAULT_GRAPH_ID
        )

    def triple_count(self) -> int:
        return len(self._dataset)

    def quads(self) -> Iterator[Quad]:
        if self._ox is not None:
            for q in self._ox.quads_for_pattern(None, None, None, None):
                if isinstance(q.graph_name, ox.NamedNode):
                    yield (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object),  # type: ignore[misc]
                           URIRef(q.graph_name.value))
            return
        for s, p, o, g in self._dataset.quads((None, None, None, None)):
            name = g.identifier if isinstance(g, rdflib.Graph) else g
            if isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID:
                yield s, p, plain(o), name  # type: ignore[arg-type,misc]


def _normalised(result: QueryResult) -> QueryResult:
    if result.rows:
        result.rows = [tuple(plain(t) for t in row) for row in result.rows]
    return result


def _is_describe(text: str) -> bool:
    from g60graph.sparql import _lexer as sparql_text

    return "DESCRIBE" in sparql_text.keywords(text)


def _oxigraph_syntax(err: SyntaxError) -> str:
    import re

    message = (err.msg or str(err)).strip().splitlines()[0]
    match = re.search(r"(?:line (\d+) column (\d+))|(?:at (\d+):(\d+))", message)
    if match:
        line, column = (match[1], match[2]) if match[1] else (match[3], match[4])
        return f"SPARQL syntax error at line {line}, column {column}: {message}"
    return f"SPARQL syntax error: {message}"


# -- remote ---------------------------------------------------------------------


def credentials(url: str) -> tuple[str, str] | None:
    """User and password for ``url``: G60GRAPH_USER/G60GRAPH_PASSWORD, else ~/.netrc."""
    user, password = os.environ.get("G60GRAPH_USER"), os.environ.get("G60GRAPH_PASSWORD")
    if user and password is not None:
        return user, password
    import netrc
    from urllib.parse import urlsplit

    host = urlsplit(url).hostname or ""
    try:
        entry = netrc.netrc().authenticators(host)
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    if entry and entry[0] and entry[2] is not None:
        return entry[0], entry[2]
    return None


def auth_scheme() -> str:
    """'basic' (default) or 'digest' (Virtuoso's /sparql-auth), from G60GRAPH_AUTH."""
    scheme = os.environ.get("G60GRAPH_AUTH", "basic").strip().lower() or "basic"
    if scheme not in ("basic", "digest"):
        raise InputError(f"G60GRAPH_AUTH: {scheme!r} is not basic or digest")
    return scheme


class RemoteBackend:
    """A SPARQL 1.1 server (Virtuoso, Fuseki, GraphDB, QLever) over HTTP.

    The dataset a query sees is set by the protocol, not by the query text: the
    graphs listed by the publication manifest (see g60graph.publish) are sent as
    ``default-graph-uri`` (their union) and ``named-graph-uri``, so a server's
    own system graphs never leak into results. Without a manifest the server's
    default dataset is used as it is.
    """

    kind = "remote"

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
        self._graphs = graphs if graphs is not None else self._published_graphs()

    @property
    def dataset(self) -> rdflib.Dataset:
        raise InputError(
            f"the graph is on a remote store ({self.endpoint}): this needs a local store"
            " (--store oxigraph, memory or a PATH)"
        )

    # -- protocol ----------------------------------------------------------------

    def _wrapper(self, text: str, restrict: bool) -> SPARQLWrapper:
        from SPARQLWrapper import DIGEST, JSON, POST, TURTLE, SPARQLWrapper

        sw = SPARQLWrapper(self.endpoint, agent=USER_AGENT)
        sw.setTimeout(int(self.timeout))
        sw.setMethod(POST)  # long VALUES blocks and graph lists stay out of the URL
        sw.setQuery(sparql_text.strip_comments(text))  # Virtuoso 7.2 misreads some comments
        sw.setReturnFormat(JSON if sw.queryType in ("SELECT", "ASK") else TURTLE)
        if restrict and self._graphs:
            for graph in self._graphs:
                sw.addDefaultGraph(graph)
                sw.addNamedGraph(graph)
        found = credentials(self.endpoint)
        if found:
            sw.setCredentials(*found)
            if auth_scheme() == "digest":
                sw.setHTTPAuth(DIGEST)
        return sw

    def _send(self, text: str, restrict: bool = True) -> tuple[str, bytes, str]:
        from urllib.error import HTTPError, URLError

        sw = self._wrapper(text, restrict)
        try:
            response = sw.query().response
            body = response.read()
            ctype = response.headers.get("Content-Type", "") if response.headers else ""
        except HTTPError as err:
            detail = err.read().decode("utf-8", "replace").strip().splitlines()
            raise ExecutionError(
                f"{self.endpoint} answered {err.code}: {' '.join(detail[:3])[:300]}"
            ) from None
        except (URLError, OSError) as err:
            raise ExecutionError(f"{self.endpoint}: {getattr(err, 'reason', err)}") from None
        except Exception as err:  # SPARQLWrapper's own errors (bad request, 404, ...)
            from SPARQLWrapper.SPARQLExceptions import QueryBadFormed

            first = " ".join(str(err).split())[:300]
            if isinstance(err, QueryBadFormed):
                raise QuerySyntaxError(f"{self.endpoint} refused the query: {first}") from None
            raise ExecutionError(f"{self.endpoint}: {first}") from None
        return str(sw.queryType), body, ctype

    def execute(self, text: str, limit: int | None = None, restrict: bool = True) -> QueryResult:
        form, body, ctype = self._send(text, restrict)
        if form in ("CONSTRUCT", "DESCRIBE"):
            graph = result_graph()
            fmt = "nt" if "n-triples" in ctype else "turtle"
            try:
                graph.parse(data=body.decode("utf-8"), format=fmt)
            except Exception as err:
                raise ExecutionError(f"{self.endpoint}: not an RDF graph: {err}") from None
            for subject, predicate, value in list(graph):
                if isinstance(value, Literal) and str(value.datatype) == VIRTUOSO_GEOMETRY:
                    graph.remove((subject, predicate, value))
                    graph.add((subject, predicate, from_virtuoso_geometry(str(value))))
            return QueryResult(form=form, graph=graph)
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
        rows: list[tuple[Identifier | None, ...]] = []
        truncated = False
        for binding in doc["results"].get("bindings", []):
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(_json_term(binding.get(n)) for n in names))
        return QueryResult(form="SELECT", vars=names, rows=rows, truncated=truncated)

    # -- the dataset -------------------------------------------------------------

    def _published_graphs(self) -> list[str] | None:
        text = (
            f"SELECT ?status ?g WHERE {{ GRAPH <{MANIFEST}> {{ <{MANIFEST}> <{STATUS}> ?status ."
            f" OPTIONAL {{ <{MANIFEST}> <{VOID}subset> ?g }} }} }}"
        )
        rows = self.execute(text, restrict=False).rows
        if not rows:
            return None
        if any(str(r[0]) != "complete" for r in rows):
            raise ExecutionError(
                f"{self.endpoint}: the graphs are marked incomplete by an interrupted"
                " 'g60graph publish'; publish again"
            )
        return sorted({str(r[1]) for r in rows if r[1] is not None})

    def graph_names(self) -> list[str]:
        if self._graphs is not None:
            return list(self._graphs)
        rows = self.execute("SELECT DISTINCT ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        return sorted(str(r[0]) for r in rows if isinstance(r[0], URIRef))

    def triple_count(self) -> int:
        rows = self.execute("SELECT (COUNT(*) AS ?n) WHERE { ?s ?p ?o }").rows
        return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0

    def graph_count(self, graph: str) -> int:
        """Triples in one named graph, whatever the manifest says."""
        text = f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}"
        rows = self.execute(text, restrict=False).rows
        return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0

    def quads(self) -> Iterator[Quad]:
        rows = self.execute("SELECT ?s ?p ?o ?g WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        expected = self.execute("SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }").rows
        if expected and int(str(expected[0][0])) > len(rows):
            raise ExecutionError(
                f"{self.endpoint} returned {len(rows)} of {expected[0][0]} quads: the server caps"
                " result sizes (Virtuoso: ResultSetMaxRows); raise the cap or use a local store"
            )
        yield from rows  # type: ignore[misc]


def _json_term(cell: dict[str, str] | None) -> Identifier | None:
    """One term of the SPARQL 1.1 JSON results format (and Virtuoso's 'typed-literal')."""
    if cell is None:
        return None
    kind, value = cell.get("type"), cell.get("value", "")
    if kind == "uri":
        return URIRef(value)
    if kind == "bnode":
        return BNode(value)
    if kind in ("literal", "typed-literal"):
        lang = cell.get("xml:lang")
        if lang:
            return Literal(value, lang=lang)
        datatype = cell.get("datatype")
        if datatype == VIRTUOSO_GEOMETRY:
            return from_virtuoso_geometry(value)
        if datatype and datatype != XSD_STRING:
            return Literal(value, datatype=URIRef(datatype))
        return Literal(value)
    raise ExecutionError(f"unknown term type in SPARQL results: {kind!r}")


_NUMBER = re.compile(r"-?\d+(?:\.\d+)?(?:[eE][-+]?\d+)?")


def from_virtuoso_geometry(text: str) -> Literal:
    """A Virtuoso geometry as the ``geo:wktLiteral`` that was stored.

    Virtuoso 7.2 turns a stored ``geo:wktLiteral`` into its own geometry type,
    keeping coordinates in single precision, and answers ``virtrdf:Geometry``
    with the noise: ``POINT(120.1551 30.2741)`` comes back as
    ``POINT(120.15509796143 30.274099349976)``. Each coordinate becomes the
    shortest decimal with the same single-precision value (trailing zeros,
    as in 118.7590, are gone: the same number), typed ``geo:wktLiteral``.
    """
    head, bracket, coordinates = text.partition("(")  # an SRID IRI may hold digits
    if bracket:
        coordinates = _NUMBER.sub(lambda m: _shortest_single(m.group()), coordinates)
    return Literal(head + bracket + coordinates, datatype=URIRef(WKT_LITERAL))


def _shortest_single(number: str) -> str:
    def single(value: float) -> float:
        return float(struct.unpack("f", struct.pack("f", value))[0])

    try:
        target = single(float(number))
    except (OverflowError, ValueError):
        return number
    for digits in range(1, 10):
        candidate = f"{target:.{digits}g}"
        if single(float(candidate)) == target:
            return format(Decimal(candidate), "f")
    return number
