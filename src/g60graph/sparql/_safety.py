"""Refuse queries that would fetch URLs or write, before any store sees them.

pyoxigraph fetches for SERVICE (and LOAD), rdflib for SERVICE and LOAD; neither
can be told not to. (FROM and FROM NAMED are allowed: every backend treats a
graph it lacks as empty, and rdflib's fetching of FROM graphs is switched off.)
So every query text is read here, every token of it, by the lexer the engine's
grammar implies (``g60graph.sparql._lexer``). The one shortcut is exact: every
token the check looks at holds SERVICE, LOAD or an update word once upper-cased, and
``str.upper()`` maps each character on its own (no context; only ``lower()`` has one,
the final sigma), so the upper-cased reading holds the token's upper form: a reading
without those words has nothing to look at. Neither engine matches a keyword more
loosely: pyoxigraph compares ASCII letters without case, rdflib (pyparsing's
CaselessKeyword) compares ``text[i:i+n].upper()`` with the keyword, so ``ſERVICE``
(long s) and ``servıce`` (dotless i) are SERVICE to rdflib, and to this check.

One text can be read in more than one way, and a query is refused when any
reading holds a danger:

- rdflib expands ``\\uXXXX`` everywhere before it parses (``\\u0053ERVICE`` is
  SERVICE to it; so are ``\\u00000053ERVICE`` and ``\\U0053ERVICE``: its pattern
  takes four or eight digits after either letter), pyoxigraph only inside strings and
  IRIs: both are read, the second by rdflib's own function.
- rdflib's parser cuts some texts otherwise than SPARQL and pyoxigraph do: a comment
  runs to ``\\n`` only (``# x\\r'''\\n SERVICE ...`` opens no string to it), and a
  local name may end in ``\\"``. Where that can happen (``_lexer.rdflib_differs``),
  rdflib's reading is cut rdflib's way.
- ``<`` after an operand inside parentheses may be a comparison rather than the
  start of an IRI (``FILTER(?a<'x>')``); where reading it as an IRI would hide
  a quote or a ``#``, the comparison reading is followed too.
- pyoxigraph matches keywords without a word boundary (``SERVICEx:y`` is
  ``SERVICE x:y``), so a word or prefix that merely contains SERVICE counts.
- rdflib fetches, for every SERVICE, the endpoint of the first text anywhere in the
  query that parses as a SERVICE pattern (a string literal included), read with a
  greedy regex: where a SERVICE is allowed, that endpoint must be allowed too.

This check is the first line; the second is that the processes running
queries from strangers have no network at all (``g60graph._sandbox``).
"""

from __future__ import annotations

import re
from collections.abc import Collection, Iterator, Mapping, Sequence
from typing import NamedTuple

from g60graph._errors import QuerySyntaxError, UnsafeQueryError
from g60graph._namespaces import QUERY_PREFIXES
from g60graph.sparql import _lexer as sparql_text

__all__ = [
    "cannot_fetch_or_write",
    "check",
    "check_update",
    "too_deep",
]

# Words that make a query an update; none of them is a query keyword.
_UPDATE = ("INSERT", "DELETE", "LOAD", "CLEAR", "DROP", "CREATE", "ADD", "MOVE", "COPY",
           "WITH", "USING")
_OPERANDS = {"var", "string", "iri", "number", "pname", "bnode", "langtag"}
_NON_DETERMINISTIC = {"RAND", "NOW", "UUID", "STRUUID", "BNODE"}
_READ_ONLY = "updates are not allowed: this interface is read-only"


def check(
    text: str,
    *,
    allowed_services: Collection[str] = (),
    prefixes: Mapping[str, str] = QUERY_PREFIXES,
    tokens: Sequence[sparql_text.Token] | None = None,
) -> None:
    """Raise UnsafeQueryError for an update or a SERVICE not allowed; QuerySyntaxError
    if the text is nested too deeply to parse safely. ``tokens``: the text's own
    (``sparql_text.tokens(text)``), when the caller has them already."""
    if _plainly_safe(text):
        return
    readings = _readings(text, tokens)
    allowed = False  # a SERVICE to an allowed endpoint was seen
    for reading in readings:
        if _may_hold_suspect(reading.text):
            for tok in _suspects(reading.text, rdflib=reading.rdflib):
                allowed |= _judge_query_token(reading, tok, allowed_services, prefixes)
    if allowed:
        _check_rdflib_endpoint(readings[-1].text, allowed_services)


