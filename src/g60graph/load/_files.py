"""Load RDF files into an rdflib Dataset on a named store backend.

Each file becomes one named graph (``graph/<file-stem>`` for packaged files,
the file's own URI for a user's), and the union of all graphs is the default
graph that queries see. Files are parsed by pyoxigraph, which reports syntax
errors with line and column for every format.
"""

from __future__ import annotations

import io
import os
import shutil
from collections.abc import Callable, Iterable, Sequence
from pathlib import Path
from typing import Any, BinaryIO, cast

import pyoxigraph as ox
import rdflib
from rdflib.graph import _TripleType as Triple

from g60graph import _resources as resources
from g60graph._errors import DataFileError, InputError
from g60graph._namespaces import GRAPH

__all__ = [
    "STORES",
    "add_quads",
    "build_disk",
    "graph_iri",
    "is_path",
    "load_dataset",
    "load_file",
    "new_dataset",
    "on_oxigraph",
    "open_disk",
    "parse_file",
    "sources",
]

STORES = ("oxigraph", "memory")

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


def parse_file(path: Path, graph: str) -> list[ox.Quad]:
    """Parse one file into quads; the file's default graph goes to ``graph``."""
    fmt = _check_file(path)
    target = ox.NamedNode(graph)
    try:
        quads = ox.parse(path=path, format=fmt, base_iri=path.resolve().as_uri())
        return [
            ox.Quad(q.subject, q.predicate, q.object, target)
            if isinstance(q.graph_name, ox.DefaultGraph)
            else q
            for q in quads
        ]
    except SyntaxError as err:
        raise DataFileError(str(path), err.lineno, _first_line(err.msg)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(str(path), None, str(err)) from None


def _first_line(message: str) -> str:
    return message.strip().splitlines()[0] if message.strip() else "syntax error"


def is_path(store: str) -> bool:
    """A store named by a path (an on-disk Oxigraph) rather than by kind."""
    return store not in STORES


def new_dataset(store: str) -> rdflib.Dataset:
    if store == "oxigraph":
        return rdflib.Dataset(store="Oxigraph", default_union=True)
    if store == "memory":
        return rdflib.Dataset(default_union=True)
    raise InputError(f"--store: unknown store {store!r} (choose from {', '.join(STORES)})")


def on_oxigraph(store: ox.Store) -> rdflib.Dataset:
    """An rdflib Dataset over an existing pyoxigraph store."""
    from oxrdflib import OxigraphStore

    return rdflib.Dataset(store=OxigraphStore(store=store), default_union=True)


def open_disk(where: str | Path, *, read_only: bool = True) -> ox.Store:
    """An on-disk Oxigraph built by ``g60graph load --store PATH``."""
    path = Path(where)
    if not path.exists() and not any(c in str(where) for c in "/\\."):
        raise InputError(
            f"--store: unknown store {str(path)!r} (choose oxigraph, memory, or the PATH"
            " of a store built by 'g60graph load --store PATH')"
        )
    if not (path / "CURRENT").is_file():
        raise InputError(
            f"--store: {path} is not a g60graph store"
            f" (build one with: g60graph load --store {path} [FILE...])"
        )
    try:
        return ox.Store.read_only(str(path)) if read_only else ox.Store(str(path))
    except OSError as err:
        raise InputError(f"--store: cannot open {path}: {err}") from None


def add_quads(dataset: rdflib.Dataset, quads: Iterable[ox.Quad]) -> None:
    inner = getattr(dataset.store, "_inner", None)
    if isinstance(inner, ox.Store):
        inner.extend(quads)  # straight into Oxigraph, no rdflib term conversion
        return
    from g60graph.backends._local import from_ox

    graphs: dict[str, rdflib.Graph] = {}
    for q in quads:
        name = str(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else ""
        graph = graphs.get(name) or graphs.setdefault(name, dataset.graph(rdflib.URIRef(name)))
        graph.add(cast(Triple, (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))))


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


def load_file(store: ox.Store, path: Path, graph: str) -> None:
    """Parse and insert in one native step (no Python objects per triple)."""
    fmt = _check_file(path)
    try:
        base = path.resolve().as_uri()
        store.load(path=path, format=fmt, base_iri=base, to_graph=ox.NamedNode(graph))
    except SyntaxError as err:
        raise DataFileError(str(path), err.lineno, _first_line(err.msg)) from None
    except (OSError, UnicodeDecodeError) as err:
        raise DataFileError(str(path), None, str(err)) from None


def sources(extra: Sequence[Path], packaged: bool = True) -> list[tuple[Path, str]]:
    """Each file to load with its named graph; every file checked before any is read."""
    files = [(p, graph_iri(p, packaged=True)) for p in resources.packaged_rdf_files()]
    files = files if packaged else []
    for p in extra:
        _check_file(Path(p))  # before graph_iri resolves the path
    files += [(Path(p), graph_iri(Path(p), packaged=False)) for p in extra]
    for path, _ in files:
        _check_file(path)
    return files


def load_dataset(store: str = "oxigraph", extra: Sequence[Path] = ()) -> rdflib.Dataset:
    """The packaged ontology and data, plus a user's extra files, in one dataset.

    The dataset is new, so a bad file (raised with its line) loses nothing.
    """
    dataset = new_dataset(store)
    files = sources(extra)
    inner = getattr(dataset.store, "_inner", None)
    if isinstance(inner, ox.Store):
        for path, graph in files:
            load_file(inner, path, graph)
        return dataset
    for path, graph in files:
        add_quads(dataset, parse_file(path, graph))
    return dataset


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
        failure = _bulk_load(store, todo, progress)
        if failure:
            raise failure
        if (path / "CURRENT").is_file():
            _keep_other_graphs(open_disk(path, read_only=True), store, todo)
        count = len(store)
        store.flush()
        del store  # closes the store before it moves
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
