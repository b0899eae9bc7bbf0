"""Query results in one shape, whichever store answered, and their renderings.

SELECT/ASK results serialise to the W3C SPARQL 1.1 result formats (JSON,
XML and CSV through rdflib's own serialisers, TSV written here to the spec)
and to human tables (terminal text and Markdown) that show labels, not IRIs.
CONSTRUCT/DESCRIBE results are rdflib Graphs.
"""

from __future__ import annotations

import io
import shutil
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, Any

import rdflib
from rdflib.namespace import XSD
from rdflib.query import Result
from rdflib.term import BNode, Identifier, Literal, URIRef, Variable

from g60graph.errors import InputError
from g60graph.namespaces import PREFIXES
from g60graph.texttable import (  # noqa: F401  (display_width: part of this module's API)
    display_width,
    distinct_columns,
    markdown_table,
    text_table,
)

if TYPE_CHECKING:
    import pandas

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
            raise InputError(
                "to_dataframe needs pandas: in your g60graph checkout, run"
                " .venv/bin/pip install '.[pandas]'"
            ) from None
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
        if fmt in ("csv", "json", "xml"):
            buffer = io.BytesIO()
            self.to_rdflib().serialize(buffer, format=fmt, encoding="utf-8")
            text = buffer.getvalue().decode("utf-8")
            return text if text.endswith("\n") else text + "\n"
        if fmt == "tsv":
            return self._tsv()
        show = label or _plain
        if self.form == "ASK":
            return ("yes" if self.boolean else "no") + "\n"
        cells = [[("" if t is None else show(t)) for t in row] for row in self.rows]
        headers, cells = distinct_columns(self.vars, cells)
        if fmt == "md":
            return markdown_table(headers, cells)
        return text_table(headers, cells, width or shutil.get_terminal_size((120, 24)).columns)

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


def is_iri(term: object) -> bool:
    return isinstance(term, URIRef)
