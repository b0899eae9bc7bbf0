"""Run the app under uvicorn, with the structured access log on stderr.

With ``--processes N`` the port is served by N processes, each listening on a socket
of its own on that port (SO_REUSEPORT: the kernel spreads new connections over them)
and each with its own app, workers, answer cache and inline copy of the graph: one
Python process tops out at one core, so this is how the endpoint uses the others. The
copies are forked before anything starts a thread, are sent SIGTERM when the first
process dies, and are stopped by it when it stops. Read-only data only (``Settings``):
an update would reach one process's workers.
"""

from __future__ import annotations

import asyncio
import contextlib
import errno
import functools
import os
import signal
import socket
import sys
import time
from collections.abc import Sequence
from typing import Any

import uvicorn

from g60graph import _sandbox
from g60graph._errors import G60Error, InputError
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph.server._settings import Settings

__all__ = [
    "kg_factory",
    "listen_socket",
    "listen_sockets",
    "serve_forever",
]


def kg_factory(data: Sequence[str] = (), **options: Any) -> functools.partial[KnowledgeGraph]:
    """A picklable recipe for the graph (the CLI's graph options), run once in each worker."""
    return functools.partial(KnowledgeGraph.load, tuple(data), **options)


def serve_forever(host: str, port: int, settings: Settings, **load: Any) -> None:
    # Take the port first: a busy one fails in one line, before anything is loaded. Each
    # process gets a socket of its own on it (SO_REUSEPORT): the kernel then spreads new
    # connections evenly, where on one shared socket the process woken first takes most.
    socks = listen_sockets(host, port, settings.processes)
    # Then ask whether the workers will be able to drop their network (before any thread
    # starts): where they cannot, say so in one line rather than fail them one by one.
    problem = _sandbox.isolation_problem() if settings.isolate_workers else None
    if problem and not settings.allow_network:
        for sock in socks:
            sock.close()
        raise _sandbox.IsolationError(
            f"{problem}; refusing to serve queries that could reach the network"
            " (start with --i-understand-network-access to serve anyway)"
        )
    # Fail on a bad --data file here, with one line, before any worker starts.
    factory = kg_factory(**load)
    _check_loads(factory)
    mine, copies = _fork_copies(socks)
    try:
        _serve(mine, host, port, settings, factory, problem, copies)
    finally:  # Ctrl-C; on SIGTERM uvicorn ends the process itself, after _Server.shutdown
        if copies:
            _stop_copies(copies)


def _check_loads(factory: functools.partial[KnowledgeGraph]) -> None:
    """Load the graph once, in a forked child, and raise its error here if it fails. In
    a child because loading may start threads (RocksDB's, for an on-disk store), and this
    process must stay single-threaded for the forks and the unshare that follow."""

    def describe(err: BaseException) -> str:  # the CLI's exit code, then the message
        if isinstance(err, G60Error):
            return f"{err.exit_code} {err}"
        return f"1 loading the graph failed: {type(err).__name__}: {err}"

    report = _sandbox.try_in_child(factory, describe)
    if report:
        code, message = report.split(" ", 1)
        failure = G60Error(message)
        failure.exit_code = int(code)
        raise failure


def _serve(sock: socket.socket, host: str, port: int, settings: Settings,
           factory: functools.partial[KnowledgeGraph], problem: str | None,
           copies: list[int] | None) -> None:
    """One HTTP process: the app and its workers on ``sock``, until a signal stops it.
    ``copies``: in the first process, the other HTTP processes (None in a copy)."""
    from g60graph.server._app import create_app

    if settings.isolate_workers and not problem:
        # Inline queries run here too, and this process needs no network but the socket
        # it listens on (which keeps working from another namespace): drop the rest
        # (single-threaded still, as unshare needs).
        _sandbox.drop_network()
    # The access log: one JSON line per request on stderr (line-buffered: each line is
    # written as its request ends).
    app = create_app(factory, settings, access_log=sys.stderr)
    if copies is not None:  # the copies have nothing to add
        _announce(host, port, settings, problem)
    _Server(_config(app, host, port, settings), copies or []).run(sockets=[sock])


