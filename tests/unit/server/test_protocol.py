"""The protocol layer in process: reading requests, negotiating formats, mapping IRIs."""

from __future__ import annotations

from urllib.parse import parse_qsl, quote, quote_plus

import pytest
from hypothesis import example, given, settings
from hypothesis import strategies as st

from g60graph.render._pages import Links
from g60graph.server._jobs import _cacheable, query_shape
from g60graph.server._protocol import (
    ProtocolError,
    choose_format,
    form_pairs,
    parse_operation,
    prefers_html,
    ranked,
    with_base,
)
from g60graph.server._settings import Settings
from g60graph.sparql._lexer import LazyTokens, query_form, tokens


def test_three_ways_to_send_a_query() -> None:
    get = parse_operation("GET", "query=ASK%7B%7D&default-graph-uri=urn:g", "", b"")
    assert (get.kind, get.text, get.default_graphs) == ("query", "ASK{}", ["urn:g"])
    form = parse_operation(
        "POST", "", "application/x-www-form-urlencoded; charset=UTF-8", b"query=ASK+%7B%7D"
    )
    assert (form.kind, form.text) == ("query", "ASK {}")
    direct = parse_operation(
        "POST", "named-graph-uri=urn:n", "application/sparql-query", "ASK { '松江' }".encode()
    )
    assert (direct.text, direct.named_graphs) == ("ASK { '松江' }", ["urn:n"])
    update = parse_operation("POST", "", "application/sparql-update", b"CLEAR ALL")
    assert (update.kind, update.text) == ("update", "CLEAR ALL")
    assert parse_operation("GET", "", "", b"").kind == "none"


# Form texts as clients send them (escaped, with '+', '&', '=') and as strangers might:
# stray or short escapes, backslashes, escapes of bytes that are no UTF-8, wide text.
_FORM_PIECES = st.one_of(
    st.text(max_size=12).map(quote_plus),
    st.text(max_size=12).map(quote),
    st.binary(max_size=6).map(lambda raw: "".join(f"%{byte:02x}" for byte in raw)),
    st.sampled_from(["%", "%4", "%zz", "%%41", "\\", "\\x41", "\\%41", "+", "&", "=", "&&"]),
    st.text(max_size=4),
)


@settings(max_examples=2000, deadline=None)
@given(st.lists(_FORM_PIECES, max_size=10).map("".join))
@example("query=SELECT+%3Fs+%7B+%3Fs+%3Fp+%22%E6%9D%BE%E6%B1%9F%22+%7D&format=json")
@example("a=%E6%9D%BE%E6&b=%ZZ%E6%9D%BE")
def test_form_pairs_are_what_parse_qsl_reads(text: str) -> None:
    assert form_pairs(text) == parse_qsl(text, keep_blank_values=True)


@pytest.mark.parametrize(
    ("method", "query", "ctype", "body", "status"),
    [
        ("POST", "", "text/plain", b"ASK {}", 415),
        ("GET", "query=a&query=b", "", b"", 400),
        ("GET", "query=", "", b"", 400),
        ("GET", "update=CLEAR+ALL", "", b"", 400),
        ("POST", "", "application/x-www-form-urlencoded", b"query=a&update=b", 400),
        ("POST", "", "application/sparql-query", b"\xff\xfe", 400),
    ],
)
def test_protocol_errors(method: str, query: str, ctype: str, body: bytes, status: int) -> None:
    with pytest.raises(ProtocolError) as caught:
        parse_operation(method, query, ctype, body)
    assert caught.value.status == status


def test_query_form_ignores_comments_strings_and_iris() -> None:
    assert (
        query_form("# SELECT\nPREFIX ask: <http://e/select#> CONSTRUCT {} WHERE {}") == "CONSTRUCT"
    )
    assert query_form("DESCRIBE <http://e/x>") == "DESCRIBE"
    assert query_form("INSERT DATA { <a:b> <a:c> 'SELECT' }") == "UPDATE"


def test_accept_ranking() -> None:
    assert ranked("text/*;q=0.5, text/csv;q=0.5, */*;q=0.1, x/y;q=0") == [
        "text/csv",
        "text/*",
        "*/*",
    ]


