"""Load RDF files into a store picked by name (see g60graph.backends).

Each file becomes one named graph (``graph/<file-stem>`` for packaged files,
the file's own URI for a user's), and the union of all graphs is the default
graph that queries see. Files are parsed by pyoxigraph, which reports syntax
errors with line and column for every format.
"""

from __future__ import annotations

import io
import os
import shutil
import traceback
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, BinaryIO

import pyoxigraph as ox

from g60graph import _resources as resources
from g60graph._errors import DataFileError, InputError
from g60graph._namespaces import GRAPH
from g60graph.backends import Writable, new_backend
from g60graph.backends._disk import open_disk_store

__all__ = [
    "build_disk",
    "graph_iri",
    "load_backend",
    "load_file",
    "sources",
]

_FORMATS = {
    ".ttl": ox.RdfFormat.TURTLE,
    ".turtle": ox.RdfFormat.TURTLE,
    ".trig": ox.RdfFormat.TRIG,
    ".nt": ox.RdfFormat.N_TRIPLES,
    ".nq": ox.RdfFormat.N_QUADS,
    ".jsonld": ox.RdfFormat.JSON_LD,
    ".json": ox.RdfFormat.JSON_LD,
    ".rdf": ox.RdfFormat.RDF_XML,
    ".owl": ox.RdfFormat.RDF_XML,
    ".xml": ox.RdfFormat.RDF_XML,
}


def graph_iri(path: Path, packaged: bool) -> str:
    """The named graph a file is loaded into."""
    return str(GRAPH[path.stem]) if packaged else path.resolve().as_uri()


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


def _check_file(path: Path) -> ox.RdfFormat:
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise DataFileError(str(path), None, f"unknown RDF file type (expected one of {known})")
    try:
        path.resolve(strict=True)
    except (OSError, RuntimeError) as err:  # RuntimeError: a symlink loop (Python < 3.13)
        problem = "a symlink loop" if "loop" in str(err).lower() else "no such file"
        raise DataFileError(str(path), None, problem) from None
    if not path.is_file():
        raise DataFileError(str(path), None, "not a regular file")
    return fmt


def load_file(backend: Writable, path: Path, graph: str) -> None:
    """One file into one named graph of ``backend``; errors name the file and line."""
    _load_checked(backend, path, _check_file(path), graph)