def check_update(
    text: str, *, local_graphs: Collection[str] = (), prefixes: Mapping[str, str] = QUERY_PREFIXES
) -> None:
    """Refuse an update that would fetch anything (LOAD, SERVICE, USING <elsewhere>) or
    compute a different value in each query worker (RAND(), NOW(), UUID(), ...)."""
    readings = _readings(text)  # as pyoxigraph reads it, and as rdflib does
    for reading in readings:
        for tok in _after(reading.text, 0, rdflib=reading.rdflib):
            if tok.kind == "word" and tok.text.upper() in _NON_DETERMINISTIC:
                raise UnsafeQueryError(
                    f"{tok.text.upper()}() refused in an update: each query worker would"
                    " compute its own value and the workers would disagree; insert the value"
                    " itself"
                )
    for reading in readings:
        for tok in _suspects(reading.text, rdflib=reading.rdflib):
            word = _word_of(tok).upper()
            if "SERVICE" in word:
                raise UnsafeQueryError("SERVICE refused: the server never fetches data")
            loads = "LOAD" in word if tok.kind == "word" else word.startswith("LOAD")
            if loads:
                raise UnsafeQueryError("LOAD refused: the server never fetches data")
            if word.startswith("USING") and (tok.kind == "pname" or word == "USING"):
                iri = _graph_name_after(reading, tok, prefixes)
                if iri not in local_graphs:
                    raise UnsafeQueryError(
                        f"USING <{iri}> refused: only graphs in the dataset may be named"
                    )


def too_deep(detail: str = "") -> QuerySyntaxError:
    """'query too deeply nested', for the check's bound or a parser that ran out of stack."""
    detail = detail or f"more than {sparql_text.MAX_DEPTH} levels of brackets"
    return QuerySyntaxError(f"query too deeply nested: {detail}")


# -- readings -------------------------------------------------------------------------


class _Reading(NamedTuple):
    text: str
    rdflib: bool  # cut into tokens as rdflib's parser cuts them


def _readings(
    text: str, tokens: Sequence[sparql_text.Token] | None = None
) -> list[_Reading]:
    """The text as pyoxigraph reads it, then as rdflib does where that differs (its
    \\u expansion, ``sparql_text.rdflib_differs``)."""
    if sparql_text.depth(text, tokens) > sparql_text.MAX_DEPTH:
        raise too_deep()
    readings = [_Reading(text, rdflib=False)]
    expanded = text
    if "\\u" in text or "\\U" in text:
        from rdflib.plugins.sparql.parser import expandUnicodeEscapes

        try:
            expanded = str(expandUnicodeEscapes(text))
        except ValueError:  # an escape beyond U+10FFFF: rdflib refuses the text itself
            expanded = text
        if sparql_text.depth(expanded) > sparql_text.MAX_DEPTH:
            raise too_deep()
    if expanded != text or sparql_text.rdflib_differs(expanded):
        readings.append(_Reading(expanded, rdflib=True))
    return readings


# Every suspect token holds one of these, and so does the text that holds the token
# (str.upper() maps each character on its own): a text without them has no suspect.
_SUSPECT_WORDS = ("SERVICE", *_UPDATE)


_SUSPECT_RE = re.compile("|".join(_SUSPECT_WORDS))  # one search, not a dozen


def _may_hold_suspect(text: str) -> bool:
    return _SUSPECT_RE.search(text.upper()) is not None


