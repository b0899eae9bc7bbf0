"""The SPARQL lexer: the query text cut into tokens the way the engine reads it.

The terminals are those of SPARQL 1.1 §19.8, read as pyoxigraph reads them:
``\\u``/``\\U`` escapes count only inside strings and IRIs (an IRI may hold
``\\u0041#``), a prefixed name may hold ``\\#`` or ``%23``, a comment ends at
``\\r`` or ``\\n``, and ``1.SERVICE`` is an integer, a dot and a word. A
keyword inside a literal, an IRI or a comment never counts.

Used to place a VALUES block of bound parameters, to find a query's form, and
by the safety check (``g60graph.sparql._safety``), which reads every token.
"""

from __future__ import annotations

import functools
import re
from collections.abc import Iterable, Iterator, Sequence
from typing import Any, NamedTuple

__all__ = [
    "MAX_DEPTH",
    "LazyTokens",
    "Token",
    "declared_prefixes",
    "depth",
    "keywords",
    "operations",
    "query_form",
    "rdflib_differs",
    "strip_bom",
    "strip_comments",
    "token_at",
    "tokens",
    "top_limit",
    "unescape",
    "variables_renamed",
    "where_brace",
    "with_prefixes",
    "with_using",
    "writes_default_graph",
]

_UCHAR = r"\\u[0-9A-Fa-f]{4}|\\U[0-9A-Fa-f]{8}"
_ECHAR = r"\\[tbnrf\\\"']"
_PLX = r"%[0-9A-Fa-f]{2}|\\[_~.\-!$&'()*+,;=/?#@%]"
# PN_CHARS_BASE and PN_CHARS beyond ASCII. Python's re compiles a class over these ranges
# slowly (a few ms each, about 70 ms for the lexer's patterns), so a pattern is compiled
# when first needed, and an ASCII text (most queries; `str.isascii` is O(1)) is read with
# the same patterns minus these ranges, which on ASCII text match exactly the same.
_WIDE_BASE = (
    "\u00c0-\u00d6\u00d8-\u00f6\u00f8-\u02ff\u0370-\u037d\u037f-\u1fff\u200c-\u200d"
    "\u2070-\u218f\u2c00-\u2fef\u3001-\ud7ff\uf900-\ufdcf\ufdf0-\ufffd\U00010000-\U000effff"
)
_WIDE_CHARS = "\u00b7\u0300-\u036f\u203f-\u2040"


class _Classes(NamedTuple):
    base: str  # PN_CHARS_BASE
    chars_u: str  # PN_CHARS_U
    chars: str  # PN_CHARS
    prefix: str  # PN_PREFIX

    @classmethod
    def of(cls, ascii_only: bool) -> _Classes:
        base = "A-Za-z" + ("" if ascii_only else _WIDE_BASE)
        chars_u = base + "_"
        chars = chars_u + r"\-0-9" + ("" if ascii_only else _WIDE_CHARS)
        return cls(base, chars_u, chars, rf"[{base}](?:[{chars}.]*[{chars}])?")

    def local(self, plx: str) -> str:  # PN_LOCAL
        c, u = self.chars, self.chars_u
        return rf"(?:[{u}:0-9]|{plx})(?:(?:[{c}.:]|{plx})*(?:[{c}:]|{plx}))?"


_STRING = rf"""'''(?:(?:'|'')?(?:[^'\\]|{_ECHAR}|{_UCHAR}))*'''
             |\"\"\"(?:(?:"|"")?(?:[^"\\]|{_ECHAR}|{_UCHAR}))*\"\"\"
             |'(?:[^'\\\r\n]++|{_ECHAR}|{_UCHAR})*+'
             |"(?:[^"\\\r\n]++|{_ECHAR}|{_UCHAR})*+\""""
_IRI = rf'<(?:[^<>"{{}}|^`\\\x00-\x20]++|{_UCHAR})*+>'


