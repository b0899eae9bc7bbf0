"""Small faults from the security test of issue 10, each on a real server on loopback."""

from __future__ import annotations

import contextlib
import io
import json
import socket
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest

from g60graph import KnowledgeGraph
from g60graph._errors import InputError
from g60graph.cli import main
from g60graph.server._protocol import parse_operation
from g60graph.server._settings import Settings
from server_harness import Server, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("hardening")) as running:
        yield running


def test_head_on_sparql_is_not_415(server: Server) -> None:
    answer = httpx.head(f"{server.url}/sparql", params={"query": "ASK {}"})
    assert answer.status_code == 200


def test_answers_name_no_server_software(server: Server) -> None:
    for answer in (httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}),
                   httpx.get(f"{server.url}/")):
        assert "server" not in answer.headers and "date" in answer.headers


def test_a_slug_that_is_not_utf8_is_404(server: Server) -> None:
    answer = httpx.get(f"{server.url}/id/%ff%fe")
    assert answer.status_code == 404


def test_deep_json_to_labels_is_400(server: Server) -> None:
    answer = httpx.post(f"{server.url}/api/labels", content=b"[" * 100_000 + b"]" * 100_000)
    assert answer.status_code in (400, 413)
    deep = b"[" * 5_000 + b"]" * 5_000  # under the body limit
    answer = httpx.post(f"{server.url}/api/labels", content=deep)
    assert answer.status_code == 400
    assert "JSON list" in answer.text


def test_the_host_header_is_not_trusted_in_redirects(server: Server) -> None:
    answer = httpx.get(f"{server.url}/sparql/", headers={"Host": "evil.example"})
    assert "evil.example" not in answer.headers.get("location", "")