def _load_checked(backend: Writable, path: Path, fmt: ox.RdfFormat, graph: str) -> None:
    try:
        backend.load(path, fmt, graph)
    except SyntaxError as err:
        raise DataFileError(str(path), err.lineno, _first_line(err.msg)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(str(path), None, str(err)) from None


def sources(extra: Sequence[Path], packaged: bool = True) -> list[tuple[Path, str]]:
    """Each file to load with its named graph; every extra file checked before any is
    read (the packaged ones are listed from the package's own folders)."""
    files = [(p, graph_iri(p, packaged=True)) for p in resources.packaged_rdf_files()]
    files = files if packaged else []
    for p in extra:
        _check_file(Path(p))  # before graph_iri resolves the path
    return files + [(Path(p), graph_iri(Path(p), packaged=False)) for p in extra]


def load_backend(store: str = "oxigraph", extra: Sequence[Path] = ()) -> Writable:
    """The packaged ontology and data, plus a user's extra files, in a new store.

    The store is new, so a bad file (raised with its line) loses nothing.
    """
    backend = new_backend(store)
    for path, graph in sources(extra):  # every file checked already
        _load_checked(backend, path, _FORMATS[path.suffix.lower()], graph)
    return backend


class _Counting(io.RawIOBase):
    """A binary reader that moves a progress bar by the bytes read."""

    def __init__(self, handle: BinaryIO, advance: Callable[[int], object]) -> None:
        self._handle = handle
        self._advance = advance

    def readable(self) -> bool:
        return True

    def readinto(self, buffer: Any) -> int:
        count = self._handle.readinto(buffer)  # type: ignore[attr-defined]
        self._advance(count or 0)
        return int(count or 0)


def build_disk(
    path: Path, files: Sequence[Path], *, packaged: bool = True, progress: bool = True
) -> int:
    """Bulk-load files into the on-disk Oxigraph at ``path``; returns its quad count.

    The files replace exactly the graphs they define (each file's own graph and
    every named graph in it), as a set; the store's other graphs are kept. The
    new store is built beside the old one and swapped in at the end, so a parse
    error, Ctrl-C or SIGKILL leaves the old store as it was.
    """
    todo = sources(files, packaged)
    foreign = path.is_dir() and any(path.iterdir()) and not (path / "CURRENT").is_file()
    if foreign or (path.exists() and not path.is_dir()):
        raise InputError(f"--store: {path} exists and is not a g60graph store")
    _remove_stale_builds(path)
    fresh = _building(path, os.getpid())
    try:
        try:
            store = ox.Store(str(fresh))
        except OSError as err:
            raise InputError(f"--store: cannot open {path} for writing: {err}") from None
        try:
            failure = _bulk_load(store, todo, progress)
            if failure is None:
                if (path / "CURRENT").is_file():
                    _keep_other_graphs(open_disk_store(path, read_only=True), store, todo)
                count = len(store)
                store.flush()
        except BaseException as err:  # Ctrl-C mid-load, above all
            # The traceback holds _bulk_load's frame and so the store, open, with RocksDB
            # still writing into its folder: cleared, the store closes below, before the
            # folder is removed (else Ctrl-C could leave it behind).
            traceback.clear_frames(err.__traceback__)
            raise
        finally:
            del store  # closed before it moves or is removed
        if failure is not None:
            raise failure
        _swap_in(fresh, path)
    finally:
        shutil.rmtree(fresh, ignore_errors=True)  # the new store on failure, the old on success
    return count


def _building(path: Path, pid: int) -> Path:
    return path.parent / f".{path.name}.loading-{pid}"


def _remove_stale_builds(path: Path) -> None:
    """What a killed ``g60graph load`` left beside the store (its process is gone)."""
    for leftover in path.parent.glob(f".{path.name}.loading-*"):
        pid = leftover.name.rsplit("-", 1)[-1]
        if pid.isdigit() and not Path(f"/proc/{pid}").exists():
            shutil.rmtree(leftover, ignore_errors=True)


def _keep_other_graphs(old: ox.Store, new: ox.Store, todo: list[tuple[Path, str]]) -> None:
    """Copy every graph of the old store that the loaded files do not define."""
    replaced = {ox.NamedNode(graph) for _, graph in todo}
    replaced.update(g for g in new.named_graphs() if isinstance(g, ox.NamedNode))
    for graph in [*old.named_graphs(), ox.DefaultGraph()]:
        if graph not in replaced:
            new.bulk_extend(old.quads_for_pattern(None, None, None, graph))


def _swap_in(fresh: Path, path: Path) -> None:
    """Put ``fresh`` at ``path`` in one step; the old store ends up at ``fresh``."""
    if not path.exists():
        fresh.rename(path)
        return
    if _exchange(fresh, path):
        return
    # No atomic exchange here (not Linux, or an old kernel): two renames, old kept to the last.
    aside = path.parent / f".{path.name}.old-{os.getpid()}"
    path.rename(aside)
    fresh.rename(path)
    aside.rename(fresh)


def _exchange(a: Path, b: Path) -> bool:
    """Linux renameat2(RENAME_EXCHANGE): swap two directories atomically."""
    import ctypes

    try:
        renameat2 = ctypes.CDLL(None, use_errno=True).renameat2
    except (AttributeError, OSError):
        return False
    at_fdcwd, rename_exchange = -100, 2
    result = renameat2(at_fdcwd, os.fsencode(a), at_fdcwd, os.fsencode(b), rename_exchange)
    return bool(result == 0)


def _bulk_load(
    store: ox.Store, todo: list[tuple[Path, str]], progress: bool
) -> DataFileError | None:
    from tqdm import tqdm  # type: ignore[import-untyped]

    total = sum(p.stat().st_size for p, _ in todo)
    with tqdm(total=total, unit="B", unit_scale=True, desc="loading", disable=not progress) as bar:
        for file, graph in todo:
            bar.set_postfix_str(file.name)
            try:
                with file.open("rb") as handle:
                    store.bulk_load(
                        input=io.BufferedReader(_Counting(handle, bar.update), 1 << 20),
                        format=_FORMATS[file.suffix.lower()],
                        base_iri=file.resolve().as_uri(),
                        to_graph=ox.NamedNode(graph),
                    )
            except (SyntaxError, OSError, UnicodeDecodeError) as err:
                line = err.lineno if isinstance(err, SyntaxError) else None
                message = err.msg if isinstance(err, SyntaxError) else str(err)
                return DataFileError(str(file), line, _first_line(message))
    return None
