"""Stores picked by name, in one place: 'oxigraph', 'memory', 'disk', 'sparql'.

``--store oxigraph|memory|PATH`` and ``--endpoint URL`` name a backend here and
nowhere else; the library, the CLI and the server's workers all receive a
:class:`~g60graph.backends.Backend` and call only its seam.
"""

from __future__ import annotations

from pathlib import Path

import rdflib

from g60graph._errors import InputError
from g60graph.backends._seam import Backend, Writable

__all__ = [
    "BACKENDS",
    "EMBEDDED",
    "backend_name",
    "from_rdflib",
    "new_backend",
    "open_backend",
    "rdflib_dataset",
]

BACKENDS = ("oxigraph", "memory", "disk", "sparql")
EMBEDDED = ("oxigraph", "memory")  # the stores the packaged graph is loaded into


def backend_name(store: str, endpoint: str | None = None) -> str:
    """The backend ``--store``/``--endpoint`` name: a PATH names an on-disk store."""
    if endpoint:
        return "sparql"
    if store in EMBEDDED:
        return store
    if Path(store).exists() or any(c in store for c in "/\\."):
        return "disk"
    raise InputError(
        f"--store: unknown store {store!r} (choose oxigraph, memory, or the PATH"
        " of a store built by 'g60graph load --store PATH')"
    )


def new_backend(name: str) -> Writable:
    """An empty embedded store, ready to be loaded."""
    if name == "oxigraph":
        from g60graph.backends._oxigraph import OxigraphBackend

        return OxigraphBackend()
    if name == "memory":
        from g60graph.backends._memory import MemoryBackend

        return MemoryBackend()
    raise InputError(f"--store: unknown store {name!r} (choose from {', '.join(EMBEDDED)})")


def open_backend(
    store: str,
    *,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
    read_only: bool = True,
) -> Backend:
    """An existing store, used as it is: on disk at the PATH ``store``, or remote."""
    if backend_name(store, endpoint) == "sparql":
        from g60graph.backends._sparql import SparqlBackend

        assert endpoint is not None
        return SparqlBackend(endpoint, update_endpoint=update_endpoint, graph_store=graph_store)
    from g60graph.backends._disk import open_disk

    return open_disk(store, read_only=read_only)


def from_rdflib(dataset: rdflib.Dataset) -> Writable:
    """A backend over an rdflib Dataset: Oxigraph's when oxrdflib holds it, else rdflib's."""
    from oxrdflib import OxigraphStore

    if isinstance(dataset.store, OxigraphStore):
        from g60graph.backends._oxigraph import OxigraphBackend

        backend = OxigraphBackend(dataset.store._inner)
        backend._rdflib = dataset
        return backend
    from g60graph.backends._memory import MemoryBackend

    return MemoryBackend(dataset)


def rdflib_dataset(backend: Backend) -> rdflib.Dataset:
    """The store as an rdflib Dataset (same data, not a copy), for rdflib-based callers."""
    dataset = getattr(backend, "rdflib_dataset", None)
    if not isinstance(dataset, rdflib.Dataset):
        raise InputError(
            f"the graph is on a remote store ({getattr(backend, 'endpoint', backend.name)}):"
            " this needs a local store (--store oxigraph, memory or a PATH)"
        )
    return dataset
