"""Upload the graph to a remote SPARQL store, replacing the target graphs.

The SPARQL 1.1 Graph Store Protocol does the work (the first chunk of a graph
is a PUT, which replaces it; later chunks are POSTs, which add); without a
graph store URL, SPARQL Update does the same (DROP SILENT GRAPH, then INSERT
DATA per chunk). Triples travel as N-Triples, which is also Turtle.

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

from rdflib import BNode, URIRef

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

    def _update(self, text: str) -> None:
        assert self.update_endpoint
        body = urllib.parse.urlencode({"update": text}).encode("ascii")
        self.http.send("POST", self.update_endpoint, content=body,
                       headers={"Content-Type": "application/x-www-form-urlencoded"})

    def write(self, graph: str, lines: Sequence[str], replace: bool) -> None:
        if self.graph_store:
            body = ("\n".join(lines) + "\n").encode("utf-8")
            self.http.send("PUT" if replace else "POST", self._gsp(graph), content=body,
                           headers={"Content-Type": "text/turtle; charset=utf-8"})
            return
        if replace:
            self._update("DROP SILENT GRAPH " + _term(graph))
        if lines:
            data = "\n".join(lines)
            self._update("INSERT DATA { GRAPH " + _term(graph) + " {\n" + data + "\n} }")

    def drop(self, graph: str) -> None:
        if self.graph_store:
            self.http.send("DELETE", self._gsp(graph), ok=(404,))  # 404: nothing to delete
        else:
            self._update("DROP SILENT GRAPH " + _term(graph))


def _term(graph: str) -> str:
    """A graph name as a SPARQL term: updates name the graph, they have no WHERE to bind it in."""
    return str(URIRef(graph).n3())  # rdflib refuses an IRI that is not one


def _ntriples(kg: KnowledgeGraph, graph: str) -> tuple[list[str], list[str]]:
    """A graph's triples as N-Triples lines: (those with blank nodes, the rest).

    Blank-node labels are scoped to one request, so every triple that mentions
    a blank node travels in the graph's first chunk, together.
    """
    with_bnodes: list[str] = []
    plain: list[str] = []
    for s, p, o, _ in kg.backend.quads(graph):
        line = f"{to_ox(s)} {to_ox(p)} {to_ox(o)} ."  # pyoxigraph writes N-Triples terms
        (with_bnodes if isinstance(s, BNode) or isinstance(o, BNode) else plain).append(line)
    return with_bnodes, plain


def _chunks(first: list[str], rest: list[str], size: int) -> Iterator[list[str]]:
    head = first + rest[: max(size - len(first), 0)]
    yield head
    for start in range(len(head) - len(first), len(rest), size):
        yield rest[start : start + size]


def _manifest(status: str, graphs: Sequence[str], counts: dict[str, int]) -> list[str]:
    now = dt.datetime.now(dt.UTC).replace(microsecond=0).isoformat()
    lines = [
        f'<{MANIFEST}> <{STATUS}> "{status}" .',
        f'<{MANIFEST}> <{MODIFIED}> "{now}"^^<{XSD}dateTime> .',
    ]
    for graph in graphs:
        lines.append(f"<{MANIFEST}> <{VOID}subset> <{graph}> .")
        if graph in counts:
            lines.append(f'<{graph}> <{VOID}triples> "{counts[graph]}"^^<{XSD}integer> .')
    return lines


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
            first, rest = _ntriples(kg, graph)  # one graph in memory at a time
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
