"""The work done inside a query worker process: queries, updates, page data.

Each worker holds its own KnowledgeGraph. Everything here returns plain,
picklable values (bytes, strings, dicts) to the server process, which runs a
query known to be quick itself (``query_shape``, see _executor).
"""

from __future__ import annotations

import multiprocessing
import os
import pickle
import signal
import socket
import struct
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from multiprocessing.connection import Connection
from typing import Any, NamedTuple

from rdflib import Literal, URIRef
from rdflib.term import BNode, Identifier

from g60graph import _sandbox, backends
from g60graph._errors import (
    AnswerTooLargeError,
    G60Error,
    InputError,
)
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._namespaces import PREFIXES
from g60graph.backends import Answer, Dataset
from g60graph.results._model import QueryResult, empty_graph
from g60graph.server import _page_jobs as page_jobs
from g60graph.server import _protocol as protocol
from g60graph.sparql import _lexer as sparql_text
from g60graph.sparql import _named as queries
from g60graph.sparql import _safety as safety

__all__ = [
    "HEADER",
    "JOBS",
    "SHAPE_MAX_CHARS",
    "Reply",
    "Shape",
    "apply_update",
    "bound_text",
    "execute",
    "info",
    "labels",
    "ontology",
    "ontology_rdf",
    "query_shape",
    "resource",
    "resource_rdf",
    "run_named",
    "run_query",
    "safe_iri",
    "spreadsheet",
    "triple_count",
    "view_data",
    "void",
    "worker_main",
]


@dataclass(frozen=True)
class Reply(Answer):
    """A serialised query answer, and whether the server may keep it."""

    cacheable: bool = True  # False when a run may give other values (RAND(), NOW(), ...)


# Functions whose value differs on every run: an answer using them is never kept.
_PER_RUN = {"RAND", "NOW", "UUID", "STRUUID", "BNODE"}


# -- the worker loop -------------------------------------------------------------

# Each message on a worker's socket: its length (8 bytes, big-endian), then the pickle.
HEADER = struct.Struct("!Q")


def frame(message: Any) -> bytes:
    payload = pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL)
    return HEADER.pack(len(payload)) + payload


class _Reader:
    """The worker's end of its socket: length-framed messages, read in as few calls as
    the socket allows (a small job arrives in one ``recv``)."""

    def __init__(self, sock: socket.socket) -> None:
        self._sock = sock
        self._buffer = bytearray()

    def _fill(self, size: int) -> None:
        while len(self._buffer) < size:
            chunk = self._sock.recv(max(size - len(self._buffer), 1 << 16))
            if not chunk:
                raise EOFError
            self._buffer += chunk

    def receive(self) -> Any:
        self._fill(HEADER.size)
        (size,) = HEADER.unpack_from(self._buffer)
        self._fill(HEADER.size + size)
        message = pickle.loads(memoryview(self._buffer)[HEADER.size : HEADER.size + size])
        del self._buffer[: HEADER.size + size]
        return message


def worker_main(
    conn: Connection,
    kg_factory: Callable[[], KnowledgeGraph],
    updates: Sequence[str],
    memory_mb: int | None = None,
    isolate: bool = True,
    allow_network: bool = False,
) -> None:
    """Drop the network, load the graph once, replay past updates, then answer jobs.

    ``conn`` is only the carrier of the socket: messages are framed by ``frame``, so
    the server reads them with asyncio, without a thread per worker."""
    sock = socket.socket(fileno=os.dup(conn.fileno()))
    conn.close()
    sock.setblocking(True)
    signal.signal(signal.SIGINT, signal.SIG_IGN)  # the server process stops us
    if memory_mb:
        import resource

        # A query that materialises a huge intermediate result (ORDER BY over a cross
        # product grows by ~350 MB/s) must not take the machine down before the time
        # limit: past this cap on its data memory (heap and anonymous mappings, not
        # reserved-but-unused address space) the worker fails and is replaced.
        limit = memory_mb * 1024 * 1024
        resource.setrlimit(resource.RLIMIT_DATA, (limit, limit))
    _sandbox.never_load_graphs()
    try:
        if isolate:  # first, before any thread starts: unshare needs a single thread
            _drop_network(allow_network)
        _die_with_server()
        kg = kg_factory()
        for text in updates:
            _writable(kg).update(text)
    except Exception as err:  # reported to the server, which gives up starting
        sock.sendall(frame(("error", type(err).__name__, str(err))))
        return
    sock.sendall(frame(("ready", None)))
    reader = _Reader(sock)
    while True:
        try:
            name, args = reader.receive()
        except (EOFError, OSError):
            return
        started = time.monotonic()
        try:
            reply: tuple[Any, ...] = ("ok", JOBS[name](kg, *args))
        except G60Error as err:
            reply = ("error", type(err).__name__, str(err))
        except MemoryError:
            reply = ("error", "MemoryError", "")  # the server replaces this worker
        except Exception as err:  # a bug or a store failure: report, keep serving
            reply = ("error", "ExecutionError", f"query failed: {type(err).__name__}: {err}")
        try:
            sock.sendall(frame((reply, time.monotonic() - started)))
        except OSError:  # the server is gone
            return


