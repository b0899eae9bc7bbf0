"""Refuse queries that would fetch URLs or write, before any store sees them.

pyoxigraph fetches for SERVICE and LOAD and cannot be told not to. So every
query is checked here: a cheap scan for the dangerous keywords first, and a
full parse (rdflib's SPARQL grammar) only when one appears. FROM and FROM NAMED
are allowed: every backend treats a graph it lacks as empty and never fetches
it (rdflib's fetching is switched off in the memory backend).
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from g60graph._errors import UnsafeQueryError
from g60graph.sparql import _lexer as sparql_text

__all__ = [
    "check",
]

_SUSPECT = {
    "SERVICE",
    "LOAD",
    "INSERT",
    "DELETE",
    "CLEAR",
    "DROP",
    "CREATE",
    "ADD",
    "MOVE",
    "COPY",
    "WITH",
}


def check(
    text: str,
    *,
    allowed_services: Collection[str] = (),
) -> None:
    """Raise UnsafeQueryError for an update or a SERVICE not allowed;
    QuerySyntaxError if it won't parse."""
    if not (sparql_text.keywords(text) & _SUSPECT):
        return
    from pyparsing import ParseException
    from rdflib.plugins.sparql.parser import parseQuery, parseUpdate

    try:
        tree = parseQuery(text)
    except ParseException as query_error:
        try:
            parseUpdate(text)
        except ParseException:
            from g60graph.sparql._syntax_errors import from_pyparsing

            raise from_pyparsing(text, query_error) from None
        raise UnsafeQueryError("updates are not allowed: this interface is read-only") from None
    for node in _walk(tree):
        name = getattr(node, "name", None)
        if name == "ServiceGraphPattern":
            endpoint = str(node.get("term"))
            if endpoint not in allowed_services:
                raise UnsafeQueryError(
                    f"SERVICE <{endpoint}> refused: federated queries need --allow-service"
                    " and an allowed endpoint"
                )


def _walk(node: Any) -> Iterator[Any]:
    """Every node of rdflib's parse tree (CompValues are dicts, ParseResults are lists)."""
    from pyparsing import ParseResults

    yield node
    if isinstance(node, dict):
        children: Any = node.values()
    elif isinstance(node, list | tuple | ParseResults):
        children = node
    else:
        return
    for child in children:
        yield from _walk(child)
