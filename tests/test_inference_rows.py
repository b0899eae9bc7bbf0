"""Named queries give the same rows with --infer owlrl: reasoning adds superclasses,
super-properties and symmetric links, and no list may repeat a row for each of them.
The queries that list an entity's facts are the exception: there, the entailed facts
are what reasoning is for, so they may add rows but never lose or repeat one."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib.compare import to_isomorphic

from g60graph import KnowledgeGraph
from g60graph.sparql._lexer import keywords
from g60graph.sparql._named import catalogue
from named_cases import all_cases

FACT_QUERIES = {"entity", "neighbourhood", "source-facts"}
NAMES = sorted(n for n, q in catalogue().items() if "SERVICE" not in keywords(q.text))
# a query with a required parameter runs with the parameters of its first expected case
PARAMS: dict[str, dict[str, str]] = {}
for case in all_cases():
    PARAMS.setdefault(case.query, case.params)


@pytest.fixture(scope="module")
def graphs() -> tuple[KnowledgeGraph, KnowledgeGraph]:
    return KnowledgeGraph.load(), KnowledgeGraph.load(infer="owlrl")


@pytest.mark.parametrize("name", NAMES)
def test_same_rows_with_and_without_inference(
    graphs: tuple[KnowledgeGraph, KnowledgeGraph], name: str
) -> None:
    plain, inferred = (kg.query(name, PARAMS.get(name)) for kg in graphs)
    if plain.graph is not None:
        assert inferred.graph is not None
        before, after = set(plain.graph), set(inferred.graph)
        if name in FACT_QUERIES:
            assert before <= after
        else:
            assert to_isomorphic(plain.graph) == to_isomorphic(inferred.graph)
        return
    before, after = Counter(plain.rows), Counter(inferred.rows)
    assert len(plain.rows) > 0
    if name in FACT_QUERIES:
        assert not before - after  # nothing lost
        assert max(after.values()) == 1  # nothing repeated
    else:
        assert before == after
