import re
from collections.abc import Iterator

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from g60graph.sparql import _lexer as sparql_text


def test_keywords_ignore_strings_iris_comments_and_prefixed_names() -> None:
    text = """PREFIX service: <http://example.org/SERVICE/>
    # LOAD <http://evil/> in a comment
    SELECT ?service WHERE { ?s service:drop "DELETE FROM x" . }"""
    words = sparql_text.keywords(text)
    assert {"PREFIX", "SELECT", "WHERE"} <= words
    assert not words & {"SERVICE", "LOAD", "DELETE", "FROM", "DROP"}


def test_keywords_find_real_service() -> None:
    assert "SERVICE" in sparql_text.keywords("SELECT * WHERE { SERVICE <http://x/> { ?s ?p ?o } }")


def test_where_brace_skips_construct_template_and_subqueries() -> None:
    text = "CONSTRUCT { ?s ?p ?o } WHERE { { SELECT ?s WHERE { ?s ?p ?o } } ?s ?p ?o }"
    at = sparql_text.where_brace(text)
    assert at is not None
    assert text[at - 6 : at + 1] == "WHERE {"
    assert text.index("WHERE {") + 6 == at


def test_where_brace_ignores_braces_in_strings() -> None:
    text = 'SELECT ?x WHERE { BIND("}{" AS ?x) }'
    assert sparql_text.where_brace(text) == text.index("{")


def test_no_where() -> None:
    assert sparql_text.where_brace("SELECT * { ?s ?p ?o }") is None


def test_strip_comments_keeps_strings_and_iris() -> None:
    text = 'SELECT ?x # pick ?x\nWHERE { BIND("# not a comment" AS ?x) <http://x/#frag> ?p ?o }'
    assert sparql_text.strip_comments(text) == (
        'SELECT ?x \nWHERE { BIND("# not a comment" AS ?x) <http://x/#frag> ?p ?o }'
    )


def _kinds(text: str) -> list[tuple[str, str]]:
    return [(t.kind, t.text) for t in sparql_text.tokens(text)]


def test_tokens_follow_the_grammar_as_pyoxigraph_reads_it() -> None:
    assert _kinds("1.SERVICE") == [("number", "1"), ("punct", "."), ("word", "SERVICE")]
    assert _kinds("1.5e3x") == [("number", "1.5e3"), ("word", "x")]
    assert _kinds(r"<http://x/\u0041#> ?p") == [("iri", r"<http://x/\u0041#>"), ("var", "?p")]
    assert _kinds(r"ex:a\#b ex:c.") == [("pname", r"ex:a\#b"), ("pname", "ex:c"), ("punct", ".")]
    assert _kinds("# note\rSERVICE") == [("word", "SERVICE")]
    assert _kinds(r"'\'' ?x") == [("string", r"'\''"), ("var", "?x")]
    assert _kinds(r'"\u0022" ?x') == [("string", r'"\u0022"'), ("var", "?x")]


def test_an_iri_value_decodes_codepoint_escapes() -> None:
    (iri,) = sparql_text.tokens(r"<\u0068ttp://x/\U00000041>")
    assert iri.value == "http://x/A"


def test_depth_counts_brackets_outside_literals() -> None:
    assert sparql_text.depth('SELECT * WHERE { { BIND(("((((" ) AS ?x) } }') == 4


