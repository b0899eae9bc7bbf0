"""The ontology and the curated data: they parse, follow the contract, and hold
the facts users check (counts, names, figures, sources)."""

from __future__ import annotations

import warnings
from decimal import Decimal
from pathlib import Path

import pytest
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.compare import isomorphic
from rdflib.namespace import DCTERMS, OWL, SKOS, XSD

from g60graph import _resources as resources

G60 = rdflib.Namespace("https://w3id.org/g60graph/def#")
G60R = rdflib.Namespace("https://w3id.org/g60graph/id/")
GEO = rdflib.Namespace("http://www.opengis.net/ont/geosparql#")
SCHEMA = rdflib.Namespace("https://schema.org/")
ORG = rdflib.Namespace("http://www.w3.org/ns/org#")
ONTOLOGY_IRI = URIRef("https://w3id.org/g60graph/def")
GRAPH_BASE = "https://w3id.org/g60graph/graph/"

ONTOLOGY_FILES = sorted(resources.ontology_dir().glob("*.ttl"))
DATA_FILES = sorted(resources.data_dir().glob("*.ttl"))
ALL_FILES = ONTOLOGY_FILES + DATA_FILES

PREFIXES = """
PREFIX g60: <https://w3id.org/g60graph/def#>
PREFIX g60r: <https://w3id.org/g60graph/id/>
PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
PREFIX schema: <https://schema.org/>
PREFIX xsd: <http://www.w3.org/2001/XMLSchema#>
"""


def _parse(path: Path) -> rdflib.Graph:
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        return rdflib.Graph().parse(path, format="turtle")


@pytest.fixture(scope="module")
def ontology() -> rdflib.Graph:
    return _parse(resources.ontology_dir() / "g60.ttl")


@pytest.fixture(scope="module")
def data() -> rdflib.Graph:
    graph = rdflib.Graph()
    for path in DATA_FILES:
        graph += _parse(path)
    return graph


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


# --- files parse -----------------------------------------------------------


def test_files_found() -> None:
    assert {p.name for p in ONTOLOGY_FILES} == {"g60.ttl", "shapes.ttl"}
    assert {p.stem for p in DATA_FILES} >= {
        "sources",
        "places",
        "corridor",
        "organisations",
        "parks",
        "agreements-events",
        "infrastructure",
        "industries",
        "indicators",
    }


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_parses_with_rdflib_and_oxigraph(path: Path) -> None:
    graph = _parse(path)
    assert len(graph) > 0
    with warnings.catch_warnings():
        warnings.simplefilter("error")
        dataset = rdflib.Dataset(store="Oxigraph")
        named = dataset.graph(URIRef(GRAPH_BASE + path.stem))
        named.parse(path, format="turtle")
        assert len(named) == len(graph)


@pytest.mark.parametrize("path", ALL_FILES, ids=lambda p: p.name)
def test_round_trip_is_isomorphic(path: Path) -> None:
    graph = _parse(path)
    for fmt in ("turtle", "nt"):
        again = rdflib.Graph().parse(data=graph.serialize(format=fmt), format=fmt)
        assert isomorphic(graph, again), fmt


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


def test_data_uses_only_declared_terms(ontology: rdflib.Graph, data: rdflib.Graph) -> None:
    declared = _g60_terms(ontology)
    used = {
        term
        for triple in data
        for term in (triple[1], triple[2])
        if isinstance(term, URIRef) and term.startswith(str(G60))
    }
    assert used - declared == set()


# --- data conventions --------------------------------------------------------


def test_no_dangling_resource_references(data: rdflib.Graph) -> None:
    defined = set(data.subjects())
    referenced = {o for o in data.objects() if isinstance(o, URIRef) and o.startswith(str(G60R))}
    assert referenced - defined == set()


def test_every_entity_has_english_label_and_source(data: rdflib.Graph) -> None:
    entities = {
        s
        for s, o in data.subject_objects(RDF.type)
        if o not in (GEO.Geometry, G60.Source)
        and (s, RDF.type, G60.Source) not in data
        and (s, RDF.type, GEO.Geometry) not in data
    }
    assert len(entities) > 100
    for entity in entities:
        assert isinstance(entity, URIRef) and entity.startswith(str(G60R)), entity
        assert "en" in _langs(data, entity), entity
        sources = list(data.objects(entity, DCTERMS.source))
        assert sources, entity
        assert all((src, RDF.type, G60.Source) in data for src in sources), entity


def test_slugs_are_lowercase(data: rdflib.Graph) -> None:
    for s in data.subjects():
        if isinstance(s, URIRef) and s.startswith(str(G60R)):
            slug = s[len(str(G60R)) :]
            assert slug and slug == slug.lower() and "/" not in slug, s


