"""Compare query results from different stores as multisets of rows of RDF terms.

Only what SPARQL lets engines differ on is normalised: blank-node labels, and
a number's lexical form and its numeric datatype within xsd:decimal's family
(Virtuoso returns integers above 2^31 as xsd:decimal, and casts strings to
xsd:decimal through a float, so decimals compare to 5 places).
"""

from __future__ import annotations

from collections import Counter
from decimal import Decimal
from typing import Any

from rdflib import BNode, Literal
from rdflib.compare import isomorphic

from g60graph.results._model import QueryResult


def term_key(term: Any) -> Any:
    if term is None:
        return None
    if isinstance(term, BNode):
        return ("bnode",)
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return ("number", round(Decimal(str(value)), 5))
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return ("iri", str(term))


def same_result(a: QueryResult, b: QueryResult) -> bool:
    if a.graph is not None or b.graph is not None:
        return a.graph is not None and b.graph is not None and isomorphic(a.graph, b.graph)
    if a.form == "ASK":
        return a.boolean == b.boolean
    rows_a = Counter(tuple(term_key(t) for t in row) for row in a.rows)
    rows_b = Counter(tuple(term_key(t) for t in row) for row in b.rows)
    return a.vars == b.vars and rows_a == rows_b
