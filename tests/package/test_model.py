"""The ontology and the curated data: they parse, follow the data v2 contract
(one named graph per source, the curators' own statements in g60g:curation),
and hold the facts users check, each in the graph of the source that states it."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD

from g60graph import _resources as resources
from g60graph.backends import from_ox, rdflib_dataset
from g60graph.load import graph_iri, load_backend

G60 = rdflib.Namespace("https://w3id.org/g60graph/def#")
G60R = rdflib.Namespace("https://w3id.org/g60graph/id/")
G60G = rdflib.Namespace("https://w3id.org/g60graph/graph/")
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = rdflib.Namespace("https://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
PROV = rdflib.Namespace("http://www.w3.org/ns/prov#")
QB = rdflib.Namespace("http://purl.org/linked-data/cube#")
ONTOLOGY_IRI = URIRef("https://w3id.org/g60graph/def")
CURATION = G60G.curation

ONTOLOGY_FILES = sorted(resources.ontology_dir().glob("*.ttl"))
DATA_FILES = sorted(resources.data_dir().rglob("*.trig"))
SOURCE_FILES = sorted((resources.data_dir() / "sources").glob("*.trig"))
CURATION_FILES = sorted((resources.data_dir() / "curation").glob("*.trig"))

PREFIXES = """
PREFIX g60: <https://w3id.org/g60graph/def#>
PREFIX g60r: <https://w3id.org/g60graph/id/>
PREFIX g60g: <https://w3id.org/g60graph/graph/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
PREFIX prov: <http://www.w3.org/ns/prov#>
PREFIX dcterms: <http://purl.org/dc/terms/>
"""


def _parse(path: Path) -> rdflib.Graph:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return rdflib.Graph().parse(path, format="turtle")


def _quads(path: Path) -> list[ox.Quad]:
    return list(ox.parse(path=path, format=ox.RdfFormat.TRIG))


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return _parse(resources.ontology_dir() / "g60.ttl")


@pytest.fixture(scope="module")
def dataset() -> rdflib.Dataset:
    """Every data file, each quad in its graph (in memory: rdflib sees the graphs)."""
    ds = rdflib.Dataset(default_union=True)
    for path in DATA_FILES:
        for q in _quads(path):
            ds.graph(from_ox(q.graph_name)).add((from_ox(q.subject), from_ox(q.predicate), from_ox(q.object)))  # type: ignore[arg-type]
    return ds


@pytest.fixture(scope="module")
def data(dataset: rdflib.Dataset) -> rdflib.Graph:
    """The union of all data graphs (what queries see as the default graph)."""
    union = rdflib.Graph()
    for s, p, o, _ in dataset.quads((None, None, None, None)):
        union.add((s, p, o))
    return union


def _graph(dataset: rdflib.Dataset, slug: str) -> rdflib.Graph:
    return dataset.graph(G60G[slug])


def _langs(graph: rdflib.Graph, node: rdflib.term.Node, prop: URIRef = RDFS.label) -> set[str]:
    """Language tags of the literal values of ``prop`` ("" for untagged)."""
    return {o.language or "" for o in graph.objects(node, prop) if isinstance(o, Literal)}


def _labels_in(graph: rdflib.Graph, node: rdflib.term.Node, lang: str) -> list[str]:
    return [
        str(o)
        for o in graph.objects(node, RDFS.label)
        if isinstance(o, Literal) and o.language == lang
    ]


def _select(graph: rdflib.Graph, query: str) -> list[tuple[rdflib.term.Node, ...]]:
    return [tuple(row) for row in graph.query(PREFIXES + query)]  # type: ignore[arg-type]


# --- files parse, and keep to their graphs -------------------------------------


def test_files_found() -> None:
    assert {p.name for p in ONTOLOGY_FILES} == {"g60.ttl", "shapes.ttl"}
    assert not list(resources.data_dir().rglob("*.ttl")), "data v2 is TriG only"
    assert {p.stem for p in CURATION_FILES} >= {"vocabularies", "places", "external-identifiers"}
    assert {p.stem for p in SOURCE_FILES} >= set(SEED_SOURCES) | set(CONVERTED_SOURCES)


@pytest.mark.parametrize("path", ONTOLOGY_FILES, ids=lambda p: p.name)
def test_ontology_parses_with_rdflib_and_oxigraph(path: Path) -> None:
    graph = _parse(path)
    assert len(graph) > 0
    assert len(list(ox.parse(path=path, format=ox.RdfFormat.TURTLE))) == len(graph)


@pytest.mark.parametrize("path", SOURCE_FILES, ids=lambda p: p.stem)
def test_source_file_has_exactly_its_two_graphs(path: Path) -> None:
    graphs = {q.graph_name for q in _quads(path)}
    assert graphs == {ox.NamedNode(str(CURATION)), ox.NamedNode(str(G60G[path.stem]))}, (
        f"{path.name}: statements outside g60g:curation and g60g:{path.stem}"
    )


@pytest.mark.parametrize("path", CURATION_FILES, ids=lambda p: p.stem)
def test_curation_file_is_all_curation(path: Path) -> None:
    assert {q.graph_name for q in _quads(path)} == {ox.NamedNode(str(CURATION))}


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_loader_keeps_every_source_file_in_its_two_graphs(store: str) -> None:
    """The loader sends a file's default graph to graph/<stem>; a TriG file of
    named graphs keeps them, so nothing of data/sources lands anywhere else."""
    loaded = rdflib_dataset(load_backend(store))
    names = {str(g.identifier) for g in loaded.graphs() if len(g)}
    for path in SOURCE_FILES:
        assert graph_iri(path, packaged=True) == str(G60G[path.stem])
        quads = _quads(path)
        own = [q for q in quads if q.graph_name == ox.NamedNode(str(G60G[path.stem]))]
        assert str(G60G[path.stem]) in names
        named = loaded.graph(URIRef(str(G60G[path.stem])))
        assert len(named) == len({(q.subject, q.predicate, q.object) for q in own}), path.name
    # no graph other than the ontology's, the curation graph and the source graphs
    expected = {str(CURATION), str(G60G.g60)} | {str(G60G[p.stem]) for p in SOURCE_FILES}
    assert names <= expected, names - expected


# --- ontology --------------------------------------------------------------


def test_ontology_metadata(ontology: rdflib.Graph) -> None:
    assert (ONTOLOGY_IRI, RDF.type, OWL.Ontology) in ontology
    assert _langs(ontology, ONTOLOGY_IRI, DCTERMS.title) == {"en", "zh"}
    for prop in (OWL.versionInfo, OWL.versionIRI, DCTERMS.created, DCTERMS.modified):
        assert ontology.value(ONTOLOGY_IRI, prop) is not None, prop
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.license) == URIRef(
        "https://creativecommons.org/licenses/by/4.0/"
    )
    assert ontology.value(ONTOLOGY_IRI, DCTERMS.creator) == Literal("g60graph contributors")


def _g60_terms(ontology: rdflib.Graph) -> set[URIRef]:
    kinds = (OWL.Class, OWL.ObjectProperty, OWL.DatatypeProperty)
    return {
        s
        for kind in kinds
        for s in ontology.subjects(RDF.type, kind)
        if isinstance(s, URIRef) and s.startswith(str(G60))
    }


def test_every_term_has_bilingual_labels_and_definition(ontology: rdflib.Graph) -> None:
    terms = _g60_terms(ontology)
    assert len(terms) > 60
    for term in terms:
        assert _langs(ontology, term) >= {"en", "zh"}, term
        definition = ontology.value(term, SKOS.definition) or ontology.value(term, RDFS.comment)
        assert isinstance(definition, Literal) and definition.language == "en", term


def test_required_terms_and_alignments(ontology: rdflib.Graph) -> None:
    assert (G60.locatedIn, RDF.type, OWL.TransitiveProperty) in ontology
    assert (G60.directlyLocatedIn, RDFS.subPropertyOf, G60.locatedIn) in ontology
    qb_obs = URIRef("http://purl.org/linked-data/cube#Observation")
    assert (G60.Observation, RDFS.subClassOf, qb_obs) in ontology
    for cls in ("CooperationDemonstrationPark", "TechnologyTransferBase"):
        assert (G60[cls], RDFS.subClassOf, G60.IndustrialPark) in ontology
    for cls in ("Declaration", "CooperationAgreement", "Plan", "Guideline"):
        assert (G60[cls], RDFS.subClassOf * "+", G60.Document) in ontology  # type: ignore[operator]


# --- data conventions --------------------------------------------------------


def test_data_uses_only_declared_terms(ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    declared = _g60_terms(ontology)
    used = {
        term
        for triple in data
        for term in (triple[1], triple[2])
        if isinstance(term, URIRef) and term.startswith(str(G60))
    }
    assert used - declared == set()


def test_prov_only_for_lineage(ontology: rdflib.Graph) -> None:
    """PROV is for the data's lineage: no event, place, organisation or document is a PROV class."""
    for cls in (G60.Event, G60.Place, G60.Organisation, G60.Person, G60.Document, G60.Corridor,
                G60.Observation):
        supers = set(ontology.objects(cls, RDFS.subClassOf))
        assert not {s for s in supers if str(s).startswith(str(PROV))}, cls
    assert (G60.Source, RDFS.subClassOf, PROV.Entity) in ontology
    assert (G60.SourceGraph, RDFS.subClassOf, PROV.Entity) in ontology


