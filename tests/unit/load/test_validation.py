"""SHACL validation: the packaged dataset conforms; each broken sample fails its rule.

The packaged graph is validated as a Dataset, each source's statements in its named
graph, so the rules that hold within one source graph (SHACL-SPARQL) see them.

Each file in tests/fixtures/broken/ is TriG (a sample's statements in a graph of its
own, described in g60g:curation like a real source's) and states what it must trigger
in ``#+`` header lines: ``#+ focus: <IRI>`` and ``#+ rule: <rule name>`` (the bracketed
tag that starts the shape's message, e.g. ``[obs-one-subject]``), and, for the rules
checked once over all graphs (their focus is g60g:curation), ``#+ names: <IRI>``: the
entity or graph the message must name.
"""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib

from g60graph import KnowledgeGraph
from g60graph.backends import from_ox
from g60graph.load._validation import ValidationReport, Violation, named_copy, validate
from paths import FIXTURES, REPO

BROKEN = FIXTURES / "broken"
BROKEN_FILES = sorted(BROKEN.glob("*.trig"))
G60R = "https://w3id.org/g60graph/id/"
G60G = "https://w3id.org/g60graph/graph/"
SHAPES = "https://w3id.org/g60graph/shapes#"


def _quads(path: Path) -> list[tuple[object, object, object, object]]:
    return [
        (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object), from_ox(q.graph_name))
        for q in ox.parse(path=path, format=ox.RdfFormat.TRIG)
    ]


@pytest.fixture(scope="module")
def packaged_quads() -> list[tuple[object, object, object, object]]:
    return list(KnowledgeGraph.load().backend.quads())


@pytest.fixture(scope="module")
def packaged_report(
    packaged_quads: list[tuple[object, object, object, object]],
) -> ValidationReport:
    # the packaged shapes and ontology by default
    return validate(named_copy(packaged_quads))


def _expectation(path: Path) -> dict[str, str]:
    meta: dict[str, str] = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.startswith("#+"):
            key, sep, value = line[2:].partition(":")
            if not sep or key.strip() not in {"focus", "rule", "names"}:
                raise ValueError(f"{path.name}: bad header line {line!r}")
            meta[key.strip()] = value.strip()
    if not {"focus", "rule"} <= set(meta):
        raise ValueError(f"{path.name}: needs '#+ focus:' and '#+ rule:' lines")
    return meta


def test_broken_fixtures_found() -> None:
    names = {p.stem for p in BROKEN_FILES}
    for required in (
        "statement-outside-source-graph",
        "string-member-count",
        "city-without-province",
        "label-without-language",
        "negative-amount",
        "observation-two-subjects",
        "observation-open-period",
        "source-without-language",
        "zh-label-from-english-source",
    ):
        assert required in names


def test_packaged_graph_conforms(packaged_report: ValidationReport) -> None:
    assert packaged_report.conforms, packaged_report.text
    # what is left is warnings only: sources whose stored page shows no title or date
    assert {v.severity for v in packaged_report.violations} <= {"Warning"}
    assert {v.message.split("]")[0] + "]" for v in packaged_report.violations} <= {
        "[source-title]", "[source-dated]"
    }


@pytest.fixture(scope="module")
def broken_report(packaged_quads: list[tuple[object, object, object, object]]) -> ValidationReport:
    """One validation run over the packaged dataset plus every broken sample.

    The samples use disjoint ``broken-*`` nodes and graphs, and SHACL judges each
    focus node on its own neighbourhood, so one run reports what separate runs
    would, at a fraction of the time.
    """
    quads = list(packaged_quads)
    for path in BROKEN_FILES:
        quads += _quads(path)
    return validate(named_copy(quads))


def _is_broken(violation: Violation) -> bool:
    return "broken-" in violation.focus or "broken-" in violation.message


def test_only_broken_samples_fail(broken_report: ValidationReport) -> None:
    assert not broken_report.conforms
    errors = [v for v in broken_report.violations if v.severity == "Violation"]
    assert all(_is_broken(v) for v in errors), broken_report.text
    assert {_expectation(p)["focus"] for p in BROKEN_FILES} <= {v.focus for v in errors}


@pytest.mark.parametrize("path", BROKEN_FILES, ids=lambda p: p.stem)
def test_broken_sample_fails_its_rule(path: Path, broken_report: ValidationReport) -> None:
    meta = _expectation(path)
    matching = [
        v
        for v in broken_report.violations
        if v.focus == meta["focus"] and v.message.startswith(f"[{meta['rule']}]")
        and meta.get("names", "") in v.message
    ]
    assert matching, f"no [{meta['rule']}] violation on {meta['focus']}; got:\n{broken_report.text}"
    violation = matching[0]
    assert violation.severity == "Violation"
    assert len(violation.message) > len(meta["rule"]) + 10  # a sentence, not just the tag
    assert violation.shape


