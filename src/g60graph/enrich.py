"""Enrichment: facts about linked entities from Wikidata, each with its provenance.

For every entity linked to a Wikidata item (``skos:exactMatch``/``owl:sameAs``),
one batched query per ten items fetches population (with its point in time),
area (in km²), coordinates, inception, official website and English/Chinese
labels. They land in one named graph (:data:`GRAPH_IRI`) written as TriG, never
in the curated files:

- population and area as ``g60:Observation`` nodes, like every figure here;
- coordinates as a ``geo:Geometry`` node (only where we have none);
- inception, website and missing labels as asserted triples, each also
  recorded as a reified ``rdf:Statement`` that cites its source.

Every value cites a ``g60:Source`` for its item: ``schema:url`` the item,
``prov:wasGeneratedBy`` a retrieval that ``prov:used`` the endpoint and
``prov:endedAtTime`` when it answered. A value that disagrees with a curated
fact is not added: it is reported beside the curated one.
"""

from __future__ import annotations

import datetime as dt
import re
from collections.abc import Sequence
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from typing import Any

import rdflib
from rdflib import Literal, URIRef
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, SKOS, XSD

from g60graph.errors import ExecutionError
from g60graph.linking import distance_km, stable_rdf
from g60graph.namespaces import G60, G60R, GEO, GRAPH, PREFIXES, SCHEMA, shorten
from g60graph.sparql_client import SparqlClient, values_block

GRAPH_IRI = GRAPH["enrichment"]
SQUARE_KILOMETRE = "http://www.wikidata.org/entity/Q712226"
AGREE_KM = 5.0  # coordinates closer than this agree with ours
BATCH = 10

_FETCH = """PREFIX wdt: <http://www.wikidata.org/prop/direct/>
PREFIX p: <http://www.wikidata.org/prop/>
PREFIX ps: <http://www.wikidata.org/prop/statement/>
PREFIX psv: <http://www.wikidata.org/prop/statement/value/>
PREFIX pq: <http://www.wikidata.org/prop/qualifier/>
PREFIX wikibase: <http://wikiba.se/ontology#>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
SELECT ?item ?what ?value ?extra WHERE {
  %s
  { ?item p:P1082 ?st . ?st ps:P1082 ?value . OPTIONAL { ?st pq:P585 ?extra }
    BIND("population" AS ?what) }
  UNION { ?item p:P2046/psv:P2046 ?q . ?q wikibase:quantityAmount ?value ;
          wikibase:quantityUnit ?extra . BIND("area" AS ?what) }
  UNION { ?item wdt:P625 ?value BIND("coordinates" AS ?what) }
  UNION { ?item p:P571/psv:P571 ?t . ?t wikibase:timeValue ?value ; wikibase:timePrecision ?extra .
          BIND("inception" AS ?what) }
  UNION { ?item wdt:P856 ?value BIND("website" AS ?what) }
  UNION { ?item rdfs:label ?value FILTER(LANG(?value) IN ("en", "zh", "zh-hans", "zh-cn"))
          BIND("label" AS ?what) }
}"""

_LINKED = """PREFIX owl: <http://www.w3.org/2002/07/owl#>
PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
SELECT DISTINCT ?e ?item WHERE {
  ?e owl:sameAs|skos:exactMatch ?item
  FILTER(STRSTARTS(STR(?item), "http://www.wikidata.org/entity/Q") && ISIRI(?e)
         && STRSTARTS(STR(?e), "https://w3id.org/g60graph/id/"))
}"""

_CURATED = """PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX geo: <http://www.opengis.net/ont/geosparql#>
PREFIX schema: <https://schema.org/>
PREFIX foaf: <http://xmlns.com/foaf/0.1/>
PREFIX g60: <https://w3id.org/g60graph/def#>
SELECT ?e ?what ?value WHERE {
  %s
  { ?e rdfs:label ?value BIND("label" AS ?what) }
  UNION { ?e geo:hasGeometry/geo:asWKT ?value BIND("coordinates" AS ?what) }
  UNION { ?e schema:foundingDate ?value BIND("inception" AS ?what) }
  UNION { ?e foaf:homepage ?value BIND("website" AS ?what) }
  UNION { ?o g60:refArea ?e ; g60:measure <https://w3id.org/g60graph/id/measure-population> ;
          g60:value ?value BIND("population" AS ?what) }
}"""


