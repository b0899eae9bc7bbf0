"""The one-way flow as a test: no import cycles, engine internals only in backends/.

The layers themselves are an import-linter contract in pyproject.toml (run by
scripts/test.sh); this checks what a layers contract cannot see.
"""

from __future__ import annotations

import re
from pathlib import Path

import grimp

SRC = Path(__file__).resolve().parents[1] / "src" / "g60graph"


def test_no_import_cycles() -> None:
    graph = grimp.build_graph("g60graph")
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
