"""Named queries give the same rows with --infer owlrl: reasoning adds superclasses,
super-properties and symmetric links, and no list may repeat a row for each of them.
The queries that list an entity's facts are the exception: there, the entailed facts
are what reasoning is for, so they may add rows but never lose or repeat one."""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib.compare import to_isomorphic

from g60graph import KnowledgeGraph
from named_cases import Case, all_cases

FACT_QUERIES = {"entity", "neighbourhood", "source-facts", "statement-sources"}
# The cases with expected results: every local named query, with parameters where it needs them.
CASES = {case.name: case for case in all_cases()}


@pytest.fixture(scope="module")
def graphs() -> tuple[KnowledgeGraph, KnowledgeGraph]:
    return KnowledgeGraph.load(), KnowledgeGraph.load(infer="owlrl")


@pytest.mark.parametrize("case", CASES.values(), ids=list(CASES))
def test_same_rows_with_and_without_inference(
    graphs: tuple[KnowledgeGraph, KnowledgeGraph], case: Case
) -> None:
    name = case.query
    plain, inferred = (kg.query(name, case.params) for kg in graphs)
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
