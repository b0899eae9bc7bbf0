"""Upload the graph to a remote SPARQL store, replacing the target graphs.

The SPARQL 1.1 Graph Store Protocol does the work (the first chunk of a graph
is a PUT, which replaces it; later chunks are POSTs, which add); without a
graph store URL, SPARQL Update does the same with two library updates:
``publish-replace`` for the first chunk (DROP SILENT GRAPH, then its triples, in one
request: those with blank nodes in an INSERT template with one solution, since
Virtuoso refuses blank nodes in INSERT DATA) and ``publish-add`` (INSERT DATA) for
the later ones, their graph and triples bound as parameters and the bound text put
through the update safety check.
By the Graph Store Protocol triples travel as N-Triples, which is also Turtle.

Before anything is sent, a manifest graph (``graph/publication``) marks the
target graphs *incomplete*; only when every graph's triple count on the server
matches ours is it marked *complete*. A failure part-way therefore leaves the
targets clearly marked, and its message says what was sent. RemoteBackend
refuses to query graphs so marked.
"""

from __future__ import annotations

import datetime as dt
import urllib.parse
from collections.abc import Iterator, Sequence
from dataclasses import dataclass, field

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from g60graph._errors import ExecutionError, InputError
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._remote import Http, Policy
from g60graph.backends import (
    MANIFEST,
    STATUS,
    VOID,
    SparqlBackend,
    to_ox,
    triple_count,
)
from g60graph.sparql import _lexer as sparql_text
from g60graph.sparql import _safety as safety
from g60graph.sparql._named import library

__all__ = [
    "MODIFIED",
    "XSD",
    "PublishError",
    "PublishReport",
    "publish",
]

MODIFIED = "http://purl.org/dc/terms/modified"
XSD = "http://www.w3.org/2001/XMLSchema#"


class PublishError(ExecutionError):
    """Publishing stopped part-way; the message says what was sent."""


@dataclass
class PublishReport:
    method: str  # "graph-store" or "update"
    counts: dict[str, int] = field(default_factory=dict)  # graph -> triples, verified
    chunks: int = 0

    @property
    def triples(self) -> int:
        return sum(self.counts.values())


Triple = tuple[Identifier, Identifier, Identifier]


class _Target:
    """Replace/append/drop one graph by Graph Store Protocol or SPARQL Update."""

    def __init__(
        self, graph_store: str | None, update_endpoint: str | None, timeout: float
    ) -> None:
        if not graph_store and not update_endpoint:
            raise InputError("publish needs --graph-store URL or --update-endpoint URL")
        self.graph_store = graph_store
        self.update_endpoint = update_endpoint
        self.http = Http(Policy(timeout=timeout))
        self.method = "graph-store" if graph_store else "update"

    def _gsp(self, graph: str) -> str:
        assert self.graph_store
        sep = "&" if "?" in self.graph_store else "?"
        return f"{self.graph_store}{sep}{urllib.parse.urlencode({'graph': graph})}"

    def _update(self, name: str, graph: str, triples: Sequence[Triple]) -> None:
        """One library update, bound, checked and sent: ``publish-replace`` takes the
        triples that mention a blank node as a table of their own (``bs bp bo``)."""
        assert self.update_endpoint
        values: dict[str, object] = {"graph": graph}
        blank = [t for t in triples if _has_bnode(t)] if name == "publish-replace" else []
        plain = [t for t in triples if not _has_bnode(t)] if blank else triples
        for prefix, table in (("b", blank), ("", plain)):
            if table:
                values |= {prefix + "s": [t[0] for t in table], prefix + "p": [t[1] for t in table],
                           prefix + "o": [t[2] for t in table]}
        text = library(name).bind(values)
        text = sparql_text.strip_comments(text)  # the header: Virtuoso 7.2 misreads comments
        safety.check_update(text)
        body = urllib.parse.urlencode({"update": text}).encode("ascii")
        self.http.send("POST", self.update_endpoint, content=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})

    def write(self, graph: str, triples: Sequence[Triple], replace: bool) -> None:
        if self.graph_store:
            body = "".join(f"{to_ox(s)} {to_ox(p)} {to_ox(o)} .\n" for s, p, o in triples)
            self.http.send("PUT" if replace else "POST", self._gsp(graph),
                           content=body.encode("utf-8"),  # N-Triples, as pyoxigraph writes terms
                           headers={"Content-Type": "text/turtle; charset=utf-8"})
        elif replace:
            self._update("publish-replace", graph, triples)
        elif triples:
            self._update("publish-add", graph, triples)

    def drop(self, graph: str) -> None:
        if self.graph_store:
            self.http.send("DELETE", self._gsp(graph), ok=(404,))  # 404: nothing to delete
        else:
            self._update("publish-replace", graph, [])  # replaced by nothing


