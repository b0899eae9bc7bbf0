"""The one-way flow as a test: no import cycles, engine internals only in backends/.

The layers themselves are an import-linter contract in pyproject.toml (run by
scripts/test.sh); this checks what a layers contract cannot see.
"""

from __future__ import annotations

import re

import grimp

from paths import REPO

SRC = REPO / "src" / "g60graph"

# The upward imports the layers contract ignores (pyproject.toml): in-method, for notebooks.
ON_DEMAND = {
    ("g60graph._knowledge_graph", "g60graph._views"),
    ("g60graph.results._model", "g60graph._views"),
    ("g60graph.results._display", "g60graph.render._palette"),
}


def test_no_import_cycles() -> None:
    # a cycle through annotations only (``if TYPE_CHECKING:``) is none at run time
    graph = grimp.build_graph("g60graph", exclude_type_checking_imports=True)
    for importer, imported in ON_DEMAND:
        graph.remove_import(importer=importer, imported=imported)
    cycles = []
    for module in sorted(graph.modules):
        for imported in graph.find_modules_directly_imported_by(module):
            back = graph.find_shortest_chain(importer=imported, imported=module)
            if back and module != "g60graph" and imported != "g60graph":
                cycles.append(" -> ".join((module, *back)))
    assert cycles == []


def test_engine_internals_stay_in_backends() -> None:
    internals = re.compile(r"\._inner\b|oxrdflib\._|\bfrom oxrdflib\b|\bimport oxrdflib\b")
    found = [
        str(path.relative_to(SRC))
        for path in sorted(SRC.rglob("*.py"))
        if path.parent.name != "backends" and internals.search(path.read_text(encoding="utf-8"))
    ]
    assert found == []