# --- provenance: one named graph per source ------------------------------------


def test_no_per_entity_sources(data: rdflib.Graph) -> None:
    assert not list(data.triples((None, DCTERMS.source, None))), "cite by named graph, not dcterms:source"


def test_every_source_graph_names_one_described_source(dataset: rdflib.Dataset) -> None:
    curation = dataset.graph(CURATION)
    for path in SOURCE_FILES:
        graph = G60G[path.stem]
        assert (graph, RDF.type, G60.SourceGraph) in curation, path.name
        sources = list(curation.objects(graph, PROV.wasDerivedFrom))
        assert len(sources) == 1, path.name
        assert (sources[0], RDF.type, G60.Source) in curation, path.name
        assert curation.value(graph, PROV.generatedAtTime) is not None, path.name
        assert curation.value(graph, PROV.wasAttributedTo) is not None, path.name
        assert len(dataset.graph(graph)) > 0, f"{path.name}: an empty source graph"


def test_source_graphs_hold_no_metadata(dataset: rdflib.Dataset) -> None:
    for path in SOURCE_FILES:
        graph = dataset.graph(G60G[path.stem])
        assert not list(graph.triples((None, RDF.type, G60.Source))), path.name
        assert not list(graph.triples((None, PROV.wasDerivedFrom, None))), path.name


