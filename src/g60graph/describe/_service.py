"""The SPARQL 1.1 Service Description served at the endpoint without a query."""

from __future__ import annotations

from collections.abc import Sequence

import rdflib
from rdflib import BNode, Literal, URIRef
from rdflib.namespace import RDF, XSD

from g60graph.results._model import GRAPH_FORMATS

__all__ = [
    "FORMATS",
    "SD",
    "VOID",
    "service_description",
]

SD = rdflib.Namespace("http://www.w3.org/ns/sparql-service-description#")
VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
FORMATS = rdflib.Namespace("http://www.w3.org/ns/formats/")
# the formats the endpoint answers in (the server's RESULT_TYPES and GRAPH_TYPES)
_FORMAT_IRIS = {
    "json": "SPARQL_Results_JSON",
    "xml": "SPARQL_Results_XML",
    "csv": "SPARQL_Results_CSV",
    "tsv": "SPARQL_Results_TSV",
}
_GRAPH_IRIS = {"ttl": "Turtle", "nt": "N-Triples", "jsonld": "JSON-LD", "xml": "RDF_XML"}


def service_description(
    endpoint: str,
    graphs: Sequence[str],
    triples: int,
    fmt: str,
    *,
    updates: bool,
    timeout: float,
    max_rows: int,
) -> bytes:
    g = rdflib.Graph()
    g.bind("sd", SD)
    g.bind("void", VOID)
    service = URIRef(endpoint + "#service")
    g.add((service, RDF.type, SD.Service))
    g.add((service, SD.endpoint, URIRef(endpoint)))
    g.add((service, SD.supportedLanguage, SD.SPARQL11Query))
    if updates:
        g.add((service, SD.supportedLanguage, SD.SPARQL11Update))
    g.add((service, SD.feature, SD.UnionDefaultGraph))
    for name in _FORMAT_IRIS:
        g.add((service, SD.resultFormat, FORMATS[_FORMAT_IRIS[name]]))
    for name in _GRAPH_IRIS:
        g.add((service, SD.resultFormat, FORMATS[_GRAPH_IRIS[name]]))
    dataset = BNode("dataset")
    g.add((service, SD.defaultDataset, dataset))
    g.add((dataset, RDF.type, SD.Dataset))
    default = BNode("default")
    g.add((dataset, SD.defaultGraph, default))
    g.add((default, RDF.type, SD.Graph))
    g.add((default, VOID.triples, Literal(triples, datatype=XSD.integer)))
    for iri in graphs:
        named = BNode()
        g.add((dataset, SD.namedGraph, named))
        g.add((named, SD.name, URIRef(iri)))
    limits = (
        f"read-only: {not updates}; time limit {timeout:g} s per query;"
        f" at most {max_rows} rows per answer; SERVICE and LOAD are refused; a graph"
        " the dataset lacks is empty, never fetched"
    )
    g.add((service, URIRef("http://www.w3.org/2000/01/rdf-schema#comment"), Literal(limits)))
    return g.serialize(format=GRAPH_FORMATS[fmt], encoding="utf-8")