def _token_pattern(comment: str, plx: str, ascii_only: bool,
                   significant: bool) -> re.Pattern[str]:
    """``significant``: white space and comments are no tokens of their own but go with the
    token after them (possessively: they can only be skipped), so a match is a token, or
    ``end`` after the last one (else a trailing comment would be read again from inside).
    The runs in strings and IRIs are possessive too (a character at a time was a third of
    a short query's lexing): an escape starts with the backslash a run stops at, so giving
    characters back could never let the pattern match otherwise."""
    k = _Classes.of(ascii_only)
    skip = (rf"(?:[\x20\t\r\n]+|{comment})*+(?:" if significant
            else rf"(?P<ws>[\x20\t\r\n]+) | (?P<comment>{comment}) |")
    return re.compile(
        skip + rf"""
          (?P<string>{_STRING})
        | (?P<iri>{_IRI})
        | (?P<var>[?$][{k.chars_u}0-9][{k.chars_u}0-9{"" if ascii_only else _WIDE_CHARS}]*)
        | (?P<bnode>_:[{k.chars_u}0-9](?:[{k.chars}.]*[{k.chars}])?)
        | (?P<langtag>@[a-zA-Z]+(?:-[a-zA-Z0-9]+)*)
        | (?P<number>(?:[0-9]+\.[0-9]*[eE][+-]?[0-9]+|\.[0-9]+[eE][+-]?[0-9]+
                        |[0-9]+[eE][+-]?[0-9]+)
                     |[0-9]*\.[0-9]+|[0-9]+)
        | (?P<pname>(?:{k.prefix})?:(?:{k.local(plx)})?)
        | (?P<word>[{k.chars_u}0-9]+)
        | (?P<punct>.)
        """ + (r"| (?P<end>\Z))" if significant else ""),
        re.VERBOSE | re.DOTALL,
    )


@functools.cache
def _token_re(ascii_only: bool, rdflib: bool = False,
              significant: bool = False) -> re.Pattern[str]:
    """The token pattern; ``rdflib``: the text as rdflib's parser cuts it (after its \\u
    expansion), where that differs: a comment runs to '\\n' only (pyparsing's
    rest_of_line: '\\r' does not end it), and a local name may hold '\\"' (rdflib's
    PN_LOCAL_ESC has '"', SPARQL's has not). The two differ in nothing else, so only a
    text holding '\\"', or a '#' followed on its line by a '\\r' that is not a line end
    ('\\r' then '\\n', as a browser's form sends every line), can give other tokens than
    comments and white space."""
    if rdflib:
        return _token_pattern(r"\#[^\n]*", _PLX + r'|\\"', ascii_only, significant)
    return _token_pattern(r"\#[^\r\n]*", _PLX, ascii_only, significant)


def _token_matches(text: str, significant: bool = False) -> Iterator[re.Match[str]]:
    """The text's tokens, from the ASCII pattern unless a character beyond ASCII stands
    outside a comment, string or IRI. Exact: the two patterns differ only in the name
    classes (var, bnode, pname, word), and wherever the full pattern would read a wide
    character into a name, the ASCII pattern leaves it as a punct token of its own.
    ``significant``: no white space or comment tokens (a token is ``match[lastgroup]``)."""
    narrow = _token_re(True, significant=significant).finditer(text)
    if text.isascii():
        return narrow
    matches = list(narrow)
    if any(m.lastgroup == "punct" and not m[m.lastgroup].isascii() for m in matches):
        return _token_re(False, significant=significant).finditer(text)
    return iter(matches)


_WIDE_OR_STOP = re.compile(r"[\x20\t\r\n<>{}]|[^\x00-\x7f]")
_LONE_CR_AFTER_HASH = re.compile(r"\#[^\r\n]*\r+[^\r\n]")


def rdflib_differs(text: str) -> bool:
    """Whether rdflib's parser may cut ``text`` into other tokens than pyoxigraph's
    (``token_at(..., rdflib=True)``), comments and white space aside."""
    return '\\"' in text or ("\r" in text and _LONE_CR_AFTER_HASH.search(text) is not None)

_ESCAPE = re.compile(_UCHAR)
_BRACKETS = {"(": ")", "{": "}", "[": "]"}
_CLOSING = frozenset(_BRACKETS.values())
MAX_DEPTH = 64  # brackets; pyoxigraph's parser slows down sharply past this, then overflows


