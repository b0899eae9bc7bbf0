"""Namespaces used by the ontology, the data and the named queries."""

from __future__ import annotations

from rdflib import Namespace
from rdflib.namespace import DCTERMS, OWL, PROV, RDF, RDFS, SKOS, XSD

__all__ = [
    "G60",
    "G60R",
    "GEO",
    "GRAPH",
    "ORG",
    "PREFIXES",
    "QB",
    "QUERY_PREFIXES",
    "SCHEMA",
    "WD",
    "expand",
    "shorten",
]

G60 = Namespace("https://w3id.org/g60graph/def#")
G60R = Namespace("https://w3id.org/g60graph/id/")
GRAPH = Namespace("https://w3id.org/g60graph/graph/")
GEO = Namespace("http://www.opengis.net/ont/geosparql#")
ORG = Namespace("http://www.w3.org/ns/org#")
SCHEMA = Namespace("https://schema.org/")
QB = Namespace("http://purl.org/linked-data/cube#")
WD = Namespace("http://www.wikidata.org/entity/")

PREFIXES: dict[str, str] = {
    "g60": str(G60),
    "g60r": str(G60R),
    "geo": str(GEO),
    "org": str(ORG),
    "schema": str(SCHEMA),
    "qb": str(QB),
    "rdf": str(RDF),
    "rdfs": str(RDFS),
    "owl": str(OWL),
    "skos": str(SKOS),
    "dcterms": str(DCTERMS),
    "prov": str(PROV),
    "xsd": str(XSD),
    "wd": str(WD),
}

# Predeclared in every query, on every store and in the server: a query may use
# these without a PREFIX line, and a PREFIX line of its own still wins.
QUERY_PREFIXES: dict[str, str] = {
    name: PREFIXES[name]
    for name in ("g60", "g60r", "rdf", "rdfs", "owl", "xsd", "skos", "dcterms", "schema", "org",
                 "geo", "prov", "qb")
}


def shorten(iri: str) -> str:
    """``https://w3id.org/g60graph/id/hangzhou`` -> ``g60r:hangzhou`` where a prefix fits."""
    for prefix, base in PREFIXES.items():
        if iri.startswith(base) and len(iri) > len(base):
            local = iri[len(base) :]
            if all(c.isalnum() or c in "-_." for c in local):
                return f"{prefix}:{local}"
    return f"<{iri}>"


def expand(name: str) -> str | None:
    """``g60r:hangzhou`` -> full IRI, or None when the prefix is unknown."""
    prefix, sep, local = name.partition(":")
    if sep and prefix in PREFIXES and not local.startswith("//"):
        return PREFIXES[prefix] + local
    return None