def _triples(kg: KnowledgeGraph, graph: str) -> tuple[list[Triple], list[Triple]]:
    """A graph's triples: (those with blank nodes, the rest).

    Blank-node labels are scoped to one request, so every triple that mentions
    a blank node travels in the graph's first chunk, together.
    """
    with_bnodes: list[Triple] = []
    plain: list[Triple] = []
    for s, p, o, _ in kg.backend.quads(graph):
        (with_bnodes if _has_bnode((s, p, o)) else plain).append((s, p, o))
    return with_bnodes, plain


def _has_bnode(triple: Triple) -> bool:
    return isinstance(triple[0], BNode) or isinstance(triple[2], BNode)


def _chunks(first: list[Triple], rest: list[Triple], size: int) -> Iterator[list[Triple]]:
    head = first + rest[: max(size - len(first), 0)]
    yield head
    for start in range(len(head) - len(first), len(rest), size):
        yield rest[start : start + size]


def _manifest(status: str, graphs: Sequence[str], counts: dict[str, int]) -> list[Triple]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    manifest = URIRef(MANIFEST)
    triples: list[Triple] = [
        (manifest, URIRef(STATUS), Literal(status)),
        (manifest, URIRef(MODIFIED), Literal(now, datatype=URIRef(XSD + "dateTime"))),
    ]
    for graph in graphs:
        triples.append((manifest, URIRef(VOID + "subset"), URIRef(graph)))
        if graph in counts:
            triples.append((URIRef(graph), URIRef(VOID + "triples"),
                            Literal(str(counts[graph]), datatype=URIRef(XSD + "integer"))))
    return triples


def publish(
    kg: KnowledgeGraph,
    *,
    endpoint: str,
    graph_store: str | None = None,
    update_endpoint: str | None = None,
    graphs: Sequence[str] = (),
    chunk_size: int = 20_000,
    progress: bool = True,
    timeout: float = 300.0,
) -> PublishReport:
    """Replace ``graphs`` (default: all) on the server and verify their triple counts."""
    if chunk_size < 1:
        raise InputError("--chunk-size must be at least 1")
    local = kg.graph_names()
    chosen = list(graphs) or local
    unknown = [g for g in chosen if g not in local]
    if unknown:
        raise InputError(f"--graph: not in the loaded graph: {', '.join(unknown)}")
    target = _Target(graph_store, update_endpoint, timeout)
    try:
        return _publish(kg, target, endpoint, chosen, local, chunk_size, progress, timeout)
    finally:
        target.http.close()


def _publish(
    kg: KnowledgeGraph,
    target: _Target,
    endpoint: str,
    chosen: list[str],
    local: list[str],
    chunk_size: int,
    progress: bool,
    timeout: float,
) -> PublishReport:
    from tqdm import tqdm  # type: ignore[import-untyped]

    remote = SparqlBackend(endpoint, timeout=timeout, graphs=[])
    manifest = remote.execute(library("publication").text, restrict=False).rows
    listed = [str(g) for _, g in manifest if g is not None]
    everything = sorted(set(listed) | set(chosen))
    counts: dict[str, int] = {}
    report = PublishReport(method=target.method)
    try:
        target.write(str(MANIFEST), _manifest("incomplete", everything, {}), replace=True)
    except ExecutionError as err:
        raise PublishError(f"nothing was sent: {err}") from None
    sent: list[str] = []
    total = triple_count(kg.backend) if len(chosen) == len(local) else None
    with tqdm(total=total, unit="triple", unit_scale=True, desc="publishing",
              disable=not progress) as bar:
        for graph in chosen:
            first, rest = _triples(kg, graph)  # one graph in memory at a time
            counts[graph] = len(first) + len(rest)
            pieces = list(_chunks(first, rest, chunk_size))
            for index, piece in enumerate(pieces):
                try:
                    if not piece and index == 0:
                        target.drop(graph)
                    else:
                        target.write(graph, piece, replace=index == 0)
                except ExecutionError as err:
                    done = ", ".join(f"{g} ({counts[g]} triples)" for g in sent) or "none"
                    raise PublishError(
                        f"publish stopped at {graph}, chunk {index + 1} of {len(pieces)}: {err}."
                        f" Graphs fully sent: {done}. The target graphs stay marked incomplete"
                        f" in <{MANIFEST}>; run publish again"
                    ) from None
                report.chunks += 1
                bar.update(len(piece))
            sent.append(graph)
    wrong = {g: (n, remote.graph_count(g)) for g, n in counts.items()}
    wrong = {g: pair for g, pair in wrong.items() if pair[0] != pair[1]}
    if wrong:
        listing = "; ".join(f"{g}: sent {a}, server holds {b}" for g, (a, b) in wrong.items())
        raise PublishError(f"triple counts differ after publishing ({listing}); still incomplete")
    report.counts = counts
    previous = {g: remote.graph_count(g) for g in everything if g not in counts}
    target.write(str(MANIFEST), _manifest("complete", everything, {**previous, **counts}),
                 replace=True)
    return report