def _die_with_server() -> None:
    """Be killed when the server process dies, even by SIGKILL (its atexit kills its
    workers only when it exits cleanly): else a worker would finish a runaway query with
    no time limit left, however long it takes. After the credentials change of dropping
    the network. The signal follows the server's thread that started the worker: those
    are its pool's threads, which live until the server stops."""
    parent = multiprocessing.parent_process()
    if parent is not None and parent.pid is not None:
        _sandbox.die_with_parent(parent.pid, signal.SIGKILL)


def _drop_network(allow_network: bool) -> None:
    try:
        _sandbox.drop_network()
    except _sandbox.IsolationError as err:
        if not allow_network:
            raise _sandbox.IsolationError(
                f"{err}; refusing to serve queries that could reach the network"
                " (start with --i-understand-network-access to serve anyway)"
            ) from None


# -- queries ----------------------------------------------------------------------


def run_query(
    kg: KnowledgeGraph,
    text: str,
    base: str,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    fmt: str,
    max_rows: int,
    max_bytes: int | None = None,
    tokens: Sequence[sparql_text.Token] | None = None,
) -> Reply:
    """A query from /sparql; ``base`` resolves its relative IRIs when it has no BASE (read
    here, in the worker: the lexing is off the server process's one thread). ``tokens``:
    the text's, when it was read already (an inline run, see ``query_shape``)."""
    # read at most once (base, safety check, row cap, cache), and only if a check needs it
    tokens = tokens if tokens is not None else sparql_text.LazyTokens(text)
    based = protocol.with_base(text, base, tokens)
    if based is not text:  # relative IRIs: BASE went in front, read the text again
        tokens = sparql_text.LazyTokens(based)
    return _answer(kg, based, tokens, Dataset(tuple(default_graphs), tuple(named_graphs)),
                   fmt, max_rows, max_bytes)


SHAPE_MAX_CHARS = 4096  # longer query texts are read in a worker only


class Shape(NamedTuple):
    """What a job's cost is remembered by (``key``), whether it may run in the server
    process (``inline``), and what such a run can reuse (``tokens``, for run_query)."""

    key: str
    inline: bool
    tokens: tuple[sparql_text.Token, ...] | None = None


def query_shape(text: str, *rest: Any) -> Shape:
    """A query's shape: its text with the variables renamed in order of appearance
    (``?label17`` and ``?name`` ask for the same work), and the other arguments of
    ``run_query``; it may run in the server process if it cannot make pyoxigraph fetch or
    write (``safety.cannot_fetch_or_write``). A long text is not read here (the server
    process's one thread): its key is the text."""
    if len(text) > SHAPE_MAX_CHARS:
        return Shape(repr(("query", text, rest)), False)
    inline = safety.cannot_fetch_or_write(text)
    renamed = sparql_text.variables_renamed(text)
    if renamed is not None:
        return Shape(repr(("query", renamed, rest)), inline)
    tokens = tuple(sparql_text.tokens(text))  # beyond ASCII: the tokens, renamed
    names: dict[str, str] = {}
    shape = tuple(names.setdefault(t.text[1:], f"?{len(names)}") if t.kind == "var"
                  else f"{t.kind} {t.text}" for t in tokens)
    return Shape(repr(("query", shape, rest)), inline, tokens)


def run_named(
    kg: KnowledgeGraph, name: str, params: dict[str, str], fmt: str, max_rows: int,
    max_bytes: int | None = None,
) -> Reply:
    text = bound_text(kg, name, params)
    tokens = list(sparql_text.tokens(text))
    return _answer(kg, text, tokens, Dataset(), fmt, max_rows, max_bytes)