EXPECTED_URLS = {
    "https://www.shine.cn/feature/district/2111057605/",
    "https://www.shine.cn/news/metro/1807179185/",
    "http://te-ch.tech/news/show-7748.html",
    "http://shcafe.org/shzxxw/112076.html",
    "http://zjnews.zjol.com.cn/zjnews/hznews/201806/t20180602_7448550_1.shtml",
    "https://www.shine.cn/feature/district/2306139686/",
    "http://jsnews.jschina.com.cn/sz/a/201809/t20180918_1921899.shtml",
    "https://cs.com.cn/xwzx/hg/202104/t20210402_6153170.html",
    "https://en.hangzhou.com.cn/News/content/2021-03/23/content_7933044.html",
    "http://m.xinhuanet.com/2018-12/23/c_1123892038.htm",
    "https://www.jhtmsf.com/News/NewDetail?id=703",
    "http://www.techappsinsider.com/difang/201905/739206.html",
    "https://www.shine.cn/biz/event/2011119567/",
    "https://english.shanghai.gov.cn/en-PressRelease/20241231/f4253622aeab437a9b1d86d83761df81.html",
    "http://g60.chinadevelopment.com.cn/g60zx/2024/0110/1878141.shtml",
}


def test_one_source_per_url_and_all_cited(data: rdflib.Graph) -> None:
    sources = set(data.subjects(RDF.type, G60.Source))
    urls = [str(data.value(s, SCHEMA.url)) for s in sources]
    assert len(urls) == len(set(urls))
    assert set(urls) >= EXPECTED_URLS
    cited = set(data.objects(None, DCTERMS.source))
    assert sources <= cited  # no source is listed without being used
    shine = G60R["source-shine-2021-11-05"]
    assert data.value(shine, DCTERMS.issued) == Literal("2021-11-05", datatype=XSD.date)
    undated = G60R["source-shine-2018-07-17"]
    assert data.value(undated, DCTERMS.issued) == Literal("2018-07", datatype=XSD.gYearMonth)
    assert data.value(undated, G60.dateFromUrl) == Literal("2018-07-17", datatype=XSD.date)


# --- places ------------------------------------------------------------------

CITIES = {
    # slug: (zh, parent, lat, lon)
    "songjiang": ("松江区", "shanghai", "31.0058", "121.2333"),
    "jiaxing": ("嘉兴市", "zhejiang", "30.7468", "120.7506"),
    "hangzhou": ("杭州市", "zhejiang", "30.2741", "120.1551"),
    "jinhua": ("金华市", "zhejiang", "29.0789", "119.6478"),
    "huzhou": ("湖州市", "zhejiang", "30.8941", "120.0867"),
    "suzhou": ("苏州市", "jiangsu", "31.2989", "120.5853"),
    "xuancheng": ("宣城市", "anhui", "30.9406", "118.7590"),
    "wuhu": ("芜湖市", "anhui", "31.3526", "118.3761"),
    "hefei": ("合肥市", "anhui", "31.8206", "117.2272"),
}


def test_nine_corridor_cities(data: rdflib.Graph) -> None:
    rows = _select(data, "SELECT ?c WHERE { g60r:corridor-v3 g60:memberCity ?c }")
    assert {r[0] for r in rows} == {G60R[slug] for slug in CITIES}
    members = set(data.objects(G60R["nine-cities"], G60.hasMember))
    assert members == {G60R[slug] for slug in CITIES}
    assert (G60R.songjiang, RDF.type, G60.District) in data
    for slug, (zh, parent, lat, lon) in CITIES.items():
        city = G60R[slug]
        assert Literal(zh, lang="zh") in set(data.objects(city, RDFS.label)), slug
        assert data.value(city, G60.directlyLocatedIn) == G60R[parent], slug
        wkt = data.value(data.value(city, GEO.hasGeometry), GEO.asWKT)
        assert wkt == Literal(f"POINT({lon} {lat})", datatype=GEO.wktLiteral), slug


def test_provinces_and_shanghai(data: rdflib.Graph) -> None:
    provinces = set(data.subjects(RDF.type, G60.Province))
    assert provinces == {G60R.zhejiang, G60R.jiangsu, G60R.anhui}
    assert set(data.subjects(RDF.type, G60.ProvinceLevelMunicipality)) == {G60R.shanghai}
    for place in provinces | {G60R.shanghai}:
        assert data.value(place, G60.directlyLocatedIn) == G60R.china
    rows = _select(data, "SELECT ?top WHERE { g60r:songjiang g60:directlyLocatedIn+ ?top }")
    assert {r[0] for r in rows} == {G60R.shanghai, G60R.china}


