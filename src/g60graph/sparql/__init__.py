"""SPARQL text: the lexer, the named queries (strict header, typed binding) and the safety check."""

from g60graph.sparql._lexer import (
    Token,
    keywords,
    strip_comments,
    tokens,
    where_brace,
)
from g60graph.sparql._named import (
    PARAM_TYPES,
    VIEWS,
    WDQS_VIEWS,
    Param,
    Query,
    Resolver,
    bind_terms,
    catalogue,
    get,
    parse_header,
    to_term,
)
from g60graph.sparql._safety import (
    check,
)

__all__ = [
    "PARAM_TYPES",
    "VIEWS",
    "WDQS_VIEWS",
    "Param",
    "Query",
    "Resolver",
    "Token",
    "bind_terms",
    "catalogue",
    "check",
    "get",
    "keywords",
    "parse_header",
    "strip_comments",
    "to_term",
    "tokens",
    "where_brace",
]
