"""The public surface is small and deliberate: changing it is a visible decision."""

import importlib
import types
from pathlib import Path

import pytest

import g60graph


def test_exported_members() -> None:
    assert g60graph.__all__ == ["G60Error", "KnowledgeGraph", "Query", "QueryResult", "__version__"]
    assert g60graph.__all__ == sorted(g60graph.__all__, key=lambda n: (n.startswith("_"), n))


def test_version_is_single_sourced() -> None:
    from importlib.metadata import version

    assert g60graph.__version__ == version("g60graph")


def test_kg_methods() -> None:
    public = {n for n in dir(g60graph.KnowledgeGraph) if not n.startswith("_")}
    assert public == {
        "load", "backend", "dataset", "graph_names", "query", "label", "resolve", "describe",
        "stats", "union_graph", "validate", "serialize", "export", "to_networkx",
        "show", "chart", "timeline", "map",  # views for notebooks (issue 15)
        "bind", "parameter_values",  # slugs and labels for parameters; what they can take
    }


def _isort(name: str) -> tuple[bool, bool, bool, str]:
    """isort's order for __all__ (ruff RUF022): CONSTANTS, Classes, functions, dunders."""
    return (name.startswith("_"), not name.isupper(), not name[:1].isupper(), name)


STAGES = ["backends", "describe", "external", "load", "network", "render", "results", "sparql"]


@pytest.mark.parametrize("name", ["g60graph", *(f"g60graph.{s}" for s in STAGES)])
def test_all_is_derived_from_what_the_package_holds(name: str) -> None:
    """Like httpx's test_exported_members: __all__ lists exactly the public members."""
    package = importlib.import_module(name)
    public = [
        member
        for member, value in vars(package).items()
        if (not member.startswith("_") or member == "__version__")
        and not isinstance(value, types.ModuleType)
    ]
    assert package.__all__ == sorted(public, key=_isort)


def test_implementation_modules_are_private_with_a_sorted_all() -> None:
    root = Path(g60graph.__file__).parent
    modules = [p for p in root.rglob("*.py") if p.name not in ("__init__.py", "__main__.py")]
    assert len(modules) > 30
    for path in modules:
        assert path.name.startswith("_"), path
        dotted = ".".join(path.relative_to(root.parent).with_suffix("").parts)
        declared = importlib.import_module(dotted).__all__
        assert declared == sorted(declared, key=_isort), dotted
