"""Guard, every request's outer layer: its access log line and what a closed log does."""

from __future__ import annotations

import datetime
import io
import json
import time
from typing import Any

from hypothesis import given, settings
from hypothesis import strategies as st

from g60graph.server._middleware import CSP, Guard, _line


async def _hello(scope: dict[str, Any], receive: Any, send: Any) -> None:
    scope.setdefault("state", {})["query_hash"] = "0123456789abcdef"
    await send({"type": "http.response.start", "status": 201, "headers": []})
    await send({"type": "http.response.body", "body": b"hello"})


def _call(guard: Guard) -> list[dict[str, Any]]:
    scope = {"type": "http", "method": "GET", "path": "/sparql", "query_string": b"",
             "headers": [], "client": ("127.0.0.1", 5000)}
    sent: list[dict[str, Any]] = []

    async def receive() -> dict[str, Any]:
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message: dict[str, Any]) -> None:
        sent.append(message)

    # Driven by hand, without an event loop (another test may leave one running here):
    # nothing awaited here ever suspends, so one step runs the whole request.
    step = guard(scope, receive, send)  # type: ignore[arg-type]
    try:
        step.send(None)
    except StopIteration:
        return sent
    step.close()
    raise AssertionError("Guard waited for something")


def test_one_json_line_per_request() -> None:
    log = io.StringIO()
    sent = _call(Guard(_hello, limit=1000, log=log))  # type: ignore[arg-type]
    assert (b"content-security-policy", CSP.encode()) in sent[0]["headers"]
    lines = log.getvalue().splitlines()
    assert len(lines) == 1 and log.getvalue().endswith("\n")
    entry = json.loads(lines[0])
    assert entry["status"] == 201 and entry["bytes"] == 5
    assert entry["query_hash"] == "0123456789abcdef" and entry["client"] == "127.0.0.1"
    assert {"time", "method", "path", "duration_ms"} <= set(entry)


def test_a_closed_log_is_dropped_and_the_answer_still_goes() -> None:
    log = io.StringIO()
    guard = Guard(_hello, limit=1000, log=log)  # type: ignore[arg-type]
    log.close()  # as a gone stderr pipe: writing raises
    for _ in range(2):
        sent = _call(guard)
        assert sent[-1]["body"] == b"hello"
    assert guard.log is None


def test_without_a_log_nothing_is_written() -> None:
    sent = _call(Guard(_hello, limit=1000))  # type: ignore[arg-type]
    assert sent[0]["status"] == 201


@settings(max_examples=400, deadline=None)
@given(path=st.text(), method=st.text(min_size=1), client=st.none() | st.text(),
       query_hash=st.none() | st.text(alphabet="0123456789abcdef", min_size=16, max_size=16),
       status=st.integers(100, 599), size=st.integers(0, 10**9),
       seconds=st.floats(0, 10**4, allow_nan=False))
def test_the_line_is_json_of_what_the_request_was(
    path: str, method: str, client: str | None, query_hash: str | None, status: int,
    size: int, seconds: float,
) -> None:
    scope = {"method": method, "path": path, "client": (client, 1) if client else None,
             "state": {"query_hash": query_hash}}
    line = _line(scope, status, size, seconds)
    assert line.endswith("}\n") and "\n" not in line[:-1] and line.isascii()
    entry = json.loads(line)
    entry.pop("time")
    assert entry == {"client": client or None, "method": method, "path": path,
                     "status": status, "duration_ms": round(seconds * 1000, 2),
                     "bytes": size, "query_hash": query_hash}


def test_the_time_is_utc_to_the_second() -> None:
    entry = json.loads(_line({"method": "GET", "path": "/"}, 200, 0, 0.0))
    stamp = datetime.datetime.strptime(entry["time"], "%Y-%m-%dT%H:%M:%SZ").replace(
        tzinfo=datetime.UTC)
    assert abs(stamp.timestamp() - time.time()) < 2
