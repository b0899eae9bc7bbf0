"""The SPARQL 1.1 Protocol: reading a request, choosing a response format.

https://www.w3.org/TR/sparql11-protocol/ : a query arrives by GET
(``?query=``), by POST as a form, or by POST as ``application/sparql-query``;
``default-graph-uri`` / ``named-graph-uri`` choose the dataset. Formats follow
``Accept`` unless a ``format`` (or ``output``) parameter names one.
"""

from __future__ import annotations

import functools
import itertools
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from urllib.parse import unquote

from g60graph.sparql import _lexer as sparql_text
from g60graph.sparql._named import is_iri

__all__ = [
    "GRAPH_TYPES",
    "RESULT_TYPES",
    "Operation",
    "ProtocolError",
    "choose_format",
    "multi",
    "negotiate",
    "parse_operation",
    "prefers_html",
    "ranked",
    "with_base",
    "with_using",
]

# short name -> media type; the short names are QueryResult.serialize formats
RESULT_TYPES = {
    "json": "application/sparql-results+json",
    "xml": "application/sparql-results+xml",
    "csv": "text/csv",
    "tsv": "text/tab-separated-values",
}
GRAPH_TYPES = {
    "ttl": "text/turtle",
    "nt": "application/n-triples",
    "jsonld": "application/ld+json",
    "xml": "application/rdf+xml",
}
_RESULT_ALIASES = {
    "application/json": "json",
    "text/json": "json",
    "application/xml": "xml",
    "text/xml": "xml",
    "text/plain": "tsv",
}
_GRAPH_ALIASES = {
    "application/x-turtle": "ttl",
    "text/n3": "ttl",  # Turtle is N3
    "text/plain": "nt",
    "application/json": "jsonld",
    "application/xml": "xml",
    "text/xml": "xml",
}
# ?format= / ?output= values (those SPARQLWrapper and Fuseki send)
_RESULT_NAMES = {
    "json": "json",
    "xml": "xml",
    "csv": "csv",
    "tsv": "tsv",
    "srj": "json",
    "srx": "xml",
}
_GRAPH_NAMES = {
    "ttl": "ttl",
    "turtle": "ttl",
    "n3": "ttl",
    "nt": "nt",
    "ntriples": "nt",
    "n-triples": "nt",
    "jsonld": "jsonld",
    "json-ld": "jsonld",
    "json": "jsonld",
    "xml": "xml",
    "rdf": "xml",
    "rdfxml": "xml",
    "rdf+xml": "xml",
}


class ProtocolError(Exception):
    """A request the protocol does not allow; carries the HTTP status."""

    def __init__(self, status: int, message: str) -> None:
        super().__init__(message)
        self.status = status


@dataclass
class Operation:
    """What a request asks: a query or an update, and the dataset to use."""

    kind: str  # "query" | "update" | "none" (no operation: service description)
    text: str = ""
    default_graphs: list[str] = field(default_factory=list)
    named_graphs: list[str] = field(default_factory=list)
    params: dict[str, list[str]] = field(default_factory=dict)


def multi(pairs: Sequence[tuple[str, str]]) -> dict[str, list[str]]:
    out: dict[str, list[str]] = {}
    for key, value in pairs:
        out.setdefault(key, []).append(value)
    return out


def form_pairs(text: str) -> list[tuple[str, str]]:
    """The name-value pairs of a URL query or form body: what ``parse_qsl(text,
    keep_blank_values=True)`` gives (a property test holds them equal), in a third of
    the time on a query text, where every bracket and colon is an escape."""
    pairs = []
    for part in text.split("&"):
        if part:
            name, _, value = part.partition("=")
            pairs.append((_unquote_plus(name), _unquote_plus(value)))
    return pairs


def _unquote_plus(text: str) -> str:
    text = text.replace("+", " ")
    if "%" not in text:
        return text
    if text.isascii():
        # All escapes at once in C: %HH becomes \xHH, read by the unicode_escape codec
        # (any backslash of the text's own is doubled first), and the bytes as UTF-8.
        escaped = text.encode().replace(b"\\", b"\\\\").replace(b"%", b"\\x")
        try:
            raw = escaped.decode("unicode_escape").encode("latin-1")
            return raw.decode("utf-8", "replace")
        except UnicodeDecodeError:  # a % that is no escape: kept as it is, as unquote does
            pass
    return unquote(text)


def parse_operation(method: str, url_query: str, content_type: str, body: bytes) -> Operation:
    """The operation in a request, per the protocol's three ways of sending one."""
    url_params = multi(form_pairs(url_query))
    mime = content_type.split(";")[0].strip().lower()
    if method in ("GET", "HEAD"):
        params = url_params
    elif mime == "application/x-www-form-urlencoded":
        params = multi(form_pairs(_text(body)))
        for key, values in url_params.items():
            params.setdefault(key, values)
    elif mime == "application/sparql-query":
        params = dict(url_params, query=[_text(body)])
    elif mime == "application/sparql-update":
        params = dict(url_params, update=[_text(body)])
    else:
        raise ProtocolError(
            415,
            "POST a query as application/x-www-form-urlencoded or application/sparql-query"
            f" (got {content_type or 'no Content-Type'})",
        )
    if "query" in params and "update" in params:
        raise ProtocolError(400, "give either 'query' or 'update', not both")
    kind = "query" if "query" in params else "update" if "update" in params else "none"
    if kind == "update" and method == "GET":
        raise ProtocolError(400, "an update must be sent by POST")
    text = ""
    if kind != "none":
        values = params[kind]
        if len(values) != 1:
            raise ProtocolError(400, f"exactly one '{kind}' parameter is allowed")
        text = sparql_text.strip_bom(values[0])
        if not text.strip():
            raise ProtocolError(400, f"the '{kind}' parameter is empty")
    # The protocol's names: default-graph-uri for a query, using-graph-uri for an update.
    default, named = (
        ("using-graph-uri", "using-named-graph-uri") if kind == "update"
        else ("default-graph-uri", "named-graph-uri")
    )
    return Operation(
        kind=kind,
        text=text,
        default_graphs=params.get(default, []),
        named_graphs=params.get(named, []),
        params=params,
    )


