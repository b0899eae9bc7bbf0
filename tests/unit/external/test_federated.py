"""Federated named queries: refused without --allow-service (and then nothing is
requested), answered through SERVICE when allowed, on both stores."""

from __future__ import annotations

import dataclasses
from pathlib import Path

import pyoxigraph as ox
import pytest

from g60graph import KnowledgeGraph
from g60graph._errors import UnsafeQueryError
from g60graph.cli import main
from g60graph.external._client import WIKIDATA_SPARQL, rewrite_services
from g60graph.sparql._named import catalogue, get
from wikidata_fixture import listener, serve

FEDERATED = sorted(n for n, q in catalogue().items() if "federated" in q.tags)


def test_federated_queries_exist_and_name_wikidata() -> None:
    assert FEDERATED == ["federated-city-population", "federated-province-names"]
    for name in FEDERATED:
        assert f"SERVICE <{WIKIDATA_SPARQL}>" in get(name).text


@pytest.mark.parametrize("name", FEDERATED)
def test_without_allow_service_it_is_refused_and_nothing_is_requested(
    name: str, capsys: pytest.CaptureFixture[str]
) -> None:
    with listener() as (url, seen):
        code = main(["query", name, "--service-endpoint", f"{WIKIDATA_SPARQL}={url}"])
        err = capsys.readouterr().err
    assert code == 2
    assert err.strip() == (
        f"g60graph: error: SERVICE <{url}> refused: federated queries need"
        " --allow-service and an allowed endpoint"
    )
    assert seen == []


def test_allowing_another_endpoint_does_not_allow_this_one(kg: KnowledgeGraph) -> None:
    with listener() as (url, seen):
        query = get("federated-city-population")
        query = dataclasses.replace(
            query, text=rewrite_services(query.text, {WIKIDATA_SPARQL: url})
        )
        with pytest.raises(UnsafeQueryError, match="refused"):
            kg.query(query, allowed_services=[WIKIDATA_SPARQL])
    assert seen == []


@pytest.mark.parametrize("name", FEDERATED)
def test_evaluating_on_an_empty_store_requests_nothing(name: str) -> None:
    """tests/unit/sparql/test_named.py evaluates every named query on an empty Oxigraph store:
    the SERVICE must not be called then (it would reach the internet)."""
    with listener() as (url, seen):
        list(ox.Store().query(rewrite_services(get(name).text, {WIKIDATA_SPARQL: url})))
    assert seen == []


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_allowed_service_joins_our_graph_with_the_endpoint(store: str) -> None:
    kg = KnowledgeGraph.load(store=store)
    with serve() as ep:
        population = get("federated-city-population")
        population = dataclasses.replace(
            population, text=rewrite_services(population.text, {WIKIDATA_SPARQL: ep.url})
        )
        rows = kg.query(population, allowed_services=[ep.url]).rows
        names = get("federated-province-names")
        names = dataclasses.replace(
            names, text=rewrite_services(names.text, {WIKIDATA_SPARQL: ep.url})
        )
        provinces = kg.query(names, allowed_services=[ep.url]).rows
    got = [(str(r[1]), int(r[3]), str(r[4])[:10] if r[4] else None) for r in rows]  # type: ignore[arg-type]
    assert got == [
        ("Hangzhou", 2000, "2020-11-01"),
        ("Hangzhou", 1000, "2010-11-01"),
        ("Suzhou", 3000, None),
    ]
    assert [(str(r[1]), str(r[2]), str(r[5])) for r in provinces] == [
        ("Anhui", "安徽省", "安徽省"),
        ("Jiangsu", "江苏省", "江苏省"),
        ("Zhejiang", "浙江省", "浙江省"),
    ]


def test_cli_runs_a_federated_query_with_allow_service(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    with serve() as ep:
        code = main(
            [
                "query",
                "federated-city-population",
                "--format",
                "csv",
                "--allow-service",
                ep.url,
                "--service-endpoint",
                f"{WIKIDATA_SPARQL}={ep.url}",
            ]
        )
        asked = len(ep.requests)
    out = capsys.readouterr().out
    assert code == 0 and asked >= 1
    assert out.splitlines()[0] == "city,name,item,population,pointInTime"
    assert "http://www.wikidata.org/entity/Q4970,2000," in out


def test_bad_service_endpoint_option(capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["query", "federated-city-population", "--service-endpoint", "nonsense"])
    assert code == 2
    assert "--service-endpoint: expected ORIG=URL, got 'nonsense'" in capsys.readouterr().err
