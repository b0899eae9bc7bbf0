"""Query results in one shape, whichever store answered, and their renderings.

SELECT/ASK results serialise to the W3C SPARQL 1.1 result formats (JSON,
XML and CSV through rdflib's own serialisers, TSV written here to the spec)
and to human tables (terminal text and Markdown) that show labels, not IRIs.
CONSTRUCT/DESCRIBE results are rdflib Graphs.
"""

from __future__ import annotations

import io
import shutil
import unicodedata
from collections.abc import Callable, Iterator, Sequence
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rdflib
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import BNode, Identifier, Literal, URIRef, Variable

from g60graph._errors import InputError
from g60graph._namespaces import PREFIXES

if TYPE_CHECKING:
    import pandas

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Labeller",
    "QueryResult",
    "display_width",
    "is_iri",
    "markdown_table",
    "text_table",
]

RESULT_FORMATS = ("table", "csv", "tsv", "json", "xml", "md")
GRAPH_FORMATS = {"ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "trig": "trig", "xml": "xml"}

Labeller = Callable[[Identifier], str]


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
        if result.type == "ASK":
            return cls(form="ASK", boolean=bool(result.askAnswer))
        if result.type in ("CONSTRUCT", "DESCRIBE"):
            graph = rdflib.Graph(bind_namespaces="none")
            for prefix, namespace in PREFIXES.items():
                graph.bind(prefix, namespace)
            assert result.graph is not None
            graph += result.graph
            return cls(form=result.type, graph=graph)
        names = [str(v) for v in (result.vars or [])]
        rows: list[tuple[Identifier | None, ...]] = []
        truncated = False
        for binding in result.bindings:
            if limit is not None and len(rows) >= limit:
                truncated = True
                break
            rows.append(tuple(_plain_string(binding.get(Variable(n))) for n in names))
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
        if fmt in ("csv", "json", "xml"):
            buffer = io.BytesIO()
            self.to_rdflib().serialize(buffer, format=fmt, encoding="utf-8")
            return buffer.getvalue().decode("utf-8")
        if fmt == "tsv":
            return self._tsv()
        show = label or _plain
        if self.form == "ASK":
            return ("yes" if self.boolean else "no") + "\n"
        cells = [[("" if t is None else show(t)) for t in row] for row in self.rows]
        if fmt == "md":
            return markdown_table(self.vars, cells)
        return text_table(self.vars, cells, width or shutil.get_terminal_size((120, 24)).columns)

    def _tsv(self) -> str:
        if self.form == "ASK":
            return ("true" if self.boolean else "false") + "\n"
        lines = ["\t".join(f"?{v}" for v in self.vars)]
        for row in self.rows:
            lines.append("\t".join("" if t is None else _nt(t) for t in row))
        return "\n".join(lines) + "\n"


_NT_ESCAPES = str.maketrans({"\\": "\\\\", '"': '\\"', "\n": "\\n", "\r": "\\r", "\t": "\\t"})


def _plain_string(term: Identifier | None) -> Identifier | None:
    """"x"^^xsd:string and "x" are one RDF 1.1 term; stores differ in which they return."""
    if isinstance(term, Literal) and term.datatype == XSD.string:
        return Literal(str(term))
    return term


def _nt(term: Identifier) -> str:
    """A term in N-Triples syntax, as the SPARQL TSV format requires."""
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        text = '"' + str(term).translate(_NT_ESCAPES) + '"'
        if term.language:
            return f"{text}@{term.language}"
        if term.datatype and str(term.datatype) != "http://www.w3.org/2001/XMLSchema#string":
            return f"{text}^^<{term.datatype}>"
        return text
    return f"<{term}>"


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


def is_iri(term: object) -> bool:
    return isinstance(term, URIRef)