def _plainly_safe(text: str) -> bool:
    """Whether the check passes ``text`` without reading it (most queries): no reading
    holds a suspect (no \\u escape gives rdflib another text, and the text has none of the
    words), and its brackets can't nest too deeply (each one is a character of it)."""
    return ("\\u" not in text and "\\U" not in text and not _may_hold_suspect(text)
            and text.count("(") + text.count("{") + text.count("[") <= sparql_text.MAX_DEPTH)


def cannot_fetch_or_write(text: str) -> bool:
    """Whether no reading of ``text`` can hold SERVICE, LOAD or an update word (the
    shortcut above, exact): pyoxigraph, which fetches only for those, then never reaches
    the network or writes, whatever the text. Some texts that can't are still refused."""
    return not _may_hold_suspect(text)


def _suspects(text: str, *, rdflib: bool = False) -> Iterator[sparql_text.Token]:
    """Every token that names SERVICE, LOAD or an update word, in any reading of ``<``
    (``rdflib``: the tokens as rdflib's parser cuts them)."""
    seen: set[tuple[int, bool, tuple[str, ...]]] = set()
    found: set[int] = set()
    work: list[tuple[int, bool, tuple[str, ...]]] = [(0, False, ())]
    budget = 50 * len(text) + 1000
    while work:
        pos, operand, stack = work.pop()
        while pos < len(text):
            budget -= 1
            if budget < 0:
                raise UnsafeQueryError("the query is too ambiguous to check: add spaces around '<'")
            kind, end = sparql_text.token_at(text, pos, rdflib=rdflib)
            piece = text[pos:end]
            hides = "#" in piece or "'" in piece
            if kind == "iri" and operand and stack[-1:] == ("(",) and hides:
                state = (pos, operand, stack)
                if state in seen:
                    break
                seen.add(state)
                work.append((pos + 1, False, stack))  # '<' as a comparison
            if kind in ("ws", "comment"):
                pos = end
                continue
            named = kind in ("word", "pname", "langtag")
            if named and pos not in found and _is_suspect(kind, piece):
                found.add(pos)
                yield sparql_text.Token(kind, piece, pos)
            if piece in ("(", "{", "["):
                stack = (*stack, piece)[-sparql_text.MAX_DEPTH :]
            elif piece in (")", "}", "]"):
                stack = stack[:-1]
            operand = kind in _OPERANDS or piece in (")", "]") or (
                kind == "word" and piece.lower() in ("true", "false")
            )
            pos = end


def _word_of(tok: sparql_text.Token) -> str:
    return tok.text.split(":", 1)[0] if tok.kind == "pname" else tok.text


def _is_suspect(kind: str, piece: str) -> bool:
    """SERVICE anywhere in a word, prefix or language tag; LOAD anywhere in a word; the
    update words as words; a prefix starting with LOAD or USING (``LOADx:y`` is
    ``LOAD x:y`` to pyoxigraph)."""
    upper = piece.split(":", 1)[0].upper() if kind == "pname" else piece.upper()
    if "SERVICE" in upper:
        return True
    if kind == "word":  # LOADSILENT<url> is LOAD SILENT <url> to pyoxigraph
        return upper in _UPDATE or "LOAD" in upper
    return kind == "pname" and upper.startswith(("LOAD", "USING"))


# -- judging one token ------------------------------------------------------------------


def _judge_query_token(
    reading: _Reading,
    tok: sparql_text.Token,
    allowed_services: Collection[str],
    prefixes: Mapping[str, str],
) -> bool:
    """Raise for a token that fetches or writes; True for a SERVICE to an allowed endpoint."""
    word = _word_of(tok).upper()
    if tok.kind == "word" and word == "SERVICE":
        endpoint = _service_endpoint(reading, tok, prefixes)
        if endpoint is None or endpoint not in allowed_services:
            shown = f"<{endpoint}>" if endpoint else "with a variable or unknown endpoint"
            raise UnsafeQueryError(
                f"SERVICE {shown} refused: federated queries need --allow-service"
                " and an allowed endpoint"
            )
        return True
    elif "SERVICE" in word:
        raise UnsafeQueryError(f"{tok.text!r} refused: pyoxigraph reads it as SERVICE")
    elif tok.kind == "pname" and word.startswith("LOAD"):
        raise UnsafeQueryError(f"{tok.text!r} refused: pyoxigraph reads it as LOAD")
    elif tok.kind == "word":
        raise UnsafeQueryError(_READ_ONLY)
    return False


