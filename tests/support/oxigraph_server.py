"""A throwaway ``oxigraph serve`` on loopback, for the remote-store tests.

The server comes from the PyPI package ``oxigraph`` (a dev dependency: its wheel
holds the Rust binary), so no system package is needed. The store lives in a
temporary folder, the port is a free loopback port, and readiness is a real
condition (``/query`` answers ``ASK {}``), polled with a deadline.

Oxigraph's endpoints: ``/query`` (SPARQL 1.1 Query), ``/update`` (SPARQL 1.1
Update) and ``/store`` (the Graph Store Protocol, ``?graph=IRI``).
"""

from __future__ import annotations

import contextlib
import shutil
import subprocess
import sys
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

from server_harness import free_port


def binary() -> str:
    """The ``oxigraph`` executable installed next to this interpreter (or on PATH)."""
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise RuntimeError("the oxigraph server is missing: pip install -e '.[dev]' installs it")
    return found


@dataclass
class Oxigraph:
    port: int
    process: subprocess.Popen[bytes]
    log: Path

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.port}"

    @property
    def sparql(self) -> str:
        return f"{self.base}/query"

    @property
    def update(self) -> str:
        return f"{self.base}/update"

    @property
    def graph_store(self) -> str:
        return f"{self.base}/store"

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)


def _answers(url: str) -> bool:
    try:
        answer = httpx.get(url, params={"query": "ASK {}"}, timeout=2,
                           headers={"Accept": "application/sparql-results+json"})
    except httpx.TransportError:
        return False
    return answer.status_code == 200 and b"boolean" in answer.content


def start(directory: Path, *args: str, deadline: float = 60.0) -> Oxigraph:
    """``oxigraph serve`` with its store in ``directory`` on a free loopback port."""
    directory.mkdir(parents=True, exist_ok=True)
    port = free_port()
    log = directory / "oxigraph.log"
    command = [binary(), "serve", "--location", str(directory / "store"),
               "--bind", f"127.0.0.1:{port}", *args]
    with log.open("wb") as sink:  # the child keeps its own copy
        process = subprocess.Popen(command, stdout=sink, stderr=subprocess.STDOUT,
                                   stdin=subprocess.DEVNULL)
    server = Oxigraph(port, process, log)
    until = time.monotonic() + deadline
    while not _answers(server.sparql):
        if process.poll() is not None:
            raise RuntimeError(f"oxigraph exited ({process.returncode}): {log.read_text()}")
        if time.monotonic() > until:
            server.stop()
            raise RuntimeError(f"oxigraph not ready after {deadline:.0f}s: {log.read_text()}")
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.05)  # wakes early if the server dies
    return server


@contextlib.contextmanager
def running(directory: Path, *args: str) -> Iterator[Oxigraph]:
    server = start(directory, *args)
    try:
        yield server
    finally:
        server.stop()
