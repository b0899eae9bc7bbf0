"""The library's own queries (queries/library/*.rq): strict headers, bound parameters,
the same rows on every store."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal, URIRef

from g60graph import KnowledgeGraph
from g60graph._errors import EntityNotFoundError, ParameterError, QueryMetadataError
from g60graph.backends import Writable, new_backend
from g60graph.sparql._lexer import strip_comments
from g60graph.sparql._named import Query, library
from named_cases import HANGZHOU, LIBRARY_SAMPLES
from paths import FIXTURES, REPO

LIBRARY = sorted((REPO / "queries" / "library").glob("*.rq"))
UPDATES = [path for path in LIBRARY if library(path.stem).form == "UPDATE"]  # publish-*
QUERIES = [path for path in LIBRARY if path not in UPDATES]
# Queries for data the packaged graph lacks run on the packaged graph plus a fixture:
# those sent to Wikidata on its Wikidata-shaped copy, the manifest one on a manifest.
EXTRA = {"wikidata": FIXTURES / "wikidata" / "items.ttl",
         "publication": FIXTURES / "library" / "publication.trig"}


def _term(term: object) -> str:
    # a blank node's label is the store's own choice (time:Interval nodes in the data)
    return "_:b" if isinstance(term, BNode) else str(term)


def _rows(kg: KnowledgeGraph, name: str, params: dict[str, object]) -> object:
    result = kg.query(library(name), params)
    if result.form == "ASK":
        return result.boolean
    if result.graph is not None:  # CONSTRUCT: its triples
        return sorted(tuple(_term(t) for t in triple) for triple in result.graph)
    return sorted(tuple(_term(t) for t in row) for row in result.rows)


WD = "http://www.wikidata.org/entity/"
# the packaged graph's samples, and the Wikidata-shaped fixture's for the Wikidata queries
SAMPLES: dict[str, object] = {
    **LIBRARY_SAMPLES,
    "item": [WD + "Q4970", WD + "Q42622"],
    "class": [WD + "Q748149"],
    "place": [WD + "Q16967"],
    "name": [Literal("Hangzhou", lang="en"), Literal("苏州市", lang="zh")],
}


def _extra(name: str) -> tuple[Path, ...]:
    return tuple(path for prefix, path in EXTRA.items() if name.startswith(prefix))


def test_the_library_is_there() -> None:
    assert len(LIBRARY) >= 15


_LOADED: dict[tuple[str, tuple[Path, ...]], KnowledgeGraph] = {}


def _store(store: str, extra: tuple[Path, ...]) -> KnowledgeGraph:
    """The packaged graph (plus fixture files) on ``store``, loaded once per module run."""
    if (store, extra) not in _LOADED:
        _LOADED[store, extra] = KnowledgeGraph.load(extra, store=store)
    return _LOADED[store, extra]


@pytest.mark.parametrize("path", QUERIES, ids=lambda p: p.stem)
def test_same_rows_on_every_store(path: Path) -> None:
    query = library(path.stem)
    assert query.title and query.description  # the strict header
    # parameters with defaults run with them; a required one gets a value the graph has
    params = {p.name: SAMPLES[p.name] for p in query.params if p.required}
    extra = _extra(path.stem)
    ours = _rows(_store("oxigraph", extra), path.stem, params)
    assert ours  # each answers something
    assert ours not in ([("0",)], False)  # and not nothing
    assert ours == _rows(_store("memory", extra), path.stem, params)


def test_a_many_parameter_binds_a_values_block_of_typed_terms() -> None:
    text = library("wikidata-candidates").bind(
        {"name": [Literal('a"b', lang="en"), Literal("x"), Literal('a"b', lang="en")]}
    )
    assert 'VALUES ?name { "a\\"b"@en "x" }' in text  # each value once, escaped, typed
    bound = library("wikidata-classes").bind({"item": [WD + "Q1"], "class": [WD + "Q2"]})
    assert f"VALUES ?item {{ <{WD}Q1> }}" in bound and f"VALUES ?class {{ <{WD}Q2> }}" in bound


def test_a_many_parameter_takes_a_list_and_a_single_one_does_not() -> None:
    with pytest.raises(ParameterError, match="'item' takes a list of values"):
        library("wikidata-coordinates").bind({"item": WD + "Q1"})
    with pytest.raises(ParameterError, match="'item' is required"):
        library("wikidata-coordinates").bind({"item": []})
    with pytest.raises(ParameterError, match="'iri' takes one value, not a list"):
        library("mentions").bind({"iri": [HANGZHOU]})
    with pytest.raises(ParameterError, match="not an absolute IRI"):
        library("wikidata-coordinates").bind({"item": ["https://x/a> ?p ?o } UNION { ?s ?p ?o"]})


def test_a_bound_parameter_cannot_change_the_query(kg: KnowledgeGraph) -> None:
    assert kg.resolve("g60r:hangzhou").endswith("/hangzhou")
    with pytest.raises(EntityNotFoundError, match="not a valid IRI"):
        kg.resolve("g60r:x> ?p ?o } UNION { ?s ?p ?o")
    with pytest.raises(ParameterError, match="not an absolute IRI"):
        library("mentions").bind({"iri": "https://x/a> ?p ?o } UNION { ?s ?p ?o"})


# -- the library's updates (g60graph publish by SPARQL Update) --------------------------

EX = "https://example.org/"
XSD = "http://www.w3.org/2001/XMLSchema#"
PUBLISHED = EX + "published"
# a literal that would end a quoted string, one with a language, a typed one, and two
# blank nodes, one the object of another's triple (as the data's time:Interval nodes)
TRIPLES = [
    (URIRef(EX + "a"), URIRef(EX + "says"), Literal('x"\n" } ; DROP ALL #')),
    (URIRef(EX + "a"), URIRef(EX + "name"), Literal("杭州", lang="zh")),
    (URIRef(EX + "a"), URIRef(EX + "n"), Literal("007", datatype=URIRef(XSD + "string"))),
    (URIRef(EX + "a"), URIRef(EX + "during"), BNode("i1")),
    (BNode("i1"), URIRef(EX + "begins"), BNode("t1")),
    (BNode("t1"), URIRef(EX + "date"), Literal("2021-05-25", datatype=URIRef(XSD + "date"))),
]


def _columns(triples: list[tuple[object, object, object]], table: str = "") -> dict[str, object]:
    """A triple table's columns: ``s p o``, or those of publish-replace's blank table."""
    return {table + "s": [t[0] for t in triples], table + "p": [t[1] for t in triples],
            table + "o": [t[2] for t in triples]}


def _published(backend: Writable) -> set[tuple[str, ...]]:
    """The graph's triples, blank nodes named by what they are reached from."""
    found = [(s, p, o) for s, p, o, _ in backend.quads(PUBLISHED)]
    assert len({t for t in found if isinstance(t[0], BNode)}) == 2  # two nodes, not four
    inner = {o for s, _, o in found if isinstance(s, BNode) and isinstance(o, BNode)}
    return {tuple("_:t" if t in inner else "_:i" if isinstance(t, BNode) else str(t)
                  for t in triple) for triple in found}


