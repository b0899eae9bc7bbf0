"""One colour and one shape per class, for every diagram, map, chart and timeline.

A class keeps its style wherever it is drawn ("Prefecture-level city" is the same
blue in the network, the map, the timeline and the query page), so the styles are
fixed here by class rather than handed out in order of appearance. Classes of our
vocabulary not listed take the style of their nearest listed superclass; anything
else (sources, observations, SKOS concepts, ORG posts, geometries, reified
statements) is "technical": drawn small and grey, and left out of legends.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

__all__ = [
    "TECHNICAL",
    "Style",
    "echarts_symbol",
    "style_for",
]

_G60 = "https://w3id.org/g60graph/def#"


@dataclass(frozen=True)
class Style:
    """How a class is drawn: ``key`` names the legend entry it belongs to."""

    key: str
    colour: str
    shape: str  # a vis-network shape name (dot, square, diamond, ...)
    technical: bool = False


# local name in g60: -> (colour, shape). Families share a hue and a shape:
# places blue dots, organisations warm squares, parks green diamonds,
# documents purple triangles, events magenta stars, infrastructure slate.
_STYLES: dict[str, tuple[str, str]] = {
    "Corridor": ("#1a365d", "star"),
    "CorridorVersion": ("#2c5282", "star"),
    "Place": ("#4a90c8", "dot"),
    "AdministrativeArea": ("#4a90c8", "dot"),
    "Country": ("#0b3c5d", "hexagon"),
    "Province": ("#1f5f99", "hexagon"),
    "ProvinceLevelMunicipality": ("#1f5f99", "hexagon"),
    "PrefectureLevelCity": ("#2b7bd0", "dot"),
    "District": ("#6cb2eb", "dot"),
    "AggregateArea": ("#2a4365", "hexagon"),
    "Organisation": ("#b7791f", "square"),
    "IndustrialAlliance": ("#dd6b20", "square"),
    "ResearchInstitute": ("#c05621", "square"),
    "Enterprise": ("#975a16", "square"),
    "GovernmentBody": ("#c53030", "square"),
    "CoordinationBody": ("#9b2c2c", "square"),
    "InnovationPlatform": ("#d69e2e", "square"),
    "Fund": ("#b83280", "square"),
    "Person": ("#d53f8c", "dot"),
    "IndustrialPark": ("#2f855a", "diamond"),
    "CooperationDemonstrationPark": ("#38a169", "diamond"),
    "TechnologyTransferBase": ("#276749", "diamond"),
    "Document": ("#6b46c1", "triangle"),
    "Agreement": ("#805ad5", "triangle"),
    "CooperationAgreement": ("#805ad5", "triangle"),
    "Declaration": ("#553c9a", "triangle"),
    "Plan": ("#44337a", "triangle"),
    "Guideline": ("#9f7aea", "triangle"),
    "List": ("#b794f4", "triangle"),
    "Event": ("#97266d", "star"),
    "Conference": ("#b83280", "star"),
    "Expo": ("#702459", "star"),
    "Infrastructure": ("#4a5568", "triangleDown"),
    "Expressway": ("#c05621", "triangleDown"),
    "Railway": ("#2d3748", "triangleDown"),
    "RailwayStation": ("#718096", "triangleDown"),
    "Industry": ("#319795", "hexagon"),
    "ClusterLevel": ("#4fd1c5", "hexagon"),
    "ClusterGoal": ("#285e61", "hexagon"),
}

# Our own bookkeeping classes: drawn if selected, never in a legend.
TECHNICAL = frozenset(
    _G60 + name
    for name in (
        "Observation", "Measure", "Unit", "ValueQualifier", "Source", "SourceGraph",
        "CurationGraph", "TrustTier", "ObservationStatus",
    )
)
_OTHER = Style(key="", colour="#a0aec0", shape="dot", technical=True)


def style_for(cls: str, ancestors: Iterable[str] = ()) -> Style:
    """The style of class ``cls`` (an IRI); ``ancestors`` are its superclasses,
    nearest first, for classes the table does not list."""
    for candidate in (cls, *ancestors):
        if candidate in TECHNICAL:
            return Style(key=candidate, colour=_OTHER.colour, shape=_OTHER.shape, technical=True)
        if candidate.startswith(_G60) and candidate[len(_G60):] in _STYLES:
            colour, shape = _STYLES[candidate[len(_G60):]]
            return Style(key=candidate, colour=colour, shape=shape)
    return _OTHER


_ECHARTS = {
    "dot": "circle",
    "square": "rect",
    "diamond": "diamond",
    "triangle": "triangle",
    "triangleDown": "path://M0,0 L10,0 L5,9 Z",
    "star": "path://M5,0 L6.2,3.6 L10,3.6 L6.9,5.8 L8.1,9.5 L5,7.2 L1.9,9.5 L3.1,5.8 L0,3.6 "
            "L3.8,3.6 Z",
    "hexagon": "path://M2.5,0 L7.5,0 L10,4.33 L7.5,8.66 L2.5,8.66 L0,4.33 Z",
}


def echarts_symbol(shape: str) -> str:
    """The same shape as an ECharts symbol (built-in name or SVG path)."""
    return _ECHARTS.get(shape, "circle")