def bound_text(kg: KnowledgeGraph, name: str, params: dict[str, str]) -> str:
    """A named query's text with its parameters bound, as ``run_named`` runs it (for the
    query page's code snippets, which send the text to /sparql)."""
    return kg.bind(queries.get(name), params)


def _cacheable(text: str, tokens: Sequence[sparql_text.Token]) -> bool:
    upper = text.upper()  # holds the upper case of every token (see _safety)
    if not any(word in upper for word in _PER_RUN):
        return True
    return not any(t.kind == "word" and t.text.upper() in _PER_RUN for t in tokens)


def _answer(
    kg: KnowledgeGraph, text: str, tokens: Sequence[sparql_text.Token], dataset: Dataset,
    fmt: str, max_rows: int, max_bytes: int | None,
) -> Reply:
    """Run a query (its ``tokens`` read once by the caller; the backend checks it),
    written as ``fmt`` by the backend, at most ``max_rows`` rows or triples and
    ``max_bytes`` bytes."""
    written = backends.answer(kg.backend, text, fmt, limit=max_rows, dataset=dataset,
                              tokens=tokens)
    if max_bytes is not None and len(written.body) > max_bytes:
        # Rows are capped by count, but one row can be huge (REPEAT, GROUP_CONCAT):
        # the answer never leaves the worker, so the server process never holds it.
        raise AnswerTooLargeError(
            f"the answer is {len(written.body) / 1e6:.1f} MB, more than the server sends"
            f" ({max_bytes / 1e6:g} MB); ask for fewer or shorter values"
        )
    return Reply(written.body, written.form, written.truncated, _cacheable(text, tokens))


def execute(
    kg: KnowledgeGraph,
    text: str,
    default_graphs: Sequence[str],
    named_graphs: Sequence[str],
    max_rows: int,
) -> QueryResult:
    """Run a query on the graph's backend, which checks it; rows or triples stop at
    ``max_rows``. A graph named by the protocol that the dataset lacks is an empty graph."""
    chosen = Dataset(tuple(default_graphs), tuple(named_graphs))
    return kg.backend.execute(text, limit=max_rows, dataset=chosen)


def triple_count(kg: KnowledgeGraph) -> int:
    return backends.triple_count(kg.backend)


def _writable(kg: KnowledgeGraph) -> backends.Writable:
    backend = kg.backend
    if not hasattr(backend, "update"):
        raise InputError("updates need a local store")
    return backend  # type: ignore[return-value]


# -- updates ---------------------------------------------------------------------


def apply_update(kg: KnowledgeGraph, text: str) -> int:
    """Run an update; the backend refuses one that would fetch anything (LOAD, SERVICE,
    USING <elsewhere>), give each worker its own values (RAND(), NOW(), ...) or write
    into the default graph (``backends.check_writable``)."""
    _writable(kg).update(text)  # parsed and run by the engine that holds the data
    kg._labels = None  # labels may have changed
    return triple_count(kg)


# -- page data ---------------------------------------------------------------------


def labels(kg: KnowledgeGraph, iris: Sequence[str]) -> dict[str, dict[str, str]]:
    """Readable English and Chinese labels of IRIs (for the query page)."""
    out = {}
    for iri in iris:
        term = URIRef(iri)
        out[iri] = {"en": kg.label(term, "en"), "zh": kg.label(term, "zh")}
    return out


def info(kg: KnowledgeGraph) -> dict[str, Any]:
    return {"graphs": kg.graph_names(), "triples": triple_count(kg)}


def _term(kg: KnowledgeGraph, term: Identifier) -> dict[str, str]:
    if isinstance(term, Literal):
        return {
            "kind": "literal",
            "value": str(term),
            "lang": term.language or "",
            "datatype": str(term.datatype or ""),
        }
    if isinstance(term, BNode):
        return {"kind": "bnode", "value": str(term), "en": f"_:{term}", "zh": f"_:{term}"}
    return {
        "kind": "iri",
        "value": str(term),
        "en": kg.label(term, "en"),
        "zh": kg.label(term, "zh"),
    }


