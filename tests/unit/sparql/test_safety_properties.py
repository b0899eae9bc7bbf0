"""Property tests of the safety check (issue 10), on texts made of what matters to a
SPARQL reader: keyword pieces, brackets, quotes, comments, escapes, and characters
whose case mapping is unusual (``ſ`` and ``ı`` upper-case to ASCII; ``ﬀ`` and ``ß``
grow; ``İ`` stays put).

1. The shortcut is exact: a reading for which ``_may_hold_suspect`` says no yields no
   suspect token (so skipping the token-by-token reading loses nothing).
2. The engines themselves: whenever pyoxigraph or rdflib, run on the text, connects to
   a counting listener on loopback, ``check`` refuses the text; and with that endpoint
   allowed, whenever an engine connects to a second listener, ``check`` refuses too.

Deterministic (``derandomize``, no example database) and bounded, for CI. Every IRI an
engine could fetch is on loopback: the listener's, or relative to a BASE and prefixes
that are the listener's.
"""

from __future__ import annotations

import contextlib
import socket
from collections.abc import Iterator
from typing import Any

import pyoxigraph
import pytest
import rdflib
from hypothesis import HealthCheck, example, given, settings
from hypothesis import strategies as st
from rdflib.namespace import XSD

from g60graph import _sandbox
from g60graph._errors import QuerySyntaxError, UnsafeQueryError
from g60graph.sparql._lexer import rdflib_differs, token_at
from g60graph.sparql._safety import (
    _may_hold_suspect,
    _plainly_safe,
    _readings,
    _suspects,
    check,
)
from server_harness import Counter, counting_listener


def bounded(examples: int) -> settings:
    """The same examples on every run, no database, and no deadline (a loaded CI machine
    must not make it flaky: ``max_examples`` bounds the time)."""
    return settings(
        derandomize=True, database=None, deadline=None, max_examples=examples,
        suppress_health_check=[HealthCheck.too_slow, HealthCheck.function_scoped_fixture],
    )

KEYWORDS = [
    "SERVICE", "service", "SeRvIcE", "ſERVICE", "ſervice", "SERVıCE", "servıce", "SERVİCE",
    "SERVICE SILENT", "SERVICESILENT", "xSERVICE", "SERVICEx", "1SERVICE", "1.SERVICE",
    "trueSERVICE", '"a"@en-SERVICE', "\\u0053ERVICE", "\\U00000053ERVICE",
    "\\u00000053ERVICE", "\\u017FERVICE", "SERV\\u0131CE", "SERV\\u0049CE", "SERV\\u0130CE",
    "\\u0073ervice", "ＳＥＲＶＩＣＥ", "SER VICE", "SERV#\nICE",
]
TARGETS = ["$URL", "<$URL>", "ex:sparql", ":sparql", "<sparql>", "<>", "?e", "\\u003C$URL>",
           "<\\u0068ttp://127.0.0.1:$PORT/sparql>"]
PIECES = [
    " ", " ", "\t", "\n", "\r", "\f", "#", "'", '"', "'''", '"""', "\\", "\\'", '\\"', "\\\\",
    "<", ">", "(", ")", "{", "}", "[", "]", ".", ";", ",", ":", "ex:", "ex:a", "?x", "$x",
    "_:b", "@en", "-", "1", "1.", "1e5", "true", "a", "FILTER", "BIND", "AS", "EXISTS", "NOT",
    "OPTIONAL", "UNION", "MINUS", "GRAPH", "VALUES", "SELECT", "WHERE", "SILENT", "=", "!",
    "^", "|", "\\#", "%23", "\\u0022", "\\u0027", "\\u003C", "\\u003E", "\\u0023", "\\u005C",
    "\\u0053", "\\U00000053", "\\u00000053", "\\u017F", "\\u0131", "\\uD800", "\\U00110000",
    "ſ", "ı", "İ", "ﬀ", "ß", "K", "ǅ", "ΐ", "\u0307", "SERV", "ICE", "S", "ERVICE",
    "LOAD", "USING", "WITH", "INSERT", "DELETE", "DROP", "{ ?s ?p ?o }", "$URL",
]
HEAD = ("BASE <$ROOT>\nPREFIX ex: <$ROOT>\nPREFIX : <$ROOT>\n"
        "SELECT * WHERE { ?a ?b ?c . ")

