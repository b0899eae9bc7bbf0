"""The Oxigraph store (pyoxigraph), in memory or on disk: the default engine.

Queries go to pyoxigraph directly, with the predeclared prefixes and the
protocol's dataset; terms are converted once, keeping each literal's lexical
form exactly as Oxigraph wrote it (no rdflib normalisation: ``"PT0S"`` stays
``"PT0S"``, ``"INF"`` stays ``"INF"``).
"""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Iterator, Sequence
from pathlib import Path
from typing import Any

import pyoxigraph as ox
import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from g60graph._errors import ExecutionError
from g60graph._namespaces import QUERY_PREFIXES
from g60graph.backends._seam import GRAPHS, Answer, Dataset, Quad, check_writable, graph_names
from g60graph.results._model import QueryResult, empty_graph, take
from g60graph.results._w3c import (
    W3C_FORMATS,
    XSD_STRING,
    json_select,
    literal,
    serialized,
    w3c_bytes,
)
from g60graph.sparql import _safety as safety
from g60graph.sparql._lexer import Token, keywords, query_form, top_limit, with_using
from g60graph.sparql._syntax_errors import from_oxigraph

__all__ = [
    "OxigraphBackend",
    "from_ox",
    "to_ox",
]

_PREFIX_NAMES = tuple(f"{prefix}:" for prefix in QUERY_PREFIXES)


def from_ox(term: Any) -> Identifier | None:
    """A pyoxigraph term as an rdflib term: same lexical form, simple literals plain."""
    if term is None:
        return None
    if isinstance(term, ox.NamedNode):
        return URIRef(term.value)
    if isinstance(term, ox.Literal):
        return literal(term.value, lang=term.language, datatype=term.datatype.value)
    if isinstance(term, ox.BlankNode):
        return BNode(term.value)
    raise ExecutionError(f"unsupported RDF term in a result: {term!r}")


def to_ox(term: Identifier | None) -> Any:
    """An rdflib term (or None, the default graph) as a pyoxigraph term."""
    if term is None:
        return ox.DefaultGraph()
    if isinstance(term, URIRef):
        return ox.NamedNode(str(term))
    if isinstance(term, BNode):
        return ox.BlankNode(str(term))
    if isinstance(term, Literal):
        if term.language:
            return ox.Literal(str(term), language=term.language)
        if term.datatype is not None:
            return ox.Literal(str(term), datatype=ox.NamedNode(str(term.datatype)))
        return ox.Literal(str(term))
    raise ExecutionError(f"unsupported RDF term: {term!r}")


# How json.dumps(..., ensure_ascii=False) writes a string: and so pyoxigraph, byte for byte.
_string = json.encoder.encode_basestring


def _json_cell(term: Any) -> str:
    """One pyoxigraph term as a SPARQL JSON results cell (JSON text), as pyoxigraph
    writes it."""
    if isinstance(term, ox.NamedNode):
        return '{"type":"uri","value":' + _string(term.value) + "}"
    if isinstance(term, ox.Literal):
        cell = '{"type":"literal","value":' + _string(term.value)
        if term.language:
            cell += ',"xml:lang":' + _string(term.language)
            if term.direction:
                cell += ',"its:dir":' + _string(str(term.direction))
        elif (datatype := term.datatype.value) != XSD_STRING:
            cell += ',"datatype":' + _string(datatype)
        return cell + "}"
    if isinstance(term, ox.BlankNode):
        return '{"type":"bnode","value":' + _string(term.value) + "}"
    raise ExecutionError(f"unsupported RDF term in a result: {term!r}")


def _json_row(keys: list[str], row: Any) -> str:
    """One solution as a SPARQL JSON binding (``keys``: the variables as JSON strings)."""
    return "{" + ",".join(
        key + ":" + _json_cell(term) for key, term in zip(keys, row, strict=True)
        if term is not None
    ) + "}"


def _distinct(triples: Iterable[Any]) -> Iterator[Any]:
    seen: set[Any] = set()
    for t in triples:
        if t not in seen:
            seen.add(t)
            yield t


def _graphs(names: Iterable[str]) -> list[Any]:
    return [ox.NamedNode(name) for name in names]