def _on(report: ValidationReport, focus: str) -> set[tuple[str | None, str, str]]:
    """(path, message, severity) of every result on ``focus`` (a property shape
    written inline is a blank node, so its name is no part of the answer)."""
    return {(v.path, v.message, v.severity) for v in report.violations if v.focus == focus}


G60 = "https://w3id.org/g60graph/def#"


def test_two_subjects_violate_one_subject_only(broken_report: ValidationReport) -> None:
    assert _on(broken_report, G60R + "broken-obs-two-subjects") == {(
        G60 + "observedEntity",
        "[obs-one-subject] an observation names exactly one subject (g60:observedEntity):"
        " an area, the corridor, an alliance, a park, a line",
        "Violation",
    )}


def test_open_period_needs_both_ends(broken_report: ValidationReport) -> None:
    assert _on(broken_report, G60R + "broken-obs-open-period") == {
        (G60 + "periodEnd",
         "[obs-period-both] an observation has both g60:periodStart and g60:periodEnd"
         " (start = end for a point in time)", "Violation"),
        (G60 + "periodEnd",
         "[obs-period-complete] a period needs both g60:periodStart and g60:periodEnd",
         "Violation"),
    }


def test_graph_with_two_sources(broken_report: ValidationReport) -> None:
    assert _on(broken_report, G60G + "broken-two-sources") == {(
        "http://www.w3.org/ns/prov#wasDerivedFrom",
        "[graph-source] a source graph is prov:wasDerivedFrom exactly one g60:Source",
        "Violation",
    )}


def test_source_metadata_violation_fields(broken_report: ValidationReport) -> None:
    assert _on(broken_report, G60R + "source-broken-no-language") == {(
        "http://purl.org/dc/terms/language",
        '[source-language] exactly one dcterms:language, "zh" or "en"',
        "Violation",
    )}


def test_zh_label_of_an_english_page_names_entity_and_graph(
    broken_report: ValidationReport,
) -> None:
    (violation,) = [v for v in broken_report.violations
                    if v.message.startswith("[graph-zh-label-source]")]
    assert violation == Violation(
        focus=G60G + "curation",
        path=None,
        message=(
            "[graph-zh-label-source] a Chinese label (@zh) may only sit in the graph of a"
            " Chinese-language source (dcterms:language \"zh\"):"
            f" {G60R}broken-alliance-zh-from-en in {G60G}broken-zh-from-en"
        ),
        severity="Violation",
        shape=SHAPES + "PerGraphShape",
    )


def test_statement_outside_any_source_graph(broken_report: ValidationReport) -> None:
    (violation,) = [v for v in broken_report.violations
                    if v.message.startswith("[graph-has-source]")]
    assert violation == Violation(
        focus=G60G + "curation",
        path=None,
        message=(
            "[graph-has-source] every named graph of data/sources/ is a g60:SourceGraph"
            f" prov:wasDerivedFrom a g60:Source: {G60G}broken-unsourced"
        ),
        severity="Violation",
        shape=SHAPES + "DatasetGraphsShape",
    )


def test_a_plain_graph_loses_the_per_graph_rules() -> None:
    """Without its named graphs, the English page's Chinese label cannot be told apart:
    the reason validate() copies a Dataset with its graphs rather than its union."""
    from g60graph import _resources as resources

    page = resources.data_dir() / "sources" / "shine-2021-11-08.trig"  # the English page
    quads = _quads(page) + _quads(BROKEN / "zh-label-from-english-source.trig")
    union = rdflib.Graph()
    for s, p, o, _ in quads:
        union.add((s, p, o))  # type: ignore[arg-type]

    def rule_fires(data: rdflib.Graph) -> bool:
        return any(v.message.startswith("[graph-zh-label-source]")
                   for v in validate(data).violations)

    assert rule_fires(named_copy(quads))
    assert not rule_fires(union)


def test_import_does_not_load_pyshacl() -> None:
    code = "import sys, g60graph.load._validation; sys.exit('pyshacl' in sys.modules)"
    src = str(REPO / "src")
    env = {**os.environ, "PYTHONPATH": src}
    result = subprocess.run([sys.executable, "-c", code], check=False, capture_output=True, env=env)
    assert result.returncode == 0, result.stderr.decode()