def _triples(kg: KnowledgeGraph, s: Any, p: Any, o: Any) -> list[tuple[Any, Any, Any]]:
    """Distinct triples matching a pattern (IRIs or literals; None is free), by SPARQL,
    so every store answers alike, remote and read-only ones included."""
    terms = (s, p, o)
    if any(isinstance(term, BNode) for term in terms):
        return []  # a blank node cannot be named in a query
    text = queries.library("pattern").bind({"s": s, "p": p, "o": o})
    return sorted(tuple(row) for row in execute(kg, text, (), (), 1_000_000).rows)  # type: ignore[misc]


def safe_iri(iri: str) -> URIRef:
    """An IRI that can be written into a query as <...> (else EntityNotFoundError)."""
    from g60graph._errors import EntityNotFoundError

    if not queries.is_iri(iri):
        raise EntityNotFoundError(f"not a valid IRI: {iri!r}")
    return URIRef(iri)


def _sources(kg: KnowledgeGraph, subject: URIRef) -> list[dict[str, str]]:
    """The sources whose named graphs say something about ``subject`` (or about its
    observations, posts and memberships): the named query ``entity-sources``, one
    entry per source, with its title, publisher, date and URL."""
    found: dict[str, dict[str, str]] = {}
    for row in kg.query("entity-sources", {"entity": subject}).dicts():
        source = str(row["source"])
        if source not in found:
            found[source] = {
                "iri": source,
                "title": str(row.get("title") or kg.label(row["source"])),
                "publisher": "" if row.get("publisher") is None else str(row["publisher"]),
                "date": "" if row.get("issued") is None else str(row["issued"]),
                "url": "" if row.get("url") is None else str(row["url"]),
            }
    return list(found.values())


def resource(kg: KnowledgeGraph, iri: str) -> dict[str, Any] | None:
    """What a resource page shows: labels, facts, sources, links, neighbours."""
    subject = safe_iri(iri)
    outgoing = _triples(kg, subject, None, None)
    incoming = _triples(kg, None, None, subject)
    if not outgoing and not incoming:
        return None
    rdfs, skos = PREFIXES["rdfs"], PREFIXES["skos"]
    label_props = {rdfs + "label", skos + "prefLabel", skos + "altLabel"}
    link_props = {
        PREFIXES["owl"] + "sameAs",
        skos + "exactMatch",
        skos + "closeMatch",
        rdfs + "seeAlso",
    }
    labels = [
        {
            "prop": "alt" if str(p).endswith("altLabel") else "label",
            "value": str(o),
            "lang": o.language or "",
        }
        for _, p, o in outgoing
        if str(p) in label_props and isinstance(o, Literal)
    ]
    facts = [
        {"p": _term(kg, p), "o": _term(kg, o)} for _, p, o in outgoing if str(p) not in label_props
    ]
    sources = _sources(kg, subject)
    links = sorted(
        {str(o) for _, p, o in outgoing if str(p) in link_props and isinstance(o, URIRef)}
    )
    referrers = [{"s": _term(kg, s), "p": _term(kg, p)} for s, p, _ in incoming]
    nodes: dict[str, dict[str, str]] = {iri: _term(kg, subject)}
    edges: list[dict[str, str]] = []
    rdf_type = PREFIXES["rdf"] + "type"
    for _, p, o in outgoing:
        if (
            isinstance(o, URIRef)
            and str(p) != rdf_type
            and str(p) not in link_props
        ):
            nodes.setdefault(str(o), _term(kg, o))
            edges.append({"from": iri, "to": str(o), "label": kg.label(p)})
    for s, p, _ in incoming:
        if isinstance(s, URIRef):
            nodes.setdefault(str(s), _term(kg, s))
            edges.append({"from": str(s), "to": iri, "label": kg.label(p)})
    return {
        "iri": iri,
        "en": kg.label(subject, "en"),
        "zh": kg.label(subject, "zh"),
        "labels": labels,
        "types": [_term(kg, o) for _, _, o in _triples(kg, subject, URIRef(rdf_type), None)],
        "facts": facts,
        "sources": sources,
        "links": links,
        "referrers": referrers,
        "nodes": nodes,
        "edges": edges,
    }


def resource_rdf(kg: KnowledgeGraph, iri: str, fmt: str) -> bytes | None:
    """The resource's own triples, with its geometry and blank nodes, as RDF."""
    from g60graph.results._model import GRAPH_FORMATS

    subject = safe_iri(iri)
    geometry = URIRef(iri + "-geom")
    # its own triples, and those of its blank nodes and geometry node, one level down
    text = queries.library("resource").bind({"subject": subject, "geometry": geometry})
    found = execute(kg, text, (), (), 1_000_000).graph
    graph = empty_graph()
    if found is not None:
        graph += found
    if len(graph) == 0 and not _triples(kg, None, None, subject):
        return None
    return graph.serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")


