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
