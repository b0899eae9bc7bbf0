"""SPARQL text: the lexer, the named queries (strict header, typed binding) and the safety check."""

from g60graph.sparql._lexer import (
    Token,
    declared_prefixes,
    keywords,
    query_form,
    strip_comments,
    tokens,
    where_brace,
    with_prefixes,
)
from g60graph.sparql._named import (
    PARAM_TYPES,
    QUERIES_ENV,
    VIEWS,
    WDQS_VIEWS,
    ChoiceResolver,
    Param,
    Query,
    Resolver,
    bind_terms,
    catalogue,
    folders,
    get,
    library,
    parse_header,
    to_term,
)
from g60graph.sparql._safety import (
    check,
)
from g60graph.sparql._syntax_errors import (
    explain,
    from_oxigraph,
    from_pyparsing,
    unknown_prefix,
)

__all__ = [
    "PARAM_TYPES",
    "QUERIES_ENV",
    "VIEWS",
    "WDQS_VIEWS",
    "ChoiceResolver",
    "Param",
    "Query",
    "Resolver",
    "Token",
    "bind_terms",
    "catalogue",
    "check",
    "declared_prefixes",
    "explain",
    "folders",
    "from_oxigraph",
    "from_pyparsing",
    "get",
    "keywords",
    "library",
    "parse_header",
    "query_form",
    "strip_comments",
    "to_term",
    "tokens",
    "unknown_prefix",
    "where_brace",
    "with_prefixes",
]