class OxigraphBackend:
    """A pyoxigraph Store: ``name`` is 'oxigraph' (in memory) or 'disk'."""

    def __init__(self, store: ox.Store | None = None, *, name: str = "oxigraph") -> None:
        self.store = store if store is not None else ox.Store()
        self.name = name
        self.graphs_query = GRAPHS
        self._rdflib: rdflib.Dataset | None = None

    def _dataset_options(self, text: str, dataset: Dataset | None) -> dict[str, Any]:
        if dataset:  # the protocol's graphs; one the store lacks is empty
            return {"default_graph": _graphs(dataset.default),
                    "named_graphs": _graphs(dataset.named)}
        # The query's own dataset (FROM / FROM NAMED); a text without the letters has none.
        if "FROM" in text.upper() and "FROM" in keywords(text):
            return {}
        return {"use_default_graph_as_union": True}

    def _query(self, text: str, dataset: Dataset | None) -> Any:
        # The predeclared prefixes cost pyoxigraph a quarter of a small query's time: a
        # text that names none of them ("rdfs:" and so on appear nowhere) goes without.
        prefixes = QUERY_PREFIXES if any(p in text for p in _PREFIX_NAMES) else None
        try:
            return self.store.query(
                text, prefixes=prefixes, **self._dataset_options(text, dataset)
            )
        except SyntaxError as err:
            raise from_oxigraph(text, err) from None
        except (RuntimeError, ValueError, TypeError, OSError) as err:
            raise ExecutionError(f"query failed: {err}") from None

    def execute(
        self,
        text: str,
        *,
        limit: int | None = None,
        dataset: Dataset | None = None,
        allowed_services: Collection[str] = (),
    ) -> QueryResult:
        safety.check(text, allowed_services=allowed_services)
        result = self._query(text, dataset)
        try:
            if isinstance(result, ox.QueryBoolean):
                return QueryResult(form="ASK", boolean=bool(result))
            if isinstance(result, ox.QueryTriples):
                graph = empty_graph()
                # a graph is a set: Oxigraph 0.5 gives a triple once per graph of the
                # union that holds it, so repeats are dropped before the limit counts
                triples, truncated = take(_distinct(result), limit)
                for t in triples:
                    graph.add((from_ox(t.subject), from_ox(t.predicate), from_ox(t.object)))  # type: ignore[arg-type]
                return QueryResult(form=query_form(text), graph=graph, truncated=truncated)
            names = [v.value for v in result.variables]
            solutions, truncated = take(result, limit)
            rows = [tuple(from_ox(t) for t in solution) for solution in solutions]
            return QueryResult(form="SELECT", vars=names, rows=rows, truncated=truncated)
        except (RuntimeError, ValueError, TypeError, OSError) as err:
            raise ExecutionError(f"query failed: {err}") from None

    def answer(
        self, text: str, fmt: str, *, limit: int | None = None, dataset: Dataset | None = None,
        tokens: Sequence[Token] | None = None,
    ) -> Answer | None:
        """A SELECT or ASK answer in a W3C results format, written from pyoxigraph's own
        terms (no rdflib terms on the way): the same bytes as ``execute`` and
        ``serialize``, at a fraction of the cost. None for other forms or formats (the
        caller then uses ``execute``)."""
        if fmt not in W3C_FORMATS or query_form(text) not in ("SELECT", "ASK"):
            return None
        safety.check(text, tokens=tokens)
        result = self._query(text, dataset)
        try:
            if isinstance(result, ox.QueryBoolean):
                return Answer(serialized(result, fmt), "ASK", False)
            if limit is None or ((cap := top_limit(text, tokens)) is not None and cap <= limit):
                # it can't be cut: pyoxigraph writes it whole, a third of the time
                return Answer(serialized(result, fmt), "SELECT", False)
            names = [v.value for v in result.variables]
            solutions, truncated = take(result, limit)
            keys = [_string(name) for name in names]
            bindings = [_json_row(keys, row) for row in solutions]
        except (RuntimeError, ValueError, TypeError, OSError) as err:
            raise ExecutionError(f"query failed: {err}") from None
        if fmt == "json":
            body = json_select(names, bindings, truncated)
        else:
            body = w3c_bytes(json_select(names, bindings), fmt)
        return Answer(body, "SELECT", truncated)

    def update(self, text: str, *, dataset: Dataset | None = None) -> None:
        # pyoxigraph's update takes no dataset: USING clauses in the text scope it. Without
        # any (or WITH), its WHERE would read the default graph of its own, which is empty
        # here: it reads the union of the named graphs instead, as queries do.
        names = graph_names(self)
        check_writable(text, names)
        words = keywords(text)
        if "WHERE" in words and not {"USING", "WITH"} & words:
            text = with_using(text, names, names)
        try:
            self.store.update(text, prefixes=QUERY_PREFIXES)
        except SyntaxError as err:
            raise from_oxigraph(text, err) from None
        except (RuntimeError, ValueError, TypeError, OSError) as err:
            raise ExecutionError(f"update failed: {err}") from None
        self._rdflib = None

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        where = ox.NamedNode(graph) if graph is not None else None
        for q in self.store.quads_for_pattern(None, None, None, where):
            name = URIRef(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else None
            yield from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), name  # type: ignore[misc]

    def load(self, path: Path, fmt: ox.RdfFormat, graph: str) -> None:
        """Parse and insert in one native step (no Python objects per triple)."""
        self.store.load(path=path, format=fmt, base_iri=path.resolve().as_uri(),
                        to_graph=ox.NamedNode(graph))

    def add(self, quads: Iterable[Quad]) -> None:
        self.store.extend(ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g)) for s, p, o, g in quads)

    def serialize(self, fmt: str, prefixes: dict[str, str] | None = None) -> str:
        """The whole dataset as TriG or N-Quads, written by pyoxigraph."""
        kind = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
        data = ox.serialize(self.store, format=kind, prefixes=prefixes)
        return bytes(data or b"").decode("utf-8")

    @property
    def rdflib_dataset(self) -> rdflib.Dataset:
        """The same store seen through rdflib (oxrdflib), for rdflib-based callers; its
        store runs the safety check on every query and update (``_checked``)."""
        if self._rdflib is None:
            from g60graph.backends._checked import CheckedOxigraphStore

            store = CheckedOxigraphStore(store=self.store)
            self._rdflib = rdflib.Dataset(store=store, default_union=True)
        return self._rdflib