def test_chinese_labels_only_in_chinese_sources(dataset: rdflib.Dataset) -> None:
    rows = _select(
        dataset,
        """SELECT DISTINCT ?g ?e WHERE {
             GRAPH ?g { ?e rdfs:label|<http://www.w3.org/2004/02/skos/core#altLabel> ?l
                        FILTER(LANG(?l) = "zh") }
             FILTER NOT EXISTS { ?g prov:wasDerivedFrom/dcterms:language "zh" } }""",
    )
    assert rows == [], rows


def test_slugs_are_lowercase(data: rdflib.Graph) -> None:
    for s in data.subjects():
        if isinstance(s, URIRef) and s.startswith(str(G60R)):
            slug = s[len(str(G60R)) :]
            assert slug and slug == slug.lower() and "/" not in slug, s


def test_one_source_per_url(data: rdflib.Graph) -> None:
    sources = set(data.subjects(RDF.type, G60.Source))
    urls = [str(data.value(s, SCHEMA.url)) for s in sources]
    assert len(urls) == len(set(urls)), sorted(u for u in urls if urls.count(u) > 1)


def _metadata(dataset: rdflib.Dataset, slug: str) -> dict[str, rdflib.term.Node | None]:
    curation = dataset.graph(CURATION)
    source = G60R["source-" + slug]
    return {
        name: curation.value(source, prop)
        for name, prop in {
            "title": DCTERMS.title, "publisher": DCTERMS.publisher, "issued": DCTERMS.issued,
            "fromUrl": G60.dateFromUrl, "language": DCTERMS.language, "url": SCHEMA.url,
            "tier": G60.trustTier, "original": G60.originalPublisher,
        }.items()
    }


