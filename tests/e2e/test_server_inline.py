"""Inline queries (issue 14): a read-only query whose shape (its text up to variable
names) last ran quickly on a worker runs in the server process, skipping the hop;
everything else still goes to a worker, with its time limit."""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from g60graph.server._app import RAN_HEADER
from server_harness import Server, running_server, writable_server

JSON = {"Accept": "application/sparql-results+json"}
LABELS = "SELECT ?s ?{v} WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?{v} }} LIMIT 7"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    # no answer cache: every answer here is computed, so where it ran is what is seen
    with running_server(tmp_path_factory.mktemp("inline"), "--answer-cache-mb", "0",
                        "--timeout", "3") as running:
        yield running


@pytest.fixture(scope="module")
def http(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as client:
        yield client


def _ask(http: httpx.Client, text: str) -> httpx.Response:
    return http.post("/sparql", data={"query": text}, headers=JSON)


def _rows(answer: httpx.Response, var: str) -> list[tuple[str, str]]:
    return [(b["s"]["value"], b[var]["value"]) for b in answer.json()["results"]["bindings"]]


def _known(http: httpx.Client, text: str) -> httpx.Response:
    """The shape run on a worker until it is known quick: a run within INLINE_SECONDS
    (on a loaded machine the hop alone can take longer, so a few tries)."""
    for n in range(10):
        answer = _ask(http, text.format(v=f"try{n}"))
        assert answer.status_code == 200, answer.text
        if answer.headers[RAN_HEADER] == "server":
            return answer
    raise AssertionError("the shape never ran quickly enough on a worker")


def test_a_known_quick_shape_runs_in_the_server_with_the_same_answer(http: httpx.Client) -> None:
    first = _ask(http, LABELS.format(v="first"))
    assert first.status_code == 200 and first.headers[RAN_HEADER] == "worker"
    _known(http, LABELS)
    again = [_ask(http, LABELS.format(v=f"name{n}")) for n in range(3)]
    assert [a.headers[RAN_HEADER] for a in again] == ["server"] * 3
    assert all(_rows(a, f"name{n}") == _rows(first, "first") for n, a in enumerate(again))
    assert len(_rows(first, "first")) == 7
    assert again[0].headers["X-G60-Truncated"] == first.headers["X-G60-Truncated"]
    assert again[0].headers["content-type"] == first.headers["content-type"]


def test_another_constant_is_another_shape(http: httpx.Client) -> None:
    base = "SELECT ?s WHERE { ?s ?p ?o FILTER(?s != <urn:x:%d>) } LIMIT 3"
    assert [_ask(http, base % n).headers[RAN_HEADER] for n in range(3)] == ["worker"] * 3


def test_a_text_with_a_word_that_could_fetch_or_write_never_runs_inline(
        http: httpx.Client) -> None:
    # SERVICE only in a string: harmless, but the inline path takes the exact shortcut's
    # word, not a reading, so it stays on the worker, without network
    text = 'SELECT ?s ?{v} WHERE {{ ?s ?p ?{v} FILTER(?{v} != "SERVICE") }} LIMIT 2'
    runs = [_ask(http, text.format(v=f"x{n}")) for n in range(3)]
    assert [r.status_code for r in runs] == [200] * 3
    assert [r.headers[RAN_HEADER] for r in runs] == ["worker"] * 3


def test_a_slow_shape_stays_on_the_workers_and_is_stopped(http: httpx.Client) -> None:
    runaway = "SELECT (COUNT(*) AS ?{v}) WHERE {{ ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }}"
    for n in range(2):
        answer = _ask(http, runaway.format(v=f"n{n}"))
        assert answer.status_code == 503, answer.text
        assert answer.headers.get("X-G60-Timeout") == "true"
    assert _ask(http, "ASK {}").status_code == 200  # and the server goes on


def test_never_inline_with_updates(tmp_path: Path) -> None:
    with writable_server(tmp_path, "a-long-enough-token-for-the-tests-0123") as http:
        runs = [_ask(http, LABELS.format(v=f"u{n}")) for n in range(3)]
        assert [r.headers[RAN_HEADER] for r in runs] == ["worker"] * 3


def test_no_inline_when_switched_off(tmp_path: Path) -> None:
    with (running_server(tmp_path, "--no-inline", "--answer-cache-mb", "0") as srv,
          httpx.Client(base_url=srv.url, timeout=30) as http):
        runs = [_ask(http, LABELS.format(v=f"off{n}")) for n in range(3)]
        assert [r.headers[RAN_HEADER] for r in runs] == ["worker"] * 3
