"""A VoID description of the dataset (https://www.w3.org/TR/void/), counted live."""

from __future__ import annotations

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, RDF, XSD

from g60graph._knowledge_graph import KnowledgeGraph
from g60graph._namespaces import G60
from g60graph.backends import triple_count
from g60graph.sparql._named import is_iri, library

__all__ = [
    "LICENSE",
    "TARGETS",
    "VOID",
    "describe",
    "execute_sources",
]

VOID = rdflib.Namespace("http://rdfs.org/ns/void#")
LICENSE = URIRef("https://creativecommons.org/licenses/by/4.0/")
TARGETS = {
    "wikidata": "http://www.wikidata.org/entity/",
    "geonames": "https://sws.geonames.org/",
    "dbpedia": "http://dbpedia.org/resource/",
}


def _count(kg: KnowledgeGraph, name: str, params: dict[str, str]) -> int:
    rows = kg.query(library(name), params).rows
    return int(str(rows[0][0])) if rows and rows[0][0] is not None else 0


def describe(kg: KnowledgeGraph, base: str, id_base: str) -> rdflib.Graph:
    """The dataset: size, classes, subjects, link sets to other datasets, license, sources."""
    graph = rdflib.Graph()
    graph.bind("void", VOID)
    graph.bind("dcterms", DCTERMS)
    dataset = URIRef(base + ".well-known/void#g60graph")
    add = graph.add
    add((dataset, RDF.type, VOID.Dataset))
    add(
        (
            dataset,
            DCTERMS.title,
            Literal("g60graph: the G60 Science and Technology Innovation Corridor", lang="en"),
        )
    )
    add((dataset, DCTERMS.title, Literal("长三角G60科创走廊知识图谱", lang="zh")))
    add((dataset, DCTERMS.license, LICENSE))
    add((dataset, VOID.sparqlEndpoint, URIRef(base + "sparql")))
    add((dataset, VOID.uriSpace, Literal(id_base)))
    add((dataset, VOID.vocabulary, URIRef(str(G60))))
    add((dataset, VOID.triples, Literal(triple_count(kg.backend), datatype=XSD.integer)))
    counts = kg.query(library("void-counts"))
    for prop, n in zip(
        (VOID.classes, VOID.properties, VOID.distinctSubjects, VOID.distinctObjects),
        counts.rows[0],
        strict=True,
    ):
        add((dataset, prop, Literal(int(str(n)), datatype=XSD.integer)))
    entities = _count(kg, "void-entities", {"base": id_base})
    add((dataset, VOID.entities, Literal(entities, datatype=XSD.integer)))
    sizes = {str(g): int(str(n)) for g, n in kg.query(library("graph-sizes")).rows}
    for graph_iri in kg.graph_names():
        add((dataset, VOID.subset, URIRef(graph_iri)))
        add((URIRef(graph_iri), RDF.type, VOID.Dataset))
        size = Literal(sizes.get(graph_iri, 0), datatype=XSD.integer)
        add((URIRef(graph_iri), VOID.triples, size))
    for name, prefix in TARGETS.items():
        links = _count(kg, "void-links", {"target": prefix})
        linkset = URIRef(base + f".well-known/void#links-{name}")
        add((dataset, VOID.subset, linkset))
        add((linkset, RDF.type, VOID.Linkset))
        add((linkset, VOID.subjectsTarget, dataset))
        add((linkset, VOID.objectsTarget, URIRef(prefix)))
        add((linkset, VOID.triples, Literal(links, datatype=XSD.integer)))
    sources = execute_sources(kg)
    for url in sources:
        add((dataset, DCTERMS.source, URIRef(url)))
    return graph


def execute_sources(kg: KnowledgeGraph) -> list[str]:
    # Only IRIs that can be written back: one bad value (a literal, a leading space)
    # must not take the page down for everyone.
    rows = kg.query(library("sources")).rows
    return [str(r[0]) for r in rows if isinstance(r[0], URIRef) and is_iri(str(r[0]))]