SEED_SOURCES = ["shine-2021-11-05", "shine-2018-07-17"]
# v1's sources, converted to v2 (v1's techappsinsider copy is gone: a machine-converted mirror
# of a Shanghai Securities News item, whose facts now come from other pages or not at all)
CONVERTED_SOURCES = [
    "people-2016-05-25", "zjol-2018-06-02", "shine-2023-06-13", "jschina-2018-09-18",
    "cs-2021-04-02", "hangzhou-2021-03-23", "xinhua-2018-12-23", "jhtmsf-2019-04-04",
    "shine-2020-11-10", "shanghai-gov-2024-12-31",
    "chinadevelopment-2024-01-10",
]


@pytest.mark.parametrize("slug", SEED_SOURCES + CONVERTED_SOURCES)
def test_converted_source_metadata(dataset: rdflib.Dataset, slug: str) -> None:
    meta = _metadata(dataset, slug)
    assert meta["publisher"] is not None and meta["url"] is not None
    assert str(meta["language"]) in {"zh", "en"}
    assert meta["issued"] is not None or meta["fromUrl"] is not None
    assert meta["tier"] in {G60R["tier-publisher"], G60R["tier-portal"], G60R["tier-repost"]}
    if meta["tier"] == G60R["tier-repost"]:
        assert meta["original"] is not None, slug


def test_dates_read_from_urls_are_not_issued(dataset: rdflib.Dataset) -> None:
    old = _metadata(dataset, "shine-2018-07-17")
    assert old["issued"] is None
    assert old["fromUrl"] == Literal("2018-07-17", datatype=XSD.date)
    guideline = _metadata(dataset, "shine-2020-11-10")
    assert guideline["issued"] == Literal("2020-11-10", datatype=XSD.date)
    seed = _metadata(dataset, "shine-2021-11-05")
    assert seed["issued"] == Literal("2021-11-05", datatype=XSD.date)
    assert str(seed["title"]).startswith("Nine cities under the G60 High-Tech Corridor")


def test_reposts_name_their_original(dataset: rdflib.Dataset) -> None:
    assert str(_metadata(dataset, "cs-2021-04-02")["original"]) == "经济参考报"
    assert str(_metadata(dataset, "people-2016-05-25")["original"]) == "新民晚报"
    assert str(_metadata(dataset, "zjol-2018-06-02")["original"]) == "杭州日报"


# --- the two seed articles: every fact, in its source's graph ------------------


def _obs(graph: rdflib.Graph, measure: str, subject: str) -> list[rdflib.term.Node]:
    return [
        o for o in graph.subjects(G60.measure, G60R[measure])
        if (o, G60.observedEntity, G60R[subject]) in graph
    ]


