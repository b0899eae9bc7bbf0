"""Reconciliation against the loopback Wikidata-shaped endpoint: winners, decoys,
review and accepted files, resuming after a crash, and the shipped links."""

from __future__ import annotations

import csv
import datetime as dt
import io
from pathlib import Path

import pytest
import rdflib
from rdflib import URIRef
from rdflib.namespace import DCTERMS, RDF, SKOS

from g60graph import KnowledgeGraph
from g60graph._errors import InputError
from g60graph._namespaces import G60R, SCHEMA, WD
from g60graph.cli import main
from g60graph.external._client import EndpointError, SparqlClient
from g60graph.external._linking import reconcile, targets
from paths import REPO
from wikidata_fixture import Endpoint, serve

DAY = dt.date(2026, 1, 2)




def run(kg: KnowledgeGraph, ep: Endpoint, out: Path, **kw: object) -> dict[str, object]:
    client = SparqlClient(ep.url, cache_dir=out / "cache", timeout=5.0)
    options: dict[str, object] = {"kinds": ["city", "district"], "today": lambda: DAY}
    options.update(kw)
    return reconcile(kg, client, out, **options)  # type: ignore[arg-type]


def review(out: Path) -> list[dict[str, str]]:
    text = (out / "review.tsv").read_text(encoding="utf-8")
    return list(csv.DictReader(io.StringIO(text), delimiter="\t"))


def best(rows: list[dict[str, str]], entity: str) -> list[tuple[str, float]]:
    return [(r["candidate"], float(r["score"])) for r in rows if r["entity"] == entity]


def test_targets_are_unlinked_entities_with_place_evidence(kg: KnowledgeGraph) -> None:
    found = {t.iri.rsplit("/", 1)[-1]: t for t in targets(kg, ["city", "district"])}
    assert set(found) == {
        "jiaxing",
        "jinhua",
        "huzhou",
        "wuhu",
        "xuancheng",
        "hefei",
        "songjiang",
    }  # Hangzhou and Suzhou are linked already
    assert found["jinhua"].parent == str(WD.Q16967)  # Zhejiang's verified item
    assert found["songjiang"].parent == str(WD.Q8686)
    assert found["wuhu"].point == pytest.approx((31.3526, 118.3761))
    assert ("金华市", "zh", "label") in found["jinhua"].names


