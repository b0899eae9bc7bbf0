from __future__ import annotations

import pytest

from g60graph import KnowledgeGraph
from g60graph._errors import QuerySyntaxError, UnsafeQueryError
from g60graph.sparql._safety import check


@pytest.mark.parametrize(
    ("text", "problem"),
    [
        ("SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }", "SERVICE"),
        ("SELECT * WHERE { SERVICE SILENT <http://127.0.0.1:9/> { ?s ?p ?o } }", "SERVICE"),
        ("LOAD <http://127.0.0.1:9/data.ttl>", "updates are not allowed"),
        ("DROP ALL", "updates are not allowed"),
        ("INSERT DATA { <urn:a> <urn:b> <urn:c> }", "updates are not allowed"),
        ("DELETE WHERE { ?s ?p ?o }", "updates are not allowed"),
    ],
)
def test_fetching_or_writing_queries_are_refused(
    any_kg: KnowledgeGraph, text: str, problem: str
) -> None:
    before = len(any_kg.dataset)
    with pytest.raises(UnsafeQueryError, match=problem):
        any_kg.query(text)
    assert len(any_kg.dataset) == before


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * FROM <http://127.0.0.1:9/data.ttl> WHERE { ?s ?p ?o }",
        "SELECT * FROM NAMED <http://127.0.0.1:9/x> WHERE { GRAPH ?g { ?s ?p ?o } }",
        "BASE <http://127.0.0.1:9/> SELECT * FROM <data.ttl> WHERE { ?s ?p ?o }",
    ],
)
def test_a_graph_the_dataset_lacks_is_empty(any_kg: KnowledgeGraph, text: str) -> None:
    # Never fetched (port 9 is discard: a fetch would fail loudly), just empty.
    assert any_kg.query(text).rows == []


def _a_graph_with_triples(kg: KnowledgeGraph) -> str:
    """A named graph that holds triples (whichever the packaged data has)."""
    return next(g for g in kg.graph_names()
                if kg.query(f"ASK {{ GRAPH <{g}> {{ ?s ?p ?o }} }}").boolean)


def test_relative_from_resolves_against_base(any_kg: KnowledgeGraph) -> None:
    graph = _a_graph_with_triples(any_kg)
    base, _, name = graph.rpartition("/")
    text = f"BASE <{base}/> SELECT (COUNT(*) AS ?n) FROM <{name}> WHERE {{ ?s ?p ?o }}"
    assert int(str(any_kg.query(text).rows[0][0])) > 0


def test_allowed_service_passes_the_check() -> None:
    check("SELECT * WHERE { SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }",
          allowed_services={"https://query.wikidata.org/sparql"})


def test_from_a_local_graph_selects_that_graph(any_kg: KnowledgeGraph) -> None:
    graph = _a_graph_with_triples(any_kg)
    rows = any_kg.query(f"SELECT (COUNT(*) AS ?n) FROM <{graph}> WHERE {{ ?s ?p ?o }}").rows
    in_graph = any_kg.query(f"SELECT (COUNT(*) AS ?n) WHERE {{ GRAPH <{graph}> {{ ?s ?p ?o }} }}")
    assert int(str(rows[0][0])) == int(str(in_graph.rows[0][0])) > 0
    assert int(str(rows[0][0])) < len(any_kg.dataset)  # the one graph, not the union


def test_keywords_in_literals_do_not_trip_the_check(kg: KnowledgeGraph) -> None:
    result = kg.query('SELECT ?x WHERE { BIND("SERVICE LOAD DROP ALL" AS ?x) }')
    assert str(result.rows[0][0]) == "SERVICE LOAD DROP ALL"


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_syntax_errors_name_line_and_column(store: str, kg: KnowledgeGraph) -> None:
    graph = kg if store == "oxigraph" else KnowledgeGraph.load(store="memory")
    with pytest.raises(QuerySyntaxError, match=r"line 2, column \d+"):
        graph.query("SELECT ?s\nWHERE { ?s ?p }")


@pytest.mark.parametrize("function", ["RAND()", "NOW()", "UUID()", "STRUUID()", "BNODE()"])
def test_updates_with_per_worker_values_are_refused(function: str) -> None:
    from g60graph.sparql._safety import check_update

    text = f"INSERT {{ <urn:x:a> <urn:x:b> ?v }} WHERE {{ BIND({function} AS ?v) }}"
    with pytest.raises(UnsafeQueryError, match="workers would disagree"):
        check_update(text)
    check_update('INSERT DATA { <urn:x:a> <urn:x:b> "RAND()" }')  # in a literal: fine


def test_depth_is_bounded_before_any_parse() -> None:
    with pytest.raises(QuerySyntaxError, match="too deeply nested"):
        check("SELECT * WHERE { BIND(" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) }")
    check("SELECT * WHERE { BIND(" + "(" * 30 + "1" + ")" * 30 + " AS ?x) }")


@pytest.mark.parametrize(
    "text",
    [
        "SELECT * WHERE { ?s <http://x/a#b> ?o FILTER(?o < 3) }",
        'SELECT * WHERE { VALUES (?a ?b) { (<http://x/#1> <http://x/#2>) } }',
        "PREFIX ex: <http://example.org/> SELECT * WHERE { ex:a\\#b ?p ex:from }",
        "SELECT ?service ?from WHERE { ?service ?p ?from }",
        'SELECT * WHERE { BIND("SERVICE <http://x/> {}" AS ?x) } # SERVICE <http://x/>',
    ],
)
def test_ordinary_queries_pass(text: str) -> None:
    check(text)


def test_the_shortcut_rests_on_upper_casing_each_character_alone() -> None:
    # A text whose upper-cased form holds no suspect word skips the token-by-token
    # reading: sound only if upper() of a token is a piece of upper() of the text.
    text = "".join(chr(c) for c in range(0x110000) if not 0xD800 <= c < 0xE000)
    assert "".join(ch.upper() for ch in text) == text.upper()


def test_the_shortcut_skips_only_texts_without_a_suspect_word(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from g60graph.sparql import _safety

    read: list[str] = []
    real = _safety._suspects
    monkeypatch.setattr(_safety, "_suspects",
                        lambda text, **how: read.append(text) or real(text, **how))
    check("SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }")
    assert read == []
    with pytest.raises(UnsafeQueryError, match="SERVICE"):  # spelled in other cases
        check("SELECT * WHERE { sErViCe <http://127.0.0.1:9/> { ?s ?p ?o } }")
    with pytest.raises(UnsafeQueryError, match="SERVICE"):  # only rdflib's reading has it
        check("SELECT * WHERE { \\u0053ERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }")
    assert len(read) == 2
