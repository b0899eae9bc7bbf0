"""Loading: files -> named graphs in a store, the on-disk store, reasoning in a
child process, and SHACL validation of what was loaded."""

from g60graph.load._files import (
    STORES,
    add_quads,
    build_disk,
    graph_iri,
    is_path,
    load_dataset,
    load_file,
    new_dataset,
    on_oxigraph,
    open_disk,
    parse_file,
    sources,
)
from g60graph.load._reasoning import (
    REGIMES,
    entailments,
)
from g60graph.load._validation import (
    ValidationReport,
    Violation,
    validate,
)

__all__ = [
    "REGIMES",
    "STORES",
    "ValidationReport",
    "Violation",
    "add_quads",
    "build_disk",
    "entailments",
    "graph_iri",
    "is_path",
    "load_dataset",
    "load_file",
    "new_dataset",
    "on_oxigraph",
    "open_disk",
    "parse_file",
    "sources",
    "validate",
]