pieces = st.lists(st.sampled_from(PIECES), max_size=10).map("".join)
texts = st.one_of(
    pieces,
    st.tuples(pieces, st.sampled_from(KEYWORDS), pieces, st.sampled_from(TARGETS), pieces)
    .map(lambda p: f"{p[0]} {p[1]} {p[2]}{p[3]} {{ ?s ?p ?o }} {p[4]}"),
    st.text(max_size=30),  # any character at all
)
# Group patterns that parse, most of the time, with the spellings that have fooled
# readers before: quotes and '#' inside literals, IRIs and local names, escapes that
# rdflib expands first, '<' as a comparison, comments ending at '\r'.
LITERALS = [
    '"x"', "'x'", '"#"', "'#'", '"\\""', "'\\''", '"\\\\"', "'''a'b''c'''", '"""a"b"""',
    '"\\u0022"', "'\\u0027'", '"\\U00000022"', '"SERVICE <$URL> {}"', "'SERVICE <$URL> {}'",
    '"a"@en', '"a"@en-SERVICE', "1", "1.", "1.e5", ".5", "true", "false", '"ſERVICE"',
]
NODES = ["?s", "?o", "$o", "<http://x/s>", "<http://x/\\u0041#>", "<http://x/#>",
         "<http://x/\\u003E#>", "ex:a", "ex:a\\#b", "ex:a\\'", "ex:a%23", ":a", "_:b", "[]",
         "ex:a\\u0020x", 'ex:a\\"', ':a\\"']
GAPS = ["", " ", "\t", "\n", "#c\n", "#c\r", "# SERVICE <$URL> {}\n", "#'\n", '#"""\n',
        "#c\r'''\n", '#c\r"""\n', '#c\r"\n']
gap = st.sampled_from(GAPS)
node = st.sampled_from(NODES)
term = st.sampled_from(NODES + LITERALS)
leaf = st.one_of(
    st.tuples(node, gap, term).map(lambda p: f"{p[0]} ?p{p[1]} {p[2]} ."),
    st.tuples(term, st.sampled_from(["<", " < ", ">", "=", "!="]), term)
    .map(lambda p: f"FILTER({p[0]}{p[1]}{p[2]})"),
    term.map(lambda t: f"BIND({t} AS ?b)"),
    st.sampled_from(LITERALS).map(lambda t: f"VALUES ?v {{ {t} }}"),
    st.tuples(st.sampled_from(KEYWORDS), gap, st.sampled_from(TARGETS))
    .map(lambda p: f"{p[0]}{p[1]}{p[2]} {{ ?s ?p ?o }}"),
    st.sampled_from(PIECES),  # now and then something that does not parse
)


def _nest(inner: st.SearchStrategy[str]) -> st.SearchStrategy[str]:
    group = st.lists(st.tuples(inner, gap).map("".join), min_size=1, max_size=3).map(" ".join)
    return st.one_of(
        st.tuples(st.sampled_from(["", "OPTIONAL ", "MINUS ", "FILTER EXISTS ",
                                   "FILTER NOT EXISTS "]), group)
        .map(lambda p: f"{p[0]}{{ {p[1]} }}"),
        st.tuples(group, group).map(lambda p: f"{{ {p[0]} }} UNION {{ {p[1]} }}"),
        st.tuples(st.sampled_from(KEYWORDS), st.sampled_from(TARGETS), group)
        .map(lambda p: f"{p[0]} {p[1]} {{ {p[2]} }}"),
        group,
    )


patterns = st.recursive(leaf, _nest, max_leaves=8)
# Bodies for a query that an engine may run: mostly a SERVICE, spelled in some way.
bodies = st.one_of(
    st.tuples(
        pieces, st.sampled_from(KEYWORDS), st.sampled_from(["", " ", "\t", "\n", "#x\n"]),
        st.sampled_from(TARGETS), pieces,
    ).map(lambda p: f"{p[0]} {p[1]}{p[2]}{p[3]} {{ ?s ?p ?o }} {p[4]}"),
    patterns,
    patterns,
)


def _readings_or_none(text: str) -> list[tuple[str, bool]]:
    try:
        return [(r.text, r.rdflib) for r in _readings(text)]
    except QuerySyntaxError:  # too deeply nested: refused before any reading
        return []


def _yielded(reading: str, rdflib: bool) -> list[str]:
    found: list[str] = []
    with contextlib.suppress(UnsafeQueryError):  # too ambiguous: what came before counts
        found.extend(tok.text for tok in _suspects(reading, rdflib=rdflib))
    return found


@given(st.one_of(texts, bodies.map(lambda b: HEAD + b + " }")))
@example("SELECT * WHERE { ſERVICE <http://127.0.0.1:9/> {} }")
@example("SELECT * WHERE { \\u017FERVICE <http://127.0.0.1:9/> {} }")
@example("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s ﬀ ſ ı İ")
@bounded(400)
def test_the_shortcut_skips_no_reading_with_a_suspect(text: str) -> None:
    for reading, as_rdflib in _readings_or_none(text):
        found = _yielded(reading, as_rdflib)
        if found:
            assert _may_hold_suspect(reading), (reading, found)
        for word in found:  # the premise: each token's upper form is in the text's
            assert word.upper() in reading.upper()


