"""SHACL validation: the packaged graph conforms; each broken sample fails its rule.

Each file in tests/fixtures/broken/ states what it must trigger in ``#+`` header
lines: ``#+ focus: <IRI>`` and ``#+ rule: <rule name>``. The rule name is the
bracketed tag that starts the shape's message, e.g. ``[has-source]``.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
import rdflib

from g60graph import _resources as resources
from g60graph.load._validation import ValidationReport, Violation, validate
from paths import FIXTURES, REPO

BROKEN = FIXTURES / "broken"
BROKEN_FILES = sorted(BROKEN.glob("*.ttl"))
G60R = "https://w3id.org/g60graph/id/"


def _packaged_graph() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in resources.packaged_rdf_files():
        graph.parse(path, format="turtle")
    return graph


@pytest.fixture(scope="module")
def packaged() -> rdflib.Graph:
    return _packaged_graph()


@pytest.fixture(scope="module")
def shapes() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_dir() / "shapes.ttl")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return rdflib.Graph().parse(resources.ontology_dir() / "g60.ttl")


def _expectation(path: Path) -> tuple[str, str]:
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#+"):
            key, sep, value = line[2:].partition(":")
            if not sep or key.strip() not in {"focus", "rule"}:
                raise ValueError(f"{path.name}: bad header line {line!r}")
            meta[key.strip()] = value.strip()
    if set(meta) != {"focus", "rule"}:
        raise ValueError(f"{path.name}: needs '#+ focus:' and '#+ rule:' lines")
    return meta["focus"], meta["rule"]


def test_broken_fixtures_found() -> None:
    assert len(BROKEN_FILES) >= 5
    names = {p.stem for p in BROKEN_FILES}
    for required in (
        "missing-source",
        "string-member-count",
        "city-without-province",
        "label-without-language",
        "negative-amount",
    ):
        assert required in names


def test_packaged_graph_conforms(
    packaged: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    report = validate(packaged, shapes, ontology)
    assert report.conforms, report.text
    assert report.violations == ()


def test_defaults_use_packaged_shapes_and_ontology(packaged: rdflib.Graph) -> None:
    report = validate(packaged)
    assert isinstance(report, ValidationReport)
    assert report.conforms, report.text


@pytest.fixture(scope="module")
def broken_report(
    packaged: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> ValidationReport:
    """One validation run over the packaged graph plus every broken sample.

    The samples use disjoint ``g60r:broken-*`` nodes and SHACL judges each focus
    node on its own neighbourhood, so one run reports what separate runs would,
    at a fraction of the time.
    """
    data = rdflib.Graph()
    data += packaged
    for path in BROKEN_FILES:
        data.parse(path, format="turtle")
    return validate(data, shapes, ontology)


def test_only_broken_nodes_fail(broken_report: ValidationReport) -> None:
    assert not broken_report.conforms
    offenders = {v.focus for v in broken_report.violations}
    assert all(f.startswith(G60R + "broken-") for f in offenders), broken_report.text
    assert {_expectation(p)[0] for p in BROKEN_FILES} <= offenders


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_broken_sample_fails_its_rule(path: Path, broken_report: ValidationReport) -> None:
    focus, rule = _expectation(path)
    matching = [
        v
        for v in broken_report.violations
        if v.focus == focus and v.message.startswith(f"[{rule}]")
    ]
    assert matching, f"no [{rule}] violation on {focus}; got:\n{broken_report.text}"
    violation = matching[0]
    assert violation.severity == "Violation"
    assert len(violation.message) > len(rule) + 10  # a readable sentence, not just the tag
    assert violation.shape


def test_single_broken_sample_does_not_conform(
    packaged: rdflib.Graph, shapes: rdflib.Graph, ontology: rdflib.Graph
) -> None:
    data = rdflib.Graph()
    data += packaged
    data.parse(BROKEN / "city-without-province.ttl")
    report = validate(data, shapes, ontology)
    assert not report.conforms
    assert {(v.focus, v.shape) for v in report.violations} == {
        (G60R + "broken-city-no-province", "https://w3id.org/g60graph/shapes#city-in-province")
    }


def test_violation_fields_for_missing_source(broken_report: ValidationReport) -> None:
    expected = Violation(
        focus=G60R + "broken-alliance-no-source",
        path="http://purl.org/dc/terms/source",
        message=(
            "[has-source] every fact-bearing node must cite at least one g60:Source "
            "with dcterms:source"
        ),
        severity="Violation",
        shape="https://w3id.org/g60graph/shapes#has-source",
    )
    assert expected in broken_report.violations
    assert "has-source" in broken_report.text


def test_dataset_input_is_validated_as_union(packaged: rdflib.Graph) -> None:
    dataset = rdflib.Dataset()
    graph = dataset.graph(rdflib.URIRef("https://w3id.org/g60graph/graph/test"))
    graph += packaged
    graph.parse(BROKEN / "negative-amount.ttl")
    report = validate(dataset)
    assert not report.conforms
    assert any(v.focus == G60R + "broken-obs-negative-investment" for v in report.violations)


def test_import_does_not_load_pyshacl() -> None:
    code = "import sys, g60graph.load._validation; sys.exit('pyshacl' in sys.modules)"
    src = str(REPO / "src")
    env = {**os.environ, "PYTHONPATH": src}
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, env=env)
    assert result.returncode == 0, result.stderr.decode()