@dataclass
class Enrichment:
    """The enrichment graph and what was found on the way."""

    dataset: rdflib.Dataset
    conflicts: list[dict[str, str]] = field(default_factory=list)
    added: int = 0  # values added
    entities: int = 0
    labelled: set[tuple[URIRef, str]] = field(default_factory=set)

    def trig(self) -> str:
        header = (
            "# Enrichment from Wikidata by `g60graph enrich`: one named graph, every value\n"
            "# citing a g60:Source for its item (endpoint and retrieval time via PROV).\n"
            "# Load it with --data; the curated files are never changed.\n"
        )
        return header + stable_rdf(self.dataset, trig=True)

    def conflicts_tsv(self) -> str:
        cols = ["entity", "property", "curated", "wikidata", "source"]
        lines = ["\t".join(cols)]
        for c in self.conflicts:
            lines.append("\t".join(" ".join(c[k].split()) for k in cols))
        return "\n".join(lines) + "\n"


def linked_entities(kg: Any, entities: Sequence[str] = ()) -> list[tuple[str, str]]:
    """(entity, Wikidata item) pairs, all or those of ``entities``."""
    wanted = {str(kg.resolve(e)) for e in entities}
    pairs = sorted((str(r[0]), str(r[1])) for r in kg.query(_LINKED).rows)
    return [p for p in pairs if not wanted or p[0] in wanted]


def enrich(
    kg: Any,
    client: SparqlClient,
    entities: Sequence[str] = (),
    *,
    batch_size: int = BATCH,
    progress: bool = False,
) -> Enrichment:
    """Fetch, compare with the curated facts, and build the enrichment graph."""
    from tqdm import tqdm  # type: ignore[import-untyped]

    pairs = linked_entities(kg, entities)
    result = Enrichment(dataset=_dataset())
    graph = result.dataset.graph(GRAPH_IRI)
    _define_population(graph)
    curated = _curated(kg, sorted({e for e, _ in pairs}))
    with tqdm(total=len(pairs), unit="entity", desc="enrich", disable=not progress) as bar:
        for start in range(0, len(pairs), batch_size):
            batch = pairs[start : start + batch_size]
            items = sorted({URIRef(i) for _, i in batch})
            rows, fetched = client.select_timed(_FETCH % values_block("item", items))
            when = dt.datetime.fromtimestamp(fetched, dt.UTC).replace(microsecond=0)
            facts: dict[str, list[tuple[str, Any, Any]]] = {}
            for row in rows:
                facts.setdefault(str(row["item"]), []).append(
                    (str(row["what"]), row["value"], row.get("extra"))
                )
            for entity, item in batch:
                _add_entity(
                    result,
                    graph,
                    entity,
                    item,
                    facts.get(item, []),
                    curated.get(entity, {}),
                    client.endpoint,
                    when,
                )
            bar.update(len(batch))
    result.entities = len(pairs)
    return result


def check(result: Enrichment, kg: Any) -> None:
    """Validate the curated graph plus the enrichment against the SHACL shapes."""
    from g60graph.validation import validate

    union = kg.union_graph()
    for triple in result.dataset.graph(GRAPH_IRI):
        union.add(triple)
    report = validate(union)
    if not report.conforms:
        first = report.violations[0] if report.violations else None
        detail = f": {shorten(first.focus)}: {first.message}" if first else ""
        raise ExecutionError(
            f"the enrichment graph does not satisfy the SHACL shapes"
            f" ({len(report.violations)} violation(s)){detail}; nothing written"
        )


# -- building the graph ---------------------------------------------------------------


def _dataset() -> rdflib.Dataset:
    dataset = rdflib.Dataset()
    for prefix, iri in PREFIXES.items():
        dataset.bind(prefix, iri)
    dataset.bind("foaf", str(FOAF))
    return dataset


def _define_population(graph: rdflib.Graph) -> None:
    measure, source = G60R["measure-population"], G60R["source-wikidata-p1082"]
    graph.add((measure, RDF.type, G60.Measure))
    graph.add((measure, RDFS.label, Literal("Population", lang="en")))
    graph.add((measure, SKOS.prefLabel, Literal("Population", lang="en")))
    graph.add(
        (
            measure,
            SKOS.definition,
            Literal(
                "Number of inhabitants of the area at a point in time (Wikidata property P1082).",
                lang="en",
            ),
        )
    )
    graph.add((measure, SKOS.inScheme, G60R["measures"]))
    graph.add((measure, DCTERMS.source, source))
    graph.add((source, RDF.type, G60.Source))
    graph.add((source, RDFS.label, Literal("Wikidata property P1082 (population)", lang="en")))
    graph.add((source, DCTERMS.publisher, Literal("Wikidata")))
    graph.add((source, SCHEMA.url, URIRef("http://www.wikidata.org/entity/P1082")))


