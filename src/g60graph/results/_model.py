"""Query results in one shape, whichever store answered, and their renderings.

SELECT/ASK results serialise to the W3C SPARQL 1.1 result formats (written by
pyoxigraph, see _w3c.py) and to human tables (terminal text and Markdown) that
show labels, not IRIs. CONSTRUCT/DESCRIBE results are rdflib Graphs. Terms keep
the lexical form the engine gave them (``"PT0S"`` stays ``"PT0S"``).
"""

from __future__ import annotations

import itertools
import shutil
from collections.abc import Callable, Iterable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar

import rdflib
from rdflib.query import Result
from rdflib.term import Identifier, Literal, Variable

from g60graph._errors import InputError
from g60graph._namespaces import PREFIXES
from g60graph.results._text_table import (
    display_width,
    distinct_columns,
    markdown_table,
    text_table,
)
from g60graph.results._w3c import W3C_FORMATS, XSD_STRING, literal, write_w3c

if TYPE_CHECKING:
    import pandas

    from g60graph._views import View

__all__ = [
    "FORMAT_ALIASES",
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Labeller",
    "QueryResult",
    "canonical_format",
    "cut_graph",
    "display_width",
    "distinct_columns",
    "empty_graph",
    "markdown_table",
    "prefixed",
    "simple_literal",
    "take",
    "text_table",
]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "xml": "xml"}
# The names people also use for the RDF formats (rdflib's, the W3C's, the media types').
FORMAT_ALIASES = {
    "turtle": "ttl", "ntriples": "nt", "n-triples": "nt", "nquads": "nq", "n-quads": "nq",
    "json-ld": "jsonld", "rdfxml": "xml", "rdf/xml": "xml", "rdf": "xml",
}


def canonical_format(name: str) -> str:
    """A format's short name (``turtle`` -> ``ttl``); unknown names pass through."""
    low = name.strip().lower()
    return FORMAT_ALIASES.get(low, low)

Labeller = Callable[[Identifier], str]
T = TypeVar("T")


def take(items: Iterable[T], limit: int | None) -> tuple[list[T], bool]:
    """The first ``limit`` items (all when None), and whether any were left over."""
    if limit is None:
        return list(items), False
    head = list(itertools.islice(items, limit + 1))
    return head[:limit], len(head) > limit


G = TypeVar("G", bound=rdflib.Graph)


def prefixed(graph: G) -> G:
    """``graph`` with the project's prefixes bound (for readable Turtle and TriG)."""
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def empty_graph() -> rdflib.Graph:
    """An empty graph (CONSTRUCT/DESCRIBE results, copies) with only our prefixes bound."""
    return prefixed(rdflib.Graph(bind_namespaces="none"))


def cut_graph(found: rdflib.Graph, limit: int | None) -> tuple[rdflib.Graph, bool]:
    """At most ``limit`` triples of an rdflib graph, and whether any were left out.

    rdflib's graph order changes from process to process, so a sorted graph is
    cut: the same query keeps the same triples everywhere."""
    graph = empty_graph()
    if limit is None or len(found) <= limit:
        graph += found
        return graph, False
    for triple in sorted(found, key=lambda t: tuple(term.n3() for term in t))[:limit]:
        graph.add(triple)
    return graph, True


def simple_literal(term: Identifier | None) -> Identifier | None:
    """``"x"^^xsd:string`` as ``"x"``: one RDF 1.1 term that stores spell differently."""
    if isinstance(term, Literal) and str(term.datatype) == XSD_STRING:
        return literal(str(term))
    return term