class Token(NamedTuple):  # a tuple: every query makes dozens (half a dataclass's cost)
    kind: str
    text: str
    start: int

    @property
    def value(self) -> str:
        """An IRI's text between ``<`` and ``>`` with its escapes decoded."""
        return unescape(self.text[1:-1]) if self.kind == "iri" else self.text


class LazyTokens(Sequence[Token]):
    """A text's ``tokens``, read when first needed: the server's checks read most small
    queries without them (their exact shortcuts), and lexing is their largest cost."""

    def __init__(self, text: str) -> None:
        self._text = text
        self._read: tuple[Token, ...] | None = None

    def _tokens(self) -> tuple[Token, ...]:
        if self._read is None:
            self._read = tuple(tokens(self._text))
        return self._read

    def __getitem__(self, index: Any) -> Any:
        return self._tokens()[index]

    def __len__(self) -> int:
        return len(self._tokens())

    def __iter__(self) -> Iterator[Token]:
        return iter(self._tokens())


def unescape(text: str) -> str:
    """``\\uXXXX`` and ``\\UXXXXXXXX`` decoded (the escapes allowed in an IRI)."""
    return _ESCAPE.sub(lambda m: chr(min(int(m.group()[2:], 16), 0x10FFFF)), text)


def token_at(text: str, pos: int, *, rdflib: bool = False) -> tuple[str, int]:
    """The kind and end of the token that starts at ``pos`` (``rdflib``: as rdflib's
    parser cuts it, see ``rdflib_differs``)."""
    match = _token_re(True, rdflib).match(text, pos)
    assert match is not None  # the last alternative matches any character
    if not text.isascii() and match.lastgroup not in ("ws", "comment", "string", "iri"):
        # A name token holds none of the stops: if one comes before any wide character,
        # the name alternatives read ASCII only, as the full pattern would.
        near = _WIDE_OR_STOP.search(text, pos, pos + 256)
        if near is None or not near.group().isascii():
            match = _token_re(False, rdflib).match(text, pos)
            assert match is not None
    return match.lastgroup or "punct", match.end()


def tokens(text: str) -> Iterator[Token]:
    """The significant tokens (no whitespace or comments), reading ``<...>`` as an IRI,
    and a keyword glued to a prefixed name (``FROMex:g``) as pyoxigraph reads it."""
    previous: Token | None = None
    describing = False  # in the resource list of DESCRIBE
    declared: set[str] | None = None
    level = 0  # of brackets (what _nesting counts, in this loop: every query passes here)
    for match in _token_matches(text, significant=True):
        kind: str = match.lastgroup  # type: ignore[assignment]  # every match has one
        if kind == "end":
            return
        tok = Token(kind, match[kind], match.start(kind))
        if kind == "punct":
            if tok.text in _CLOSING:
                level -= 1
            elif tok.text in _BRACKETS:
                level += 1
        elif kind == "pname" and level == 0:
            if declared is None:
                declared = set(declared_prefixes(text))  # case-sensitive, as in SPARQL
            split = _glued(tok, previous, describing, declared)
            if split:
                yield split[0]
                tok = previous = split[1]
        if kind == "word":
            describing = tok.text.upper() == "DESCRIBE"
        elif describing:
            describing = tok.kind in ("iri", "pname", "var")
        previous = tok
        yield tok


@functools.cache
def _variables_re() -> re.Pattern[str]:
    """The variables of an ASCII text with no backslash, and all that can hold a '?' or
    '$' there that is none: strings, IRIs and comments, as the token pattern reads them
    (without escapes, no other token holds a '?', '$', quote, '<' or '#')."""
    k = _Classes.of(True)
    return re.compile(
        rf"""(?P<skip>{_STRING} | {_IRI} | \#[^\r\n]*) | (?P<var>[?$][{k.chars_u}0-9]+)""",
        re.VERBOSE,
    )