def _announce(host: str, port: int, settings: Settings, problem: str | None) -> None:
    copies = f" by {settings.processes} processes" if settings.processes > 1 else ""
    print(f"g60graph: serving on http://{host}:{port}/{copies} (SPARQL at /sparql)",
          file=sys.stderr)
    if problem:
        print("g60graph: note: the query workers keep their network (this system cannot"
              " isolate them); only the safety check stands", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"g60graph: note: listening on {host}, not only this machine", file=sys.stderr)


class _Server(uvicorn.Server):
    """uvicorn's Server that, in the first process, stops the copies as it shuts down
    (on SIGTERM uvicorn then ends the process at once): when it is gone, so are they,
    and the port is free."""

    def __init__(self, config: Any, copies: list[int]) -> None:
        super().__init__(config)
        self.copies = copies

    async def shutdown(self, sockets: Any = None) -> None:
        await super().shutdown(sockets)
        if self.copies:
            await asyncio.to_thread(_stop_copies, self.copies)


def _config(app: Any, host: str, port: int, settings: Settings) -> Any:
    from g60graph.server._http import guarded_protocol

    http = guarded_protocol(settings.request_timeout, settings.max_connections)
    # uvloop: the event loop in C (libuv); with httptools, most of the per-request work
    # outside the app itself leaves Python.
    return uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, http=http,
        loop="uvloop", server_header=False,  # "server: uvicorn" tells a stranger only what to try
    )


def _fork_copies(socks: list[socket.socket]) -> tuple[socket.socket, list[int] | None]:
    """A copy of this process for each socket but the first (forked while single-threaded:
    a fork copies only the calling thread). Returns the socket this process serves and,
    in the first process, the copies' ids (in a copy, None). Each closes the others'."""
    first = os.getpid()
    copies = []
    for number, sock in enumerate(socks[1:], start=1):
        pid = os.fork()
        if pid == 0:
            _sandbox.die_with_parent(first, signal.SIGTERM)  # uvicorn stops on SIGTERM
            for other in socks[:number] + socks[number + 1:]:
                other.close()
            return sock, None
        copies.append(pid)
    for other in socks[1:]:
        other.close()
    return socks[0], copies


def _stop_copies(copies: list[int], grace: float = 15.0) -> None:
    """SIGTERM each copy and wait for it (each stops its own workers); SIGKILL one that
    is still running after ``grace`` seconds."""
    for pid in copies:
        with contextlib.suppress(ProcessLookupError):
            os.kill(pid, signal.SIGTERM)
    end = time.monotonic() + grace
    for pid in copies:
        while time.monotonic() < end and os.waitpid(pid, os.WNOHANG) == (0, 0):
            time.sleep(0.05)  # polling waitpid: there is no timed wait for a child
        with contextlib.suppress(ChildProcessError):
            if os.waitpid(pid, os.WNOHANG) == (0, 0):
                os.kill(pid, signal.SIGKILL)
                os.waitpid(pid, 0)


def listen_sockets(host: str, port: int, count: int) -> list[socket.socket]:
    """``count`` sockets bound to one port (SO_REUSEPORT when more than one), or
    InputError. A port held by anyone, even by another server's shared sockets, is busy:
    a plain socket tries it first (else a second server would take half its traffic)."""
    if count == 1:
        return [listen_socket(host, port)]
    probe = listen_socket(host, port)
    port = probe.getsockname()[1]  # the port the system chose, for --port 0
    probe.close()
    return [listen_socket(host, port, share=True) for _ in range(count)]


def listen_socket(host: str, port: int, *, share: bool = False) -> socket.socket:
    """A bound socket for uvicorn to serve on, or InputError naming the address; with
    ``share``, one of several on the same port (SO_REUSEPORT, for --processes)."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as err:
        raise InputError(f"--host {host}: {err.strerror or err}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        if share:
            sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
        sock.bind(address)
    except OSError as err:
        sock.close()
        busy = err.errno == errno.EADDRINUSE
        hint = " (another server is using it; choose another --port)" if busy else ""
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}{hint}") from None
    sock.set_inheritable(True)
    return sock
