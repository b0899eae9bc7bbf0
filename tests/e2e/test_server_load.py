"""A bounded load test: 50 concurrent clients, 1,000 queries in all, zero errors.

Timing figures live in docs/benchmarks.md (benchmarks/server_load.py); this
test only asserts that every answer is a complete, correct-looking result.
"""

from __future__ import annotations

import asyncio
import threading
from collections.abc import Iterator

import httpx
import pytest

from g60graph import KnowledgeGraph
from g60graph.sparql._lexer import keywords
from g60graph.sparql._named import catalogue
from server_harness import Server, running_server

CLIENTS = 50
TOTAL = 1000


@pytest.fixture(scope="module", params=[
    (),
    # two HTTP processes and no answer cache: every answer is computed, on a worker or
    # inline (docs/server.md "Processes"), under the same load
    ("--processes", "2", "--answer-cache-mb", "0"),
], ids=["default", "two-processes-no-cache"])
def server(request: pytest.FixtureRequest,
           tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("load"), *request.param) as running:
        yield running


def test_fifty_clients_a_thousand_queries_no_errors(server: Server) -> None:
    names = [
        n
        for n, q in sorted(catalogue().items())
        if q.form == "SELECT" and "SERVICE" not in keywords(q.text)
        and not any(p.required and not p.default for p in q.params)
    ]
    assert names
    plan = [names[i % len(names)] for i in range(TOTAL)]
    queue: asyncio.Queue[str] = asyncio.Queue()
    for name in plan:
        queue.put_nowait(name)
    answers: list[tuple[str, int, int]] = []
    failures: list[str] = []

    async def client() -> None:
        async with httpx.AsyncClient(base_url=server.url, timeout=60) as http:
            while not queue.empty():
                name = queue.get_nowait()
                try:
                    answer = await http.get(
                        f"/queries/{name}", headers={"Accept": "application/sparql-results+json"}
                    )
                    rows = len(answer.json()["results"]["bindings"])
                    answers.append((name, answer.status_code, rows))
                except (httpx.HTTPError, ValueError, KeyError) as err:
                    failures.append(f"{name}: {err!r}")

    async def run_all() -> None:
        await asyncio.gather(*(client() for _ in range(CLIENTS)))

    # in a thread of its own: Playwright's sync API may already run a loop in this one
    thread = threading.Thread(target=lambda: asyncio.run(run_all()))
    thread.start()
    thread.join()
    assert failures == []
    assert len(answers) == TOTAL
    assert {status for _, status, _ in answers} == {200}
    # the same query always gives the same number of rows, however busy the server
    sizes: dict[str, set[int]] = {}
    for name, _, rows in answers:
        sizes.setdefault(name, set()).add(rows)
    assert all(len(s) == 1 for s in sizes.values())
    # and it is the number the library gives
    kg = KnowledgeGraph.load()
    assert {name: s.pop() for name, s in sizes.items()} == {
        name: len(kg.query(name).rows) for name in sizes}
