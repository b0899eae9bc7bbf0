"""Loading: files -> named graphs in a store, the on-disk store, reasoning in a
child process, and SHACL validation of what was loaded."""

from g60graph.load._files import (
    build_disk,
    graph_iri,
    load_backend,
    load_file,
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
    "ValidationReport",
    "Violation",
    "build_disk",
    "entailments",
    "graph_iri",
    "load_backend",
    "load_file",
    "sources",
    "validate",
]
