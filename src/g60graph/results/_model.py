"""Query results in one shape, whichever store answered, and their renderings.

SELECT/ASK results serialise to the W3C SPARQL 1.1 result formats (written by
pyoxigraph, see _w3c.py) and to human tables (terminal text and Markdown) that
show labels, not IRIs. CONSTRUCT/DESCRIBE results are rdflib Graphs. Terms keep
the lexical form the engine gave them (``"PT0S"`` stays ``"PT0S"``).
"""

from __future__ import annotations

import itertools
import shutil
import unicodedata
from collections.abc import Callable, Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any, TypeVar

import rdflib
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import Identifier, Literal, Variable

from g60graph._errors import InputError
from g60graph._namespaces import PREFIXES
from g60graph.results._w3c import W3C_FORMATS, write_w3c

if TYPE_CHECKING:
    import pandas

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Labeller",
    "QueryResult",
    "display_width",
    "empty_graph",
    "markdown_table",
    "simple_literal",
    "take",
    "text_table",
]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "xml": "xml"}

Labeller = Callable[[Identifier], str]
T = TypeVar("T")


def take(items: Iterable[T], limit: int | None) -> tuple[list[T], bool]:
    """The first ``limit`` items (all when None), and whether any were left over."""
    if limit is None:
        return list(items), False
    head = list(itertools.islice(items, limit + 1))
    return head[:limit], len(head) > limit


def empty_graph() -> rdflib.Graph:
    """An empty graph for CONSTRUCT/DESCRIBE results, with the project's prefixes bound."""
    graph = rdflib.Graph(bind_namespaces="none")
    for prefix, namespace in PREFIXES.items():
        graph.bind(prefix, namespace)
    return graph


def simple_literal(term: Identifier | None) -> Identifier | None:
    """``"x"^^xsd:string`` as ``"x"``: one RDF 1.1 term that stores spell differently."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
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

    @classmethod
    def from_rdflib(cls, result: Result, limit: int | None = None) -> QueryResult:
        """An rdflib result, its rows or triples cut at ``limit``."""
        if result.type == "ASK":
            return cls(form="ASK", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            assert result.graph is not None
            graph = empty_graph()
            triples, truncated = take(result.graph, limit)
            for triple in triples:
                graph.add(triple)
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

    def to_dataframe(self) -> pandas.DataFrame:
        """Rows as a pandas DataFrame of Python values (needs the 'pandas' extra)."""
        try:
            import pandas
        except ImportError:
            raise InputError("to_dataframe needs pandas: pip install 'g60graph[pandas]'") from None
        data = [[None if t is None else _python(t) for t in row] for row in self.rows]
        return pandas.DataFrame(data, columns=self.vars)

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
            return write_w3c(self, fmt)
        show = label or _plain
        if self.form == "ASK":
            return ("yes" if self.boolean else "no") + "\n"
        cells = [[("" if t is None else show(t)) for t in row] for row in self.rows]
        if fmt == "md":
            return markdown_table(self.vars, cells)
        return text_table(self.vars, cells, width or shutil.get_terminal_size((120, 24)).columns)


def _plain(term: Identifier) -> str:
    return str(term)


def _python(term: Identifier) -> Any:
    if isinstance(term, Literal):
        value = term.toPython()
        return str(term) if isinstance(value, Literal) else value
    return str(term)


def display_width(text: str) -> int:
    """Terminal columns: Chinese (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def _clip(text: str, width: int) -> str:
    text = " ".join(text.split())
    if display_width(text) <= width:
        return text
    out, used = [], 0
    for char in text:
        w = display_width(char)
        if used + w > width - 1:
            break
        out.append(char)
        used += w
    return "".join(out) + "…"


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int = 120) -> str:
    """A plain table that fits ``width`` columns, clipping the widest cells first."""
    if not headers:
        return ""
    widths = [
        max([display_width(h)] + [display_width(" ".join(r[i].split())) for r in rows])
        for i, h in enumerate(headers)
    ]
    budget = max(width - 2 * (len(headers) - 1), 8 * len(headers))
    while sum(widths) > budget:
        widest = max(range(len(widths)), key=lambda i: widths[i])
        if widths[widest] <= 8:
            break
        widths[widest] -= 1
    lines = ["  ".join(_pad(_clip(h, w), w) for h, w in zip(headers, widths, strict=True))]
    lines.append("  ".join("-" * w for w in widths))
    for row in rows:
        lines.append("  ".join(_pad(_clip(c, w), w) for c, w in zip(row, widths, strict=True)))
    lines.append(f"({len(rows)} row{'s' if len(rows) != 1 else ''})")
    return "\n".join(line.rstrip() for line in lines) + "\n"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
