"""Load RDF files into an rdflib Dataset on a named store backend.

Each file becomes one named graph (``graph/<file-stem>`` for packaged files,
the file's own URI for a user's), and the union of all graphs is the default
graph that queries see. Files are parsed by pyoxigraph, which reports syntax
errors with line and column for every format.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from pathlib import Path
from typing import cast

import pyoxigraph as ox
import rdflib
from rdflib.graph import _TripleType as Triple

from g60graph import resources
from g60graph.errors import DataFileError, InputError
from g60graph.namespaces import GRAPH

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
    fmt = _FORMATS.get(path.suffix.lower())
    if fmt is None:
        known = ", ".join(sorted(_FORMATS))
        raise DataFileError(str(path), None, f"unknown RDF file type (expected one of {known})")
    if not path.is_file():
        raise DataFileError(str(path), None, "no such file")
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


def new_dataset(store: str) -> rdflib.Dataset:
    if store == "oxigraph":
        return rdflib.Dataset(store="Oxigraph", default_union=True)
    if store == "memory":
        return rdflib.Dataset(default_union=True)
    raise InputError(f"--store: unknown store {store!r} (choose from {', '.join(STORES)})")


def add_quads(dataset: rdflib.Dataset, quads: Iterable[ox.Quad]) -> None:
    inner = getattr(dataset.store, "_inner", None)
    if isinstance(inner, ox.Store):
        inner.extend(quads)  # straight into Oxigraph, no rdflib term conversion
        return
    from oxrdflib._converter import from_ox  # the term mapping oxrdflib itself uses

    graphs: dict[str, rdflib.Graph] = {}
    for q in quads:
        name = str(q.graph_name.value) if isinstance(q.graph_name, ox.NamedNode) else ""
        graph = graphs.get(name) or graphs.setdefault(name, dataset.graph(rdflib.URIRef(name)))
        graph.add(cast(Triple, (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object))))


def load_dataset(store: str = "oxigraph", extra: Sequence[Path] = ()) -> rdflib.Dataset:
    """The packaged ontology and data, plus a user's extra files, in one dataset.

    Every file is parsed before anything is added, so a bad file loses nothing.
    """
    dataset = new_dataset(store)
    parsed = [parse_file(p, graph_iri(p, packaged=True)) for p in resources.packaged_rdf_files()]
    parsed += [parse_file(Path(p), graph_iri(Path(p), packaged=False)) for p in extra]
    for quads in parsed:
        add_quads(dataset, quads)
    return dataset
