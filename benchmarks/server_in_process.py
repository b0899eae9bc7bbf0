"""The server app called in process: what one small query costs our own code.

The ASGI app of `g60graph serve` (default settings, a real worker pool) is called
directly, without uvicorn or a socket, for N small SELECTs, and the median time from
the request to its last byte is printed. No HTTP stack, no client, no other process
on the way of an inline query: the figure moves only with our code (and the
machine), so a change too small to see under wrk shows here.

    python benchmarks/server_in_process.py [--mode variable|constant|same] [-n 3000]
        [--baseline DIR/src] [--rounds 3] [--profile | --steps]

Modes, as in server_vs_oxigraph.py: "variable" renames a variable in every request
(a known shape: inline), "constant" adds a new FILTER constant (a new shape: the hop
to a worker), "same" repeats one text (the answer cache). With ``--baseline``, this
checkout and another's ``src/`` run in turn, ``--rounds`` times each. Each run also
prints, as a reference measured beside it, a bare round trip of 300 bytes over a
socket pair between two Python processes: the least the hop to a worker can cost.
``--steps`` also times the main steps of a request in place (each wrapped in a timer,
which adds well under a microsecond to each) and prints their medians.
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path
from typing import Any
from urllib.parse import quote

import uvloop
from server_vs_oxigraph import SMALL  # (it puts this checkout's src/ on sys.path: see measure)

SRC = Path(__file__).resolve().parents[1] / "src"
WARM_UP = 300


def query_text(mode: str, number: int) -> str:
    if mode == "same":
        return SMALL
    if mode == "variable":
        return SMALL.replace("?label", f"?label{number}x")
    return SMALL.replace("?label }", f"?label FILTER(?s != <urn:x:{number}>) }}")


def request(body: bytes) -> dict[str, Any]:
    return {
        "type": "http", "method": "POST", "path": "/sparql", "root_path": "",
        "query_string": b"", "scheme": "http", "http_version": "1.1",
        "server": ("127.0.0.1", 8000), "client": ("127.0.0.1", 5555),
        "headers": [(b"host", b"127.0.0.1:8000"),
                    (b"content-type", b"application/x-www-form-urlencoded"),
                    (b"accept", b"application/sparql-results+json"),
                    (b"content-length", str(len(body)).encode())],
    }


async def timed_requests(mode: str, count: int, profile: bool) -> list[float]:
    from g60graph.server._app import create_app

    # the access log as `g60graph serve` writes it, to a file nobody reads
    with Path(os.devnull).open("w", encoding="utf-8") as log:
        app = create_app(access_log=log)
        async with app.router.lifespan_context(app):

            async def one(number: int) -> float:
                body = ("query=" + quote(query_text(mode, number))).encode()
                sent: list[dict[str, Any]] = []

                async def receive() -> dict[str, Any]:
                    return {"type": "http.request", "body": body, "more_body": False}

                async def send(message: dict[str, Any]) -> None:
                    sent.append(message)

                start = time.perf_counter()
                await app(request(body), receive, send)
                seconds = time.perf_counter() - start
                if sent[0]["status"] != 200:
                    raise SystemExit(f"the server answered {sent[0]['status']}: {sent[-1]}")
                return seconds

            for number in range(WARM_UP):  # known shapes, a warm cache and workers
                await one(10**6 + number)
            profiler = cProfile.Profile() if profile else None
            if profiler is not None:
                profiler.enable()
            times = [await one(number) for number in range(count)]
            if profiler is not None:
                profiler.disable()
                pstats.Stats(profiler).sort_stats("tottime").print_stats(30)
            return times


# (module, attribute): the steps --steps times, looked up by their callers at each call
STEPS = (
    ("g60graph.server._protocol", "parse_operation"),
    ("g60graph.server._jobs", "query_shape"),
    ("g60graph.server._executor", "Executor._run_inline"),
    ("g60graph.backends._oxigraph", "OxigraphBackend._query"),
    ("g60graph.backends._oxigraph", "serialized"),
    ("g60graph.backends._oxigraph", "top_limit"),
    ("g60graph.backends._oxigraph", "query_form"),
    ("g60graph.sparql._safety", "check"),
    ("g60graph.server._app", "_send_answer"),
    ("g60graph.server._middleware", "_line"),
)


def timed_steps() -> dict[str, list[float]]:
    """Wrap each of STEPS in a timer; the lists fill as requests run."""
    import functools
    import importlib
    import inspect

    times: dict[str, list[float]] = {}
    for module_name, path in STEPS:
        owner: Any = importlib.import_module(module_name)
        *outer, name = path.split(".")
        for part in outer:
            owner = getattr(owner, part)
        step = getattr(owner, name)
        spent = times.setdefault(path, [])

        def timed(step: Any = step, spent: list[float] = spent) -> Any:
            if inspect.iscoroutinefunction(step):
                async def wrapper(*args: Any, **kwargs: Any) -> Any:
                    start = time.perf_counter()
                    try:
                        return await step(*args, **kwargs)
                    finally:
                        spent.append(time.perf_counter() - start)
            else:
                def wrapper(*args: Any, **kwargs: Any) -> Any:
                    start = time.perf_counter()
                    try:
                        return step(*args, **kwargs)
                    finally:
                        spent.append(time.perf_counter() - start)
            return functools.wraps(step)(wrapper)

        setattr(owner, name, timed())
    return times


def round_trip_us(count: int = 5000) -> float:
    """The median blocking round trip of 300 bytes to a forked echoing process."""
    ours, theirs = socket.socketpair()
    child = os.fork()
    if child == 0:  # the echo: until the socket closes
        ours.close()
        while data := theirs.recv(65536):
            theirs.sendall(data)
        os._exit(0)
    theirs.close()
    times = []
    for _ in range(count):
        start = time.perf_counter()
        ours.sendall(b"x" * 300)
        ours.recv(65536)
        times.append(time.perf_counter() - start)
    ours.close()
    os.waitpid(child, 0)
    return statistics.median(times) * 1e6


def measure(args: argparse.Namespace) -> None:
    """One run in this process, of the source ``main`` put first on sys.path (g60graph
    is imported only then)."""
    steps = timed_steps() if args.steps else {}
    # uvloop, as `g60graph serve` runs
    times = uvloop.run(timed_requests(args.mode, args.n, args.profile))
    if not args.profile:  # a profiled run's times are the profiler's
        ordered = sorted(times)
        print(f"{args.mode}: median {statistics.median(times) * 1e6:.1f} µs,"
              f" p10 {ordered[len(ordered) // 10] * 1e6:.1f} µs, p90"
              f" {ordered[len(ordered) * 9 // 10] * 1e6:.1f} µs over {len(times)} requests;"
              f" a bare socket round trip {round_trip_us():.1f} µs")
    for path, spent in steps.items():  # the timed requests' share: the last n calls
        if spent:
            print(f"  {path:32s} {statistics.median(spent[-args.n:]) * 1e6:6.1f} µs")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--mode", choices=("variable", "constant", "same"), default="variable")
    parser.add_argument("-n", type=int, default=3000, help="requests timed (after a warm-up)")
    parser.add_argument("--baseline", type=Path, help="another checkout's src/ folder")
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--profile", action="store_true", help="cProfile instead of timing")
    parser.add_argument("--steps", action="store_true", help="also time the main steps")
    parser.add_argument("--src", type=Path, default=SRC, help=argparse.SUPPRESS)  # one run
    args = parser.parse_args()
    if args.baseline is None:
        sys.path.insert(0, str(args.src.resolve()))
        measure(args)
        return
    for _ in range(args.rounds):  # each source in a process of its own, in turn
        for label, src in (("this checkout", SRC), ("baseline", args.baseline)):
            print(f"{label}: ", end="", flush=True)
            flags = [flag for flag, on in (("--steps", args.steps), ("--profile", args.profile))
                     if on]
            subprocess.run([sys.executable, __file__, "--mode", args.mode, "-n", str(args.n),
                            *flags, "--src", str(src.resolve())], check=True)


if __name__ == "__main__":
    main()