@dataclass
class QueryResult:
    """Rows (SELECT), a boolean (ASK) or a graph (CONSTRUCT/DESCRIBE)."""

    form: str
    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Identifier | None, ...]] = field(default_factory=list)
    boolean: bool | None = None
    graph: rdflib.Graph | None = None
    truncated: bool = False
    # (term, lang) -> label, set by KnowledgeGraph.query: notebooks show labels, not IRIs
    labeller: Callable[[Identifier, str], str] | None = field(
        default=None, compare=False, repr=False
    )

    @classmethod
    def from_rdflib(cls, result: Result, limit: int | None = None) -> QueryResult:
        """An rdflib result, its rows or triples cut at ``limit``."""
        if result.type == "ASK":
            return cls(form="ASK", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            assert result.graph is not None
            graph, truncated = cut_graph(result.graph, limit)
            return cls(form=result.type, graph=graph, truncated=truncated)
        names = [str(v) for v in (result.vars or [])]
        found, truncated = take(iter(result), limit)  # iterating keeps rdflib lazy
        rows = [tuple(simple_literal(t) for t in row) for row in found]  # type: ignore[union-attr,arg-type]
        return cls(form="SELECT", vars=names, rows=rows, truncated=truncated)

    def __iter__(self) -> Iterator[tuple[Identifier | None, ...]]:
        return iter(self.rows)

    def __len__(self) -> int:
        return len(self.graph) if self.graph is not None else len(self.rows)

    def dicts(self) -> list[dict[str, Identifier]]:
        """Each row as {variable: term}, unbound variables left out."""
        return [
            {k: v for k, v in zip(self.vars, row, strict=True) if v is not None}
            for row in self.rows
        ]

    def to_dataframe(self, labels: bool = False, lang: str = "en") -> pandas.DataFrame:
        """Rows as a DataFrame with one type per column (needs the 'pandas' extra);
        ``labels`` shows labels for IRIs, keeping them in ``<column>_iri``."""
        from g60graph.results._frame import to_dataframe

        return to_dataframe(self, labels=labels, lang=lang, label=self.labeller)

    def _repr_html_(self) -> str:
        """A notebook's view: a labelled table (or a small diagram of a graph)."""
        from g60graph.results._display import result_html

        return result_html(self, self.labeller)

    def display(self, lang: str = "en", max_rows: int = 50) -> View:
        """The notebook view in ``lang`` (en, zh), showing up to ``max_rows`` rows."""
        from g60graph._views import View
        from g60graph.results._display import result_html

        inline = result_html(self, self.labeller, lang, max_rows)
        return View(html=f"<!DOCTYPE html><meta charset=utf-8>{inline}", title="result",
                    kind="table", inline=inline)

    def __repr__(self) -> str:
        if self.form == "ASK":
            return f"<QueryResult ASK: {self.boolean}>"
        if self.graph is not None:
            return f"<QueryResult {self.form}: {len(self.graph)} triples>"
        more = " (truncated)" if self.truncated else ""
        return (f"<QueryResult SELECT: {len(self.rows)} rows{more} × "
                f"{', '.join('?' + v for v in self.vars)}>")

    def to_rdflib(self) -> Result:
        if self.form == "ASK":
            out = Result("ASK")
            out.askAnswer = bool(self.boolean)
            return out
        if self.graph is not None:
            out = Result(self.form)
            out.graph = self.graph
            return out
        out = Result("SELECT")
        out.vars = [Variable(v) for v in self.vars]
        out.bindings = [
            {Variable(k): v for k, v in zip(self.vars, row, strict=True) if v is not None}
            for row in self.rows
        ]
        return out

    def serialize(self, fmt: str, label: Labeller | None = None, width: int | None = None) -> str:
        """Render as one of RESULT_FORMATS (SELECT/ASK) or GRAPH_FORMATS (graphs)."""
        fmt = canonical_format(fmt)
        if self.graph is not None:
            if fmt not in GRAPH_FORMATS:
                raise InputError(
                    f"--format: {fmt!r} is not a graph format ({', '.join(GRAPH_FORMATS)})"
                )
            return str(self.graph.serialize(format=GRAPH_FORMATS[fmt]))
        if fmt not in RESULT_FORMATS:
            raise InputError(
                f"--format: {fmt!r} is not a result format ({', '.join(RESULT_FORMATS)})"
            )
        if fmt in W3C_FORMATS:
            answer = bool(self.boolean) if self.form == "ASK" else None
            return write_w3c(fmt, self.vars, self.rows, answer)
        show = label or _plain
        if self.form == "ASK":
            return ("yes" if self.boolean else "no") + "\n"
        cells = [[("" if t is None else show(t)) for t in row] for row in self.rows]
        headers, cells = distinct_columns(self.vars, cells)
        if fmt == "md":
            return markdown_table(headers, cells)
        return text_table(headers, cells, width or shutil.get_terminal_size((120, 24)).columns)


def _plain(term: Identifier) -> str:
    return str(term)




