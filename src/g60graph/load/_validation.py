"""SHACL validation of g60graph data against ``ontology/shapes.ttl``.

pySHACL runs with RDFS inference over the ontology, so a shape that targets a
class also covers its subclasses (a ``g60:TechnologyTransferBase`` is checked
as a ``g60:Place``). pySHACL is imported inside :func:`validate`, keeping
``import g60graph`` fast.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass
from typing import Any

import rdflib
from rdflib.namespace import RDF, SH

from g60graph import _resources as resources

__all__ = ["ValidationReport", "Violation", "named_copy", "validate"]


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


def named_copy(quads: Iterable[tuple[Any, Any, Any, Any]]) -> rdflib.Dataset:
    """An in-memory Dataset (default graph = union) holding these quads in their graphs."""
    copy = rdflib.Dataset(default_union=True)
    for s, p, o, g in quads:
        name = g.identifier if isinstance(g, rdflib.Graph) else g
        copy.graph(name if isinstance(name, rdflib.URIRef) else None).add((s, p, o))
    return copy


def validate(
    data: rdflib.Graph,
    shapes: rdflib.Graph | None = None,
    ontology: rdflib.Graph | None = None,
) -> ValidationReport:
    """Validate ``data`` against the shapes (default: the packaged shapes).

    ``ontology`` (default: the packaged ontology) drives RDFS inference, so
    subclasses satisfy class targets. The data graph is not modified. A
    ``rdflib.Dataset`` may be passed: its union is validated, and the rules
    that hold within one source graph see each named graph.
    """
    from pyshacl import validate as shacl_validate

    if shapes is None:
        shapes = default_shapes()
    if ontology is None:
        ontology = default_ontology()
    # Always a Dataset, copied into memory (pySHACL never writes into the caller's
    # store): shapes see the union, and the SHACL-SPARQL rules on g60:SourceGraph
    # see each named graph. A plain graph becomes the default graph, so those
    # rules find no source graphs and pass.
    if isinstance(data, rdflib.ConjunctiveGraph):
        data = named_copy(data.quads((None, None, None, None)))
    else:
        data = named_copy((s, p, o, None) for s, p, o in data)
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