# --- corridor, organisations, parks, documents ----------------------------------


def test_corridor_versions(data: rdflib.Graph) -> None:
    rows = _select(
        data,
        """SELECT ?n ?d (COUNT(?c) AS ?cities) WHERE {
             ?v g60:versionOf g60r:corridor ; g60:versionNumber ?n ; schema:startDate ?d ;
                g60:memberCity ?c } GROUP BY ?n ?d ORDER BY ?n""",
    )
    assert [(str(n), str(d), int(c)) for n, d, c in rows] == [  # type: ignore[call-overload]
        ("1.0", "2016-05-24", 1),
        ("2.0", "2017-07-12", 3),
        ("3.0", "2018-06-01", 9),
    ]
    labels = {str(x) for x in data.objects(G60R["corridor-v1"], RDFS.label)}
    assert "G60上海松江科创走廊" in labels
    assert data.value(G60R["corridor-v1"], G60.startedIn) == G60R.songjiang


def test_alliances(data: rdflib.Graph) -> None:
    alliances = set(data.subjects(RDF.type, G60.IndustrialAlliance))
    assert alliances == {
        G60R["alliance-new-material"],
        G60R["alliance-robotics"],
        G60R["alliance-artificial-intelligence"],
    }
    nm = G60R["alliance-new-material"]
    assert data.value(nm, SCHEMA.foundingDate) == Literal("2018-11", datatype=XSD.gYearMonth)
    assert data.value(nm, G60.establishmentRank) == Literal(1)
    assert data.value(nm, G60.ledFrom) == G60R.jinhua
    robotics = G60R["alliance-robotics"]
    assert data.value(robotics, G60.foundedIn) == G60R.wuhu
    assert data.value(robotics, SCHEMA.foundingDate) == Literal("2018-12", datatype=XSD.gYearMonth)
    ai = G60R["alliance-artificial-intelligence"]
    assert data.value(ai, SCHEMA.foundingDate) == Literal("2019-05-15", datatype=XSD.date)
    assert data.value(ai, G60.foundedIn) == G60R.songjiang
    post = G60R["post-tan-huming-new-material-alliance"]
    assert data.value(post, ORG.postIn) == nm
    assert data.value(post, ORG.heldBy) == G60R["person-tan-huming"]
    assert data.value(post, G60.attestedOn) == Literal("2021-11-05", datatype=XSD.date)


TECH_TRANSFER_BASES = {
    "上海临港松江科技城",
    "萧山信息港小镇",
    "金华信息经济产业园",
    "昆山市工业技术研究院",
    "长临河科创小镇",
    "上海启迪漕河泾科技园",
    "中国归谷嘉善科技园",
    "苏州高铁新城大数据产业园",
    "德清地理信息小镇",
    "宛陵科创城",
    "北航芜湖通航创新园",
}


def test_eleven_technology_transfer_bases(data: rdflib.Graph) -> None:
    bases = set(data.subjects(RDF.type, G60.TechnologyTransferBase))
    assert len(bases) == 11
    zh = {label for b in bases for label in _labels_in(data, b, "zh")}
    assert zh == TECH_TRANSFER_BASES
    for base in bases:
        en = _labels_in(data, base, "en")
        assert len(en) == 1 and en[0].startswith("Technology-transfer demonstration base (")
        if data.value(base, G60.directlyLocatedIn) is not None:
            assert data.value(base, RDFS.comment) is not None, base


def test_research_institutes_in_songjiang(data: rdflib.Graph) -> None:
    rows = _select(
        data,
        "SELECT ?i WHERE { ?i a g60:ResearchInstitute ; g60:directlyLocatedIn g60r:songjiang }",
    )
    assert len(rows) == 4


def test_documents(data: rdflib.Graph) -> None:
    plan = G60R["plan-g60-construction-plan"]
    assert str(data.value(plan, G60.documentNumber)) == "国科发规〔2020〕287号"
    assert data.value(plan, DCTERMS.date) == Literal("2021-04-01", datatype=XSD.date)
    assert len(set(data.objects(plan, G60.issuedBy))) == 6
    declaration = G60R["declaration-songjiang-2018"]
    assert len(set(data.objects(declaration, G60.signatory))) == 9
    assert data.value(declaration, G60.madeAtEvent) == G60R["event-2018-nine-city-conference"]
    guideline = G60R["guideline-industrial-cooperation-2020"]
    assert data.value(guideline, G60.inForceFrom) == Literal("2020-11-08", datatype=XSD.date)
    office = G60R["joint-conference-office"]
    assert data.value(office, SCHEMA.foundingDate) == Literal("2018-07-09", datatype=XSD.date)


