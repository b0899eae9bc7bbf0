"""The stores a query runs on, picked by name, behind one seam.

``execute(text, *, limit=None, dataset=None) -> QueryResult`` and
``quads(graph=None)``: one module per engine (``_oxigraph``, ``_memory``,
``_disk``, ``_sparql``), chosen in ``_registry``. No module outside this
package touches pyoxigraph's or oxrdflib's store internals.
"""

from g60graph.backends._oxigraph import from_ox, to_ox
from g60graph.backends._registry import (
    BACKENDS,
    EMBEDDED,
    backend_name,
    from_rdflib,
    new_backend,
    open_backend,
    rdflib_dataset,
)
from g60graph.backends._seam import (
    Answer,
    Backend,
    Dataset,
    Quad,
    Writable,
    answer,
    graph_names,
    triple_count,
)
from g60graph.backends._sparql import (
    MANIFEST,
    STATUS,
    VOID,
    SparqlBackend,
)

__all__ = [
    "BACKENDS",
    "EMBEDDED",
    "MANIFEST",
    "STATUS",
    "VOID",
    "Answer",
    "Backend",
    "Dataset",
    "Quad",
    "SparqlBackend",
    "Writable",
    "answer",
    "backend_name",
    "from_ox",
    "from_rdflib",
    "graph_names",
    "new_backend",
    "open_backend",
    "rdflib_dataset",
    "to_ox",
    "triple_count",
]