def test_a_keyword_glued_to_a_prefixed_name_is_read_as_pyoxigraph_reads_it() -> None:
    """pyoxigraph matches keywords with no word boundary: FROMe:g is FROM e:g there."""
    import pyoxigraph as ox

    store = ox.Store()
    for graph, obj in (("http://e/g", "in-g"), ("http://e/h", "in-h")):
        store.add(ox.Quad(ox.NamedNode("http://e/s"), ox.NamedNode("http://e/p"),
                          ox.Literal(obj), ox.NamedNode(graph)))
    glued = "PREFIX e: <http://e/> SELECT ?o FROMe:g WHERE { ?s ?p ?o }"
    spaced = "PREFIX e: <http://e/> SELECT ?o FROM e:g WHERE { ?s ?p ?o }"
    assert [s["o"].value for s in store.query(glued)] == ["in-g"]  # the engine's reading
    assert [t.text for t in sparql_text.tokens(glued)] == [
        t.text for t in sparql_text.tokens(spaced)
    ]
    assert "FROM" in sparql_text.keywords(glued)
    named = "SELECT * FROM NAMEDe:g WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert [t.text for t in sparql_text.tokens(named)][2:5] == ["FROM", "NAMED", "e:g"]
    assert sparql_text.declared_prefixes("PREFIXe: <http://e/> ASK {}") == {"e": "http://e/"}
    # where a name stands, a name it stays
    brie = "PREFIX fromage: <x:> SELECT * WHERE { ?s ?p fromage:brie }"
    assert "FROM" not in sparql_text.keywords(brie)
    declared = "PREFIX NAMEDe: <x:> SELECT * FROM NAMEDe:g WHERE {}"
    assert "NAMEDe:g" in [t.text for t in sparql_text.tokens(declared)]
    assert [t.text for t in sparql_text.tokens("PREFIX PREFIXe: <x:> ASK {}")][1] == "PREFIXe:"


# DESCRIBE lists, glued keywords, comments between: where the lexer's reading of the
# dataset (FROM or not) differed from pyoxigraph's, the backend answered over the union
# where the engine read a FROM graph (or the other way round).
DESCRIBE_SPELLINGS = [
    "DESCRIBE <urn:a><urn:b> FROM <urn:g>",
    "DESCRIBE <urn:a> <urn:b>FROM<urn:g>",
    "DESCRIBE<urn:a>FROM<urn:g>",
    "PREFIX u: <urn:> DESCRIBE u:a u:b FROMu:g",
    "PREFIX u: <urn:> DESCRIBE FROMu:g",
    "PREFIX u: <urn:> DESCRIBE ?x ?y FROMu:g WHERE { ?x ?p ?o }",
    "PREFIX u: <urn:> DESCRIBE ?x u:a <urn:b> FROMu:g WHERE { ?x ?p ?o }",
    "PREFIX u: <urn:> DESCRIBE $x FROMu:g WHERE { $x ?p ?o }",
    "PREFIX u: <urn:> DESCRIBE*FROMu:g WHERE { ?x ?p ?o }",
    "DESCRIBE*FROM<urn:g>WHERE{?x ?p ?o}",
    "describe*where{?x ?p ?o}",
    "DESCRIBE ?x#c\nFROM<urn:g> WHERE { ?x ?p ?o }",
    "DESCRIBE <urn:a> # FROM <urn:g>\n",
    "DESCRIBE <urn:a> #c\r FROM <urn:g>",
    "PREFIX u: <urn:> DESCRIBE u:a#c\nFROMu:g",
    "PREFIX u: <urn:> DESCRIBE u:a FROM#c\nu:g",
    "PREFIX u: <urn:> DESCRIBE u:a FROM NAMEDu:g",
    "PREFIX u: <urn:> DESCRIBE u:a FROMNAMEDu:g",
    "PREFIX u: <urn:> DESCRIBE u:a FROMu:g FROM NAMEDu:g",
    "PREFIX u: <urn:> PREFIX FROMu: <urn:x:> DESCRIBE FROMu:a",
    "PREFIX u: <urn:> PREFIX FROMu: <urn:x:> DESCRIBE u:a FROMu:a",
    "PREFIX u: <urn:> PREFIX fromu: <urn:x:> DESCRIBE u:a FROMu:a",  # prefixes are
    "PREFIX u: <urn:> PREFIX FROMu: <urn:x:> DESCRIBE u:a fromu:a",  # case-sensitive
    "PREFIX u: <urn:> PREFIX FromU: <urn:x:> DESCRIBE <urn:b> FROMu:g",
    "PREFIX u: <urn:> PREFIX NAMEDu: <urn:x:> DESCRIBE u:a FROM namedu:g",
    "PREFIX u: <urn:> PREFIX FROMNAMEDu: <urn:x:> DESCRIBE u:a FROMNAMEDu:a",
    "PREFIX u: <urn:> DESCRIBE u:aFROM<urn:g>",
    "DESCRIBE ?xFROM<urn:g> WHERE {?xFROM ?p ?o}",
    "PREFIX u: <urn:> DESCRIBE u:a FROMu:g LIMIT 1",
    "PREFIX : <urn:> DESCRIBE :a :b FROM:g",
    "prefix u: <urn:> describe u:a fromu:g",
    "PREFIX u: <urn:> DESCRIBE ?s FROM NAMEDu:g WHERE { GRAPH ?g { ?s ?p ?o } }",
]


