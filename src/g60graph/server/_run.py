"""Run the app under uvicorn, with the structured access log on stderr."""

from __future__ import annotations

import functools
import logging
import sys
from collections.abc import Sequence
from typing import Any

from g60graph._knowledge_graph import KnowledgeGraph
from g60graph.server._settings import Settings

__all__ = [
    "kg_factory",
    "serve_forever",
]


def kg_factory(data: Sequence[str] = (), **options: Any) -> functools.partial[KnowledgeGraph]:
    """A picklable recipe for the graph (the CLI's graph options), run once in each worker."""
    return functools.partial(KnowledgeGraph.load, tuple(data), **options)


def serve_forever(host: str, port: int, settings: Settings, **load: Any) -> None:
    import uvicorn

    from g60graph.server._app import create_app

    # Fail on a bad --data file here, with one line, before any worker starts.
    factory = kg_factory(**load)
    factory()
    handler = logging.StreamHandler(sys.stderr)
    access = logging.getLogger("g60graph.server.access")
    access.addHandler(handler)
    access.setLevel(logging.INFO)
    access.propagate = False
    app = create_app(factory, settings)
    print(f"g60graph: serving on http://{host}:{port}/ (SPARQL at /sparql)", file=sys.stderr)
    if host not in ("127.0.0.1", "localhost", "::1"):
        print(f"g60graph: note: listening on {host}, not only this machine", file=sys.stderr)
    from g60graph.server._http import guarded_protocol

    http = guarded_protocol(settings.request_timeout, settings.max_connections)
    uvicorn.run(app, host=host, port=port, log_level="warning", access_log=False, http=http)
