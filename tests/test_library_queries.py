"""The library's own queries (queries/library/*.rq): strict headers, bound parameters,
the same rows on every store."""

from __future__ import annotations

from pathlib import Path

import pytest

from g60graph import KnowledgeGraph
from g60graph._errors import EntityNotFoundError, ParameterError
from g60graph.sparql._named import library

LIBRARY = sorted((Path(__file__).resolve().parents[1] / "queries" / "library").glob("*.rq"))


def _rows(kg: KnowledgeGraph, name: str, params: dict[str, object]) -> object:
    result = kg.query(library(name), params)
    if result.form == "ASK":
        return result.boolean
    if result.graph is not None:  # CONSTRUCT: its triples (no blank nodes in these)
        return sorted(tuple(str(t) for t in triple) for triple in result.graph)
    return sorted(tuple(str(t) for t in row) for row in result.rows)


HANGZHOU = "https://w3id.org/g60graph/id/hangzhou"
# a value for each required parameter, one the packaged graph has
SAMPLES = {"iri": HANGZHOU, "subject": HANGZHOU, "geometry": HANGZHOU + "-geom",
           "graph": "https://w3id.org/g60graph/graph/g60"}


def test_the_library_is_there() -> None:
    assert len(LIBRARY) >= 15


@pytest.fixture(scope="module")
def other() -> KnowledgeGraph:
    return KnowledgeGraph.load(store="memory")


@pytest.mark.parametrize("path", LIBRARY, ids=lambda p: p.stem)
def test_same_rows_on_every_store(path: Path, kg: KnowledgeGraph, other: KnowledgeGraph) -> None:
    query = library(path.stem)
    assert query.title and query.description  # the strict header
    # parameters with defaults run with them; a required IRI gets one the graph has
    params = {p.name: SAMPLES[p.name] for p in query.params if p.required}
    ours = _rows(kg, path.stem, params)
    assert ours  # each answers something on the packaged graph
    assert ours not in ([("0",)], False)  # and not nothing
    assert ours == _rows(other, path.stem, params)


def test_a_bound_parameter_cannot_change_the_query(kg: KnowledgeGraph) -> None:
    assert kg.resolve("g60r:hangzhou").endswith("/hangzhou")
    with pytest.raises(EntityNotFoundError, match="not a valid IRI"):
        kg.resolve("g60r:x> ?p ?o } UNION { ?s ?p ?o")
    with pytest.raises(ParameterError, match="not an absolute IRI"):
        library("mentions").bind({"iri": "https://x/a> ?p ?o } UNION { ?s ?p ?o"})