def variables_renamed(text: str) -> str | None:
    """The text with its variables renamed ``?0``, ``?1``, ... in order of appearance
    (``?label17`` and ``?name`` ask for the same work), everything else as written; None
    for a text beyond ASCII or with a backslash (for those, rename ``tokens``). One pass of
    one pattern, and the same variables (a property test holds the two equal)."""
    if not text.isascii() or "\\" in text:
        return None
    names: dict[str, str] = {}

    def rename(match: re.Match[str]) -> str:
        if match.lastgroup == "skip":
            return match[0]
        return names.setdefault(match[0][1:], f"?{len(names)}")

    return _variables_re().sub(rename, text)


def _nesting(toks: Iterable[Token]) -> Iterator[tuple[Token, int]]:
    """Each token with the bracket level it stands at (a bracket: the level outside it)."""
    level = 0
    for tok in toks:
        if tok.text in _CLOSING:
            level -= 1
        yield tok, level
        if tok.text in _BRACKETS:
            level += 1


# Keywords pyoxigraph reads even when a prefixed name follows with no space (it matches
# keywords without a word boundary): in a query's header, ``FROMex:g`` is FROM ex:g.
_GLUE = ("FROM", "NAMED", "USING", "PREFIX")
# Words after which a prefixed name is a name, not a keyword glued to one.
_NAME_AFTER = {"PREFIX", "WITH", "USING", "NAMED", "GRAPH", "TO", "ADD", "COPY", "MOVE",
               "SILENT", "LOAD", "INTO", "FROM", "DESCRIBE", "SERVICE"}


@functools.cache
def _pname_re(ascii_only: bool) -> re.Pattern[str]:
    k = _Classes.of(ascii_only)
    return re.compile(rf"(?:{k.prefix})?:(?:{k.local(_PLX)})?")


def _glued(
    tok: Token, previous: Token | None, describing: bool, declared: set[str]
) -> tuple[Token, Token] | None:
    """A top-level prefixed name read as a keyword and a prefixed name, where pyoxigraph
    reads it so: not where a name is expected, unless that name's prefix is undeclared
    (``FROM NAMEDex:g``, ``DESCRIBE <a> FROMex:g``: the name fails, the keyword is tried)."""
    prefix = tok.text.split(":", 1)[0]
    keyword = next((k for k in _GLUE if prefix.upper().startswith(k)), None)
    rest = tok.text[len(keyword):] if keyword else ""
    if keyword is None or not _pname_re(rest.isascii()).fullmatch(rest):
        return None
    expects_name = describing or (
        previous is not None and previous.kind == "word" and previous.text.upper() in _NAME_AFTER
    )
    if expects_name:
        # The name is tried first; where a keyword may also stand, pyoxigraph falls back
        # to it when the name's prefix is undeclared.
        fallback = describing or (previous is not None and previous.text.upper() == "FROM"
                                  and keyword == "NAMED")
        if not fallback or prefix in declared:
            return None
    cut = tok.start + len(keyword)
    return Token("word", tok.text[: len(keyword)], tok.start), Token("pname", rest, cut)


def strip_bom(text: str) -> str:
    """The text without a leading byte-order mark: editors write one (Windows Notepad,
    a UTF-8-BOM file pasted whole), it is not SPARQL, and both engines refuse it."""
    return text.removeprefix("\ufeff")


def strip_comments(text: str) -> str:
    """The query without its comments (strings and IRIs untouched), line breaks kept.

    Sent to remote stores: some (Virtuoso 7.2) answer differently when certain
    comment text is present, and comments carry no meaning.
    """
    parts = []
    for match in _token_matches(text):
        parts.append("" if match.lastgroup == "comment" else match.group())
    return "".join(parts)


def keywords(text: str) -> set[str]:
    """Bare words (not prefixed names, variables or literals), upper-cased."""
    return {t.text.upper() for t in tokens(text) if t.kind == "word"}


_FORMS = ("SELECT", "ASK", "CONSTRUCT", "DESCRIBE")


