"""Enrichment from the loopback Wikidata-shaped endpoint: values with provenance,
conflicts side by side, SHACL-valid, nothing half-written on failure."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal
from pathlib import Path

import pyoxigraph as ox
import pytest
import rdflib
from rdflib import Literal, URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID
from rdflib.namespace import DCTERMS, FOAF, PROV, RDFS, XSD

from g60graph import KnowledgeGraph
from g60graph._errors import InputError
from g60graph._namespaces import G60, G60R, GEO, SCHEMA, WD
from g60graph.cli import main
from g60graph.external._client import EndpointError, SparqlClient
from g60graph.external._enrich import GRAPH_IRI, Enrichment, enrich
from wikidata_fixture import Endpoint, serve


@pytest.fixture(scope="module")
def enriched(
    kg: KnowledgeGraph, endpoint: Endpoint, tmp_path_factory: pytest.TempPathFactory
) -> tuple[Enrichment, rdflib.Graph]:
    client = SparqlClient(endpoint.url, cache_dir=tmp_path_factory.mktemp("cache"))
    result = enrich(kg, client)
    return result, result.dataset.graph(GRAPH_IRI)


def test_population_lands_with_its_point_in_time_and_provenance(
    enriched: tuple[Enrichment, rdflib.Graph], endpoint: Endpoint
) -> None:
    result, graph = enriched
    metadata = result.dataset.graph(DATASET_DEFAULT_GRAPH_ID)  # the sources, beside the values
    obs = G60R["obs-hangzhou-population-wikidata-q4970"]
    assert graph.value(obs, G60.value) == Literal(2000)  # the latest of 1000 (2010), 2000 (2020)
    assert graph.value(obs, G60.refDate) == Literal(dt.date(2020, 11, 1))
    assert graph.value(obs, G60.refArea) == G60R.hangzhou
    assert graph.value(obs, G60.measure) == G60R["measure-population"]
    source = graph.value(obs, DCTERMS.source)
    assert metadata.value(source, SCHEMA.url) == WD.Q4970
    assert (source, None, None) not in graph  # a source graph holds no source descriptions
    retrieval = metadata.value(source, PROV.wasGeneratedBy)
    assert metadata.value(retrieval, PROV.used) == URIRef(endpoint.url)
    stamp = metadata.value(retrieval, PROV.endedAtTime)
    assert isinstance(stamp, Literal) and stamp.datatype == XSD.dateTime
    age = dt.datetime.now(dt.UTC) - stamp.toPython()
    assert dt.timedelta(0) <= age < dt.timedelta(minutes=10)
    suzhou = G60R["obs-suzhou-population-wikidata-q42622"]  # no point in time: the retrieval date
    assert graph.value(suzhou, G60.refDate) is None
    assert graph.value(suzhou, G60.reportedOn) == Literal(stamp.toPython().date())
    # data v2: the graph itself is derived from the endpoint, generated when it answered
    derived = metadata.value(GRAPH_IRI, PROV.wasDerivedFrom)
    assert (GRAPH_IRI, rdflib.RDF.type, G60.SourceGraph) in metadata
    assert metadata.value(derived, SCHEMA.url) == URIRef(endpoint.url)
    assert metadata.value(GRAPH_IRI, PROV.generatedAtTime) == stamp


def test_area_inception_website_coordinates_and_labels(
    enriched: tuple[Enrichment, rdflib.Graph], kg: KnowledgeGraph
) -> None:
    _, graph = enriched
    area = G60R["obs-hangzhou-area-wikidata-q4970"]
    assert graph.value(area, G60.value) == Literal(Decimal("123.5"))
    assert graph.value(area, G60.unit) == G60R["unit-square-km"]
    assert graph.value(area, G60.measure) == G60R["measure-area"]
    in_square_metres = G60R["obs-suzhou-area-wikidata-q42622"]
    assert graph.value(in_square_metres, G60.value) == Literal(Decimal("4567.8"))
    assert graph.value(G60R.hangzhou, SCHEMA.foundingDate) == Literal("0589", datatype=XSD.gYear)
    assert graph.value(G60R.hangzhou, FOAF.homepage) == URIRef("https://hangzhou.example.org/")
    geom = graph.value(G60R.zhejiang, GEO.hasGeometry)  # we had none for Zhejiang
    assert str(graph.value(geom, GEO.asWKT)) == "POINT(120.0 29.0)"
    assert graph.value(geom, DCTERMS.source) == G60R["source-wikidata-q16967"]
    # Wikidata's Chinese name only where the graph has none of its own
    has_zh = kg.query(
        'ASK { g60r:china rdfs:label ?l FILTER(langMatches(LANG(?l), "zh")) }').boolean
    added = graph.value(G60R.china, RDFS.label)
    assert added == (None if has_zh else Literal("中华人民共和国", lang="zh"))
    # each plain triple is also recorded with its source
    claim = G60R["claim-hangzhou-website-q4970"]
    assert graph.value(claim, rdflib.RDF.object) == URIRef("https://hangzhou.example.org/")
    assert graph.value(claim, DCTERMS.source) == G60R["source-wikidata-q4970"]


def test_conflicts_are_reported_side_by_side_never_overwritten(
    enriched: tuple[Enrichment, rdflib.Graph],
) -> None:
    result, graph = enriched
    found = {(c["entity"], c["property"]): (c["curated"], c["wikidata"]) for c in result.conflicts}
    assert found[("g60r:china", "label@en")] == ("China", "People's Republic of China")
    ours, theirs = found[("g60r:suzhou", "coordinates")]
    assert ours == "POINT(120.5853 31.2989)" and theirs.startswith("POINT(120.9 31.6) (45 km")
    assert (G60R.china, RDFS.label, Literal("People's Republic of China", lang="en")) not in graph
    assert graph.value(G60R.suzhou, GEO.hasGeometry) is None
    assert ("g60r:hangzhou", "coordinates") not in found  # 1.5 km apart: they agree
    lines = result.conflicts_tsv().splitlines()
    assert lines[0] == "entity\tproperty\tcurated\twikidata\tsource"
    assert len(lines) == 1 + len(result.conflicts)


def test_enrichment_satisfies_the_shapes_when_loaded(
    enriched: tuple[Enrichment, rdflib.Graph], tmp_path: Path
) -> None:
    result, _ = enriched
    path = tmp_path / "enrichment.trig"
    path.write_text(result.trig(), encoding="utf-8")
    extended = KnowledgeGraph.load([path])
    assert str(GRAPH_IRI) in extended.graph_names()  # its own named graph
    report = extended.validate()
    assert report.conforms, report.violations[:3]


def test_cli_enrich_writes_graph_and_conflicts(
    endpoint: Endpoint, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "enrichment.trig"
    argv = [
        "enrich",
        "--wikidata-endpoint",
        endpoint.url,
        "--output",
        str(out),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--entity",
        "Hangzhou",
        "--entity",
        "China",
    ]
    assert main(argv) == 0
    captured = capsys.readouterr()
    assert "People's Republic of China" in captured.out  # the conflict table
    assert "written to" in captured.err
    store = ox.Store()
    store.load(path=out, format=ox.RdfFormat.TRIG)

    def values(obs: str) -> list[str]:
        node, value = ox.NamedNode(str(G60R[obs])), ox.NamedNode(str(G60.value))
        found = store.quads_for_pattern(node, value, None, ox.NamedNode(str(GRAPH_IRI)))
        return [q.object.value for q in found]

    assert values("obs-hangzhou-population-wikidata-q4970") == ["2000"]
    assert values("obs-suzhou-population-wikidata-q42622") == []  # not asked for
    conflicts = (tmp_path / "enrichment-conflicts.tsv").read_text(encoding="utf-8")
    assert "g60r:china\tlabel@en\tChina\tPeople's Republic of China\twd:Q148" in conflicts
    first = out.read_bytes()
    assert main([*argv, "--offline"]) == 0  # from the cache: the same bytes, retrieval time kept
    assert out.read_bytes() == first


@pytest.mark.parametrize("fault", ["down", "html"])
def test_cli_enrich_failure_writes_nothing(
    endpoint: Endpoint, tmp_path: Path, capsys: pytest.CaptureFixture[str], fault: str
) -> None:
    out = tmp_path / "enrichment.trig"
    if fault == "down":
        with serve() as gone:
            url = gone.url
    else:
        url = endpoint.url
        endpoint.faults.body = "html"
    try:
        code = main(
            [
                "enrich",
                "--wikidata-endpoint",
                url,
                "--output",
                str(out),
                "--cache-dir",
                str(tmp_path / "cache"),
                "--timeout",
                "2",
            ]
        )
    finally:
        endpoint.faults.body = None
    err = capsys.readouterr().err
    assert code == 3 and err.startswith("g60graph: error: ") and "Traceback" not in err
    assert list(tmp_path.glob("enrichment*")) == []


def test_a_crash_mid_run_keeps_answers_and_a_rerun_asks_only_the_rest(
    kg: KnowledgeGraph, endpoint: Endpoint, tmp_path: Path
) -> None:
    client = SparqlClient(endpoint.url, cache_dir=tmp_path / "cache")
    endpoint.faults.hang_up_after = endpoint.answered + 1  # the second batch's query fails
    try:
        with pytest.raises(EndpointError, match="broke off the answer"):
            enrich(kg, client, batch_size=4)
    finally:
        endpoint.faults.hang_up_after = None
    assert client.requests == 2
    again = SparqlClient(endpoint.url, cache_dir=tmp_path / "cache")
    result = enrich(kg, again, batch_size=4)
    assert again.requests == 1  # the first batch came from the cache
    assert result.entities == 7


def test_links_accepted_by_link_are_enriched_too(
    kg: KnowledgeGraph, endpoint: Endpoint, tmp_path: Path
) -> None:
    from g60graph.external._linking import reconcile

    client = SparqlClient(endpoint.url, cache_dir=tmp_path / "cache")
    reconcile(kg, client, tmp_path / "links", kinds=["city"], entities=["Jinhua"], accept=0.9)
    extended = KnowledgeGraph.load([tmp_path / "links" / "accepted-links.ttl"])
    result = enrich(extended, client, ["Jinhua"])
    source = G60R["source-wikidata-q90000001"]
    metadata = result.dataset.graph(DATASET_DEFAULT_GRAPH_ID)
    assert metadata.value(source, SCHEMA.url) == WD.Q90000001
    assert result.conflicts == []  # Jinhua's coordinates agree with ours


def test_enriching_an_unlinked_entity_is_an_input_error(
    kg: KnowledgeGraph, endpoint: Endpoint, tmp_path: Path
) -> None:
    client = SparqlClient(endpoint.url, cache_dir=tmp_path)
    with pytest.raises(InputError, match=r"--entity: g60r:jinhua has no Wikidata link; find one"):
        enrich(kg, client, ["Jinhua"])
    assert client.requests == 0
