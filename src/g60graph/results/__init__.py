"""One result model for every store, its W3C formats and its terminal and Markdown tables."""

from g60graph.results._model import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Labeller,
    QueryResult,
    cut_graph,
    display_width,
    empty_graph,
    markdown_table,
    simple_literal,
    take,
    text_table,
)
from g60graph.results._w3c import (
    W3C_FORMATS,
    json_term,
    term_from_json,
    write_w3c,
)

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "W3C_FORMATS",
    "Labeller",
    "QueryResult",
    "cut_graph",
    "display_width",
    "empty_graph",
    "json_term",
    "markdown_table",
    "simple_literal",
    "take",
    "term_from_json",
    "text_table",
    "write_w3c",
]
