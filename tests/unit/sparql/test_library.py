"""The library's own queries (queries/library/*.rq): strict headers, bound parameters,
the same rows on every store."""

from __future__ import annotations

from pathlib import Path

import pytest
from rdflib import BNode, Literal

from g60graph import KnowledgeGraph
from g60graph._errors import EntityNotFoundError, ParameterError
from g60graph.sparql._named import library
from paths import FIXTURES, REPO

LIBRARY = sorted((REPO / "queries" / "library").glob("*.rq"))
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


HANGZHOU = "https://w3id.org/g60graph/id/hangzhou"
WD = "http://www.wikidata.org/entity/"
# a value for each required parameter, one the graph has (a list for a ``many`` one)
SAMPLES: dict[str, object] = {
    "iri": HANGZHOU, "subject": HANGZHOU, "geometry": HANGZHOU + "-geom",
    "graph": "https://w3id.org/g60graph/graph/g60",
    "parent": ["https://w3id.org/g60graph/def#Organisation"],
    "e": [HANGZHOU, "https://w3id.org/g60graph/id/suzhou"],
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


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
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