@pytest.mark.parametrize("path", UPDATES, ids=lambda p: p.stem)
def test_an_update_has_the_strict_header_and_its_table(path: Path) -> None:
    query = library(path.stem)
    assert query.title and query.description
    blank = {"bs": "blank", "bp": "blank", "bo": "blank"} if "replace" in path.stem else {}
    assert {p.name: p.row for p in query.params} == {
        "graph": None, **blank, "s": "triple", "p": "triple", "o": "triple"}


@pytest.mark.parametrize("backend", ["oxigraph", "memory"])
def test_publish_updates_replace_a_graph_on_every_store(backend: str) -> None:
    store = new_backend(backend)
    old = [(URIRef(EX + "old"), URIRef(EX + "p"), Literal("gone"))]
    store.update(library("publish-add").bind({"graph": PUBLISHED, **_columns(old)}))
    blank, plain = TRIPLES[3:], TRIPLES[:3]
    # the update safety check runs in update(), on the bound text
    store.update(library("publish-replace").bind(
        {"graph": PUBLISHED, **_columns(blank, "b"), **_columns(plain[:1])}))
    store.update(library("publish-add").bind({"graph": PUBLISHED, **_columns(plain[1:])}))
    assert _published(store) == {
        (EX + "a", EX + "says", 'x"\n" } ; DROP ALL #'), (EX + "a", EX + "name", "杭州"),
        (EX + "a", EX + "n", "007"), (EX + "a", EX + "during", "_:i"),
        ("_:i", EX + "begins", "_:t"), ("_:t", EX + "date", "2021-05-25"),
    }
    assert ("杭州", "zh") in {(str(o), o.language) for _, _, o, _ in store.quads(PUBLISHED)
                              if isinstance(o, Literal)}
    store.update(library("publish-replace").bind({"graph": PUBLISHED}))  # by nothing
    assert list(store.quads(PUBLISHED)) == []


