"""A real SPARQL 1.1 Protocol endpoint on 127.0.0.1 for the linking tests.

It evaluates GET and POST queries with pyoxigraph over a Wikidata-shaped
fixture (tests/fixtures/wikidata/*.ttl) and can be switched into fault modes:
429 with Retry-After, 503, a slow answer, a 200 holding HTML or malformed
JSON, or hanging up after some answers (the endpoint dying mid-run).
"""

from __future__ import annotations

import threading
import time
import urllib.parse
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer

import pyoxigraph as ox

from paths import FIXTURES
from server_harness import serving

WIKIDATA = FIXTURES / "wikidata"


@dataclass
class Faults:
    """What the endpoint does wrong; counters say for how many requests."""

    rate_limited: int = 0  # answer 429 with Retry-After to the next N requests
    retry_after: str = "1"
    unavailable: int = 0  # answer 503 (no Retry-After) to the next N requests
    delay: float = 0.0  # seconds to wait before answering
    body: str | None = None  # "html", "badjson", "notresults": a bad 200
    hang_up_after: int | None = None  # answer this many queries, then hang up


@dataclass
class Endpoint:
    url: str
    faults: Faults
    requests: list[dict[str, str]] = field(default_factory=list)  # every request seen
    answered: int = 0


def _store() -> ox.Store:
    store = ox.Store()
    files = sorted(WIKIDATA.glob("*.ttl"))
    assert files, f"no fixture files in {WIKIDATA}"
    for path in files:
        store.load(path=path, format=ox.RdfFormat.TURTLE)
    return store


class _QuietServer(ThreadingHTTPServer):
    """A client that gave up (the timeout tests) leaves a slow handler writing to a closed
    socket, seconds later, during another test: that is expected, not an error to print."""

    def handle_error(self, request: object, client_address: object) -> None:
        import sys

        if not isinstance(sys.exc_info()[1], ConnectionError):
            super().handle_error(request, client_address)  # type: ignore[arg-type]


@contextmanager
def serve() -> Iterator[Endpoint]:
    """Start the endpoint on a free loopback port; stop it on exit."""
    store = _store()
    lock = threading.Lock()
    state = Endpoint(url="", faults=Faults())

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:  # keep test output clean
            pass

        def do_GET(self) -> None:
            query = urllib.parse.parse_qs(urllib.parse.urlsplit(self.path).query).get("query")
            self._answer(query[0] if query else "")

        def do_POST(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            if self.headers.get("Content-Type", "").startswith("application/sparql-query"):
                self._answer(body)
            else:
                self._answer(urllib.parse.parse_qs(body).get("query", [""])[0])

        def _send(self, status: int, body: bytes, ctype: str, extra: dict[str, str]) -> None:
            self.send_response(status)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(body)))
            for key, value in extra.items():
                self.send_header(key, value)
            self.end_headers()
            self.wfile.write(body)

        def _answer(self, query: str) -> None:
            faults = state.faults
            with lock:
                state.requests.append({"query": query, "agent": self.headers.get("User-Agent", "")})
                hang_up = (
                    faults.hang_up_after is not None and state.answered >= faults.hang_up_after
                )
                limited = faults.rate_limited > 0
                faults.rate_limited -= limited
                unavailable = not limited and faults.unavailable > 0
                faults.unavailable -= unavailable
            if hang_up:
                self.close_connection = True
                self.connection.close()  # no status line: the endpoint died
                return
            if limited:
                self._send(
                    429, b"Too Many Requests", "text/plain", {"Retry-After": faults.retry_after}
                )
                return
            if unavailable:
                self._send(503, b"Service Unavailable", "text/plain", {})
                return
            if faults.delay:
                time.sleep(faults.delay)  # a slow endpoint, not a readiness wait
            if faults.body == "html":
                self._send(200, b"<html><body>Maintenance</body></html>", "text/html", {})
                return
            if faults.body == "badjson":
                self._send(
                    200,
                    b'{"head": {"vars": ["x"]}, "results": {"bind',
                    "application/sparql-results+json",
                    {},
                )
                return
            if faults.body == "notresults":
                self._send(200, b'{"error": "quota"}', "application/json", {})
                return
            try:
                results = store.query(query)
                body = results.serialize(format=ox.QueryResultsFormat.JSON)
            except (SyntaxError, ValueError, RuntimeError, AttributeError) as err:
                self._send(400, str(err).encode(), "text/plain", {})
                return
            with lock:
                state.answered += 1
            self._send(200, body, "application/sparql-results+json", {})

    with serving(_QuietServer(("127.0.0.1", 0), Handler)) as port:
        state.url = f"http://127.0.0.1:{port}/sparql"
        yield state


@contextmanager
def listener() -> Iterator[tuple[str, list[bytes]]]:
    """A bare loopback socket that records any connection made to it."""
    import socket

    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(8)
    sock.settimeout(0.05)
    seen: list[bytes] = []
    stop = threading.Event()

    def accept() -> None:
        while not stop.is_set():
            try:
                conn, _ = sock.accept()
            except OSError:
                continue
            seen.append(conn.recv(4096))
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{sock.getsockname()[1]}/sparql", seen
    finally:
        stop.set()
        thread.join(timeout=5)
        # A connection made before now sits in the backlog even if the thread
        # missed it: drain it, so `seen` is complete without waiting.
        sock.setblocking(False)
        while True:
            try:
                conn, _ = sock.accept()
            except BlockingIOError:
                break
            seen.append(b"(connected)")
            conn.close()
        sock.close()
