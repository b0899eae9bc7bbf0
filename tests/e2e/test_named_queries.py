"""Every named query against its expected result, on each embedded store.

Rows compare as a multiset, or as a sequence where the query has ORDER BY;
literals compare by value (engines may write a decimal differently).
"""

from __future__ import annotations

from collections import Counter

import pytest
from rdflib.compare import isomorphic

from g60graph import KnowledgeGraph
from g60graph.sparql import _lexer as sparql_text
from g60graph.sparql._named import catalogue, get
from named_cases import Case, all_cases, expected_path, load_expected, rows_of

CASES = all_cases()


def test_cases_cover_every_offline_named_query() -> None:
    names = {c.query for c in CASES}
    offline = {n for n, q in catalogue().items() if "federated" not in q.tags}
    assert names == offline and len(offline) >= 15


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_named_query_matches_expected(any_kg: KnowledgeGraph, case: Case) -> None:
    result = any_kg.query(case.query, case.params)
    path = expected_path(case, result.form)
    assert path.is_file(), f"no expected result {path}: run python tests/support/named_cases.py"
    expected = load_expected(path)
    if result.graph is not None:
        assert isomorphic(result.graph, expected)
        return
    assert result.vars == [str(v) for v in expected.vars]
    actual_rows = rows_of(result.to_rdflib(), result.vars)
    expected_rows = rows_of(expected, result.vars)
    assert actual_rows, "an expected result with no rows tests nothing"
    if "ORDER" in sparql_text.keywords(get(case.query).text):
        assert actual_rows == expected_rows
    else:
        assert Counter(actual_rows) == Counter(expected_rows)