SEED_2021_FIGURES = [
    # measure, subject, start, end, value, unit, qualifier
    ("measure-industrial-alliance-count", "nine-cities", "2021-11-05", "2021-11-05", 14, "unit-count", "qualifier-exactly"),
    ("measure-demonstration-park-count", "nine-cities", "2021-11-05", "2021-11-05", 11, "unit-count", "qualifier-exactly"),
    ("measure-gdp", "nine-cities", "2021-01-01", "2021-08-31", 3540000000000, "unit-yuan", "qualifier-exactly"),
    ("measure-gdp-growth-yoy", "nine-cities", "2021-01-01", "2021-08-31", Decimal("13.75"), "unit-percent", "qualifier-exactly"),
    ("measure-key-projects-started", "nine-cities", "2021-01-01", "2021-08-31", 1066, "unit-count", "qualifier-exactly"),
    ("measure-key-projects-investment", "nine-cities", "2021-01-01", "2021-08-31", 611700000000, "unit-yuan", "qualifier-exactly"),
    ("measure-high-tech-enterprise-count", "nine-cities", "2021-11-05", "2021-11-05", 29000, "unit-count", "qualifier-more-than"),
    ("measure-alliance-member-count", "alliance-new-material", "2021-11-05", "2021-11-05", 83, "unit-count", "qualifier-exactly"),
    ("measure-raw-material-cost-change", "industry-new-materials", "2021-04-01", "2021-08-31", 3, "unit-times", "qualifier-more-than"),
    ("measure-joint-appeal-enterprise-count", "nine-cities", "2021-11-05", "2021-11-05", 49, "unit-count", "qualifier-exactly"),
    ("measure-total-output", "alliance-and-park-system", "2020-01-01", "2020-12-31", 3200000000000, "unit-yuan", "qualifier-more-than"),
    ("measure-total-output", "alliance-and-park-system", "2020-01-01", "2020-12-31", 496000000000, "unit-usd", "qualifier-more-than"),
]


@pytest.mark.parametrize("figure", SEED_2021_FIGURES, ids=lambda f: f"{f[0]}-{f[5]}")
def test_seed_2021_figures(dataset: rdflib.Dataset, figure: tuple) -> None:  # type: ignore[type-arg]
    measure, subject, start, end, value, unit, qualifier = figure
    graph = _graph(dataset, "shine-2021-11-05")
    found = [
        o for o in _obs(graph, measure, subject)
        if graph.value(o, G60.unit) == G60R[unit]
    ]
    assert len(found) == 1, (measure, unit)
    obs = found[0]
    assert graph.value(obs, G60.value).toPython() == value  # type: ignore[union-attr]
    assert graph.value(obs, G60.periodStart) == Literal(start, datatype=XSD.date)
    assert graph.value(obs, G60.periodEnd) == Literal(end, datatype=XSD.date)
    assert graph.value(obs, G60.valueQualifier) == G60R[qualifier]
    assert (obs, QB.dataSet, G60R["dataset-indicators"]) in graph
    assert len(set(dataset.objects(obs, G60.status))) == 1  # in its graph, or the curators' judgement


def test_seed_2021_entities(dataset: rdflib.Dataset) -> None:
    graph = _graph(dataset, "shine-2021-11-05")
    nm = G60R["alliance-new-material"]
    assert graph.value(nm, SCHEMA.foundingDate) == Literal("2018-11", datatype=XSD.gYearMonth)
    assert graph.value(nm, G60.establishmentRank) == Literal(1)
    post = G60R["post-tan-huming-new-material-alliance"]
    assert graph.value(post, ORG.postIn) == nm
    assert graph.value(post, ORG.heldBy) == G60R["person-tan-huming"]
    assert graph.value(post, ORG.role) == G60R["role-deputy-secretary-general"]
    assert graph.value(G60R["event-2021-10-12-alliance-park-construction-conference"], G60.heldIn) == G60R.songjiang
    assert (G60R.corridor, G60.focusIndustry, G60R["industry-biomedicine"]) in graph
    # the page's own hierarchy: integrated circuits, AI, biomedicine are advanced manufacturing
    for industry in ("integrated-circuits", "artificial-intelligence", "biomedicine"):
        assert (G60R["industry-" + industry], SKOS.broader,
                G60R["industry-advanced-manufacturing"]) in graph
    assert (G60R["plan-14th-five-year-plan-outline"], G60.about, G60R.corridor) in graph
    assert (G60R["joint-conference-office"], RDF.type, G60.CoordinationBody) in graph


