"""One result model for every store, its W3C formats and its terminal and Markdown tables."""

from g60graph.results._model import (
    GRAPH_FORMATS,
    RESULT_FORMATS,
    Labeller,
    QueryResult,
    display_width,
    is_iri,
    markdown_table,
    text_table,
)

__all__ = [
    "GRAPH_FORMATS",
    "RESULT_FORMATS",
    "Labeller",
    "QueryResult",
    "display_width",
    "is_iri",
    "markdown_table",
    "text_table",
]