@given(st.one_of(texts, bodies.map(lambda b: HEAD + b + " }")))
@example("SELECT * WHERE { " + "{" * 63 + "}" * 63 + " }")
@example("SELECT * WHERE { ?s <http://x/#p> '#\\n?o' } # LIMIT 3")
@bounded(400)
def test_a_plainly_safe_text_would_pass_every_reading(text: str) -> None:
    """``check`` passes a text with no escape, no suspect word and few brackets without
    reading it: every reading of such a text is shallow enough and holds no suspect."""
    if _plainly_safe(text):
        readings = _readings(text)  # raises if too deeply nested
        assert all(not _yielded(r.text, r.rdflib) for r in readings), text


def test_deep_texts_and_escapes_are_read_in_full() -> None:
    deep = "SELECT * WHERE { " + "{" * 65 + "}" * 65 + " }"
    assert not _plainly_safe(deep)
    with pytest.raises(QuerySyntaxError):
        check(deep)
    wide = "SELECT * WHERE { " + "{} " * 70 + " }"  # many brackets, none deep: passes
    assert not _plainly_safe(wide)
    check(wide)
    escaped = "SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> {} }"
    assert not _plainly_safe(escaped)
    with pytest.raises(UnsafeQueryError):
        check(escaped)


def _cut(text: str, rdflib: bool) -> list[tuple[str, int, int]]:
    """The tokens other than comments and white space, as (kind, start, end)."""
    cuts, pos = [], 0
    while pos < len(text):
        kind, end = token_at(text, pos, rdflib=rdflib)
        if kind not in ("ws", "comment"):
            cuts.append((kind, pos, end))
        pos = end
    return cuts


@given(st.one_of(texts, bodies))
@example('?x ?p ex:a\\" . # "')
@example('# c\r"""\nSERVICE"""')
@example('PREFIX x: <http://x/#>\r\nSELECT ?service # c\r\n WHERE { ?s ?p ?o }\r\n')
@example('# c\r\r"""\nSERVICE"""')
@bounded(400)
def test_rdflib_cuts_otherwise_only_where_it_says(text: str) -> None:
    """The check reads a text a second time, rdflib's way, only where rdflib_differs
    says the cut may differ: elsewhere it must not."""
    if not rdflib_differs(text):
        assert _cut(text, rdflib=True) == _cut(text, rdflib=False)


# -- the engines, run for real against a loopback listener -------------------------------


LOOKED_UP: list[str] = []  # host names rdflib asked for that are not loopback's


@pytest.fixture(scope="module")
def listeners() -> Iterator[tuple[Counter, Counter]]:
    _sandbox.never_load_graphs()  # rdflib would fetch a FROM graph; FROM is allowed
    # rdflib reads its endpoint with a greedy regex: a text may make it look up a host
    # name that is no IRI of the text (``127.0.0.1:1>{GRAPH<x@y``). None is looked up:
    # the test's traffic stays on loopback (pyoxigraph's own client only ever sees the
    # IRIs of the text, all on loopback).
    real = socket.getaddrinfo

    def loopback_only(host: Any, *args: Any, **kwargs: Any) -> Any:
        if host not in ("127.0.0.1", "localhost"):
            LOOKED_UP.append(str(host))
            raise socket.gaierror(socket.EAI_NONAME, "not looked up in this test")
        return real(host, *args, **kwargs)

    socket.getaddrinfo = loopback_only  # type: ignore[assignment]
    try:
        with counting_listener() as refused, counting_listener() as allowed:
            yield refused, allowed
    finally:
        socket.getaddrinfo = real


def _spelled(text: str, counter: Counter) -> str:
    root = counter.url.rsplit("/", 1)[0] + "/"
    return (text.replace("$ROOT", root).replace("$URL", counter.url)
            .replace("$PORT", str(counter.port)))


# Two triples in each engine's default graph, so that a pattern before a SERVICE has an
# answer (on an empty graph the engines never evaluate what is joined to it).
_S, _P, _O = "http://x/s", "http://x/p", "http://x/o"
_OX = pyoxigraph.Store()
_OX.add(pyoxigraph.Quad(*(pyoxigraph.NamedNode(n) for n in (_S, _P, _O))))
_OX.add(pyoxigraph.Quad(pyoxigraph.NamedNode(_S), pyoxigraph.NamedNode(_P),
                        pyoxigraph.Literal("1", datatype=pyoxigraph.NamedNode(str(XSD.integer)))))