def test_an_update_writes_terms_in_where_it_has_no_where() -> None:
    text = library("publish-replace").bind(
        {"graph": PUBLISHED, **_columns(TRIPLES[3:5], "b"), **_columns(TRIPLES[:1])})
    assert f"DROP SILENT GRAPH <{PUBLISHED}> ;" in text
    assert (f"INSERT {{ GRAPH <{PUBLISHED}> {{ <{EX}a> <{EX}during> _:i1 .\n"
            f"_:i1 <{EX}begins> _:t1 }} }} WHERE {{ }} ;") in text  # a template: no VALUES
    assert f'INSERT DATA {{ GRAPH <{PUBLISHED}> {{ <{EX}a> <{EX}says> "' in text
    # an INSERT of no rows is left out (Virtuoso refuses an empty one)
    nothing = library("publish-replace").bind({"graph": PUBLISHED})
    assert strip_comments(nothing).split() == ["DROP", "SILENT", "GRAPH", f"<{PUBLISHED}>"]
    no_blank = library("publish-replace").bind({"graph": PUBLISHED, **_columns(TRIPLES[:1])})
    assert "WHERE" not in strip_comments(no_blank) and ";\nINSERT DATA {" in no_blank
    assert not strip_comments(library("publish-add").bind({"graph": PUBLISHED})).strip()


def test_an_update_binds_values_in_each_operation_that_uses_them() -> None:
    query = Query.from_text(
        "#+ title: t\n#+ description: d\n#+ params:\n"
        "#+   g: {type: iri, required: true, description: a graph}\n"
        "#+   s: {type: term, many: true, row: t, description: subjects}\n"
        "#+   o: {type: term, many: true, row: t, description: objects}\n"
        "DELETE { GRAPH ?g { ?x ?y ?z } } WHERE { GRAPH ?g { ?x ?y ?z } } ;\n"
        "INSERT { GRAPH ?g { ?s <https://example.org/p> ?o } }\n"
        "WHERE { FILTER(isIRI(?s) && isLiteral(?o)) }\n"
    )
    text = query.bind({"g": PUBLISHED, "s": [URIRef(EX + "a"), URIRef(EX + "a")],
                       "o": [Literal(1), Literal(1)]})
    first, second = text.split(";")
    assert f"VALUES (?g) {{ (<{PUBLISHED}>) }}" in first and "?s" not in first.split("WHERE")[1]
    assert (f'VALUES (?s ?o) {{ (<{EX}a> "1"^^<{XSD}integer>) }}') in second  # each row once
    with pytest.raises(ParameterError, match="blank node cannot be bound by VALUES"):
        query.bind({"g": PUBLISHED, "s": [BNode("b")], "o": [Literal(1)]})


def test_a_table_takes_columns_of_one_length_and_terms_only() -> None:
    replace = library("publish-replace")
    with pytest.raises(ParameterError, match="same length"):
        replace.bind({"graph": PUBLISHED, "s": [URIRef(EX + "a")], "p": [], "o": []})
    with pytest.raises(ParameterError, match="takes an RDF term"):
        replace.bind({"graph": PUBLISHED, "s": [EX + "a"], "p": [EX + "p"], "o": ["x"]})
    with pytest.raises(ParameterError, match="'graph' is required"):
        replace.bind({})
    with pytest.raises(ParameterError, match="not a valid IRI"):
        replace.bind({"graph": URIRef(EX + "g> { } } ; DROP ALL ; INSERT DATA { GRAPH <x")})
    with pytest.raises(ParameterError, match="not a blank node label"):
        replace.bind({"graph": PUBLISHED, **_columns([(BNode("a } ; DROP ALL"),
                                                       URIRef(EX + "p"), Literal(1))])})
    with pytest.raises(ParameterError, match="takes no blank node"):
        replace.bind({"graph": BNode("g")})
    with pytest.raises(QueryMetadataError, match="row names the table"):
        Query.from_text("#+ title: t\n#+ description: d\n#+ params:\n"
                        "#+   s: {type: term, row: t}\nSELECT ?s WHERE { ?s ?p ?o }\n")