def _check_rdflib_endpoint(reading: str, allowed_services: Collection[str]) -> None:
    """rdflib does not fetch the endpoint a SERVICE names: for every SERVICE it fetches
    the one read, by a greedy regex, out of the first text anywhere in the query that
    parses as a SERVICE pattern, inside a string literal too (``BIND("SERVICE <elsewhere>
    {}" AS ?x) SERVICE <allowed> {...}`` fetches elsewhere). So where a SERVICE is
    allowed, that endpoint is found the way rdflib finds it and must be allowed too."""
    from pyparsing import original_text_for
    from rdflib.plugins.sparql.parser import ServiceGraphPattern

    # as rdflib.plugins.sparql.parserutils.Comp.postParse and evaluate.evalServiceQuery
    found = original_text_for(ServiceGraphPattern.expr).search_string(reading, max_matches=1)
    if not found:
        return
    match = re.match(r"^service <(.*)>[ \n]*{(.*)}[ \n]*$", found[0][0], re.DOTALL | re.I)
    if match and match.group(1) not in allowed_services:
        raise UnsafeQueryError(
            f"SERVICE refused: rdflib would fetch <{match.group(1)}> for it (the first"
            " text that reads as a SERVICE, in a literal too), not an allowed endpoint"
        )


def _service_endpoint(
    reading: _Reading, tok: sparql_text.Token, prefixes: Mapping[str, str]
) -> str | None:
    """The endpoint after SERVICE [SILENT], None when it is a variable."""
    text = reading.text
    following = _after(text, tok.start + len(tok.text), rdflib=reading.rdflib)
    target = next(following, None)
    if target is not None and target.kind == "word" and target.text.upper() == "SILENT":
        target = next(following, None)
    return _iri(text, target, prefixes)


def _graph_name_after(
    reading: _Reading, tok: sparql_text.Token, prefixes: Mapping[str, str]
) -> str:
    """The graph a USING [NAMED] names (``USINGex:g`` is USING ex:g to pyoxigraph)."""
    text = reading.text
    following = _after(text, tok.start + len(tok.text), rdflib=reading.rdflib)
    if tok.kind == "pname":  # the keyword glued to a prefixed name
        following = iter([sparql_text.Token("pname", tok.text[5:], tok.start + 5)])
    target = next(following, None)
    if target is not None and target.kind == "word" and target.text.upper() == "NAMED":
        target = next(following, None)
    iri = _iri(text, target, prefixes)
    if iri is None:
        raise UnsafeQueryError(f"{tok.text} must name a graph by its IRI")
    return iri


def _after(text: str, pos: int, *, rdflib: bool = False) -> Iterator[sparql_text.Token]:
    while pos < len(text):
        kind, end = sparql_text.token_at(text, pos, rdflib=rdflib)
        if kind not in ("ws", "comment"):
            yield sparql_text.Token(kind, text[pos:end], pos)
        pos = end


def _iri(text: str, tok: sparql_text.Token | None, prefixes: Mapping[str, str]) -> str | None:
    """An IRI or prefixed name as a full absolute IRI (None for anything else)."""
    if tok is None:
        return None
    if tok.kind == "iri":
        iri = tok.value
    elif tok.kind == "pname":
        prefix, _, local = tok.text.partition(":")
        declared = sparql_text.declared_prefixes(text)
        namespace = declared.get(prefix, prefixes.get(prefix))
        if namespace is None:
            return None
        iri = namespace + re.sub(r"\\(.)", r"\1", local)
    else:
        return None
    return iri if re.match(r"^[A-Za-z][A-Za-z0-9+.\-]*:", iri) else None
