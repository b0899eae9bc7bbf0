"""SPARQL syntax errors in words: one line that names the problem, with its place.

Parsers report what their grammar expected next ("expected one of LATERAL, SERVICE,
[_]"), which helps nobody. The common mistakes are recognised here from the query's
tokens instead: an empty query, an undeclared prefix, a triple pattern without its
object, a first word that is not a query form, a missing ``}``. Anything else is
reported as the token the parser stopped at. Every store's parser error goes through
here, so the CLI and the server say the same thing for the same text.
"""

from __future__ import annotations

import re
from typing import Any

from g60graph._errors import G60Error, QuerySyntaxError
from g60graph._namespaces import PREFIXES, QUERY_PREFIXES
from g60graph.sparql import _lexer as sparql_text
from g60graph.sparql._safety import check

__all__ = [
    "explain",
    "from_oxigraph",
    "from_pyparsing",
    "unknown_prefix",
]

_FORMS = {"SELECT", "CONSTRUCT", "DESCRIBE", "ASK"}
_PROLOGUE = {"PREFIX", "BASE"}
_UPDATES = {"INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY", "WITH"}
_ENDS = {"}", ".", ";", ","}
_POSITION = re.compile(r"(?:line (\d+),? column (\d+))|(?:at (\d+):(\d+))")


def from_oxigraph(text: str, err: SyntaxError) -> QuerySyntaxError:
    """pyoxigraph's SyntaxError ("error at 1:26: expected ...") in words."""
    raw = (err.msg or str(err)).strip().splitlines()[0] if (err.msg or str(err)) else ""
    match = _POSITION.search(raw)
    place = None
    if match:
        line, col = (match[1], match[2]) if match[1] else (match[3], match[4])
        place = (int(line), int(col))
    return QuerySyntaxError(explain(text, place))


def from_pyparsing(text: str, err: Any) -> QuerySyntaxError:
    """rdflib's (pyparsing's) error. Its position is often the start of the clause
    that failed, so Oxigraph's parser is asked for the exact place when it is safe."""
    place = _oxigraph_place(text)
    if place is None:
        return QuerySyntaxError(explain(text, (int(err.lineno), int(err.col)), oxigraph=False))
    return QuerySyntaxError(explain(text, place))


def unknown_prefix(text: str) -> QuerySyntaxError | None:
    """The error for the first prefixed name whose prefix is never declared, if any
    (rdflib raises a bare Exception for it after parsing)."""
    message = _undeclared(text, list(sparql_text.tokens(text)))
    return QuerySyntaxError(message) if message else None


def explain(text: str, place: tuple[int, int] | None, oxigraph: bool = True) -> str:
    """One line: 'SPARQL syntax error at line L, column C: <the problem in words>'.

    ``place`` is the parser's (line, column): Oxigraph's points just past the token it
    stopped at, pyparsing's at a token's start (``oxigraph=False``)."""
    tokens = list(sparql_text.tokens(text))
    if not tokens:
        return "SPARQL syntax error at line 1, column 1: the query is empty"
    undeclared = _undeclared(text, tokens)
    if undeclared:
        return undeclared
    first = next((t for t in tokens if t.kind == "word" and t.text.upper() not in _PROLOGUE
                  and ":" not in t.text), None)
    if first is not None and first.text.upper() not in _FORMS | _UPDATES:
        known = tokens.index(first) == 0 or tokens[tokens.index(first) - 1].kind == "iri"
        if known:
            return _at(text, first.start, f"a query starts with SELECT, CONSTRUCT, ASK or"
                       f" DESCRIBE (after any PREFIX lines), not {first.text!r}")
    incomplete = _incomplete_triple(text, tokens)
    if incomplete:
        return incomplete
    here = _stopped_at(text, tokens, place, oxigraph)
    if here is None or (here is tokens[-1] and _unclosed(tokens)):
        return _at(text, len(text.rstrip()), _unclosed(tokens) or "the query ends too early")
    return _at(text, here.start, f"unexpected {here.text!r}")


