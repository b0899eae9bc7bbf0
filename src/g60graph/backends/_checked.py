"""rdflib stores that run the safety check: what ``KnowledgeGraph.dataset`` is built on.

A Python caller may query the rdflib Dataset itself (``kg.dataset.query(text)``,
or one of its graphs: ``kg.dataset.graph(g).query(text)``). rdflib hands every
such text to the store first, so the check sits in the store: SERVICE and LOAD
are refused there as they are by ``KnowledgeGraph.query``, which matters
because the caller's process keeps its network (the library never takes the
network away from a program that imports it). A query rdflib has already
parsed (``prepareQuery``) is not text the check can read: it is refused.

The library's own queries do not come this way (each backend checks in
``execute``); and the pyoxigraph store under the view, ``kg.backend.store``,
is the raw engine, for trusted text only.
"""

from __future__ import annotations

from typing import Any

from oxrdflib import OxigraphStore
from rdflib import URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.plugins.stores.memory import Memory

from g60graph._errors import UnsafeQueryError
from g60graph.sparql import _safety as safety

__all__ = [
    "CheckedMemory",
    "CheckedOxigraphStore",
]


def _text(operation: object) -> str:
    if isinstance(operation, str):
        return operation
    raise UnsafeQueryError(
        "a query already parsed by rdflib cannot be checked: pass its SPARQL text"
    )


class CheckedOxigraphStore(OxigraphStore):
    """oxrdflib's store over a pyoxigraph Store, refusing what ``check`` refuses."""

    def query(self, query: Any, initNs: Any, initBindings: Any,  # noqa: N803
              queryGraph: Any, **kwargs: Any) -> Any:  # noqa: N803
        safety.check(_text(query))
        return super().query(query, initNs, initBindings, queryGraph, **kwargs)

    def update(self, update: Any, initNs: Any, initBindings: Any,  # noqa: N803
               queryGraph: Any, **kwargs: Any) -> None:  # noqa: N803
        graphs = [g.value for g in self._inner.named_graphs()]
        safety.check_update(_text(update), local_graphs=graphs)
        super().update(update, initNs, initBindings, queryGraph, **kwargs)


class CheckedMemory(Memory):
    """rdflib's memory store, refusing what ``check`` refuses; rdflib's engine answers."""

    def query(self, query: Any, initNs: Any, initBindings: Any,  # noqa: N803
              queryGraph: Any, **kwargs: Any) -> Any:  # noqa: N803
        safety.check(_text(query))
        raise NotImplementedError  # checked: rdflib's own engine runs it

    def update(self, update: Any, initNs: Any, initBindings: Any,  # noqa: N803
               queryGraph: Any, **kwargs: Any) -> None:  # noqa: N803
        graphs = [str(c.identifier) for c in self.contexts()
                  if isinstance(c.identifier, URIRef) and c.identifier != DATASET_DEFAULT_GRAPH_ID]
        safety.check_update(_text(update), local_graphs=graphs)
        raise NotImplementedError  # checked: rdflib's own engine runs it