def ontology(kg: KnowledgeGraph) -> dict[str, Any]:
    """Classes and properties of the g60 ontology with labels and definitions."""
    from g60graph._namespaces import G60

    text = queries.library("ontology-terms").text
    kinds: dict[str, str] = {}
    for term, kind in execute(kg, text, (), (), 100_000).rows:
        name = "class" if str(kind).endswith("Class") else "property"
        kinds.setdefault(str(term), name)

    def values(term: URIRef, prop: str) -> list[dict[str, str]]:
        return [_term(kg, o) for _, _, o in _triples(kg, term, URIRef(prop), None)]

    entries = []
    for iri in sorted(kinds):
        term = URIRef(iri)
        entries.append(
            {
                "iri": iri,
                "name": iri[len(str(G60)) :],
                "kind": kinds[iri],
                "labels": values(term, PREFIXES["rdfs"] + "label"),
                "definitions": values(term, PREFIXES["skos"] + "definition")
                + values(term, PREFIXES["rdfs"] + "comment"),
                "parents": values(term, PREFIXES["rdfs"] + "subClassOf")
                + values(term, PREFIXES["rdfs"] + "subPropertyOf"),
                "domain": values(term, PREFIXES["rdfs"] + "domain"),
                "range": values(term, PREFIXES["rdfs"] + "range"),
            }
        )
    head = URIRef(str(G60).rstrip("#"))
    meta = {
        str(p): str(o) for _, p, o in _triples(kg, head, None, None) if not isinstance(o, BNode)
    }
    titles = values(head, "http://purl.org/dc/terms/title")
    return {"iri": str(head), "meta": meta, "titles": titles, "terms": entries}


def ontology_rdf(kg: KnowledgeGraph, fmt: str) -> bytes:
    from g60graph._namespaces import GRAPH
    from g60graph.results._model import GRAPH_FORMATS

    text = queries.library("ontology-graph").bind({"graph": GRAPH["g60"]})
    found = execute(kg, text, (), (), 1_000_000).graph
    graph = empty_graph()
    if found is not None:
        graph += found
    return graph.serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")


def _page_result(
    kg: KnowledgeGraph, text: str | None, name: str | None, params: dict[str, str], max_rows: int
) -> QueryResult:
    """The query page's typed query, or a named one with its parameters, checked and run."""
    if name is not None:
        text = queries.get(name).bind(params, kg.resolve)
    if text is None:
        raise InputError("send 'query' or 'name'")
    return execute(kg, text, (), (), max_rows)


def spreadsheet(
    kg: KnowledgeGraph,
    text: str | None,
    name: str | None,
    params: dict[str, str],
    fmt: str,
    lang: str,
    max_rows: int,
) -> bytes:
    """A query's answer as a CSV or XLSX download."""
    result = _page_result(kg, text, name, params, max_rows)
    return page_jobs.spreadsheet(kg, result, fmt, lang)


def view_data(
    kg: KnowledgeGraph,
    text: str | None,
    name: str | None,
    params: dict[str, str],
    kind: str,
    lang: str,
    max_rows: int,
) -> dict[str, Any]:
    """A query's answer as the data of a view's renderer (the CLI files' renderers)."""
    result = _page_result(kg, text, name, params, max_rows)
    tags = queries.get(name).tags if name is not None else ()
    return page_jobs.view_data(kg, result, kind, lang, tags)


def void(kg: KnowledgeGraph, base: str, id_base: str, fmt: str) -> bytes:
    """A VoID description of the dataset, counted from the data itself."""
    from g60graph.describe._void import describe
    from g60graph.results._model import GRAPH_FORMATS

    return describe(kg, base, id_base).serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")


JOBS: dict[str, Callable[..., Any]] = {
    "query": run_query,
    "named": run_named,
    "bound_text": bound_text,
    "update": apply_update,
    "info": info,
    "labels": labels,
    "resource": resource,
    "resource_rdf": resource_rdf,
    "ontology": ontology,
    "ontology_rdf": ontology_rdf,
    "void": void,
    "vocabulary": page_jobs.vocabulary,
    "entities": page_jobs.entities,
    "spreadsheet": spreadsheet,
    "view_data": view_data,
}

