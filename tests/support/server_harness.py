"""Start ``g60graph serve`` on a free loopback port and wait until it answers.

Used by tests/e2e/test_server*.py. The server runs from this checkout's src/
(PYTHONPATH), and is stopped (by its own process id) when the block ends.
"""

from __future__ import annotations

import os
import socket
import subprocess
import sys
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import httpx

from paths import REPO


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    url: str
    process: subprocess.Popen[bytes]
    log: Path

    def access_log(self) -> list[str]:
        return self.log.read_text(encoding="utf-8").splitlines()


@contextmanager
def running_server(
    tmp: Path, *args: str, env: dict[str, str] | None = None, deadline: float = 60.0
) -> Iterator[Server]:
    port = free_port()
    log = tmp / f"server-{port}.log"
    environment = {**os.environ, "PYTHONPATH": str(REPO / "src"), **(env or {})}
    command = [sys.executable, "-m", "g60graph.cli", "serve", "--port", str(port), *args]
    with log.open("wb") as sink:
        process = subprocess.Popen(command, env=environment, stdout=sink, stderr=sink)
    server = Server(f"http://127.0.0.1:{port}", process, log)
    try:
        _wait_ready(server, deadline)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


@contextmanager
def writable_server(tmp: Path, token: str, *args: str) -> Iterator[httpx.Client]:
    """A client of a server started with updates enabled, its bearer token ``token``."""
    with (
        running_server(tmp, "--enable-updates", *args, env={"G60GRAPH_UPDATE_TOKEN": token}) as srv,
        httpx.Client(base_url=srv.url, timeout=30) as http,
    ):
        yield http


def _wait_ready(server: Server, deadline: float) -> None:
    """Poll the endpoint until it answers ASK {}, the process exits, or the deadline passes."""
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if server.process.poll() is not None:
            raise RuntimeError(f"the server exited: {server.log.read_text(encoding='utf-8')}")
        try:
            answer = httpx.get(f"{server.url}/sparql", params={"query": "ASK {}"}, timeout=2)
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # between polls of the real condition above
    raise RuntimeError(f"the server did not answer within {deadline} s")


@dataclass
class Listener:
    """A loopback HTTP server that records every request it gets (it should get none)."""

    url: str
    requests: list[str] = field(default_factory=list)


@contextmanager
def listener() -> Iterator[Listener]:
    port = free_port()
    record = Listener(f"http://127.0.0.1:{port}")

    class Handler(BaseHTTPRequestHandler):
        def _any(self) -> None:
            record.requests.append(f"{self.command} {self.path}")
            body = b"<http://example.org/s> <http://example.org/p> <http://example.org/o> .\n"
            self.send_response(200)
            self.send_header("Content-Type", "text/turtle")
            self.send_header("Content-Length", str(len(body)))
            self.end_headers()
            self.wfile.write(body)

        do_GET = do_POST = do_HEAD = _any  # noqa: N815

        def log_message(self, format: str, *args: object) -> None:
            pass

    with serving(ThreadingHTTPServer(("127.0.0.1", port), Handler)):
        yield record


@contextmanager
def serving(httpd: ThreadingHTTPServer) -> Iterator[int]:
    """Serve from a thread until the block ends; yields the port."""
    httpd.daemon_threads = True
    thread = threading.Thread(target=httpd.serve_forever, daemon=True)
    thread.start()
    try:
        yield int(httpd.server_address[1])
    finally:
        httpd.shutdown()
        httpd.server_close()
        thread.join(timeout=10)


@dataclass
class Counter:
    """A loopback TCP port that counts the connections made to it (there should be none)."""

    port: int
    connections: int = 0

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}/sparql"


@contextmanager
def counting_listener() -> Iterator[Counter]:
    sock = socket.socket()
    sock.bind(("127.0.0.1", 0))
    sock.listen(64)
    counter = Counter(int(sock.getsockname()[1]))

    def accept() -> None:
        while True:
            try:
                conn, _ = sock.accept()
            except OSError:  # closed: the block ended
                return
            counter.connections += 1
            conn.close()

    thread = threading.Thread(target=accept, daemon=True)
    thread.start()
    try:
        yield counter
    finally:
        sock.shutdown(socket.SHUT_RDWR)  # wakes the blocked accept()
        sock.close()
        thread.join(5)
