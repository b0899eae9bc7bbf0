"""SHACL validation of g60graph data against ``ontology/shapes.ttl``.

pySHACL runs with RDFS inference over the ontology, so a shape that targets a
class also covers its subclasses (a ``g60:TechnologyTransferBase`` is checked
as a ``g60:Place``). pySHACL is imported inside :func:`validate`, keeping
``import g60graph`` fast.
"""

from __future__ import annotations

from dataclasses import dataclass

import rdflib
from rdflib.namespace import RDF, SH

from g60graph import _resources as resources

__all__ = ["ValidationReport", "Violation", "validate"]


@dataclass(frozen=True)
class Violation:
    """One SHACL validation result."""

    focus: str
    path: str | None
    message: str
    severity: str
    shape: str


@dataclass(frozen=True)
class ValidationReport:
    """The outcome of :func:`validate`: whether the data conforms, and why not."""

    conforms: bool
    violations: tuple[Violation, ...]
    text: str


def default_shapes() -> rdflib.Graph:
    """The packaged SHACL shapes."""
    return rdflib.Graph().parse(resources.shapes_file(), format="turtle")


def default_ontology() -> rdflib.Graph:
    """The packaged OWL ontology (used for RDFS inference during validation)."""
    return rdflib.Graph().parse(resources.ontology_dir() / "g60.ttl", format="turtle")


def _local(term: rdflib.term.Node) -> str:
    """A readable name for a SHACL term: ``sh:Violation`` -> ``Violation``."""
    text = str(term)
    for sep in ("#", "/"):
        if sep in text:
            text = text.rsplit(sep, 1)[1]
    return text


def _results(report: rdflib.Graph) -> tuple[Violation, ...]:
    violations = []
    for result in report.subjects(RDF.type, SH.ValidationResult):
        focus = report.value(result, SH.focusNode)
        path = report.value(result, SH.resultPath)
        message = report.value(result, SH.resultMessage)
        severity = report.value(result, SH.resultSeverity)
        shape = report.value(result, SH.sourceShape)
        violations.append(
            Violation(
                focus=str(focus),
                path=None if path is None else str(path),
                message="" if message is None else str(message),
                severity="" if severity is None else _local(severity),
                shape="" if shape is None else str(shape),
            )
        )
    return tuple(sorted(violations, key=lambda v: (v.focus, v.shape, v.path or "", v.message)))


def validate(
    data: rdflib.Graph,
    shapes: rdflib.Graph | None = None,
    ontology: rdflib.Graph | None = None,
) -> ValidationReport:
    """Validate ``data`` against the shapes (default: the packaged shapes).

    ``ontology`` (default: the packaged ontology) drives RDFS inference, so
    subclasses satisfy class targets. The data graph is not modified. A
    ``rdflib.Dataset`` may be passed; all its graphs are validated together.
    """
    from pyshacl import validate as shacl_validate

    if shapes is None:
        shapes = default_shapes()
    if ontology is None:
        ontology = default_ontology()
    if isinstance(data, rdflib.ConjunctiveGraph):  # a Dataset: validate the union
        merged = rdflib.Graph()
        for s, p, o, _ in data.quads((None, None, None, None)):
            merged.add((s, p, o))
        data = merged
    conforms, report_graph, text = shacl_validate(
        data,
        shacl_graph=shapes,
        ont_graph=ontology,
        inference="rdfs",
        abort_on_first=False,
        allow_warnings=True,
        meta_shacl=False,
        advanced=False,
        inplace=False,
    )
    return ValidationReport(
        conforms=bool(conforms),
        violations=_results(report_graph),
        text=str(text),
    )
