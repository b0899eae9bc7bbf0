"""The W3C SPARQL 1.1 result formats (JSON, XML, CSV, TSV), written by pyoxigraph.

Whichever store answered, rows are first written as SPARQL JSON with each term's
lexical form exactly as the engine produced it, then pyoxigraph reads that and
writes the asked format. So every format is pyoxigraph's own writer, byte for
byte what bare pyoxigraph gives, and values like ``0``, ``false`` and ``""``
survive in XML (rdflib's XML writer drops falsy values). The one change: the
text always ends with a newline.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from typing import Any

from rdflib.term import BNode, Identifier, Literal, URIRef

from g60graph._errors import ExecutionError

__all__ = [
    "W3C_FORMATS",
    "XSD_STRING",
    "json_boolean",
    "json_select",
    "json_term",
    "literal",
    "term_from_json",
    "w3c_bytes",
    "write_w3c",
]

W3C_FORMATS = ("json", "xml", "csv", "tsv")

XSD_STRING = "http://www.w3.org/2001/XMLSchema#string"


def json_term(term: Identifier) -> dict[str, str]:
    """One term in the SPARQL 1.1 JSON results format, its lexical form unchanged."""
    if isinstance(term, Literal):
        cell = {"type": "literal", "value": str(term)}
        if term.language:
            cell["xml:lang"] = term.language
        elif term.datatype is not None and str(term.datatype) != XSD_STRING:
            cell["datatype"] = str(term.datatype)
        return cell
    if isinstance(term, BNode):
        return {"type": "bnode", "value": str(term)}
    return {"type": "uri", "value": str(term)}


def literal(value: str, *, lang: str | None = None, datatype: str | None = None) -> Literal:
    """A literal with its lexical form as the engine wrote it; ``"x"^^xsd:string`` is
    the simple literal ``"x"`` (one RDF 1.1 term that stores spell differently)."""
    if lang:
        return Literal(value, lang=lang)
    if datatype and datatype != XSD_STRING:
        return Literal(value, datatype=URIRef(datatype), normalize=False)
    return Literal(value)


def term_from_json(cell: dict[str, str] | None) -> Identifier | None:
    """One term read from SPARQL JSON results (and Virtuoso's 'typed-literal'), its
    lexical form unchanged."""
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
        if datatype and datatype != XSD_STRING:
            return Literal(value, datatype=URIRef(datatype), normalize=False)
        return Literal(value)
    raise ExecutionError(f"unknown term type in SPARQL results: {kind!r}")


Row = Sequence[Identifier | None]


def _document(names: Sequence[str], rows: Sequence[Row], boolean: bool | None) -> dict[str, Any]:
    if boolean is not None:
        return {"head": {}, "boolean": boolean}
    bindings = [
        {name: json_term(term) for name, term in zip(names, row, strict=True) if term is not None}
        for row in rows
    ]
    return {"head": {"vars": list(names)}, "results": {"bindings": bindings}}


def write_w3c(
    fmt: str, names: Sequence[str], rows: Sequence[Row], boolean: bool | None = None
) -> str:
    """SELECT rows (or an ASK answer, ``boolean``) in one of W3C_FORMATS."""
    document = _document(names, rows, boolean)
    data = json.dumps(document, ensure_ascii=False, separators=(",", ":")).encode("utf-8")
    return w3c_bytes(data, fmt).decode("utf-8")


def json_select(names: Sequence[str], bindings: Sequence[str], truncated: bool = False) -> bytes:
    """SPARQL JSON results from bindings written as JSON objects, compact as pyoxigraph
    writes them, ending with a newline; ``truncated`` adds ``"truncated": true`` before
    "results" (readers ignore it, and strict ones refuse anything after the bindings)."""
    head = '{"head":{"vars":' + json.dumps(list(names), ensure_ascii=False, separators=(",", ":"))
    cut = ',"truncated":true' if truncated else ""
    return (head + "}" + cut + ',"results":{"bindings":[' + ",".join(bindings)
            + "]}}\n").encode()


def json_boolean(value: bool) -> bytes:
    return b'{"head":{},"boolean":true}\n' if value else b'{"head":{},"boolean":false}\n'


def w3c_bytes(data: bytes, fmt: str) -> bytes:
    """SPARQL JSON results (no extra keys) as ``fmt``, written by pyoxigraph, ending
    with a newline."""
    import pyoxigraph as ox

    return serialized(ox.parse_query_results(data, format=ox.QueryResultsFormat.JSON), fmt)


def serialized(results: Any, fmt: str) -> bytes:
    """pyoxigraph's own query results (solutions or a boolean) as ``fmt``, ending with a
    newline."""
    import pyoxigraph as ox

    formats = {
        "json": ox.QueryResultsFormat.JSON,
        "xml": ox.QueryResultsFormat.XML,
        "csv": ox.QueryResultsFormat.CSV,
        "tsv": ox.QueryResultsFormat.TSV,
    }
    text = bytes(results.serialize(format=formats[fmt]) or b"")
    return text if text.endswith(b"\n") else text + b"\n"  # a text file ends its last line
