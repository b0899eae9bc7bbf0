"""A query past the time limit is stopped and answered 503; the server keeps answering."""

from __future__ import annotations

import contextlib
import threading
import time
from pathlib import Path

import httpx

from server_harness import running_server

CROSS = "SELECT * WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } ORDER BY ?a ?d ?g"
LIMIT = 2.0


def test_a_pathological_query_hits_the_limit_while_others_answer(tmp_path: Path) -> None:
    with running_server(
        tmp_path, "--timeout", str(LIMIT), "--workers", "2", "--worker-memory", "16384"
    ) as srv:
        slow: dict[str, object] = {}

        def send_slow() -> None:
            start = time.monotonic()
            answer = httpx.get(f"{srv.url}/sparql", params={"query": CROSS}, timeout=60)
            slow.update(
                status=answer.status_code, text=answer.text, seconds=time.monotonic() - start
            )

        thread = threading.Thread(target=send_slow)
        thread.start()
        answered = 0
        with httpx.Client(base_url=srv.url, timeout=10) as http:
            while thread.is_alive():  # quick queries keep being answered meanwhile
                quick = http.get("/sparql", params={"query": "ASK { ?s ?p ?o }"})
                assert quick.status_code == 200
                answered += 1
            thread.join()
            assert slow["status"] == 503
            assert "time limit" in str(slow["text"])
            assert float(slow["seconds"]) < LIMIT + 10  # type: ignore[arg-type]
            assert answered > 0
            # the stopped worker is replaced: the pool answers at full strength again
            for _ in range(6):
                assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_query_past_the_memory_cap_is_stopped(tmp_path: Path) -> None:
    with (
        running_server(
            tmp_path, "--timeout", "60", "--workers", "1", "--worker-memory", "900"
        ) as srv,
        httpx.Client(base_url=srv.url, timeout=90) as http,
    ):
        start = time.monotonic()
        answer = http.get("/sparql", params={"query": CROSS})
        assert answer.status_code == 503
        assert "memory" in answer.text
        assert time.monotonic() - start < 60  # stopped by memory, well before the time limit
        assert http.get("/sparql", params={"query": "ASK {}"}).status_code == 200


def test_a_request_waits_for_a_worker_at_most_the_queue_wait(tmp_path: Path) -> None:
    """One worker busy with a runaway query: a trivial ASK gets 503 with Retry-After
    after --queue-wait seconds, instead of queueing for the whole time limit."""
    import threading

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with (
        running_server(
            tmp_path, "--timeout", "20", "--workers", "1", "--queue-wait", "1"
        ) as srv,
        httpx.Client(base_url=srv.url, timeout=60) as http,
    ):
        busy = threading.Thread(
            target=lambda: httpx.get(f"{srv.url}/sparql", params={"query": runaway}, timeout=60)
        )
        busy.start()
        end = time.monotonic() + 15
        answer = None
        tries = 0
        while time.monotonic() < end:
            start = time.monotonic()
            # a new shape each time (another constant, not only another comment): a kept
            # answer, or a shape known quick (run inline), would need no worker
            tries += 1
            answer = http.get("/sparql", params={"query": f"ASK {{ <urn:try:{tries}> ?p ?o }}"})
            if answer.status_code == 503:
                break
        assert answer is not None and answer.status_code == 503, answer
        assert 0.9 < time.monotonic() - start < 5
        assert answer.headers["Retry-After"] == "20"
        assert "busy" in answer.text
        busy.join()


def test_slow_queries_cannot_starve_cheap_ones(tmp_path: Path) -> None:
    """Two workers, one reserved for cheap jobs: runaway queries take the other and
    queue for it, yet a query known to be cheap (the harness's ASK {}) and a page
    job still answer at once, within the reserve's limit."""
    from g60graph.server._executor import RESERVED_LIMIT

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i } # %d"
    answers: list[int] = []

    def send(number: int) -> None:
        with contextlib.suppress(httpx.TransportError):  # the server stops first
            got = httpx.get(f"{srv.url}/sparql", params={"query": runaway % number}, timeout=90)
            answers.append(got.status_code)

    with (
        running_server(
            # --no-inline: the harness's ASK {} would run in the server process, not on
            # the reserved worker this test is about
            tmp_path, "--timeout", "60", "--workers", "2", "--queue-wait", "1", "--no-inline"
        ) as srv,
        httpx.Client(base_url=srv.url, timeout=30) as http,
    ):
        threads = [threading.Thread(target=send, args=(n,)) for n in range(3)]
        for thread in threads:
            thread.start()
        # Readiness: a new query (not known to be cheap) finds no worker it may use.
        probe = None
        for number in range(30):
            probe = http.get("/sparql", params={
                "query": f"ASK {{ ?s ?p ?o FILTER(?s != <urn:probe:{number}>) }}"})
            if probe.status_code == 503:
                break
        assert probe is not None and probe.status_code == 503 and "busy" in probe.text
        start = time.monotonic()
        cheap = http.get("/sparql", params={"query": "ASK {}"})
        assert cheap.status_code == 200 and cheap.json()["boolean"] is True
        page = http.post("/api/labels", json=["https://w3id.org/g60graph/id/shanghai"])
        assert page.status_code == 200 and page.json()
        assert time.monotonic() - start < RESERVED_LIMIT
    for thread in threads:
        thread.join()
    # one runaway ran on the general worker; the two that queued for it were refused
    assert answers == [503, 503]
