"""Refuse queries that would fetch URLs or write, before any store sees them.

rdflib fetches the IRIs named in FROM / FROM NAMED / LOAD / SERVICE, and
pyoxigraph fetches for SERVICE and LOAD; neither can be told not to. So every
query is checked here: a cheap scan for the dangerous keywords first, and a
full parse (rdflib's SPARQL grammar) only when one appears.
"""

from __future__ import annotations

from collections.abc import Collection, Iterator
from typing import Any

from g60graph import sparql_text
from g60graph.errors import UnsafeQueryError

_SUSPECT = {
    "SERVICE",
    "LOAD",
    "FROM",
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
    local_graphs: Collection[str] = (),
) -> None:
    """Raise UnsafeQueryError for an update, a SERVICE not allowed, or a FROM
    naming a graph the dataset does not hold; QuerySyntaxError if it won't parse."""
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
            from g60graph import sparql_errors

            raise sparql_errors.from_pyparsing(text, query_error) from None
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
        elif name == "DatasetClause":
            for iri in (str(node[key]) for key in ("default", "named") if key in node):
                if iri not in local_graphs:
                    raise UnsafeQueryError(
                        f"FROM <{iri}> refused: only graphs already in the dataset may be named"
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
