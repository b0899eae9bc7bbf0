"""The named-query cases checked against expected results in tests/expected/.

Each case is a named query with parameters and an expected result file: SPARQL
JSON results (.srj) for SELECT, N-Triples (.nt) for CONSTRUCT. Regenerate a
file after a deliberate data change, then review its diff:

    python tests/support/named_cases.py [CASE ...]
"""

from __future__ import annotations

import io
import sys
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import rdflib
from rdflib import Literal
from rdflib.query import Result

from paths import EXPECTED, REPO


@dataclass(frozen=True)
class Case:
    query: str
    params: dict[str, str] = field(default_factory=dict)
    suffix: str = ""

    @property
    def name(self) -> str:
        return self.query + (f"--{self.suffix}" if self.suffix else "")


HANGZHOU = "https://w3id.org/g60graph/id/hangzhou"
# a value the packaged graph has for each required parameter of the library's own queries
# (queries/library; a list for a ``many`` one)
LIBRARY_SAMPLES: dict[str, object] = {
    "iri": HANGZHOU, "subject": HANGZHOU, "geometry": HANGZHOU + "-geom",
    "graph": "https://w3id.org/g60graph/graph/g60",
    "parent": ["https://w3id.org/g60graph/def#Organisation"],
    "e": [HANGZHOU, "https://w3id.org/g60graph/id/suzhou"],
}


EXTRA_CASES = [
    Case("cities", {"province": "Zhejiang"}, "zhejiang"),
    Case("cities", {"province": "安徽省"}, "anhui-zh"),
    Case("parks", {"city": "g60r:suzhou"}, "suzhou"),
    Case("institutes", {"place": "松江区"}, "songjiang"),
    Case("statistics", {"measure": "g60r:measure-gdp"}, "gdp"),
    Case("statistics", {"area": "g60r:alliance-new-material"}, "new-material"),
    Case("entity", {"entity": "杭州市"}, "hangzhou-zh"),
    Case("entity-sources", {"entity": "Jinhua"}, "jinhua"),
    Case("places-in", {"place": "Anhui"}, "anhui"),
    Case("infrastructure", {"line": "G60 Expressway"}, "g60"),
    Case("industries", {"industry": "人工智能"}, "ai-zh"),
    Case("neighbourhood", {"entity": "g60r:alliance-new-material"}, "new-material"),
    Case("series", {"measure": "g60r:measure-total-output"}, "total-output"),
    Case("compare-cities", {"measure": "g60r:measure-seconded-staff-count"}, "staff"),
]


def all_cases() -> list[Case]:
    from g60graph.sparql._named import catalogue

    plain = [
        Case(name)
        for name, q in catalogue().items()
        if "federated" not in q.tags and not any(p.required and not p.default for p in q.params)
    ]
    return plain + EXTRA_CASES


def expected_path(case: Case, form: str) -> Path:
    return EXPECTED / f"{case.name}.{'nt' if form in ('CONSTRUCT', 'DESCRIBE') else 'srj'}"


def load_expected(path: Path) -> Any:
    if path.suffix == ".nt":
        graph = rdflib.Graph()
        graph.parse(path, format="nt")
        return graph
    with path.open(encoding="utf-8") as handle:
        return Result.parse(handle, format="json")


def comparable(term: Any) -> Any:
    """A term's value for comparison: engines may write 118.759 or 118.7590."""
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, int | float | Decimal) and not isinstance(value, bool):
            return ("number", Decimal(str(value)), str(term.datatype))
        return ("literal", str(term), str(term.datatype or ""), term.language or "")
    return (type(term).__name__, str(term))


def rows_of(result: Any, variables: list[str]) -> list[tuple[Any, ...]]:
    return [
        tuple(comparable(b.get(rdflib.Variable(v))) if b.get(rdflib.Variable(v)) is not None
              else None for v in variables)
        for b in result.bindings
    ]


def regenerate(names: list[str]) -> None:
    from g60graph import KnowledgeGraph

    kg = KnowledgeGraph.load()
    for case in all_cases():
        if names and case.name not in names:
            continue
        result = kg.query(case.query, case.params)
        path = expected_path(case, result.form)
        if result.graph is not None:
            lines = sorted(result.graph.serialize(format="nt").splitlines(keepends=True))
            path.write_text("".join(line for line in lines if line.strip()), encoding="utf-8")
        else:
            buffer = io.BytesIO()
            result.to_rdflib().serialize(buffer, format="json", encoding="utf-8")
            path.write_bytes(buffer.getvalue() + b"\n")
        print(f"wrote {path} ({len(result)} rows/triples)")


if __name__ == "__main__":
    sys.path.insert(0, str(REPO / "src"))
    regenerate(sys.argv[1:])