def _curated(kg: Any, entities: list[str]) -> dict[str, dict[str, list[Any]]]:
    if not entities:
        return {}
    out: dict[str, dict[str, list[Any]]] = {}
    rows = kg.query(_CURATED % values_block("e", [URIRef(e) for e in entities])).rows
    for e, what, value in rows:
        out.setdefault(str(e), {}).setdefault(str(what), []).append(value)
    return out


def _add_entity(
    result: Enrichment,
    graph: rdflib.Graph,
    entity_iri: str,
    item: str,
    facts: list[tuple[str, Any, Any]],
    curated: dict[str, list[Any]],
    endpoint: str,
    when: dt.datetime,
) -> None:
    entity = URIRef(entity_iri)
    slug = entity_iri.rsplit("/", 1)[-1]
    qid = item.rsplit("/", 1)[-1]
    english = [str(o) for o in curated.get("label", []) if getattr(o, "language", None) == "en"]
    name = english[0] if english else slug
    source = G60R[f"source-wikidata-{qid.lower()}"]
    retrieval = G60R[f"retrieval-wikidata-{qid.lower()}"]
    stamp = Literal(when.isoformat().replace("+00:00", "Z"), datatype=XSD.dateTime)
    graph.add((source, RDF.type, G60.Source))
    graph.add(
        (
            source,
            RDFS.label,
            Literal(
                f"Wikidata item {qid}, retrieved {when.date().isoformat()} from {endpoint}",
                lang="en",
            ),
        )
    )
    graph.add((source, DCTERMS.publisher, Literal("Wikidata")))
    graph.add((source, SCHEMA.url, URIRef(item)))
    graph.add((source, PROV.wasGeneratedBy, retrieval))
    graph.add((retrieval, RDF.type, PROV.Activity))
    graph.add((retrieval, PROV.used, URIRef(endpoint)))
    graph.add((retrieval, PROV.endedAtTime, stamp))

    def conflict(prop: str, ours: Any, theirs: Any) -> None:
        result.conflicts.append(
            {
                "entity": shorten(entity_iri),
                "property": prop,
                "curated": str(ours),
                "wikidata": str(theirs),
                "source": shorten(item),
            }
        )

    def claim(prop: URIRef, value: Any, what: str) -> None:
        graph.add((entity, prop, value))
        node = G60R[f"claim-{slug}-{what}-{qid.lower()}"]
        graph.add((node, RDF.type, RDF.Statement))
        graph.add((node, RDF.subject, entity))
        graph.add((node, RDF.predicate, prop))
        graph.add((node, RDF.object, value))
        graph.add((node, DCTERMS.source, source))
        result.added += 1

    by_kind: dict[str, list[tuple[Any, Any]]] = {}
    for what, value, extra in facts:
        by_kind.setdefault(what, []).append((value, extra))

    # population: the latest figure with a point in time, else any
    populations: list[tuple[dt.date, Decimal]] = []
    for value, when_given in by_kind.get("population", []):
        number = _number(value)
        if number is not None:
            populations.append((_date(when_given) or dt.date.min, number))
    if populations:
        day, count = max(populations)  # the latest figure with a point in time
        ours = curated.get("population", [])
        if ours:
            if all(_number(o) != count for o in ours):
                conflict("population", ours[0], count)
        else:
            obs = _observation(graph, entity, name, "population", count, source)
            graph.add((obs, G60.measure, G60R["measure-population"]))
            graph.add((obs, G60.unit, G60R["unit-count"]))
            if day != dt.date.min:
                graph.add((obs, G60.refDate, Literal(day)))
            else:
                graph.add((obs, G60.reportedOn, Literal(when.date())))
            result.added += 1
    areas: list[Decimal] = []
    for value, unit in by_kind.get("area", []):
        number = _number(value)
        if number is not None and str(unit) == SQUARE_KILOMETRE:
            areas.append(number)
    if areas:
        obs = _observation(graph, entity, name, "area", max(areas), source)
        graph.add((obs, G60.measure, G60R["measure-land-area"]))
        graph.add((obs, G60.unit, G60R["unit-square-kilometre"]))
        graph.add((obs, G60.reportedOn, Literal(when.date())))
        result.added += 1
    points = sorted(p for p in (_point(str(v)) for v, _ in by_kind.get("coordinates", [])) if p)
    if points:
        lon, lat = points[0]
        ours_points = [p for p in (_point(str(w)) for w in curated.get("coordinates", [])) if p]
        if ours_points:
            km = distance_km((ours_points[0][1], ours_points[0][0]), (lat, lon))
            if km > AGREE_KM:
                conflict(
                    "coordinates",
                    f"POINT({ours_points[0][0]} {ours_points[0][1]})",
                    f"POINT({lon} {lat}) ({km:.0f} km apart)",
                )
        else:
            geom = G60R[f"{slug}-geom-wikidata-{qid.lower()}"]
            graph.add((entity, GEO.hasGeometry, geom))
            graph.add((geom, RDF.type, GEO.Geometry))
            graph.add((geom, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))
            graph.add((geom, DCTERMS.source, source))
            result.added += 1
    inceptions = sorted((str(v), _time_literal(str(v), x)) for v, x in by_kind.get("inception", []))
    inceptions = [i for i in inceptions if i[1] is not None]
    if inceptions:
        value = inceptions[0][1]
        ours = curated.get("inception", [])
        if ours:
            if all(str(o) != str(value) for o in ours):
                conflict("inception", ours[0], value)
        else:
            claim(SCHEMA.foundingDate, value, "inception")
    sites = sorted(str(v) for v, _ in by_kind.get("website", []) if isinstance(v, URIRef))
    if sites:
        ours = curated.get("website", [])
        if ours:
            if all(str(o) != sites[0] for o in ours):
                conflict("website", ours[0], sites[0])
        else:
            claim(FOAF.homepage, URIRef(sites[0]), "website")
    labels = {str(v.language).lower(): str(v) for v, _ in sorted(by_kind.get("label", []))}
    for lang, tags in (("en", ("en",)), ("zh", ("zh", "zh-hans", "zh-cn"))):
        theirs = next((labels[t] for t in tags if t in labels), None)  # simplified Chinese first
        if theirs is None:
            continue
        ours = [o for o in curated.get("label", []) if getattr(o, "language", None) == lang]
        if not ours and (entity, lang) not in result.labelled:
            result.labelled.add((entity, lang))  # one label per language, whatever the items
            claim(RDFS.label, Literal(theirs, lang=lang), f"label-{lang}")
        elif ours and str(ours[0]) != theirs:
            conflict(f"label@{lang}", ours[0], theirs)


