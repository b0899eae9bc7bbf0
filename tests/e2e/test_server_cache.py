"""The answer cache: a repeated query is answered by the server process (X-G60-Cache: hit),
never across an update, never for per-run functions, never for a refusal."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from g60graph.server._cache import CACHE_HEADER, AnswerCache, Kept
from server_harness import Server, running_server, writable_server

JSON = {"Accept": "application/sparql-results+json"}
LABELS = "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label } LIMIT 5"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("cache")) as running:
        yield running


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def test_a_repeated_query_is_a_hit_with_the_same_answer(http: httpx.Client) -> None:
    text = LABELS + " # repeated"
    first = http.post("/sparql", data={"query": text}, headers=JSON)
    second = http.post("/sparql", data={"query": text}, headers=JSON)
    assert first.status_code == second.status_code == 200
    assert first.headers[CACHE_HEADER] == "miss"
    assert second.headers[CACHE_HEADER] == "hit"
    assert second.content == first.content
    assert len(second.json()["results"]["bindings"]) == 5
    assert second.headers["X-G60-Truncated"] == first.headers["X-G60-Truncated"] == "false"
    assert second.headers["content-type"] == first.headers["content-type"]
    # by GET too: the key is the text, not the way it came
    assert http.get("/sparql", params={"query": text}, headers=JSON).headers[CACHE_HEADER] == "hit"


def test_the_key_holds_the_format_the_text_and_the_dataset(http: httpx.Client) -> None:
    text = LABELS + " # keyed"
    assert http.post("/sparql", data={"query": text}, headers=JSON).headers[CACHE_HEADER] == "miss"
    csv = http.post("/sparql", data={"query": text}, headers={"Accept": "text/csv"})
    assert csv.headers[CACHE_HEADER] == "miss" and csv.text.startswith("s,label")
    assert http.post("/sparql", data={"query": text + " "}, headers=JSON).headers[
        CACHE_HEADER] == "miss"
    graph = {"query": text, "default-graph-uri": "https://w3id.org/g60graph/graph/places"}
    assert http.post("/sparql", data=graph, headers=JSON).headers[CACHE_HEADER] == "miss"
    assert http.post("/sparql", data=graph, headers=JSON).headers[CACHE_HEADER] == "hit"


def test_named_queries_are_kept_with_their_parameters(http: httpx.Client) -> None:
    first = http.get("/queries/cities", headers=JSON)
    second = http.get("/queries/cities", headers=JSON)
    assert (first.headers[CACHE_HEADER], second.headers[CACHE_HEADER]) == ("miss", "hit")
    assert second.content == first.content


def test_per_run_functions_and_refusals_are_never_kept(http: httpx.Client) -> None:
    rand = "SELECT (RAND() AS ?r) (STRUUID() AS ?u) WHERE {}"
    answers = [http.get("/sparql", params={"query": rand}, headers=JSON) for _ in range(2)]
    assert [a.headers[CACHE_HEADER] for a in answers] == ["miss", "miss"]
    values = [a.json()["results"]["bindings"][0]["u"]["value"] for a in answers]
    assert values[0] != values[1]
    service = "SELECT * WHERE { SERVICE <http://127.0.0.1:9/sparql> { ?s ?p ?o } }"
    for _ in range(2):  # checked every time: a refusal is an error, not an answer
        refused = http.get("/sparql", params={"query": service})
        assert refused.status_code == 403 and CACHE_HEADER not in refused.headers


def test_an_update_clears_the_cache(tmp_path: Path) -> None:
    token = "s3cret-token-for-cache-tests"
    ask = "ASK { <http://example.org/kept> <http://example.org/p> 1 }"
    insert = (
        "INSERT DATA { GRAPH <https://w3id.org/g60graph/graph/places>"
        " { <http://example.org/kept> <http://example.org/p> 1 } }"
    )
    with writable_server(tmp_path, token, "--workers", "2") as http:
        before = [http.get("/sparql", params={"query": ask}, headers=JSON) for _ in range(2)]
        assert [b.headers[CACHE_HEADER] for b in before] == ["miss", "hit"]
        assert before[1].json()["boolean"] is False
        done = http.post("/update", data={"update": insert},
                         headers={"Authorization": f"Bearer {token}"})
        assert done.status_code == 200
        after = http.get("/sparql", params={"query": ask}, headers=JSON)
        assert after.headers[CACHE_HEADER] == "miss"
        assert after.json()["boolean"] is True


def test_no_cache_when_switched_off(tmp_path: Path) -> None:
    with (
        running_server(tmp_path, "--answer-cache-mb", "0") as srv,
        httpx.Client(base_url=srv.url, timeout=30) as http,
    ):
        for _ in range(2):
            answer = http.get("/sparql", params={"query": "ASK {}"}, headers=JSON)
            assert answer.status_code == 200 and CACHE_HEADER not in answer.headers


def test_the_cache_keeps_its_byte_bound_and_drops_answers_from_before_a_clear() -> None:
    cache = AnswerCache(800)
    for n in range(10):
        cache.put(n, Kept(b"x" * 100, "text/csv", False), cache.generation)
    assert len(cache) == 8  # the least recently used went first
    assert cache.get(0) is None and cache.get(9) is not None
    cache.put("big", Kept(b"x" * 101, "text/csv", False), cache.generation)
    assert cache.get("big") is None  # more than an eighth of the bound
    started = cache.generation
    cache.clear()
    cache.put("late", Kept(b"x", "text/csv", False), started)  # computed before the update
    assert cache.get("late") is None and len(cache) == 0