@pytest.mark.parametrize("text", DESCRIBE_SPELLINGS)
def test_describe_lists_read_their_dataset_as_pyoxigraph_does(text: str) -> None:
    """The backend (union default graph unless the text names its dataset) answers as
    bare pyoxigraph does on a copy whose default graph holds that union."""
    import pyoxigraph as ox

    from g60graph._errors import QuerySyntaxError
    from g60graph.backends._oxigraph import OxigraphBackend

    ours, reference = ox.Store(), ox.Store()
    for subject, graph in (("urn:a", "urn:g"), ("urn:b", "urn:g"), ("urn:x:a", "urn:h")):
        triple = (ox.NamedNode(subject), ox.NamedNode("urn:p"), ox.Literal(graph))
        for store in (ours, reference):
            store.add(ox.Quad(*triple, ox.NamedNode(graph)))
        reference.add(ox.Quad(*triple, ox.DefaultGraph()))
    try:
        expected = sorted(str(t) for t in reference.query(text))
    except SyntaxError:
        with pytest.raises(QuerySyntaxError):
            OxigraphBackend(ours).execute(text)
        return
    graph = OxigraphBackend(ours).execute(text).graph
    assert graph is not None
    assert sorted(f"<{s}> <{p}> {o.n3()}" for s, p, o in graph) == expected


@pytest.mark.parametrize(("text", "distinct"), [
    ("SELECT DISTINCT ?s WHERE { ?s ?p ?o }", True),
    ("PREFIX ex: <http://x/> # SELECT ?a\nselect  distinct ?s {}", True),
    ("SELECT # a comment\n DISTINCT ?s {}", True),
    ("SELECT ?s WHERE { { SELECT DISTINCT ?s { ?s ?p ?o } } }", False),
    ("SELECT REDUCED ?s {}", False),
    ("ASK { ?s ?p 'SELECT DISTINCT' }", False),
])
def test_selects_distinct_reads_the_first_select(text: str, distinct: bool) -> None:
    assert sparql_text.selects_distinct(text) is distinct


# Pieces of names and their neighbours, and characters beyond ASCII on both sides of
# each border the name classes draw: in PN_CHARS_BASE (é, 松, 𐀀), only in PN_CHARS
# (·, a combining accent, ‿), in neither (×, an en quad, ←, a private-use character).
_WIDE = ["é", "松", "\U00010000", "·", "\u0301", "\u203f", "×", "\u2000", "←", "\ue000"]
_NAME_PIECES = ["a", "Z", "_", "0", "-", ".", ":", "?", "$", "_:", "ex:", "@en", "#", "\n",
                " ", '"', "'", "<", ">", "\\#", "%23", "1.5", "e"]


@settings(derandomize=True, database=None, deadline=None, max_examples=3000)
@given(st.lists(st.sampled_from(_NAME_PIECES + _WIDE), max_size=14).map("".join))
def test_the_ascii_pattern_reads_every_text_as_the_full_pattern(text: str) -> None:
    """The lexer reads with a pattern whose name classes hold ASCII only (it compiles in
    a fraction of the time), falling back to the full one where a wide character stands
    in a name: the tokens must be those of the full pattern, for any text."""
    def spans(matches: Iterator[re.Match[str]]) -> list[tuple[str | None, str, int]]:
        return [(m.lastgroup, m.group(), m.start()) for m in matches]

    assert spans(sparql_text._token_matches(text)) == spans(
        sparql_text._token_re(False).finditer(text))


