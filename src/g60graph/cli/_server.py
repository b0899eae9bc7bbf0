"""The command that serves the SPARQL endpoint and Linked Data: serve."""

from __future__ import annotations

from typing import Any

import click

from g60graph._errors import InputError
from g60graph.cli._options import (
    graph_options,
)

__all__ = [
    "COMMANDS",
    "serve",
]


@click.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Stop a query after this many seconds (answer 503).",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) per answer; more are cut and flagged X-G60-Truncated.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes (each holds a copy of the graph), per HTTP process.",
)
@click.option(
    "--processes",
    default=1,
    show_default=True,
    type=click.IntRange(1, 64),
    help="HTTP processes sharing the port, each with its own workers and answer cache"
    " (about one per core serves most; read-only data only: 1 with --enable-updates).",
)
@click.option(
    "--base-iri",
    default="https://w3id.org/g60graph/",
    show_default=True,
    help="IRI space served under /id/ and /def.",
)
@click.option(
    "--max-request-bytes",
    default=512 * 1024,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Refuse request bodies above this size (413).",
)
@click.option(
    "--worker-memory",
    default=2048,
    show_default=True,
    type=click.IntRange(min=0),
    help="Memory cap per query worker in MB (0: none); a query past it gets 503.",
)
@click.option(
    "--enable-updates",
    is_flag=True,
    help="Accept SPARQL updates at /update with 'Authorization: Bearer $G60GRAPH_UPDATE_TOKEN'.",
)
@click.option(
    "--queue-wait",
    default=10.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Answer 503 with Retry-After when no worker is free within this many seconds.",
)
@click.option(
    "--reserved-workers",
    default=1,
    show_default=True,
    type=click.IntRange(min=0),
    help="Workers kept for cheap queries, so that slow ones cannot starve them"
    " (at most --workers minus one).",
)
@click.option(
    "--request-timeout",
    default=20.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Drop a client that takes longer than this to send a whole request (slowloris).",
)
@click.option(
    "--max-connections",
    default=512,
    show_default=True,
    type=click.IntRange(min=1),
    help="Close connections past this many at once (keep it under 'ulimit -n').",
)
@click.option(
    "--max-answer-bytes",
    default=64 * 1024 * 1024,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Refuse to send an answer larger than this (503); rows are capped by --max-rows.",
)
@click.option(
    "--answer-cache-mb",
    default=32,
    show_default=True,
    type=click.IntRange(min=0),
    help="Keep answers to repeated queries in this much memory, cleared by every update"
    " (0: none; always none with --endpoint, whose data may change underneath).",
)
@click.option(
    "--inline/--no-inline",
    default=True,
    show_default=True,
    help="Run a read-only query in the server process, skipping the hop to a worker, when"
    " its shape (the same text up to variable names) last ran within 10 ms and it holds no"
    " word that could make it fetch or write; Oxigraph stores only, never with --enable-updates.",
)
@click.option(
    "--i-understand-network-access",
    "allow_network",
    is_flag=True,
    help="Serve even where this OS cannot cut the query workers off the network"
    " (then only the safety check stands between a query and a fetch).",
)
@graph_options
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    processes: int,
    base_iri: str,
    max_request_bytes: int,
    worker_memory: int,
    enable_updates: bool,
    allow_network: bool,
    queue_wait: float,
    reserved_workers: int,
    request_timeout: float,
    max_connections: int,
    max_answer_bytes: int,
    answer_cache_mb: int,
    inline: bool,
    **load: Any,
) -> int:
    """Serve a SPARQL endpoint, a query page and Linked Data pages over HTTP.

    \b
    Examples:
      g60graph serve --port 8000
      g60graph serve --port 8080 --timeout 10 --max-rows 1000
    """
    import os

    from g60graph.backends import EMBEDDED, backend_name
    from g60graph.server._run import serve_forever
    from g60graph.server._settings import Settings

    where = backend_name(load.get("store", "oxigraph"), load.get("endpoint"))
    if enable_updates and where not in EMBEDDED:
        raise InputError("--enable-updates needs an in-memory store (--store oxigraph or memory)")
    settings = Settings(
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        processes=processes,
        base_iri=base_iri,
        max_request_bytes=max_request_bytes,
        worker_memory_mb=worker_memory or None,
        enable_updates=enable_updates,
        update_token=os.environ.get("G60GRAPH_UPDATE_TOKEN") if enable_updates else None,
        isolate_workers=not load.get("endpoint"),  # a remote store is reached over the network
        allow_network=allow_network,
        queue_wait=queue_wait,
        reserved_workers=reserved_workers,
        request_timeout=request_timeout,
        max_connections=max_connections,
        max_answer_bytes=max_answer_bytes,
        answer_cache_mb=0 if load.get("endpoint") else answer_cache_mb,
        inline_queries=inline and where in ("oxigraph", "disk"),  # pyoxigraph only
    )
    serve_forever(host, port, settings, **load)
    return 0


COMMANDS = [serve]
