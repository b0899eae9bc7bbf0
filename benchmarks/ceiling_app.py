"""The Python ceiling for server_vs_oxigraph.py: the least a Python SPARQL endpoint can do.

A bare ASGI app under uvicorn (httptools, uvloop, no access log) that reads the
query from a form POST or a GET, runs it on a pyoxigraph Store in process and
writes pyoxigraph's own JSON: no time limit, no row or memory cap, no safety
check, no worker, no cache. The issue names such an app as the measure of what
Python costs; `g60graph serve` keeps every limit and is measured against it.

    G60_CEILING_DATA=graph.nq uvicorn ceiling_app:app --app-dir benchmarks \
        --http httptools --loop uvloop --no-access-log --workers 2
"""

from __future__ import annotations

import os
from typing import Any
from urllib.parse import parse_qs

import pyoxigraph as ox

_store = ox.Store()
_store.bulk_load(path=os.environ["G60_CEILING_DATA"], format=ox.RdfFormat.N_QUADS)
_JSON = ox.QueryResultsFormat.JSON


async def app(scope: dict[str, Any], receive: Any, send: Any) -> None:
    if scope["type"] != "http":  # lifespan: nothing to start
        message = await receive()
        if message["type"] == "lifespan.startup":
            await send({"type": "lifespan.startup.complete"})
        return
    body = b""
    more = True
    while more:
        message = await receive()
        body += message.get("body", b"")
        more = message.get("more_body", False)
    form = body if scope["method"] == "POST" else scope["query_string"]
    try:
        text = parse_qs(form.decode())["query"][0]
        result = _store.query(text, use_default_graph_as_union=True)
        # a SELECT or ASK (the benchmark sends no other); serialize() with no file gives bytes
        answer = result.serialize(format=_JSON) or b""  # type: ignore[arg-type]
        status, media = 200, b"application/sparql-results+json"
    except (KeyError, SyntaxError, ValueError, AttributeError) as err:
        status, media, answer = 400, b"text/plain", str(err).encode()
    await send({"type": "http.response.start", "status": status,
                "headers": [(b"content-type", media),
                            (b"content-length", str(len(answer)).encode())]})
    await send({"type": "http.response.body", "body": answer})
