"""The seam every store sits behind, like httpx's transport: one call to answer.

A backend runs SPARQL text, ``execute(text, *, limit=None, dataset=None)``, and
lists its quads, ``quads(graph=None)``; everything else (graph names, triple
counts, labels, pages) is SPARQL through ``execute``, so every store answers
alike. A backend may also write an answer in a format itself (``answer``, for the
server: faster than ``execute`` and serialising). ``execute``, ``answer`` and
``update`` run the safety check themselves (``g60graph.sparql._safety``) before the
engine sees the text: no query reaches a store unchecked, the library's own fixed
texts included. ``dataset`` is the protocol's choice of default and named graphs
(``default-graph-uri``/``named-graph-uri``); without it the default graph is the
union of all graphs. A graph the store lacks is an empty graph: never fetched.
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any, Protocol

from rdflib import URIRef
from rdflib.term import Identifier

from g60graph._errors import InputError
from g60graph.results._model import QueryResult
from g60graph.sparql import _safety as safety
from g60graph.sparql._lexer import Token, writes_default_graph
from g60graph.sparql._named import library

__all__ = [
    "GRAPHS",
    "Answer",
    "Backend",
    "Dataset",
    "Quad",
    "Writable",
    "answer",
    "check_writable",
    "graph_names",
    "triple_count",
]

Quad = tuple[Identifier, Identifier, Identifier, URIRef | None]  # None: the default graph


@dataclass(frozen=True)
class Dataset:
    """The graphs a query runs over, chosen by the protocol rather than the query text."""

    default: tuple[str, ...] = ()
    named: tuple[str, ...] = ()

    def __bool__(self) -> bool:
        return bool(self.default or self.named)


@dataclass(frozen=True)
class Answer:
    """A query's answer already written in a format: what the server sends."""

    body: bytes
    form: str
    truncated: bool


class Backend(Protocol):
    """What the library, the CLI and the server ask of a store."""

    name: str
    graphs_query: str  # the library query listing the named graphs as ?g (cheapest form here)

    def execute(
        self,
        text: str,
        *,
        limit: int | None = None,
        dataset: Dataset | None = None,
        allowed_services: Collection[str] = (),
    ) -> QueryResult:
        """Check one SPARQL query (no update, no SERVICE but ``allowed_services``), then
        run it; rows or triples stop at ``limit``."""
        ...

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        """Every quad, or those of one named graph."""
        ...


class Writable(Backend, Protocol):
    """A store in this process that can be changed: loaded into and updated."""

    def load(self, path: Path, fmt: Any, graph: str) -> None:
        """Parse one RDF file (``fmt``: a pyoxigraph RdfFormat) into the named ``graph``."""
        ...

    def add(self, quads: Iterable[Quad]) -> None: ...

    def update(self, text: str, *, dataset: Dataset | None = None) -> None:
        """Check one SPARQL update (no LOAD, no SERVICE, USING only this store's graphs,
        no per-run values), then run it with this store's own engine."""
        ...


GRAPHS = "graphs"  # queries/library/graphs.rq: every named graph, even empty ones


def graph_names(backend: Backend) -> list[str]:
    """The named graphs, sorted."""
    rows = backend.execute(library(backend.graphs_query).text).rows
    return sorted(str(r[0]) for r in rows if isinstance(r[0], URIRef))


def triple_count(backend: Backend) -> int:
    """Triples over all named graphs (a triple in two graphs counts twice)."""
    rows = backend.execute(library("triples").text).rows
    return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0


def check_writable(text: str, graphs: Collection[str]) -> None:
    """What a local store checks before it runs an update: the safety check first (so a
    fetch is named as refused), then that the default graph is left alone. It is the
    union of the named graphs, one per source, and takes no triples of its own
    (Oxigraph would hide them there, rdflib fails)."""
    safety.check_update(text, local_graphs=graphs)
    if writes_default_graph(text):
        raise InputError(
            "the default graph is the union of the named graphs and takes no triples of"
            " its own: name the graph, as in INSERT DATA { GRAPH <...> { ... } }"
        )


def answer(
    backend: Backend, text: str, fmt: str, *, limit: int | None = None,
    dataset: Dataset | None = None, tokens: Sequence[Token] | None = None,
) -> Answer:
    """One query's answer written as ``fmt``: by the backend itself when it can (its
    ``answer`` method), else through ``execute``; either checks the text first
    (``tokens``: the text's own, when the caller has read them already). A JSON answer
    cut at ``limit`` says ``"truncated": true`` before its results."""
    native = getattr(backend, "answer", None)
    written = (native(text, fmt, limit=limit, dataset=dataset, tokens=tokens)
               if native is not None else None)
    if written is not None:
        return written  # type: ignore[no-any-return]
    result = backend.execute(text, limit=limit, dataset=dataset)
    body = result.serialize(fmt)
    if result.truncated and fmt == "json":
        data = json.loads(body)
        data = {"head": data["head"], "truncated": True, "results": data["results"]}
        body = json.dumps(data, ensure_ascii=False) + "\n"
    return Answer(body.encode("utf-8"), result.form, result.truncated)