def test_a_deeply_nested_query_is_400_not_a_crash(server: Server) -> None:
    text = "SELECT * WHERE { BIND(" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) }"
    answer = httpx.post(f"{server.url}/sparql", data={"query": text})
    assert answer.status_code == 400
    assert "too deeply nested" in answer.text
    assert httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}).status_code == 200


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_a_deeply_nested_query_is_exit_2_in_one_line(
    store: str, capsys: pytest.CaptureFixture[str]
) -> None:
    text = "SELECT * WHERE { BIND(" + "(" * 10_000 + "1" + ")" * 10_000 + " AS ?x) }"
    assert main(["query", "--store", store, "--sparql", text]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "query too deeply nested" in err, err


def _workers(pid: int) -> list[int]:
    return [
        int(c)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for c in (task / "children").read_text().split()
        if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()
    ]


def _stat(pid: int) -> list[str]:
    try:
        return Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except FileNotFoundError:
        return []


def _cpu_ticks(pid: int) -> int:
    fields = _stat(pid)
    return int(fields[11]) + int(fields[12]) if fields else 0  # utime + stime


def _state(pid: int) -> str:
    fields = _stat(pid)
    return fields[0] if fields else ""


def test_a_dead_worker_is_reported_and_never_handed_out(tmp_path: Path) -> None:
    import os
    import signal
    import threading
    import time

    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running_server(tmp_path, "--workers", "1", "--queue-wait", "120") as srv:
        (worker,) = _workers(srv.process.pid)
        answers: list[httpx.Response] = []
        busy = threading.Thread(target=lambda: answers.append(
            httpx.get(f"{srv.url}/sparql", params={"query": runaway}, timeout=120)))
        busy.start()
        start = _cpu_ticks(worker)
        while _cpu_ticks(worker) < start + 20:  # the worker is busy with the runaway query
            time.sleep(0.02)  # between polls of the real condition
        os.kill(worker, signal.SIGKILL)  # dies while answering
        busy.join()
        assert answers[0].status_code == 503
        assert "the worker crashed" in answers[0].text and "signal 9" in answers[0].text
        assert httpx.get(f"{srv.url}/sparql", params={"query": "ASK {}"},
                         timeout=120).status_code == 200
        (replacement,) = _workers(srv.process.pid)
        os.kill(replacement, signal.SIGKILL)  # dies while idle
        while _state(replacement) not in ("Z", "X", ""):  # until the kernel has it dead
            time.sleep(0.02)  # between polls of the real condition
        answer = httpx.get(f"{srv.url}/sparql", params={"query": "ASK {}"}, timeout=120)
        assert answer.status_code == 200, answer.text


def test_workers_die_with_a_killed_server(tmp_path: Path) -> None:
    import os
    import signal
    import threading
    import time

    # A server killed while a worker runs a runaway query: no worker may go on without it.
    runaway = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"
    with running_server(tmp_path, "--workers", "2") as srv:
        workers = _workers(srv.process.pid)
        assert len(workers) == 2
        def ask() -> None:
            with contextlib.suppress(httpx.HTTPError):  # the server dies meanwhile
                httpx.get(f"{srv.url}/sparql", params={"query": runaway}, timeout=120)

        busy = threading.Thread(target=ask)
        busy.start()
        start = sum(_cpu_ticks(w) for w in workers)
        while sum(_cpu_ticks(w) for w in workers) < start + 20:  # one is on the runaway
            time.sleep(0.02)  # between polls of the real condition
        os.kill(srv.process.pid, signal.SIGKILL)
        srv.process.wait(30)
        deadline = time.monotonic() + 30
        while any(_state(w) not in ("Z", "X", "") for w in workers):
            assert time.monotonic() < deadline, [(w, _state(w)) for w in workers]
            time.sleep(0.02)  # between polls of the real condition
        busy.join()


def test_a_one_character_update_token_is_refused() -> None:
    with pytest.raises(InputError, match="at least 16"):
        Settings(enable_updates=True, update_token="x")
    Settings(enable_updates=True, update_token="x" * 16)


def test_a_bom_in_a_query_file_is_stripped(tmp_path: Path, capsys: pytest.CaptureFixture[str]
                                           ) -> None:
    path = tmp_path / "q.rq"
    path.write_bytes("\ufeffSELECT (1 AS ?one) WHERE {}".encode())
    assert main(["query", str(path), "--format", "json"]) == 0
    assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["one"]["value"] == "1"


BOM_QUERY = "\ufeffSELECT (1 AS ?one) WHERE {}"


def test_a_bom_before_a_query_text_is_stripped_everywhere(
    server: Server, kg: KnowledgeGraph, capsys: pytest.CaptureFixture[str],
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """--sparql, stdin, the API, /sparql (GET, form, body) and the page's downloads."""
    assert [str(v) for v in kg.query(BOM_QUERY).rows[0]] == ["1"]
    monkeypatch.setattr("sys.stdin", io.StringIO(BOM_QUERY))
    for args in (["--sparql", BOM_QUERY], ["-"]):
        assert main(["query", *args, "--format", "json"]) == 0
        assert json.loads(capsys.readouterr().out)["results"]["bindings"][0]["one"]["value"] == "1"
    answers = [
        httpx.get(f"{server.url}/sparql", params={"query": BOM_QUERY}),
        httpx.post(f"{server.url}/sparql", data={"query": BOM_QUERY}),
        httpx.post(f"{server.url}/sparql", content=BOM_QUERY.encode(),
                   headers={"Content-Type": "application/sparql-query"}),
    ]
    for answer in answers:
        assert answer.status_code == 200, answer.text
        assert answer.json()["results"]["bindings"][0]["one"]["value"] == "1"
    sheet = httpx.get(f"{server.url}/api/spreadsheet", params={"query": BOM_QUERY})
    assert sheet.status_code == 200, sheet.text
    update = ("\ufeffINSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 1 } }").encode()
    operation = parse_operation("POST", "", "application/sparql-update", update)
    assert operation.text.startswith("INSERT DATA")


def test_a_symlink_loop_in_data_is_one_line(tmp_path: Path,
                                            capsys: pytest.CaptureFixture[str]) -> None:
    loop = tmp_path / "loop.ttl"
    loop.symlink_to(loop)
    assert main(["stats", "--data", str(loop)]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "loop.ttl" in err and "Traceback" not in err


def test_a_bad_source_url_does_not_take_void_down(tmp_path: Path) -> None:
    from g60graph import KnowledgeGraph
    from g60graph.describe._void import describe

    data = tmp_path / "bad.ttl"
    data.write_text(
        "@prefix g60: <https://w3id.org/g60graph/def#> .\n"
        "<http://example.org/src> a g60:Source ;"
        ' <https://schema.org/url> " http://example.org/x" .\n',
        encoding="utf-8",
    )
    kg = KnowledgeGraph.load([data])
    text = describe(kg, "http://127.0.0.1/", "http://127.0.0.1/id/").serialize(format="turtle")
    assert "example.org/x" not in text
    assert "www.shine.cn" in text  # the good ones are still listed


def test_slow_sockets_are_dropped_and_the_server_keeps_answering(tmp_path: Path) -> None:
    """Slowloris, bounded: 300 sockets that never finish their headers, against
    --max-connections 100 and --request-timeout 1."""
    import time

    with running_server(
        tmp_path, "--request-timeout", "1", "--max-connections", "100"
    ) as srv:
        host, port = srv.url.removeprefix("http://").split(":")
        sockets = []
        try:
            for _ in range(300):
                sock = socket.create_connection((host, int(port)), timeout=10)
                sock.sendall(b"GET /sparql?query=ASK%20%7B%7D HTTP/1.1\r\nHost: x\r\n")
                sockets.append(sock)
            start = time.monotonic()
            for sock in sockets:  # each is closed by the server: the limit or the deadline
                with contextlib.suppress(ConnectionResetError):
                    assert sock.recv(1024) == b""
            assert time.monotonic() - start < 8
            descriptors = len(list(Path(f"/proc/{srv.process.pid}/fd").iterdir()))
            assert descriptors < 100
            answer = httpx.get(f"{srv.url}/sparql", params={"query": "ASK {}"}, timeout=10)
            assert answer.status_code == 200
        finally:
            for sock in sockets:
                sock.close()


def test_answers_are_capped_in_bytes(tmp_path: Path) -> None:
    with running_server(tmp_path, "--max-answer-bytes", "4096") as srv:
        big = httpx.get(
            f"{srv.url}/sparql", params={"query": "SELECT * WHERE { ?s ?p ?o } LIMIT 500"}
        )
        assert big.status_code == 503
        assert "more than the server sends" in big.text
        small = httpx.get(f"{srv.url}/sparql", params={"query": "ASK {}"})
        assert small.status_code == 200


def test_using_graph_uri_is_read_under_the_protocols_name() -> None:
    """Read, not ignored (the update would run over the whole dataset); the scoped
    update itself is tested in tests/e2e/test_server_updates.py."""
    from g60graph.server._protocol import parse_operation

    body = (b"update=INSERT+DATA+%7B%7D&using-graph-uri=urn%3Ax%3Ag"
            b"&using-named-graph-uri=urn%3Ax%3An")
    op = parse_operation("POST", "", "application/x-www-form-urlencoded", body)
    assert op.default_graphs == ["urn:x:g"]
    assert op.named_graphs == ["urn:x:n"]