@settings(derandomize=True, database=None, deadline=None, max_examples=3000)
@given(st.lists(st.sampled_from(_NAME_PIECES + _WIDE), min_size=1, max_size=14).map("".join),
       st.integers(min_value=0, max_value=40), st.booleans())
def test_a_token_read_anywhere_is_the_full_patterns(text: str, pos: int, rdflib: bool) -> None:
    """``token_at``, which the safety check calls from any position, in both readings."""
    pos = min(pos, len(text) - 1)
    full = sparql_text._token_re(False, rdflib).match(text, pos)
    assert full is not None
    assert sparql_text.token_at(text, pos, rdflib=rdflib) == (full.lastgroup, full.end())


@pytest.mark.parametrize(("text", "limit"), [
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 10", 10),
    ("SELECT * WHERE { ?s ?p ?o } ORDER BY ?s OFFSET 5 limit 3", 3),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT 3 OFFSET 5 VALUES ?s { <urn:a> }", 3),
    ("SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 2 } ?s ?q ?r }", None),
    ('SELECT * WHERE { ?s ?p "LIMIT 2" } # LIMIT 3', None),
    ("SELECT * WHERE { ?s ?p ?o }", None),
    ("SELECT * WHERE { ?s ?p ?o } LIMIT", None),
])
def test_top_limit_is_the_querys_own(text: str, limit: int | None) -> None:
    assert sparql_text.top_limit(text) == limit
    assert sparql_text.top_limit(text, list(sparql_text.tokens(text))) == limit


_PROLOGUE_PIECES = ["SELECT", "select", "ASK", "CONSTRUCT", "DESCRIBE", "DESCRIBEex:a", "ASKex:",
                    "PREFIX", "prefix", "PREFIXex:", "ex:", "g60:", "<urn:x>", "<u\\u0041>",
                    "INSERT", "DATA", "{", "}", "?s", "*", "# SELECT", '"ASK"', "\n", " ", "",
                    "\\u0041SK", "S\u0130LECT", "ß"]


@settings(derandomize=True, database=None, deadline=None, max_examples=3000)
@given(st.lists(st.sampled_from(_PROLOGUE_PIECES + _WIDE), max_size=10).map(" ".join),
       st.lists(st.sampled_from(_PROLOGUE_PIECES + _NAME_PIECES + _WIDE), max_size=8).map("".join))
def test_the_query_form_read_from_the_prologue_is_the_whole_texts(spaced: str, glued: str
                                                                  ) -> None:
    """The server asks every request's form and reads only up to its keyword: that
    must give what reading the whole text as ``tokens`` does."""
    for text in (spaced, glued, spaced + glued):
        assert sparql_text.query_form(text) == sparql_text._query_form_read_whole(text)


@settings(derandomize=True, database=None, deadline=None, max_examples=3000)
@given(st.lists(st.sampled_from(_PROLOGUE_PIECES + _WIDE), max_size=10).map(" ".join),
       st.lists(st.sampled_from(_PROLOGUE_PIECES + _NAME_PIECES + _WIDE), max_size=8).map("".join))
def test_declared_prefixes_are_read_as_the_full_pattern_reads_them(spaced: str, glued: str
                                                                     ) -> None:
    """Every PREFIX declaration (and PREFIXex: glued, as pyoxigraph reads it), found
    with the full pattern's tokens, three in a row."""
    for text in (spaced, glued, spaced + glued):
        toks = [("ws", "")] + [(m.lastgroup, m.group())
                               for m in sparql_text._token_re(False).finditer(text)
                               if m.lastgroup not in ("ws", "comment")]
        expected = {}
        for first, name, iri in zip(toks, toks[1:], toks[2:], strict=False):
            if name[0] != "pname" or not name[1].endswith(":") or iri[0] != "iri":
                continue
            if first[0] == "word" and first[1].upper() == "PREFIX":
                expected[name[1][:-1]] = sparql_text.unescape(iri[1][1:-1])
            elif name[1][:6].upper() == "PREFIX":
                expected[name[1][6:-1]] = sparql_text.unescape(iri[1][1:-1])
        assert sparql_text.declared_prefixes(text) == expected


