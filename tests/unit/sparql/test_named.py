from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox
import pytest
from rdflib import Literal, URIRef
from rdflib.plugins.sparql.parser import parseQuery

from g60graph import KnowledgeGraph, Query
from g60graph._errors import ParameterError, QueryMetadataError, UnknownQueryError
from g60graph.sparql._named import THEMES, VIEWS, catalogue, get

HEADER = """#+ title: Echo
#+ description: Returns its parameter.
#+ params:
#+   v: {type: string, required: true}
"""
ECHO = HEADER + "SELECT ?x WHERE { BIND(?v AS ?x) }\n"


def test_catalogue_has_at_least_15_documented_queries() -> None:
    queries = catalogue()
    assert len(queries) >= 15
    for query in queries.values():
        assert query.title and query.description, query.name
        assert query.view in VIEWS


@pytest.mark.parametrize("name", sorted(catalogue()))
def test_named_query_is_standalone_valid_sparql(name: str) -> None:
    """Each file parses on its own: every prefix declared, no store defaults needed."""
    query = get(name)
    parseQuery(query.text)  # rdflib's grammar
    if "federated" not in query.tags:  # evaluating SERVICE would try the network
        ox.Store().query(query.text)  # Oxigraph's grammar, no predeclared prefixes


def test_unknown_query_suggests_close_names() -> None:
    with pytest.raises(UnknownQueryError, match="did you mean cities"):
        get("citys")


@pytest.mark.parametrize(
    ("header", "problem"),
    [
        ("#+ title: [unclosed\n", "not valid YAML"),
        ("#+ title: T\n#+ description: D\n#+ colour: red\n", "unknown header keys: colour"),
        ("#+ description: D\n", "non-empty 'title'"),
        ("#+ title: T\n#+ description: D\n#+ view: pie\n", "view must be one of"),
        ("#+ title: T\n#+ description: D\n#+ theme: sports\n", "theme must be one of"),
        ("#+ title: T\n#+ description: D\n#+ params:\n#+   x: {type: colour}\n", "type must be"),
        ("#+ title: T\n#+ description: D\n#+ params:\n#+   y: {type: string}\n", r"never uses \?y"),
        ("#+ title: T\n#+ description: D\n#+ params:\n#+   x: {type: integer, default: ten}\n",
         "not a valid integer"),
        ("#+ title: T\n#+ description: D\n#+ params:\n#+   x: {type: string, nullable: 1}\n",
         "unknown keys: nullable"),
        ("#+ title: T\n#+ title@fr: Tf\n#+ description: D\n", "unknown header keys: title@fr"),
        ("#+ title: T\n#+ title@zh: ''\n#+ description: D\n", "'title@zh' must be non-empty"),
        ("#+ title: T\n#+ description: D\n#+ description@zh: [1]\n",
         "'description@zh' must be non-empty"),
    ],
)
def test_bad_metadata_is_an_error(header: str, problem: str) -> None:
    with pytest.raises((QueryMetadataError, ParameterError), match=problem):
        Query.from_text(header + "SELECT ?x WHERE { ?x ?p ?o }\n", name="bad")


def test_every_named_query_has_a_theme_and_a_header_without_one_is_other() -> None:
    assert {q.theme for q in catalogue().values()} <= set(THEMES) - {"other"}
    assert Query.from_text("#+ title: T\n#+ description: D\nASK {}\n").theme == "other"
    assert Query.from_text("#+ title: T\n#+ description: D\n#+ theme: events\nASK {}\n").info()[
        "theme"
    ] == "events"


def test_chinese_title_and_description() -> None:
    """title@zh / description@zh: folded lines join without spaces in Chinese text."""
    q = Query.from_text(
        "#+ title: Cities\n#+ title@zh: 走廊城市\n#+ description: Each city.\n"
        "#+ description@zh: >\n#+   每个城市，\n#+   及其 IRI 和\n#+   坐标。\nASK {}\n"
    )
    assert (q.title_in("zh"), q.description_in("zh")) == ("走廊城市", "每个城市，及其 IRI 和坐标。")
    assert (q.title_in("en"), q.description_in("en")) == ("Cities", "Each city.")
    assert q.info()["title_zh"] == "走廊城市"
    plain = Query.from_text("#+ title: T\n#+ description: D\nASK {}\n")
    assert (plain.title_in("zh"), plain.description_in("zh")) == ("T", "D")  # English stands in