CITIES = ["songjiang", "jiaxing", "hangzhou", "jinhua", "huzhou", "suzhou", "xuancheng", "wuhu", "hefei"]


def test_seed_2018_facts(dataset: rdflib.Dataset) -> None:
    graph = _graph(dataset, "shine-2018-07-17")
    declaration = G60R["declaration-songjiang-2018"]
    assert set(graph.objects(declaration, G60.signatory)) == {G60R[c] for c in CITIES}
    assert graph.value(declaration, G60.madeAtEvent) == G60R["event-2018-nine-city-conference"]
    for kind in ("industrial-cooperation", "park-construction"):
        agreement = G60R[f"agreements-2018-{kind}-projects"]
        assert graph.value(agreement, G60.madeAtEvent) == G60R["event-2018-nine-city-conference"]
    versions = {
        str(graph.value(v, G60.versionNumber)): v for v in graph.subjects(G60.versionOf, G60R.corridor)
    }
    assert set(versions) == {"1.0", "2.0", "3.0"}
    assert set(graph.objects(versions["3.0"], G60.memberCity)) == {G60R[c] for c in CITIES}
    assert set(graph.objects(versions["2.0"], G60.memberCity)) == {G60R[c] for c in ("songjiang", "hangzhou", "jiaxing")}
    assert graph.value(versions["1.0"], G60.focusIndustry) == G60R["industry-advanced-manufacturing"]
    assert set(graph.objects(G60R["nine-cities"], G60.hasMember)) == {G60R[c] for c in CITIES}
    for city, province in (("jiaxing", "zhejiang"), ("suzhou", "jiangsu"), ("hefei", "anhui")):
        assert graph.value(G60R[city], G60.directlyLocatedIn) == G60R[province]
    obs = _obs(graph, "measure-high-tech-enterprises-set-up", "songjiang")
    assert [graph.value(o, G60.value) for o in obs] == [Literal(118)]
    institutes = set(graph.subjects(RDF.type, G60.ResearchInstitute))
    assert len(institutes) == 3
    goals = set(graph.subjects(RDF.type, G60.ClusterGoal))
    counts = {graph.value(g, G60.clusterLevel): graph.value(g, G60.targetCount) for g in goals}
    assert counts == {
        G60R["cluster-level-world-renowned"]: Literal(4),
        G60R["cluster-level-national"]: Literal(5),
        G60R["cluster-level-leading"]: None,
    }
    assert (G60R["corridor-v3"], G60.alongInfrastructure,
            G60R["shanghai-suzhou-huzhou-hefei-intercity-railway"]) in graph


# --- the audit's findings, fixed ------------------------------------------------


def test_output_2020_is_the_alliance_and_park_systems(data: rdflib.Graph) -> None:
    rows = _select(
        data,
        """SELECT DISTINCT ?who WHERE { ?o g60:measure g60r:measure-total-output ;
             g60:periodStart "2020-01-01"^^xsd:date ; g60:value 3200000000000 ; g60:observedEntity ?who }""",
    )
    assert rows == [(G60R["alliance-and-park-system"],)]


def test_cny_and_usd_twins_differ_in_a_dimension(dataset: rdflib.Dataset) -> None:
    graph = _graph(dataset, "shine-2021-11-05")
    twins = _obs(graph, "measure-total-output", "alliance-and-park-system")
    assert {graph.value(o, G60.unit) for o in twins} == {G60R["unit-yuan"], G60R["unit-usd"]}
    ontology = _parse(resources.ontology_dir() / "g60.ttl")
    assert (G60.unit, RDF.type, QB.DimensionProperty) in ontology


def test_raw_material_rise_has_no_area(data: rdflib.Graph) -> None:
    for obs in data.subjects(G60.measure, G60R["measure-raw-material-cost-change"]):
        assert data.value(obs, G60.refArea) is None
        assert set(data.objects(obs, G60.observedEntity)) == {G60R["industry-new-materials"]}