def _renamed_by_tokens(text: str) -> str:
    """The text with each variable token renamed ?0, ?1, ... (by its name), the rest as is."""
    names: dict[str, str] = {}
    return "".join(names.setdefault(m.group()[1:], f"?{len(names)}") if m.lastgroup == "var"
                   else m.group() for m in sparql_text._token_matches(text))


@settings(derandomize=True, database=None, deadline=None, max_examples=3000)
@given(st.lists(st.sampled_from([*_NAME_PIECES, "'''", '"""', "\\?", "\\'", "$x", "?x", "?y",
                                 "1ex:", "a:b", "<a#?x>", "'?x'", "#?x\n", "\r", "e:\\?x"]),
                max_size=16).map("".join))
def test_variables_are_renamed_where_the_tokens_are_variables(text: str) -> None:
    """The server remembers a query's cost by its text with the variables renamed, read
    by one pattern instead of the tokens: it must rename exactly the variable tokens (a
    '?' in a string, IRI or comment is none); a text with a backslash (an escaped '?'
    in a prefixed name) or beyond ASCII is left to the tokens."""
    if "\\" in text or not text.isascii():
        assert sparql_text.variables_renamed(text) is None
    else:
        assert sparql_text.variables_renamed(text) == _renamed_by_tokens(text)


def test_a_text_beyond_ascii_is_left_to_the_tokens() -> None:
    assert sparql_text.variables_renamed("SELECT ?é WHERE {}") is None
    assert sparql_text.variables_renamed("SELECT * { ?s ex:a\\?b ?o }") is None
    assert sparql_text.variables_renamed("SELECT ?a ?b ?a") == "SELECT ?0 ?1 ?0"


_GROUPS = ["?s ?p ?o .", "<urn:a#b> ?p ?o .", "{ SELECT ?s WHERE { ?s ?p ?o } LIMIT 2 }",
           "FILTER(?s != <urn:x#LIMIT>)", "# } LIMIT 5\n", "?s ?p 'x } LIMIT 3' .",
           "?s <urn:p> ?o # <urn:c> } LIMIT 6\n"]
_TAILS = ["", " LIMIT 4", "LIMIT 4  \n", " limit\n9", " LIMIT 4 # x", " # LIMIT 6",
          " # <urn:a> LIMIT 6", "\n# x\nLIMIT 7", " ORDER BY ?s LIMIT 3", " LIMIT 3 OFFSET 1",
          " OFFSET 1 LIMIT 3", " LIMIT 2 VALUES ?s { <urn:a#b> }", " VALUES ?s { <urn:a> } LIMIT 2",
          " LIMIT 3 # <urn:a#b> LIMIT 8", "LIMIT 1 LIMIT 2", " LIMIT", " LIMIT 03"]


def test_the_limit_read_at_the_end_is_the_tokens_for_every_text_the_engine_accepts() -> None:
    """``top_limit`` reads a LIMIT at the end of a text with no strings without the
    tokens; for every text pyoxigraph accepts, that must be the tokens' answer."""
    import itertools

    import pyoxigraph

    store = pyoxigraph.Store()
    accepted = shortcut = 0
    for first, second, tail in itertools.product(_GROUPS, _GROUPS, _TAILS):
        text = f"SELECT * WHERE {{ {first}\n{second} }}{tail}"
        try:
            store.query(text)
        except SyntaxError:
            continue
        accepted += 1
        read = sparql_text._end_limit(text)
        shortcut += read is not None
        by_tokens = sparql_text._top_limit_read(list(sparql_text.tokens(text)))
        assert read is None or read == by_tokens, text
        assert sparql_text.top_limit(text) == by_tokens, text
    assert accepted > 300 and shortcut > 50  # the premise: both paths were taken


def test_lazy_tokens_are_read_once_when_first_needed() -> None:
    lazy = sparql_text.LazyTokens("SELECT ?s { ?s ?p ?o }")
    assert lazy._read is None
    assert [t.text for t in lazy][:2] == ["SELECT", "?s"]
    assert len(lazy) == 7 and lazy[-1].text == "}" and lazy._read is not None