def test_every_packaged_query_has_a_chinese_title_and_description() -> None:
    for query in catalogue().values():
        assert query.title_zh and query.description_zh, query.name
        assert query.title_zh != query.title, query.name
        assert any("\u4e00" <= c <= "\u9fff" for c in query.title_zh), query.name


def test_header_is_read() -> None:
    q = Query.from_text(ECHO, name="echo")
    assert (q.title, q.form, [p.name for p in q.params]) == ("Echo", "SELECT", ["v"])
    assert q.params[0].required


@pytest.mark.parametrize(
    "hostile",
    ['"', "'", '"} ; DROP ALL ; {"', "} ; DROP ALL ; {", '\\"', "x\" } } SELECT * { ?s ?p ?o",
     "line\nbreak", "<http://evil/>", "'''", '"""'],
)
def test_hostile_values_stay_one_literal(kg: KnowledgeGraph, hostile: str) -> None:
    before = len(kg.dataset)
    result = kg.query(Query.from_text(ECHO, name="echo"), {"v": hostile})
    assert result.vars == ["x"]
    assert result.rows == [(Literal(hostile),)]
    assert len(kg.dataset) == before


def test_bound_query_keeps_its_shape() -> None:
    query = Query.from_text(ECHO, name="echo")
    bound = query.bind({"v": "} ; DROP ALL ; {"})
    tree = parseQuery(bound)
    assert bound.count("VALUES") == 1
    assert str(tree).count("InlineData") == 1
    assert query.bind({"v": "plain"}).replace('"plain"', "X") == bound.replace(
        Literal("} ; DROP ALL ; {").n3(), "X"
    )


@pytest.mark.parametrize("bad_iri", ["http://example.org/a b", "not an iri", "http://x/>{", ""])
def test_bad_iri_parameters_are_refused(bad_iri: str) -> None:
    q = Query.from_text(
        "#+ title: T\n#+ description: D\n#+ params:\n#+   e: {type: iri, required: true}\n"
        "SELECT ?p WHERE { ?e ?p ?o }\n"
    )
    with pytest.raises(ParameterError, match="'e'"):
        q.bind({"e": bad_iri})


def test_typed_terms() -> None:
    q = Query.from_text(
        "#+ title: T\n#+ description: D\n#+ params:\n"
        "#+   n: {type: integer}\n#+   d: {type: date}\n#+   i: {type: iri}\n"
        "SELECT ?n ?d ?i WHERE { BIND(1 AS ?one) }\n"
    )
    bound = q.bind({"n": "7", "d": "2018-06-01", "i": "g60r:hangzhou"})
    assert '"7"^^<http://www.w3.org/2001/XMLSchema#integer>' in bound or " 7 " in bound
    assert "2018-06-01" in bound
    assert "<https://w3id.org/g60graph/id/hangzhou>" in bound
    with pytest.raises(ParameterError, match="'n' \\(integer\\)"):
        q.bind({"n": "seven"})
    with pytest.raises(ParameterError, match="unknown parameter colour"):
        q.bind({"colour": "red"})


def test_missing_required_parameter(kg: KnowledgeGraph) -> None:
    with pytest.raises(ParameterError, match="'v' is required"):
        kg.query(Query.from_text(ECHO, name="echo"))


def test_from_file(tmp_path: Path) -> None:
    path = tmp_path / "mine.rq"
    path.write_text(ECHO, encoding="utf-8")
    q = Query.from_file(path)
    assert q.name == "mine" and q.path == path
    assert URIRef("x") != q  # a Query is a plain value object
