"""Enrichment: facts about linked entities from Wikidata, each with its provenance.

For every entity linked to a Wikidata item (``skos:exactMatch``/``owl:sameAs``),
one batched query per ten items fetches population (with its point in time),
area (in km²), coordinates, inception, official website and English/Chinese
labels. They land in one named graph (:data:`GRAPH_IRI`) written as TriG, never
in the curated files. As in data v2, that graph is a ``g60:SourceGraph``
``prov:wasDerivedFrom`` its source (the endpoint queried), and the file's default
graph describes it and its sources (loaded with --data, that is the file's own graph):

- population and area as ``g60:Observation`` nodes, like every figure here;
- coordinates as a ``geo:Geometry`` node (only where we have none);
- inception, website and missing labels as asserted triples, each also
  recorded as a reified ``rdf:Statement`` that cites its source.

Every value also cites a ``g60:Source`` for its item: ``schema:url`` the item,
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
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, FOAF, PROV, RDF, RDFS, XSD

from g60graph._errors import ExecutionError, InputError
from g60graph._namespaces import G60, G60R, GEO, GRAPH, SCHEMA, shorten
from g60graph._wkt import point as wkt_point
from g60graph.external._client import SparqlClient
from g60graph.external._linking import distance_km, stable_rdf, wikidata_source
from g60graph.results._model import prefixed
from g60graph.sparql._named import library

__all__ = [
    "AGREE_KM",
    "BATCH",
    "GRAPH_IRI",
    "TO_SQUARE_KM",
    "Enrichment",
    "check",
    "enrich",
    "linked_entities",
]

GRAPH_IRI = GRAPH["enrichment"]
# Area units Wikidata uses, in square kilometres: Q712226 km², Q25343 m².
TO_SQUARE_KM = {
    "http://www.wikidata.org/entity/Q712226": Decimal(1),
    "http://www.wikidata.org/entity/Q25343": Decimal("0.000001"),
}
AGREE_KM = 5.0  # coordinates closer than this agree with ours
BATCH = 10

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
            "# Enrichment from Wikidata by `g60graph enrich`: one named graph, derived from the\n"
            "# endpoint (prov:wasDerivedFrom), every value citing a g60:Source for its item\n"
            "# (retrieval time via PROV); the default graph describes the graph and sources.\n"
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
    pairs = sorted((str(r[0]), str(r[1])) for r in kg.query(library("wikidata-links")).rows)
    unlinked = wanted - {e for e, _ in pairs}
    if unlinked:
        raise InputError(
            f"--entity: {', '.join(shorten(e) for e in sorted(unlinked))} has no Wikidata link;"
            " find one with 'g60graph link' and load the accepted links with --data"
        )
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
    curated = _curated(kg, sorted({e for e, _ in pairs}))
    with tqdm(total=len(pairs), unit="entity", desc="enrich", disable=not progress) as bar:
        for start in range(0, len(pairs), batch_size):
            batch = pairs[start : start + batch_size]
            items = sorted({URIRef(i) for _, i in batch})
            rows, fetched = client.select_timed(library("wikidata-facts").bind({"item": items}))
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
            _describe_graph(result.dataset.graph(DATASET_DEFAULT_GRAPH_ID), client.endpoint, when)
            bar.update(len(batch))
    result.entities = len(pairs)
    return result


def check(result: Enrichment, kg: Any) -> None:
    """Validate the curated graph plus the enrichment against the SHACL shapes."""
    from g60graph.load._validation import validate

    union = kg.union_graph()
    for triple in result.dataset.triples((None, None, None)):  # the values and their sources
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
    dataset = prefixed(rdflib.Dataset())
    dataset.bind("foaf", str(FOAF))
    return dataset


def _describe_graph(metadata: rdflib.Graph, endpoint: str, when: dt.datetime) -> None:
    """The enrichment graph's lineage, as data v2 gives every source graph's: derived
    from one g60:Source (the endpoint), generated when it last answered, by g60graph."""
    source, agent = G60R["source-wikidata-endpoint"], G60R["g60graph-enrich"]
    wikidata_source(metadata, source, endpoint, f"Wikidata, queried at {endpoint}")
    metadata.set((GRAPH_IRI, RDF.type, G60.SourceGraph))
    metadata.set((GRAPH_IRI, PROV.wasDerivedFrom, source))
    latest = metadata.value(GRAPH_IRI, PROV.generatedAtTime)
    if not isinstance(latest, Literal) or when > latest.toPython():
        metadata.set((GRAPH_IRI, PROV.generatedAtTime, Literal(when)))
    metadata.set((GRAPH_IRI, PROV.wasAttributedTo, agent))
    metadata.set((agent, RDF.type, PROV.SoftwareAgent))
    metadata.set((agent, RDFS.label, Literal("g60graph enrich", lang="en")))


def _curated(kg: Any, entities: list[str]) -> dict[str, dict[str, list[Any]]]:
    if not entities:
        return {}
    out: dict[str, dict[str, list[Any]]] = {}
    rows = kg.query(library("enrich-curated"), {"e": [URIRef(e) for e in entities]}).rows
    for e, what, value in rows:
        out.setdefault(str(e), {}).setdefault(str(what), []).append(value)
    return out


@dataclass
class _Entity:
    """One linked entity being enriched from one item: where values go, and how."""

    result: Enrichment
    graph: rdflib.Graph  # the values (GRAPH_IRI); their sources go in the default graph
    entity: URIRef
    item: str
    curated: dict[str, list[Any]]
    when: dt.datetime

    @property
    def slug(self) -> str:
        return str(self.entity).rsplit("/", 1)[-1]

    @property
    def qid(self) -> str:
        return self.item.rsplit("/", 1)[-1].lower()

    @property
    def source(self) -> URIRef:
        return G60R[f"source-wikidata-{self.qid}"]

    def cite(self, endpoint: str) -> None:
        """The item as a g60:Source, retrieved from ``endpoint`` at ``when``."""
        retrieval = G60R[f"retrieval-wikidata-{self.qid}"]
        label = f"Wikidata item {self.qid.upper()}, retrieved {self.when.date()} from {endpoint}"
        # a source graph holds no source descriptions ([graph-no-metadata])
        metadata = self.result.dataset.graph(DATASET_DEFAULT_GRAPH_ID)
        wikidata_source(metadata, self.source, self.item, label)
        metadata.add((self.source, PROV.wasGeneratedBy, retrieval))
        metadata.add((retrieval, RDF.type, PROV.Activity))
        metadata.add((retrieval, PROV.used, URIRef(endpoint)))
        metadata.add((retrieval, PROV.endedAtTime, Literal(self.when)))

    def conflict(self, prop: str, ours: Any, theirs: Any) -> None:
        self.result.conflicts.append(
            {
                "entity": shorten(str(self.entity)),
                "property": prop,
                "curated": str(ours),
                "wikidata": str(theirs),
                "source": shorten(self.item),
            }
        )

    def claim(self, prop: URIRef, value: Any, what: str) -> None:
        """Assert a triple, and record it as an rdf:Statement citing the source."""
        self.graph.add((self.entity, prop, value))
        node = G60R[f"claim-{self.slug}-{what}-{self.qid}"]
        self.graph.add((node, RDF.type, RDF.Statement))
        self.graph.add((node, RDF.subject, self.entity))
        self.graph.add((node, RDF.predicate, prop))
        self.graph.add((node, RDF.object, value))
        self.graph.add((node, DCTERMS.source, self.source))
        self.result.added += 1

    def observation(self, what: str, measure: str, unit: str, value: Decimal) -> URIRef:
        english = [o for o in self.curated.get("label", []) if o.language == "en"]
        name = str(english[0]) if english else self.slug
        obs = G60R[f"obs-{self.slug}-{what}-wikidata-{self.qid}"]
        integral = value == value.to_integral_value()
        number = Literal(int(value)) if integral else Literal(value.normalize())
        for p, o in [
            (RDF.type, G60.Observation),
            (RDFS.label, Literal(f"{what.capitalize()} of {name} (Wikidata)", lang="en")),
            (G60.measure, G60R[measure]),
            (G60.value, number),
            (G60.unit, G60R[unit]),
            (G60.refArea, self.entity),
            (DCTERMS.source, self.source),
        ]:
            self.graph.add((obs, p, o))
        self.result.added += 1
        return obs

    def population(self, values: list[tuple[Any, Any]]) -> None:
        """The latest figure by point in time (P585); without one, dated by retrieval."""
        figures = [(_date(t) or dt.date.min, n) for v, t in values if (n := _number(v)) is not None]
        if not figures:
            return
        day, count = max(figures)
        ours = self.curated.get("population", [])
        if ours:
            if all(_number(o) != count for o in ours):
                self.conflict("population", ours[0], count)
            return
        obs = self.observation("population", "measure-population", "unit-count", count)
        if day != dt.date.min:
            self.graph.add((obs, G60.refDate, Literal(day)))
        else:
            self.graph.add((obs, G60.reportedOn, Literal(self.when.date())))

    def area(self, values: list[tuple[Any, Any]]) -> None:
        """In square kilometres (values in other units are left out)."""
        areas = [
            n * TO_SQUARE_KM[str(u)]
            for v, u in values
            if (n := _number(v)) is not None and str(u) in TO_SQUARE_KM
        ]
        if areas:
            obs = self.observation("area", "measure-area", "unit-square-km", max(areas))
            self.graph.add((obs, G60.reportedOn, Literal(self.when.date())))

    def coordinates(self, values: list[tuple[Any, Any]]) -> None:
        """A geometry where we have none; otherwise a conflict if more than AGREE_KM apart."""
        points = sorted(p for v, _ in values if (p := wkt_point(str(v))))
        if not points:
            return
        lon, lat = points[0]
        ours = [p for w in self.curated.get("coordinates", []) if (p := wkt_point(str(w)))]
        if ours:
            km = distance_km((ours[0][1], ours[0][0]), (lat, lon))
            if km > AGREE_KM:
                theirs = f"POINT({lon} {lat}) ({km:.0f} km apart)"
                self.conflict("coordinates", f"POINT({ours[0][0]} {ours[0][1]})", theirs)
            return
        geom = G60R[f"{self.slug}-geom-wikidata-{self.qid}"]
        self.graph.add((self.entity, GEO.hasGeometry, geom))
        self.graph.add((geom, RDF.type, GEO.Geometry))
        self.graph.add((geom, GEO.asWKT, Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral)))
        self.graph.add((geom, DCTERMS.source, self.source))
        self.result.added += 1

    def single(self, what: str, prop: URIRef, value: Any) -> None:
        """Inception or website: added if we have none, reported if ours differs."""
        ours = self.curated.get(what, [])
        if not ours:
            self.claim(prop, value, what)
        elif all(str(o) != str(value) for o in ours):
            self.conflict(what, ours[0], value)

    def labels(self, values: list[tuple[Any, Any]]) -> None:
        """Missing English/Chinese labels (Chinese from zh, else zh-hans, else zh-cn)."""
        theirs = {str(v.language).lower(): str(v) for v, _ in sorted(values)}
        for lang, tags in (("en", ("en",)), ("zh", ("zh", "zh-hans", "zh-cn"))):
            label = next((theirs[t] for t in tags if t in theirs), None)
            if label is None:
                continue
            # sources may give several names in one language: a conflict only if none agrees
            ours = sorted((o for o in self.curated.get("label", []) if o.language == lang), key=str)
            if ours:
                if all(str(o) != label for o in ours):
                    self.conflict(f"label@{lang}", ours[0], label)
            elif (self.entity, lang) not in self.result.labelled:
                self.result.labelled.add((self.entity, lang))  # one per language, any items
                self.claim(RDFS.label, Literal(label, lang=lang), f"label-{lang}")


def _add_entity(
    result: Enrichment,
    graph: rdflib.Graph,
    entity: str,
    item: str,
    facts: list[tuple[str, Any, Any]],
    curated: dict[str, list[Any]],
    endpoint: str,
    when: dt.datetime,
) -> None:
    target = _Entity(result, graph, URIRef(entity), item, curated, when)
    target.cite(endpoint)
    by_kind: dict[str, list[tuple[Any, Any]]] = {}
    for what, value, extra in facts:
        by_kind.setdefault(what, []).append((value, extra))
    target.population(by_kind.get("population", []))
    target.area(by_kind.get("area", []))
    target.coordinates(by_kind.get("coordinates", []))
    inceptions = sorted(
        (str(v), lit) for v, x in by_kind.get("inception", []) if (lit := _time_literal(str(v), x))
    )
    if inceptions:
        target.single("inception", SCHEMA.foundingDate, inceptions[0][1])
    sites = sorted(str(v) for v, _ in by_kind.get("website", []) if isinstance(v, URIRef))
    if sites:
        target.single("website", FOAF.homepage, URIRef(sites[0]))
    target.labels(by_kind.get("label", []))


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
