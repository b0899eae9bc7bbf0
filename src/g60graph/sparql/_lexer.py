"""A small SPARQL lexer: just enough to find keywords and the WHERE group.

It skips comments, strings and IRIs, so a keyword inside a literal or an IRI
never counts. Used to place a VALUES block of bound parameters and to decide
whether a query needs a full parse for the safety check.
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from dataclasses import dataclass

__all__ = [
    "Token",
    "declared_prefixes",
    "keywords",
    "query_form",
    "strip_comments",
    "tokens",
    "where_brace",
    "with_prefixes",
]

_TOKEN = re.compile(
    r"""
      (?P<ws>\s+)
    | (?P<comment>\#[^\n]*)
    | (?P<string>'''(?:[^'\\]|\\.|'(?!''))*'''|\"\"\"(?:[^"\\]|\\.|"(?!""))*\"\"\"
                 |'(?:[^'\\\n]|\\.)*'|"(?:[^"\\\n]|\\.)*")
    | (?P<iri><[^<>"{}|^`\\\x00-\x20]*>)
    | (?P<var>[?$][\w\u00b7\u0300-\u036f\u203f-\u2040]+)
    | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
    | (?P<word>[\w\u00b7-\uffff][\w\-.:%\u00b7-\uffff]*|:[\w\-.:%\u00b7-\uffff]*)
    | (?P<punct>.)
    """,
    re.VERBOSE | re.DOTALL,
)


@dataclass(frozen=True)
class Token:
    kind: str
    text: str
    start: int


def tokens(text: str) -> Iterator[Token]:
    for match in _TOKEN.finditer(text):
        kind = match.lastgroup or "punct"
        if kind not in ("ws", "comment"):
            yield Token(kind, match.group(), match.start())


def strip_comments(text: str) -> str:
    """The query without its comments (strings and IRIs untouched), line breaks kept.

    Sent to remote stores: some (Virtuoso 7.2) answer differently when certain
    comment text is present, and comments carry no meaning.
    """
    parts = []
    for match in _TOKEN.finditer(text):
        parts.append("" if match.lastgroup == "comment" else match.group())
    return "".join(parts)


def keywords(text: str) -> set[str]:
    """Bare words (not prefixed names, variables or literals), upper-cased."""
    return {t.text.upper() for t in tokens(text) if t.kind == "word" and ":" not in t.text}


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (by the first such keyword), else UPDATE."""
    for tok in tokens(text):
        word = tok.text.upper()
        if tok.kind == "word" and word in {"SELECT", "ASK", "CONSTRUCT", "DESCRIBE"}:
            return word
    return "UPDATE"


def declared_prefixes(text: str) -> set[str]:
    """The prefixes the text declares itself (``PREFIX ex: <...>``)."""
    found, after_prefix = set(), False
    for tok in tokens(text):
        if after_prefix and tok.kind == "word" and tok.text.endswith(":"):
            found.add(tok.text[:-1])
        after_prefix = tok.kind == "word" and tok.text.upper() == "PREFIX"
    return found


def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The text with PREFIX lines in front for the ``prefixes`` it does not declare
    (for stores that cannot be given prefixes any other way)."""
    own = declared_prefixes(text)
    lines = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in own]
    return "\n".join([*lines, text])


def where_brace(text: str) -> int | None:
    """Offset of the ``{`` that opens the outermost WHERE group, if any."""
    depth = 0
    seen_where = False
    for tok in tokens(text):
        if tok.kind == "word" and tok.text.upper() == "WHERE" and depth == 0:
            seen_where = True
        elif tok.text == "{":
            if seen_where and depth == 0:
                return tok.start
            depth += 1
        elif tok.text == "}":
            depth -= 1
    return None