def test_right_candidates_win_and_decoys_lose(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    summary = run(kg, ep, tmp_path)
    rows = review(tmp_path)
    assert summary["entities"] == 7
    assert best(rows, "g60r:jinhua") == [("wd:Q90000001", 1.0), ("wd:Q90000011", 0.0)]
    jiaxing = best(rows, "g60r:jiaxing")
    assert jiaxing[0] == ("wd:Q90000003", 1.0)
    assert jiaxing[1][0] == "wd:Q90000012" and jiaxing[1][1] < 0.8  # the railway station
    wuhu = best(rows, "g60r:wuhu")
    assert wuhu[0] == ("wd:Q90000005", 1.0) and wuhu[1][0] == "wd:Q90000013"
    assert wuhu[1][1] < 0.5  # Wuhu County: alias only, wrong type
    assert best(rows, "g60r:xuancheng")[0][0] == "wd:Q90000006"  # found by its Chinese alias
    assert best(rows, "g60r:songjiang") == [("wd:Q90000007", 1.0)]
    assert best(rows, "g60r:hefei") == [("wd:Q185684", 1.0)]
    station = next(r for r in rows if r["candidate"] == "wd:Q90000012")
    assert "-0.20 not an instance of wd:Q748149" in station["evidence"]
    assert "+0.30 P131 chain reaches wd:Q16967 (Zhejiang)" in station["evidence"]


def test_anhuis_suzhou_loses_to_jiangsus(kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path) -> None:
    run(kg, ep, tmp_path, entities=["苏州市"], accept=0.8)
    rows = review(tmp_path)
    ranked = best(rows, "g60r:suzhou")
    assert ranked[0] == ("wd:Q42622", 1.0)
    assert ranked[1][0] == "wd:Q90000010" and ranked[1][1] == 0.0
    decoy = rows[1]["evidence"]
    assert "-0.40 P131 chain does not reach wd:Q16963 (Jiangsu)" in decoy
    assert "km from ours" in decoy and " zh " not in decoy  # 宿州市 is not our 苏州市
    assert rows[0]["status"] == "already-linked"
    accepted = rdflib.Graph().parse(tmp_path / "accepted-links.ttl")
    assert not list(accepted.triples((None, SKOS.exactMatch, None)))  # nothing new to accept


def test_review_turtle_holds_every_candidate_with_score_and_evidence(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    run(kg, ep, tmp_path)
    graph = rdflib.Graph().parse(tmp_path / "review.ttl")
    nodes = set(graph.subjects(RDF.type, RDF.Statement))
    assert len(nodes) == len(review(tmp_path))
    node = G60R["candidate-jinhua-q90000011"]
    assert graph.value(node, RDF.subject) == G60R.jinhua
    assert graph.value(node, RDF.object) == WD.Q90000011
    assert float(graph.value(node, RDF.value)) == 0.0  # type: ignore[arg-type]
    comments = {str(c) for c in graph.objects(node, rdflib.RDFS.comment)}
    assert any("does not reach" in c for c in comments)
    assert graph.value(node, DCTERMS.source) == URIRef(ep.url)
    assert not list(graph.triples((G60R.jinhua, SKOS.exactMatch, None)))  # not asserted


def test_accept_writes_clear_winners_with_provenance(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    summary = run(kg, ep, tmp_path, accept=0.9)
    assert summary["accepted"] == 7
    links = rdflib.Graph().parse(tmp_path / "accepted-links.ttl")
    assert set(links.triples((None, SKOS.exactMatch, None))) >= {
        (G60R.jinhua, SKOS.exactMatch, WD.Q90000001),
        (G60R.hefei, SKOS.exactMatch, WD.Q185684),
    }
    assert (G60R.jiaxing, SKOS.exactMatch, WD.Q90000012) not in links
    record = G60R["link-hefei-q185684"]
    assert str(links.value(record, RDF.value)) == "1.00"
    assert str(links.value(record, DCTERMS.created)) == "2026-01-02"
    source = links.value(record, DCTERMS.source)
    assert links.value(source, SCHEMA.url) == WD.Q185684
    assert ep.url in str(links.value(source, rdflib.RDFS.label))
    statuses = {r["candidate"]: r["status"] for r in review(tmp_path)}
    assert statuses["wd:Q90000001"] == "accepted" and statuses["wd:Q90000012"] == "review"
    # loaded with --data, the accepted links satisfy the shapes
    extended = KnowledgeGraph.load([tmp_path / "accepted-links.ttl"])
    report = extended.validate()
    assert report.conforms, [v for v in report.violations if v.severity == "Violation"]


def test_rerun_is_idempotent_and_asks_nothing(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    run(kg, ep, tmp_path, accept=0.9)
    first = {p.name: p.read_bytes() for p in tmp_path.glob("*.*")}
    asked = len(ep.requests)
    summary = run(kg, ep, tmp_path, accept=0.9)
    assert summary["requests"] == 0 and len(ep.requests) == asked
    assert {p.name: p.read_bytes() for p in tmp_path.glob("*.*")} == first


def test_interrupted_run_keeps_finished_batches_and_resumes(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    whole = tmp_path / "whole"
    run(kg, ep, whole, accept=0.9, batch_size=3)
    broken = tmp_path / "broken"
    ep.faults.hang_up_after = ep.answered + 4  # one batch (four queries), then the endpoint dies
    with pytest.raises(EndpointError, match=r"3 of 7 entities done this run, saved in .*resume"):
        run(kg, ep, broken, accept=0.9, batch_size=3)
    rows = review(broken)
    assert len({r["entity"] for r in rows}) == 3  # the finished batch, intact
    rdflib.Graph().parse(broken / "review.ttl")
    rdflib.Graph().parse(broken / "accepted-links.ttl")
    assert not [p for p in broken.iterdir() if p.name.endswith(".tmp")]
    ep.faults.hang_up_after = None
    summary = run(kg, ep, broken, accept=0.9, batch_size=3)
    assert summary["entities"] == 7
    for name in ("state.json", "review.tsv", "review.ttl", "accepted-links.ttl"):
        assert (broken / name).read_bytes() == (whole / name).read_bytes(), name


class _CtrlC(SparqlClient):
    """A client whose user presses Ctrl-C at the fifth request (in the second batch)."""

    def select(self, query: str) -> list[dict[str, object]]:  # type: ignore[override]
        if self.requests == 4:
            raise KeyboardInterrupt
        return super().select(query)


def test_ctrl_c_keeps_the_finished_batch(kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path) -> None:
    client = _CtrlC(ep.url, cache_dir=tmp_path / "cache")
    with pytest.raises(KeyboardInterrupt):
        reconcile(kg, client, tmp_path, kinds=["city"], batch_size=3, today=lambda: DAY)
    assert len({r["entity"] for r in review(tmp_path)}) == 3
    rdflib.Graph().parse(tmp_path / "review.ttl")
    assert not [p for p in tmp_path.iterdir() if p.name.endswith(".tmp")]
    summary = run(kg, ep, tmp_path, kinds=["city"], batch_size=3)
    assert summary["entities"] == 6 and summary["requests"] == 4  # only the rest was asked


def test_state_from_another_endpoint_is_refused(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    run(kg, ep, tmp_path, entities=["wuhu"])
    other = SparqlClient("http://127.0.0.1:9/sparql", cache_dir=tmp_path / "c")
    with pytest.raises(InputError, match=r"state\.json: made against http://127\.0\.0\.1:"):
        reconcile(kg, other, tmp_path)


def test_unknown_type_is_an_input_error(kg: KnowledgeGraph) -> None:
    with pytest.raises(InputError, match="--types: unknown planet"):
        targets(kg, ["planet"])


def test_cli_link_end_to_end(
    ep: Endpoint, tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    out = tmp_path / "links"
    argv = [
        "link",
        "--wikidata-endpoint",
        ep.url,
        "--types",
        "city",
        "--out",
        str(out),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--accept",
        "0.9",
    ]
    assert main(argv) == 0
    err = capsys.readouterr().err
    assert "6 entities reconciled" in err and "6 accepted" in err
    assert {r["entity"] for r in review(out)} >= {"g60r:jinhua", "g60r:hefei"}
    offline = [
        "link",
        "--wikidata-endpoint",
        ep.url,
        "--types",
        "city",
        "--out",
        str(tmp_path / "o"),
        "--cache-dir",
        str(tmp_path / "cache"),
        "--offline",
    ]
    asked = len(ep.requests)
    assert main(offline) == 0  # everything it needs is cached
    assert len(ep.requests) == asked


def test_cli_link_endpoint_down_is_exit_3_with_one_line(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    with serve() as gone:
        url = gone.url
    code = main(
        [
            "link",
            "--wikidata-endpoint",
            url,
            "--out",
            str(tmp_path / "o"),
            "--cache-dir",
            str(tmp_path / "c"),
            "--timeout",
            "2",
        ]
    )
    err = capsys.readouterr().err
    assert code == 3
    assert err.startswith("g60graph: error: ") and "unreachable" in err
    assert "0 of " in err and "Traceback" not in err and len(err.strip().splitlines()) == 1


def test_cli_offline_without_cache_is_exit_2(
    tmp_path: Path, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(
        [
            "link",
            "--offline",
            "--entity",
            "wuhu",
            "--out",
            str(tmp_path / "o"),
            "--cache-dir",
            str(tmp_path / "empty"),
        ]
    )
    assert code == 2
    assert "--offline: the cache" in capsys.readouterr().err


# -- the shipped links ------------------------------------------------------------------

# Wikidata items are the same administrative areas (skos:exactMatch), each confirmed;
# GeoNames features are populated places, not the areas: skos:closeMatch.
WIKIDATA = {
    ("china", "http://www.wikidata.org/entity/Q148"),
    ("shanghai", "http://www.wikidata.org/entity/Q8686"),
    ("hangzhou", "http://www.wikidata.org/entity/Q4970"),
    ("suzhou", "http://www.wikidata.org/entity/Q42622"),
    ("zhejiang", "http://www.wikidata.org/entity/Q16967"),
    ("jiangsu", "http://www.wikidata.org/entity/Q16963"),
    ("anhui", "http://www.wikidata.org/entity/Q40956"),
}
GEONAMES = {
    ("shanghai", "https://sws.geonames.org/1796236/"),
    ("hangzhou", "https://sws.geonames.org/1808926/"),
    ("suzhou", "https://sws.geonames.org/1886760/"),
}


def _pairs(rows: list[tuple[object, ...]]) -> set[tuple[str, str]]:
    return {(str(row[0]).rsplit("/", 1)[-1], str(row[1])) for row in rows}


def test_shipped_links_are_only_the_verified_ones_each_with_its_confirmation(
    kg: KnowledgeGraph,
) -> None:
    assert (REPO / "data" / "curation" / "external-identifiers.trig").is_file()
    records = kg.query(
        """PREFIX rdf: <http://www.w3.org/1999/02/22-rdf-syntax-ns#>
        PREFIX rdfs: <http://www.w3.org/2000/01/rdf-schema#>
        PREFIX prov: <http://www.w3.org/ns/prov#>
        PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e ?item ?how ?page WHERE {
          GRAPH <https://w3id.org/g60graph/graph/curation> {
            ?r rdf:subject ?e ; rdf:predicate skos:exactMatch ; rdf:object ?item ;
               rdfs:comment ?how ; prov:wasDerivedFrom ?page .
            ?e skos:exactMatch ?item } }"""
    ).rows
    assert _pairs(records) == WIKIDATA
    assert all("FACTS.md" in str(how) for _, _, how, _ in records)
    assert all(str(page).startswith("https://www.wikidata.org/wiki/Q") for *_, page in records)
    # every external link in the packaged graph is a verified one (Hefei is a candidate)
    exact = kg.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        PREFIX owl: <http://www.w3.org/2002/07/owl#>
        SELECT ?e ?t WHERE { ?e skos:exactMatch|owl:sameAs ?t
          FILTER(CONTAINS(STR(?t), "wikidata.org") || CONTAINS(STR(?t), "geonames.org")) }"""
    ).rows
    assert _pairs(exact) == WIKIDATA  # no GeoNames feature is the same thing as an area
    close = kg.query(
        """PREFIX skos: <http://www.w3.org/2004/02/skos/core#>
        SELECT ?e ?t WHERE { ?e skos:closeMatch ?t }"""
    ).rows
    assert _pairs(close) == GEONAMES
    assert not list(kg.dataset.triples((None, None, WD.Q185684)))  # a candidate, not a fact


def test_a_damaged_state_file_is_named_not_overwritten(
    kg: KnowledgeGraph, ep: Endpoint, tmp_path: Path
) -> None:
    (tmp_path / "state.json").write_text('{"version": 1, "endpo', encoding="utf-8")
    with pytest.raises(InputError, match=r"state\.json: not a readable state file .*remove it"):
        run(kg, ep, tmp_path)
    assert (tmp_path / "state.json").read_text(encoding="utf-8") == '{"version": 1, "endpo'