@pytest.mark.parametrize(
    ("form", "accept", "params", "expected"),
    [
        ("SELECT", "", {}, "json"),
        ("SELECT", "*/*", {}, "json"),
        ("SELECT", "application/sparql-results+xml", {}, "xml"),
        ("SELECT", "text/*", {}, "csv"),
        ("SELECT", "application/json", {}, "json"),
        ("SELECT", "image/png", {}, None),
        ("SELECT", "image/png", {"format": ["tsv"]}, "tsv"),
        ("SELECT", "", {"output": ["text/csv"]}, "csv"),
        ("ASK", "text/tab-separated-values", {}, "tsv"),
        ("CONSTRUCT", "", {}, "ttl"),
        ("CONSTRUCT", "application/ld+json", {}, "jsonld"),
        ("DESCRIBE", "application/rdf+xml;q=0.9, text/turtle", {}, "ttl"),
        ("CONSTRUCT", "", {"format": ["xml"]}, "xml"),
        ("CONSTRUCT", "application/sparql-results+json", {}, None),
    ],
)
def test_choose_format(
    form: str, accept: str, params: dict[str, list[str]], expected: str | None
) -> None:
    assert choose_format(form, accept, params) == expected


def test_browsers_are_told_apart() -> None:
    assert prefers_html("text/html,application/xhtml+xml,application/xml;q=0.9,*/*;q=0.8")
    assert not prefers_html("text/turtle, text/html;q=0.5")
    assert not prefers_html("*/*")


def test_the_base_iri_maps_onto_local_paths() -> None:
    settings = Settings(base_iri="http://example.org/kg")
    links = Links(settings.id_base, settings.def_base)
    assert links.local("http://example.org/kg/id/hangzhou") == "/id/hangzhou"
    assert links.local("http://example.org/kg/def#City") == "/def#City"
    assert links.local("http://example.org/kg/def") == "/def"
    assert links.local("http://example.org/kg/id/") is None
    assert links.local("https://www.wikidata.org/wiki/Q1") is None


@pytest.mark.parametrize(("text", "based"), [
    ("SELECT * { <http://x/a> ?p ?o }", False),
    ("SELECT * { <a> ?p ?o }", True),
    ("SELECT * { ?s ?p ?o FILTER(?o < 3) }", False),  # a comparison, no IRI
    ("SELECT * { ?s ?p ?o FILTER(?o <?b>) }", True),  # <?b> reads as a relative IRI
    ("SELECT * { ?s ?p '<a>' }", False),
    ("BASE <http://x/> SELECT * { <a> ?p ?o }", False),
    ("SELECT * { ?s ?p ?o } # <a>", False),
    ("SELECT * { <http://x/a> ?p <b> }", True),
])
def test_the_base_goes_in_front_only_of_relative_iris(text: str, based: bool) -> None:
    """The shortcut (every '<' opens an absolute IRI) and the tokens agree."""
    expected = f"BASE <http://h/sparql> {text}" if based else text
    assert with_base(text, "http://h/sparql") == expected
    assert with_base(text, "http://h/sparql", list(tokens(text))) == expected


def test_answers_of_per_run_functions_are_not_kept() -> None:
    for text, kept in [("SELECT (NOW() AS ?t) {}", False), ("SELECT ?now { ?now ?p ?o }", True),
                       ("SELECT * { ?s ?p 'RAND' }", True), ("SELECT (rand() AS ?r) {}", False)]:
        assert _cacheable(text, LazyTokens(text)) is kept, text


def test_a_query_shape_is_its_text_with_variables_renamed() -> None:
    a = query_shape("SELECT ?a { ?a ?p 'x' }", "base", "json")
    assert a == query_shape("SELECT ?b { ?b ?p 'x' }", "base", "json")
    assert a.inline and a.tokens is None  # read by one pattern, no tokens
    assert a != query_shape("SELECT ?a { ?a ?p 'y' }", "base", "json")
    assert a != query_shape("SELECT ?a { ?a ?p 'x' }", "base", "xml")
    assert a != query_shape("SELECT ?a { ?b ?p 'x' }", "base", "json")  # no join: other work
    wide = query_shape("SELECT ?é { ?é ?p 'x' }", "base", "json")  # beyond ASCII: the tokens
    assert wide.key == query_shape("SELECT ?ü { ?ü ?p 'x' }", "base", "json").key
    assert wide.tokens
    assert not query_shape("SELECT * { SERVICE <http://x/> { ?s ?p ?o } }").inline
