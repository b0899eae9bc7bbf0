"""Where the packaged ontology, data and named queries live.

In a wheel they sit under ``g60graph/_resources``; in a source checkout they
are the repository's top-level folders.
"""

from __future__ import annotations

from pathlib import Path

__all__ = [
    "data_dir",
    "ontology_dir",
    "packaged_rdf_files",
    "queries_dir",
    "shapes_file",
]

_PACKAGE = Path(__file__).resolve().parent


def _root() -> Path:
    bundled = _PACKAGE / "_resources"
    if bundled.is_dir():
        return bundled
    return _PACKAGE.parents[1]


def ontology_dir() -> Path:
    return _root() / "ontology"


def data_dir() -> Path:
    return _root() / "data"


def queries_dir() -> Path:
    return _root() / "queries"


def packaged_rdf_files() -> list[Path]:
    """The ontology and curated data files, in a stable order (shapes excluded)."""
    ontology = [p for p in sorted(ontology_dir().glob("*.ttl")) if p != shapes_file()]
    data = sorted(p for p in data_dir().rglob("*") if p.suffix in {".ttl", ".trig"})
    return ontology + data


def shapes_file() -> Path:
    """The SHACL shapes the data is validated against (not data: never loaded)."""
    return ontology_dir() / "shapes.ttl"