def test_railways_kept_apart(data: rdflib.Graph) -> None:
    hsr = G60R["shanghai-suzhou-huzhou-high-speed-railway"]
    intercity = G60R["shanghai-suzhou-huzhou-hefei-intercity-railway"]
    assert (hsr, OWL.sameAs, intercity) not in data
    assert data.value(hsr, G60.openingDate) == Literal("2024-12-26", datatype=XSD.date)
    assert len(set(data.objects(hsr, G60.hasStation))) == 3


# --- observations ----------------------------------------------------------------

OBSERVATIONS = {
    # slug: (value, unit, qualifier or None)
    "obs-alliances-count-2021": (14, "unit-count", "qualifier-exactly"),
    "obs-demonstration-parks-count-2021": (11, "unit-count", "qualifier-exactly"),
    "obs-nine-cities-output-2020": (3200000000000, "unit-yuan", "qualifier-more-than"),
    "obs-nine-cities-output-2020-usd": (496000000000, "unit-us-dollar", "qualifier-approximately"),
    "obs-nine-cities-gdp-2021-jan-aug": (3540000000000, "unit-yuan", None),
    "obs-nine-cities-gdp-growth-2021-jan-aug": (Decimal("13.75"), "unit-percent", None),
    "obs-key-projects-started-2021-jan-aug": (1066, "unit-count", None),
    "obs-key-projects-investment-2021-jan-aug": (611700000000, "unit-yuan", None),
    "obs-nine-cities-high-tech-enterprises-2021": (29000, "unit-count", "qualifier-more-than"),
    "obs-alliance-new-material-members-2021-11-05": (83, "unit-count", "qualifier-exactly"),
    "obs-raw-material-cost-2021-apr-aug": (3, "unit-times", "qualifier-more-than"),
    "obs-joint-appeal-enterprises-2021": (49, "unit-count", "qualifier-exactly"),
    "obs-corridor-v1-planned-area": (283, "unit-square-kilometre", "qualifier-approximately"),
    "obs-nine-cities-area": (76200, "unit-square-kilometre", "qualifier-approximately"),
    "obs-songjiang-high-tech-enterprises-set-up-2018": (118, "unit-count", "qualifier-exactly"),
    "obs-joint-office-staff-songjiang": (12, "unit-count", "qualifier-exactly"),
    "obs-joint-office-staff-hefei": (2, "unit-count", "qualifier-exactly"),
    "obs-shanghai-suzhou-huzhou-hsr-length": (164, "unit-kilometre", "qualifier-approximately"),
    "obs-shanghai-suzhou-huzhou-hsr-speed": (350, "unit-kilometre-per-hour", None),
}


@pytest.mark.parametrize("slug", sorted(OBSERVATIONS))
def test_observation_values(data: rdflib.Graph, slug: str) -> None:
    value, unit, qualifier = OBSERVATIONS[slug]
    obs = G60R[slug]
    assert (obs, RDF.type, G60.Observation) in data
    literal = data.value(obs, G60.value)
    assert isinstance(literal, Literal) and literal.datatype in (XSD.integer, XSD.decimal)
    assert literal.toPython() == value
    assert data.value(obs, G60.unit) == G60R[unit]
    expected_qualifier = None if qualifier is None else G60R[qualifier]
    assert data.value(obs, G60.valueQualifier) == expected_qualifier


def test_output_2020_query(data: rdflib.Graph) -> None:
    rows = _select(
        data,
        """SELECT ?v ?q WHERE {
             ?o g60:measure g60r:measure-total-output ; g60:unit g60r:unit-yuan ;
                g60:refArea g60r:nine-cities ; g60:periodStart "2020-01-01"^^xsd:date ;
                g60:value ?v ; g60:valueQualifier ?q }""",
    )
    assert rows == [(Literal(3200000000000), G60R["qualifier-more-than"])]


def test_joint_office_staffing_covers_nine_cities(data: rdflib.Graph) -> None:
    rows = _select(
        data,
        """SELECT (SUM(?v) AS ?total) (COUNT(?o) AS ?n) WHERE {
             ?o g60:measure g60r:measure-seconded-staff-count ; g60:value ?v }""",
    )
    assert [(int(t), int(n)) for t, n in rows] == [(28, 9)]  # type: ignore[call-overload]


def test_cluster_goals(data: rdflib.Graph) -> None:
    goals = set(data.subjects(RDF.type, G60.ClusterGoal))
    counts = {data.value(g, G60.clusterLevel): data.value(g, G60.targetCount) for g in goals}
    assert counts == {
        G60R["cluster-level-world-renowned"]: Literal(4),
        G60R["cluster-level-national"]: Literal(5),
        G60R["cluster-level-leading"]: None,
    }