def test_expressway_is_on_the_corridor(data: rdflib.Graph) -> None:
    assert (G60R.corridor, G60.alongInfrastructure, G60R["g60-expressway"]) in data
    assert (G60R["corridor-v2"], G60.alongInfrastructure, G60R["g60-expressway"]) not in data


def test_classes_the_sources_give(data: rdflib.Graph) -> None:
    branch = G60R["shanghai-stock-exchange-center-g60-branch"]
    assert (branch, RDF.type, G60.ResearchInstitute) not in data
    tsinghua = G60R["zhejiang-tsinghua-yangtze-river-delta-research-institute"]
    assert data.value(tsinghua, G60.directlyLocatedIn) is None


def test_version_3_start_comes_from_jschina(dataset: rdflib.Dataset) -> None:
    graph = _graph(dataset, "jschina-2018-09-18")
    assert graph.value(G60R["corridor-v3"], SCHEMA.startDate) == Literal("2018-06-01", datatype=XSD.date)
    assert _graph(dataset, "shine-2023-06-13").value(G60R["corridor-v3"], SCHEMA.startDate) is None


def test_doubtful_gdp_kept_and_flagged_by_curators(dataset: rdflib.Dataset) -> None:
    obs = G60R["obs-nine-cities-gdp-2021-01-2021-08-shine-2021-11-05"]
    assert dataset.graph(CURATION).value(obs, G60.status) == G60R["status-doubtful"]
    assert _graph(dataset, "shine-2021-11-05").value(obs, G60.status) is None
    assert dataset.graph(CURATION).value(obs, RDFS.comment) is not None


def test_office_staff_is_28_of_12_and_16(dataset: rdflib.Dataset) -> None:
    graph = _graph(dataset, "jschina-2018-09-18")
    values = {
        str(graph.value(o, G60.observedEntity)).rsplit("/", 1)[1]: graph.value(o, G60.value).toPython()  # type: ignore[union-attr]
        for o in graph.subjects(G60.measure, G60R["measure-seconded-staff-count"])
    }
    assert values == {"joint-conference-office": 28, "songjiang": 12, "other-eight-cities": 16}


def test_geonames_links_are_close_matches(data: rdflib.Graph) -> None:
    for _, _, target in data.triples((None, SKOS.exactMatch, None)):
        assert "geonames.org" not in str(target)
    assert len(list(data.triples((None, SKOS.closeMatch, None)))) == 3


def test_joint_conference_is_a_body_and_its_meetings_are_events(data: rdflib.Graph) -> None:
    assert (G60R["joint-conference"], RDF.type, G60.CoordinationBody) in data
    meeting = G60R["event-2018-first-joint-conference"]
    assert (meeting, RDF.type, G60.Conference) in data
    assert (meeting, G60.meetingOf, G60R["joint-conference"]) in data


def test_place_names_in_chinese_from_a_chinese_page(dataset: rdflib.Dataset) -> None:
    graph = _graph(dataset, "cs-2021-04-02")
    zh = {"songjiang": "松江区", "hangzhou": "杭州市", "suzhou": "苏州市", "hefei": "合肥市",
          "shanghai": "上海市", "zhejiang": "浙江省", "jiangsu": "江苏省", "anhui": "安徽省"}
    for slug, name in zh.items():
        assert Literal(name, lang="zh") in set(graph.objects(G60R[slug], RDFS.label)), slug


def test_every_curated_observation_has_one_subject_and_a_period(data: rdflib.Graph) -> None:
    observations = set(data.subjects(QB.dataSet, G60R["dataset-indicators"]))
    assert len(observations) >= 30
    for obs in observations:
        assert len(set(data.objects(obs, G60.observedEntity))) == 1, obs
        assert data.value(obs, G60.periodStart) is not None and data.value(obs, G60.periodEnd) is not None, obs
        assert len(set(data.objects(obs, G60.status))) == 1, obs