_RDFLIB = rdflib.Graph(bind_namespaces="none")  # no prefixes of rdflib's own
_RDFLIB.add((rdflib.URIRef(_S), rdflib.URIRef(_P), rdflib.URIRef(_O)))
_RDFLIB.add((rdflib.URIRef(_S), rdflib.URIRef(_P), rdflib.Literal(1)))


def _connections(text: str, *counters: Counter) -> list[int]:
    """How often each listener is reached while pyoxigraph, then rdflib, run the text."""
    before = [c.connections for c in counters]
    with contextlib.suppress(Exception):  # a syntax error, or the listener hanging up
        list(_OX.query(text))
    with contextlib.suppress(Exception):
        list(_RDFLIB.query(text))
    # the listener counts a connection before it hangs up, so before the engine returns
    return [c.connections - b for c, b in zip(counters, before, strict=True)]


def _refused(text: str, allowed: tuple[str, ...] = ()) -> bool:
    try:
        check(text, allowed_services=allowed)
    except (UnsafeQueryError, QuerySyntaxError):
        return True
    return False


# Spellings an engine does fetch through (each is checked to reach the listener, so the
# property above is not vacuous for them), and that the check must refuse.
KNOWN = [
    "SERVICE <$URL> { ?s ?p ?o }",
    "ſERVICE <$URL> { ?s ?p ?o }",  # rdflib upper-cases: a long s is S
    "servıce <$URL> { ?s ?p ?o }",  # and a dotless i is I
    "\\u017FERVICE <$URL> { ?s ?p ?o }",  # rdflib expands, then upper-cases
    "\\u00000053ERVICE <$URL> { ?s ?p ?o }",  # rdflib: \u with eight digits
    "\\U0053ERVICE <$URL> { ?s ?p ?o }",  # rdflib: \U with four
    "?s ?p 1.SERVICE <$URL> { ?s ?p ?o }",  # pyoxigraph: no word boundary
    # rdflib: \" may end a local name, so the '"' opens no string (SPARQL: it does)
    'FILTER(true || :a\\") SERVICE <$URL> { ?s ?p ?o } # "\n',
    # rdflib: '\r' does not end a comment, so the '"""' opens no string (pyoxigraph: it does)
    '# x\r """\n SERVICE <$URL> { ?s ?p ?o } # """\n',
    "# x\r '''\n SERVICE <$URL> { ?s ?p ?o } # '''\n",
]


@pytest.mark.parametrize("body", KNOWN)
def test_known_spellings_fetch_and_are_refused(
    listeners: tuple[Counter, Counter], body: str
) -> None:
    refused, _ = listeners
    text = _spelled(HEAD + body + " }", refused)
    assert sum(_connections(text, refused)) >= 1
    assert _refused(text)


@given(bodies)
@bounded(100)
def test_check_refuses_what_an_engine_would_fetch(
    listeners: tuple[Counter, Counter], body: str
) -> None:
    refused, _ = listeners
    text = _spelled(HEAD + body + " }", refused)
    if sum(_connections(text, refused)):
        assert _refused(text), text


@given(pieces, pieces)
# rdflib fetches the first text that reads as a SERVICE, in a literal too
@example(before='BIND("SERVICE <$URL> {}" AS ?x)', after="")
@example(before="", after='VALUES ?v { "SERVICE <$URL> {}" }')
@example(before="", after="} } SERVICE <$URL> { ?s ?p ?o } BIND('x'")
@bounded(60)
def test_an_allowed_service_fetches_nothing_else(
    listeners: tuple[Counter, Counter], before: str, after: str
) -> None:
    """With one endpoint allowed, no engine may reach another."""
    refused, allowed = listeners
    body = f"{_spelled(before, refused)} SERVICE <{allowed.url}> {{ ?s ?p ?o }} "
    text = _spelled(HEAD, allowed) + body + _spelled(after, refused) + " }"
    elsewhere, _ = _connections(text, refused, allowed)
    if elsewhere:
        assert _refused(text, (allowed.url,)), text


def test_the_listeners_count(listeners: tuple[Counter, Counter]) -> None:
    """The control: each engine does reach the listener through the plain spelling, and
    rdflib through ``ſERVICE`` (so 0 connections elsewhere means 0)."""
    refused, _ = listeners
    text = _spelled(HEAD + "SERVICE <$URL> { ?s ?p ?o } }", refused)
    assert _connections(text, refused) == [2]
    text = _spelled(HEAD + "ſERVICE <$URL> { ?s ?p ?o } }", refused)
    assert _connections(text, refused) == [1]
    assert _refused(text)