def _stopped_at(
    text: str, tokens: list[sparql_text.Token], place: tuple[int, int] | None, oxigraph: bool
) -> sparql_text.Token | None:
    """The token the parser stopped at, or None at the end of the text."""
    if place is None:
        return None
    offset = _offset(text, place)
    if oxigraph:
        if offset > len(text.rstrip()):
            return None
        before = [t for t in tokens if t.start < offset]
        return before[-1] if before else tokens[0]
    return next((t for t in tokens if t.start >= offset), None)


def _undeclared(text: str, tokens: list[sparql_text.Token]) -> str | None:
    declared: set[str] = set(QUERY_PREFIXES)  # every store predeclares these
    for i, tok in enumerate(tokens):
        if tok.kind not in ("word", "pname") or ":" not in tok.text:
            continue
        prefix = tok.text.split(":", 1)[0]
        if i and tokens[i - 1].kind == "word" and tokens[i - 1].text.upper() == "PREFIX":
            declared.add(prefix)
        elif prefix != "_" and prefix not in declared:
            hint = f" (add PREFIX {prefix}: <{PREFIXES[prefix]}>)" if prefix in PREFIXES else ""
            return _at(text, tok.start, f"undeclared prefix {prefix}:{hint}")
    return None


def _incomplete_triple(text: str, tokens: list[sparql_text.Token]) -> str | None:
    """A triple pattern cut short: ``{ ?s ?p }``, ``; ?p .``, ``{ ?s }`` (outside
    parentheses and VALUES blocks, where terms follow each other legitimately)."""
    depth = 0
    values = False  # inside VALUES ... { }
    for i, tok in enumerate(tokens):
        if tok.text == "(":
            depth += 1
        elif tok.text == ")":
            depth -= 1
        elif tok.kind == "word" and tok.text.upper() == "VALUES":
            values = True
        elif tok.text == "}" and values:
            values = False
            continue
        if depth or values or tok.text not in _ENDS or i < 2 or not _is_term(tokens[i - 1]):
            continue
        one, two = tokens[i - 1], tokens[i - 2]
        three = tokens[i - 3].text if i >= 3 else ""
        if (_is_term(two) and three in ("{", ".")) or two.text == ";":
            return _at(text, tok.start, f"a triple pattern needs an object after {one.text}")
        if two.text in ("{", "."):
            return _at(text, tok.start,
                       f"a triple pattern needs a predicate and an object after {one.text}")
    return None


def _is_term(tok: sparql_text.Token) -> bool:
    return tok.kind in ("var", "iri", "string", "pname") or (tok.kind == "word" and (
        ":" in tok.text or tok.text == "a"))


def _unclosed(tokens: list[sparql_text.Token]) -> str | None:
    opened: list[sparql_text.Token] = []
    for tok in tokens:
        if tok.text == "{":
            opened.append(tok)
        elif tok.text == "}" and opened:
            opened.pop()
    return "a { is never closed: the query needs a }" if opened else None


def _offset(text: str, place: tuple[int, int]) -> int:
    line, col = place
    starts = [0] + [m.end() for m in re.finditer("\n", text)]
    return starts[min(max(line, 1), len(starts)) - 1] + max(col, 1) - 1


def _at(text: str, offset: int, problem: str) -> str:
    line = text.count("\n", 0, offset) + 1
    col = offset - (text.rfind("\n", 0, offset) + 1) + 1
    return f"SPARQL syntax error at line {line}, column {col}: {problem}"


def _oxigraph_place(text: str) -> tuple[int, int] | None:
    """Where Oxigraph's parser stops, by running the text on an empty store. Only when
    the text cannot reach out: one the safety check refuses is not run at all."""
    import pyoxigraph as ox

    try:
        check(text)
    except G60Error:
        return None

    try:
        ox.Store().query(text)
    except SyntaxError as err:
        match = _POSITION.search(str(err))
        if match:
            line, col = (match[1], match[2]) if match[1] else (match[3], match[4])
            return int(line), int(col)
    except Exception:  # parsed, then failed on an empty store: no better place
        return None
    return None