def query_form(text: str) -> str:
    """SELECT, ASK, CONSTRUCT or DESCRIBE (by the first such keyword), else UPDATE.

    The server process asks this of every request, and the keyword follows the
    prologue, so the text is read only up to it, by the ASCII pattern (``tokens`` splits
    glued names only into FROM, NAMED, USING or PREFIX and a name, never into a form
    keyword). Where the full pattern could read otherwise (a wide character beside the
    keyword, no keyword in a wide text), the whole text is read as ``tokens`` reads it.
    A property test holds the two equal."""
    for match in _token_re(True).finditer(text):
        if match.lastgroup == "word" and (word := match.group().upper()) in _FORMS:
            start, end = match.span()
            if (start == 0 or text[start - 1].isascii()) and (
                    end == len(text) or text[end].isascii()):
                return word
            break
    else:
        if text.isascii():
            return "UPDATE"
    return _query_form_read_whole(text)


def _query_form_read_whole(text: str) -> str:
    for tok in tokens(text):
        word = tok.text.upper()
        if tok.kind == "word" and word in _FORMS:
            return word
    return "UPDATE"


def selects_distinct(text: str) -> bool:
    """Whether the query's first SELECT is a SELECT DISTINCT."""
    words = (t for t in tokens(text) if t.kind not in ("ws", "comment"))
    for tok in words:
        if tok.kind == "word" and tok.text.upper() == "SELECT":
            following = next(words, None)
            return following is not None and following.text.upper() == "DISTINCT"
    return False


def declared_prefixes(text: str) -> dict[str, str]:
    """The prefixes the text declares itself (``PREFIX ex: <...>``), with their IRIs."""
    found: dict[str, str] = {}
    if "PREFIX" not in text.upper():  # no false "none": ASCII letters upper-case alone
        return found
    # Each significant token with the two before it: PREFIX, a name ending in ':', an IRI.
    first: tuple[str, str] = ("ws", "")
    name: tuple[str, str] = ("ws", "")
    for match in _token_matches(text):
        kind = match.lastgroup or "punct"
        if kind == "ws" or kind == "comment":
            continue
        if kind == "iri" and name[0] == "pname" and name[1].endswith(":"):
            iri = unescape(match.group()[1:-1])
            if first[0] == "word" and first[1].upper() == "PREFIX":
                found[name[1][:-1]] = iri
            elif name[1][:6].upper() == "PREFIX":
                found[name[1][6:-1]] = iri  # PREFIXex: <...>, glued as pyoxigraph reads it
        first, name = name, (kind, match.group())
    return found


def with_prefixes(text: str, prefixes: dict[str, str]) -> str:
    """The text with PREFIX lines in front for the ``prefixes`` it does not declare
    (for stores that cannot be given prefixes any other way)."""
    own = declared_prefixes(text)
    lines = [f"PREFIX {name}: <{iri}>" for name, iri in prefixes.items() if name not in own]
    return "\n".join([*lines, text])


def with_using(text: str, default: Sequence[str], named: Sequence[str]) -> str:
    """The update with ``USING <g>`` / ``USING NAMED <g>`` clauses before the WHERE of
    each operation that has one (DELETE WHERE, which takes none, is left as it is)."""
    clauses = "".join(f"USING <{g}> " for g in default) + "".join(
        f"USING NAMED <{g}> " for g in named
    )
    parts, pos, previous = [], 0, ""
    for tok, level in _nesting(tokens(text)):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "WHERE" and level == 0 and previous != "DELETE":
            parts += [text[pos : tok.start], clauses]
            pos = tok.start
        previous = word
    return "".join([*parts, text[pos:]])


def depth(text: str, toks: Sequence[Token] | None = None) -> int:
    """The deepest nesting of brackets ``( { [`` outside literals and comments (``toks``:
    the text's tokens, when the caller has them already)."""
    found = tokens(text) if toks is None else toks
    return max([0, *(level + 1 for tok, level in _nesting(found) if tok.text in _BRACKETS)])


# LIMIT n at the end of a query (see _end_limit).
_END_LIMIT = re.compile(r"(?<![^\x20\t\r\n})])LIMIT[\x20\t\r\n]+([0-9]+)[\x20\t\r\n]*\Z",
                        re.IGNORECASE)
