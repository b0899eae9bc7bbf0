"""An on-disk Oxigraph store built by ``g60graph load --store PATH``.

Opened as it is (read-only unless asked), nothing loaded into it; it then
answers through the Oxigraph backend like the in-memory store.
"""

from __future__ import annotations

from pathlib import Path

import pyoxigraph as ox

from g60graph._errors import InputError
from g60graph.backends._oxigraph import OxigraphBackend

__all__ = [
    "open_disk",
    "open_disk_store",
]


def open_disk_store(where: str | Path, *, read_only: bool = True) -> ox.Store:
    """The pyoxigraph store at ``where``; a one-line InputError when it is not one."""
    path = Path(where)
    if not (path / "CURRENT").is_file():
        raise InputError(
            f"--store: {path} is not a g60graph store"
            f" (build one with: g60graph load --store {path} [FILE...])"
        )
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as err:
        raise InputError(f"--store: cannot open {path}: {err}") from None


def open_disk(where: str | Path, *, read_only: bool = True) -> OxigraphBackend:
    return OxigraphBackend(open_disk_store(where, read_only=read_only), name="disk")
