"""Run the app under uvicorn, with the structured access log on stderr."""

from __future__ import annotations

import errno
import functools
import logging
import socket
import sys
from collections.abc import Sequence
from typing import Any

from g60graph import _sandbox
from g60graph._errors import InputError
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph.server._settings import Settings

__all__ = [
    "kg_factory",
    "listen_socket",
    "serve_forever",
]


def kg_factory(data: Sequence[str] = (), **options: Any) -> functools.partial[KnowledgeGraph]:
    """A picklable recipe for the graph (the CLI's graph options), run once in each worker."""
    return functools.partial(KnowledgeGraph.load, tuple(data), **options)


def serve_forever(host: str, port: int, settings: Settings, **load: Any) -> None:
    import uvicorn

    from g60graph.server._app import create_app

    # Take the port first: a busy one fails in one line, before anything is loaded.
    sock = listen_socket(host, port)
    # Then ask whether the workers will be able to drop their network (before any thread
    # starts): where they cannot, say so in one line rather than fail them one by one.
    problem = _sandbox.isolation_problem() if settings.isolate_workers else None
    if problem and not settings.allow_network:
        sock.close()
        raise _sandbox.IsolationError(
            f"{problem}; refusing to serve queries that could reach the network"
            " (start with --i-understand-network-access to serve anyway)"
        )
    # Fail on a bad --data file here, with one line, before any worker starts.
    factory = kg_factory(**load)
    factory()
    # The access log writes a line per request: skip what its records would carry but
    # never show (the caller's file and line, thread and process names; the logging
    # HOWTO's "Optimization"), a third of its cost.
    logging._srcfile = None
    logging.logThreads = logging.logProcesses = logging.logMultiprocessing = False
    handler = logging.StreamHandler(sys.stderr)
    access = logging.getLogger("g60graph.server.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    app = create_app(factory, settings)
    print(f"g60graph: serving on http://{host}:{port}/ (SPARQL at /sparql)", file=sys.stderr)
    if problem:
        print("g60graph: note: the query workers keep their network (this system cannot"
              " isolate them); only the safety check stands", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"g60graph: note: listening on {host}, not only this machine", file=sys.stderr)
    from g60graph.server._http import guarded_protocol

    http = guarded_protocol(settings.request_timeout, settings.max_connections)
    # uvloop: the event loop in C (libuv); with httptools, most of the per-request work
    # outside the app itself leaves Python.
    config = uvicorn.Config(
        app, host=host, port=port, log_level="warning", access_log=False, http=http,
        loop="uvloop",
    )
    uvicorn.Server(config).run(sockets=[sock])


def listen_socket(host: str, port: int) -> socket.socket:
    """A bound socket for uvicorn to serve on, or InputError naming the address."""
    try:
        family, kind, proto, _, address = socket.getaddrinfo(
            host, port, type=socket.SOCK_STREAM
        )[0]
        sock = socket.socket(family, kind, proto)
    except OSError as err:
        raise InputError(f"--host {host}: {err.strerror or err}") from None
    try:
        sock.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
        sock.bind(address)
    except OSError as err:
        sock.close()
        busy = err.errno == errno.EADDRINUSE
        hint = " (another server is using it; choose another --port)" if busy else ""
        raise InputError(f"cannot listen on {host}:{port}: {err.strerror or err}{hint}") from None
    sock.set_inheritable(True)
    return sock