_IRI_RE = re.compile(_IRI)


def _end_limit(text: str) -> int | None:
    """n, when a text with no strings or backslashes ends with LIMIT n outside every IRI
    and comment: then, if the engine accepts the text, n is its own LIMIT (the grammar
    puts nothing after that clause; a subquery's has a brace after it). Outside: nothing
    after LIMIT could close an IRI, and no '#' before it on its line is outside an IRI
    (IRIs and comments never span lines, and with no strings or escapes, the IRIs this
    pattern finds on the line are the lexer's, up to its first comment). Else None (ask
    the tokens)."""
    if "'" in text or '"' in text or "\\" in text:
        return None
    end = _END_LIMIT.search(text, max(0, len(text) - 64))
    if end is None:
        return None
    line = text[max(text.rfind("\n", 0, end.start()), text.rfind("\r", 0, end.start())) + 1:
                end.start()]
    return int(end[1]) if "#" not in _IRI_RE.sub("", line) else None


def top_limit(text: str, toks: Sequence[Token] | None = None) -> int | None:
    """The query's own LIMIT (``LIMIT n`` outside every bracket: a subquery's is inside
    braces), or None when it has none: the answer has at most that many rows. Exact for
    any text the engine accepts (asked after it did); ``_end_limit`` reads most without
    the tokens."""
    if (end := _end_limit(text)) is not None:
        return end
    return _top_limit_read(list(tokens(text) if toks is None else toks))


def _top_limit_read(found: Sequence[Token]) -> int | None:
    """``top_limit`` from the tokens: the first LIMIT outside every bracket."""
    for i, (tok, level) in enumerate(_nesting(found)):
        if level == 0 and tok.kind == "word" and tok.text.upper() == "LIMIT":
            count = found[i + 1] if i + 1 < len(found) else None
            return int(count.text) if count and count.text.isdigit() else None
    return None


def operations(text: str) -> list[list[tuple[Token, int]]]:
    """An update's operations, cut at the ``;`` between them: each one's tokens with the
    bracket level they stand at (its prologue's PREFIX lines go with the first)."""
    found: list[list[tuple[Token, int]]] = [[]]
    for tok, level in _nesting(tokens(text)):
        if tok.text == ";" and level == 0:
            found.append([])
        else:
            found[-1].append((tok, level))
    return [op for op in found if op]


def where_brace(text: str) -> int | None:
    """Offset of the ``{`` that opens the outermost WHERE group, if any."""
    level = 0
    seen_where = False
    for tok in tokens(text):
        if tok.kind == "word" and tok.text.upper() == "WHERE" and level == 0:
            seen_where = True
        elif tok.text == "{":
            if seen_where and level == 0:
                return tok.start
            level += 1
        elif tok.text == "}":
            level -= 1
    return None


def writes_default_graph(text: str) -> bool:
    """Whether an update writes into the default graph (or deletes from it): a triple
    outside ``GRAPH`` in an INSERT or DELETE block of an operation without WITH, or
    ADD, COPY or MOVE ... TO DEFAULT. (A glued ``GRAPHex:g`` counts as a triple.)"""
    with_graph = expect_block = in_block = after_graph = False
    previous = ""
    for tok, level in _nesting(tokens(text)):
        word = tok.text.upper() if tok.kind == "word" else ""
        if level == 0:
            if tok.text == ";":
                with_graph = False
            elif word == "WITH":
                with_graph = True
            elif word in ("INSERT", "DELETE"):
                expect_block = True  # the next '{' opens its block (after DATA or WHERE)
            elif word == "DEFAULT" and previous == "TO":
                return True
            elif tok.text in _BRACKETS:
                in_block = in_block or (tok.text == "{" and expect_block)
                expect_block = False
            elif tok.text in _CLOSING:
                in_block = False
        elif level == 1 and in_block:
            if word == "GRAPH":
                after_graph = True
            elif after_graph:
                after_graph = tok.text != "{"
            elif tok.text != "." and tok.text not in _CLOSING and not with_graph:
                return True
        previous = word
    return False