_ABSOLUTE = re.compile(r"<[A-Za-z][A-Za-z0-9+.\-]*:")


def with_base(text: str, base: str, tokens: Sequence[sparql_text.Token] | None = None) -> str:
    """The operation with ``base`` as its BASE, when it has relative IRIs and no BASE.

    The protocol leaves the base IRI to the service ("which MAY be the service
    endpoint"); without one, ``CONSTRUCT { <s> <p> 1 } WHERE {}`` does not
    parse. The declaration goes on the first line, so the line numbers of
    syntax errors stay right (columns on that line move by its length). ``tokens``: the
    text's, when the caller has them already.
    """
    if text.count("<") == len(_ABSOLUTE.findall(text)):
        return text  # every '<' opens an absolute IRI (or is a comparison): no relative one
    relative = False
    for tok in tokens if tokens is not None else sparql_text.tokens(text):
        if tok.kind == "word" and tok.text.upper() == "BASE":
            return text
        relative = relative or (tok.kind == "iri" and not _ABSOLUTE.match(tok.text))
    return f"BASE <{base}> {text}" if relative else text


def with_using(text: str, default_graphs: Sequence[str], named_graphs: Sequence[str]) -> str:
    """The update with the protocol's ``using-graph-uri`` / ``using-named-graph-uri``
    written as USING / USING NAMED clauses before the WHERE of each operation that
    has one, which is what the protocol says they mean (§2.2.3); the engines take
    the dataset of an update only from its text."""
    if not default_graphs and not named_graphs:
        return text
    if {"USING", "WITH"} & sparql_text.keywords(text):
        raise ProtocolError(
            400, "an update with USING or WITH may not also have using-graph-uri parameters"
        )
    words = [t.text.upper() for t in sparql_text.tokens(text) if t.kind == "word"]
    if any(pair == ("DELETE", "WHERE") for pair in itertools.pairwise(words)):
        raise ProtocolError(
            400, "using-graph-uri cannot scope DELETE WHERE { ... }: write it as"
            " DELETE { ... } WHERE { ... }"
        )
    for iri in [*default_graphs, *named_graphs]:
        if not is_iri(iri):
            raise ProtocolError(400, f"using-graph-uri: {iri!r} is not an absolute IRI")
    return sparql_text.with_using(text, default_graphs, named_graphs)


def _text(body: bytes) -> str:
    try:
        return body.decode("utf-8")
    except UnicodeDecodeError:
        raise ProtocolError(400, "the request body is not UTF-8") from None


def choose_format(form: str, accept: str, params: Mapping[str, list[str]]) -> str | None:
    """The short format name for a query form, or None when nothing acceptable."""
    graph = form in ("CONSTRUCT", "DESCRIBE")
    names, types, aliases = (
        (_GRAPH_NAMES, GRAPH_TYPES, _GRAPH_ALIASES)
        if graph
        else (_RESULT_NAMES, RESULT_TYPES, _RESULT_ALIASES)
    )
    for key in ("format", "output"):
        for value in params.get(key, []):
            value = value.strip().lower()
            if value in names:
                return names[value]
            if value in types.values() or value in aliases:
                return negotiate(value, types, aliases)
    if not accept.strip():
        return next(iter(types))
    return negotiate(accept, types, aliases)


def negotiate(accept: str, types: Mapping[str, str], aliases: Mapping[str, str]) -> str | None:
    """Pick from ``types`` (name -> media type, first is the default) by an Accept header."""
    by_type = {media: name for name, media in types.items()}
    for media in ranked(accept):
        if media in by_type:
            return by_type[media]
        if media in aliases:
            return aliases[media]
        if media == "*/*":
            return next(iter(types))
        if media.endswith("/*"):
            major = media[:-1]
            for name, full in types.items():
                if full.startswith(major):
                    return name
    return None


def ranked(accept: str) -> list[str]:
    """Media ranges of an Accept header, best first (q, then specificity, then order)."""
    return list(_ranked(accept))


@functools.lru_cache(maxsize=256)  # clients send the same few headers over and over
def _ranked(accept: str) -> tuple[str, ...]:
    entries: list[tuple[float, int, int, str]] = []
    for index, part in enumerate(accept.split(",")):
        pieces = [p.strip() for p in part.split(";")]
        media = pieces[0].lower()
        if not media:
            continue
        q = 1.0
        for piece in pieces[1:]:
            key, _, value = piece.partition("=")
            if key.strip().lower() == "q":
                try:
                    q = float(value)
                except ValueError:
                    q = 0.0
        if q <= 0:
            continue
        specificity = 0 if media == "*/*" else 1 if media.endswith("/*") else 2
        entries.append((-q, -specificity, index, media))
    return tuple(media for *_, media in sorted(entries))


def prefers_html(accept: str) -> bool:
    """True when a browser-like Accept header ranks HTML above RDF and results."""
    for media in ranked(accept):
        if media in ("text/html", "application/xhtml+xml"):
            return True
        if media != "*/*" and not media.startswith("image/"):
            return False
    return False