def _observation(
    graph: rdflib.Graph, entity: URIRef, name: str, what: str, value: Decimal, source: URIRef
) -> URIRef:
    qid = str(source).rsplit("-", 1)[-1]  # one node per entity and item
    obs = G60R[f"obs-{entity.rsplit('/', 1)[-1]}-{what}-wikidata-{qid}"]
    graph.add((obs, RDF.type, G60.Observation))
    graph.add((obs, RDFS.label, Literal(f"{what.capitalize()} of {name} (Wikidata)", lang="en")))
    number = Literal(int(value)) if value == value.to_integral_value() else Literal(value)
    graph.add((obs, G60.value, number))
    graph.add((obs, G60.refArea, entity))
    graph.add((obs, DCTERMS.source, source))
    return obs


def _number(term: Any) -> Decimal | None:
    try:
        return Decimal(str(term))
    except (InvalidOperation, ValueError):
        return None


def _date(term: Any) -> dt.date | None:
    match = re.match(r"^(\d{4})-(\d\d)-(\d\d)", str(term)) if term is not None else None
    if not match:
        return None
    try:
        return dt.date(int(match[1]), int(match[2]), int(match[3]))
    except ValueError:
        return None


def _point(wkt: str) -> tuple[float, float] | None:
    """(lon, lat) from ``Point(lon lat)`` or ``POINT(lon lat)``."""
    match = re.search(r"point\s*\(\s*([-\d.eE+]+)\s+([-\d.eE+]+)\s*\)", wkt, re.IGNORECASE)
    return (float(match[1]), float(match[2])) if match else None


def _time_literal(value: str, precision: Any) -> Literal | None:
    """A Wikidata time at its precision: 9 year, 10 month, 11 day (coarser: dropped)."""
    match = re.match(r"^(-?)(\d{1,})-(\d\d)-(\d\d)", value)
    if not match:
        return None
    sign, year, month, day = match[1], match[2].zfill(4), match[3], match[4]
    level = int(str(precision)) if precision is not None and str(precision).isdigit() else 11
    if level == 9:
        return Literal(f"{sign}{year}", datatype=XSD.gYear)
    if level == 10:
        return Literal(f"{sign}{year}-{month}", datatype=XSD.gYearMonth)
    if level >= 11 and not sign:
        return Literal(f"{year}-{month}-{day}", datatype=XSD.date)
    return None
