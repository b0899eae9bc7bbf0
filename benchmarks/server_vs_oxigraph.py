"""`g60graph serve` against Oxigraph's own server, side by side, driven by wrk.

Both servers hold the packaged graph: g60graph serve with its default limits
(time limit, worker memory cap, row cap, safety check, read-only), and
`oxigraph serve-read-only` (PyPI package `oxigraph`) on a store loaded from
the same N-Quads export, with the union of the named graphs as its default
graph. Each case runs on both servers, interleaved (the order alternates), at
1 and 50 connections: the same small SELECT every time, a distinct query text
on every request (a renamed variable: the same ten rows, but no cache can
answer it), and each named query without parameters (50 connections). Then
both run with a time limit (`--timeout` / Oxigraph's `--timeout-s`) and get a
runaway query in the middle of a load: is it stopped, and does the load go on?

Needs wrk (Debian: apt-get install wrk).

    python benchmarks/server_vs_oxigraph.py [--duration 8] [--named-duration 3]
        [--time-limit 3] [--only small,distinct,named] [--serve-args '--workers 3']
        [--processes N] [--baseline DIR] [--ceiling]

With ``--baseline DIR`` (the src/ folder of another checkout), that version of
g60graph serve runs too, in the same rotation, for a before/after table from one
run. It serves the ontology, data and queries beside DIR, so give it this checkout's
for a comparison of code alone, for example
``git archive REV src | tar -x -C /tmp/base && cp -r ontology data queries /tmp/base``.

With ``--ceiling``, the Python ceiling runs too (``benchmarks/ceiling_app.py``: a bare
ASGI app under uvicorn calling pyoxigraph in process, with no limit of any kind, one
process per core): what a Python endpoint costs before it does anything g60graph does.

Prints Markdown tables: requests/s, p50, p99, errors, the server's CPU time per
request (all its processes; steadier than requests/s on a shared machine), and
the ratio g60graph / Oxigraph of requests/s for each case.
"""

from __future__ import annotations

import argparse
import contextlib
import itertools
import json
import os
import platform
import re
import shutil
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]
sys.path.insert(0, str(REPO / "src"))

SMALL = (
    "SELECT ?s ?label WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?label }"
    " LIMIT 10"
)

# wrk's Lua: POST the query (read from a file, so no text of it is ever Lua syntax) as a
# form. For distinct texts ("variable"), every request renames the variable ?label to
# ?label<run>x<thread>x<n> (run: a number given to each wrk run, so no run repeats
# another's texts): the same work and the same ten rows, but a text never sent before.
# For distinct constants ("constant"), every request adds FILTER(?s != <urn:...n>) with
# a new IRI: the same ten rows again, but a query of a shape never seen (g60graph serve
# remembers the cost of a shape, the text up to variable names: see _executor).
_LUA = """
local counter = 0
local id = 0
local run = "0"
local thread_count = 0
function setup(thread)
  thread:set("id", thread_count)
  thread_count = thread_count + 1
end
function init(args)
  id = tonumber(wrk.thread:get("id")) or 0
  run = args[1] or "0"
end
local function escape(s)
  return (s:gsub("[^%w%-_%.~]", function(c) return string.format("%%%02X", string.byte(c)) end))
end
local file = assert(io.open(@PATH@, "rb"))
local text = file:read("*a")
file:close()
local mode = @MODE@
local fixed = "query=" .. escape(text)
request = function()
  local body = fixed
  if mode ~= "same" then
    counter = counter + 1
    local n = run .. "x" .. tostring(id) .. "x" .. tostring(counter)
    if mode == "variable" then
      body = "query=" .. escape((text:gsub("%?label", "?label" .. n)))
    else
      local filter = "FILTER(?s != <urn:g60:bench:" .. n .. ">) } LIMIT"
      body = "query=" .. escape((text:gsub("} LIMIT", filter)))
    end
  end
  return wrk.format("POST", nil, {
    ["Content-Type"] = "application/x-www-form-urlencoded",
    ["Accept"] = "application/sparql-results+json",
  }, body)
end
"""


def free_port() -> int:
    import socket

    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


@dataclass
class Server:
    name: str
    url: str  # the SPARQL endpoint
    process: subprocess.Popen[bytes]


def _ready(server: Server, deadline: float = 120) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if server.process.poll() is not None:
            raise SystemExit(f"{server.name} exited before answering")
        try:
            answer = httpx.get(server.url, params={"query": "ASK {}"}, timeout=2,
                               headers={"Accept": "application/sparql-results+json"})
            if answer.status_code == 200:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)  # between polls of the real condition above
    raise SystemExit(f"{server.name} did not answer in time")


@contextlib.contextmanager
def started(name: str, command: list[str], url: str, env: dict[str, str] | None = None
            ) -> Iterator[Server]:
    process = subprocess.Popen(command, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL,
                               env=env)
    server = Server(name, url, process)
    try:
        _ready(server)
        yield server
    finally:
        process.terminate()
        try:
            process.wait(15)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(5)


def oxigraph_binary() -> str:
    beside = Path(sys.executable).with_name("oxigraph")
    found = str(beside) if beside.exists() else shutil.which("oxigraph")
    if not found:
        raise SystemExit("oxigraph is missing: pip install -e '.[dev]'")
    return found


@dataclass
class Figures:
    rps: float
    p50_ms: float
    p99_ms: float
    errors: int
    cpu_us: float  # the server's CPU time (all its processes) per request, in µs


_UNITS = {"us": 0.001, "ms": 1.0, "s": 1000.0}


def _ms(text: str) -> float:
    match = re.fullmatch(r"([\d.]+)(us|ms|s)", text)
    if not match:
        raise ValueError(f"wrk latency {text!r}")
    return float(match[1]) * _UNITS[match[2]]


def cpu_seconds(pid: int) -> float:
    """User + system CPU time of a server process and all its children (the workers)."""
    import psutil

    root = psutil.Process(pid)
    total = 0.0
    for process in [root, *root.children(recursive=True)]:
        with contextlib.suppress(psutil.NoSuchProcess):
            times = process.cpu_times()
            total += times.user + times.system
    return total


_RUNS = itertools.count(1)


def run_wrk(server: Server, query: str, mode: str, connections: int, seconds: float,
            folder: Path) -> Figures:
    """``mode``: "same" text, distinct "variable" names, or distinct "constant"s."""
    text = folder / "query.rq"
    text.write_text(query, encoding="utf-8")
    script = folder / "request.lua"
    script.write_text(_LUA.replace("@PATH@", json.dumps(str(text)))
                      .replace("@MODE@", json.dumps(mode)), encoding="utf-8")
    threads = min(2, connections)
    before = cpu_seconds(server.process.pid)
    out = subprocess.run(
        ["wrk", f"-t{threads}", f"-c{connections}", f"-d{max(1, round(seconds))}s", "--latency",
         "--timeout", "60s", "-s", str(script), server.url, "--", str(next(_RUNS))],
        capture_output=True, text=True, check=True, timeout=seconds + 120,
    ).stdout
    cpu = cpu_seconds(server.process.pid) - before
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", out)[1])  # type: ignore[index]
    total = int(re.search(r"(\d+) requests in", out)[1])  # type: ignore[index]
    p50 = _ms(re.search(r"^\s+50%\s+(\S+)", out, re.M)[1])  # type: ignore[index]
    p99 = _ms(re.search(r"^\s+99%\s+(\S+)", out, re.M)[1])  # type: ignore[index]
    errors = 0
    bad = re.search(r"Non-2xx or 3xx responses:\s+(\d+)", out)
    if bad:
        errors += int(bad[1])
    sockets = re.search(
        r"Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)", out)
    if sockets:
        errors += sum(int(x) for x in sockets.groups())
    return Figures(rps, p50, p99, errors, cpu * 1e6 / max(1, total))


RUNAWAY = "SELECT (COUNT(*) AS ?n) WHERE { ?a ?b ?c . ?d ?e ?f . ?g ?h ?i }"


def under_load(server: Server, seconds: float, folder: Path) -> str:
    """Table cells: what became of a runaway query sent during a load, and of the load."""
    import threading

    outcome: list[str] = []

    def runaway() -> None:
        time.sleep(1)  # into the load: wrk has started
        start = time.monotonic()
        try:
            answer = httpx.post(server.url, data={"query": RUNAWAY}, timeout=seconds + 120,
                                headers={"Accept": "application/sparql-results+json"})
            took = time.monotonic() - start
            if answer.status_code >= 400:
                body = repr(answer.text.strip().splitlines()[0][:60])
            else:
                try:
                    answer.json()
                    body = "a JSON body"
                except ValueError:
                    body = "a body that is not JSON (cut off)"
            outcome.append(f"{answer.status_code} after {took:.1f} s, {body}")
        except httpx.HTTPError as err:
            outcome.append(f"{type(err).__name__} after {time.monotonic() - start:.1f} s")

    thread = threading.Thread(target=runaway)
    thread.start()
    try:
        f = run_wrk(server, SMALL, "variable", 50, seconds, folder)
        load = f"{f.rps:,.0f} requests/s, p99 {f.p99_ms:.0f} ms, {f.errors} errors"
    except (subprocess.CalledProcessError, TypeError) as err:
        load = f"wrk failed ({type(err).__name__})"
    thread.join()
    alive = server.process.poll() is None
    return f"{outcome[0]} | {load} | {'running' if alive else 'exited'}"


def named_queries() -> list[tuple[str, str]]:
    from g60graph._namespaces import QUERY_PREFIXES
    from g60graph.sparql._lexer import keywords, with_prefixes
    from g60graph.sparql._named import catalogue

    return [
        (q.name, with_prefixes(q.text, QUERY_PREFIXES))
        for q in catalogue().values()
        if q.form == "SELECT" and not q.params and "SERVICE" not in keywords(q.text)
    ]


def ratio(ours: float, theirs: float) -> str:
    """ours / theirs, or "—" when theirs answered nothing in the time (a slow query)."""
    return f"{ours / theirs:.2f}×" if theirs else "—"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--duration", type=float, default=8.0)
    parser.add_argument("--named-duration", type=float, default=3.0)
    parser.add_argument("--time-limit", type=float, default=3.0,
                        help="also run both with this time limit and a runaway query (0: skip)")
    parser.add_argument("--only", default="small,distinct,named")
    parser.add_argument("--serve-args", default="",
                        help="extra options for g60graph serve (for example '--workers 3')")
    parser.add_argument("--processes", type=int, default=os.cpu_count() or 1,
                        help="g60graph serve --processes (this checkout only; default: one"
                        " per core, as docs/server.md advises)")
    parser.add_argument("--baseline", type=Path,
                        help="another checkout's src/ folder: its g60graph serve runs too")
    parser.add_argument("--ceiling", action="store_true",
                        help="also run benchmarks/ceiling_app.py, a bare ASGI app calling"
                        " pyoxigraph with no limits (the Python ceiling)")
    args = parser.parse_args()
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing: apt-get install wrk")
    if args.baseline and not (args.baseline.resolve().parent / "data").is_dir():
        raise SystemExit(f"--baseline: {args.baseline.resolve().parent / 'data'} is missing,"
                         " so the baseline would serve no curated data: copy ontology/, data/ and"
                         " queries/ beside its src/")
    only = set(args.only.split(","))
    folder = Path(tempfile.mkdtemp(prefix="g60-vs-oxigraph-"))
    data = folder / "graph.nq"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    subprocess.run([sys.executable, "-m", "g60graph.cli", "export", "--format", "nq",
                    "-o", str(data)], check=True, env=env)
    store = folder / "oxigraph"
    subprocess.run([oxigraph_binary(), "load", "--location", str(store), "--file", str(data)],
                   check=True, capture_output=True)

    cases: list[tuple[str, str, str, int, float]] = []  # label, query, mode, conns, secs
    for connections in (1, 50):
        if "small" in only:
            cases.append(("small SELECT, same text", SMALL, "same", connections, args.duration))
        if "distinct" in only:
            cases.append(("small SELECT, distinct texts", SMALL, "variable", connections,
                          args.duration))
            cases.append(("small SELECT, distinct constants", SMALL, "constant", connections,
                          args.duration))
    if "named" in only:
        cases += [(f"named query `{n}`", t, "same", 50, args.named_duration)
                  for n, t in named_queries()]

    g_port, o_port, b_port, c_port = free_port(), free_port(), free_port(), free_port()

    def g60(port: int, *extra: str) -> list[str]:
        return [sys.executable, "-m", "g60graph.cli", "serve", "--port", str(port),
                *args.serve_args.split(), *extra]

    def ours(port: int, *extra: str) -> list[str]:  # the baseline may lack --processes
        return g60(port, "--processes", str(args.processes), *extra)

    def oxi(port: int, *extra: str) -> list[str]:
        return [oxigraph_binary(), "serve-read-only", "--location", str(store),
                "--bind", f"127.0.0.1:{port}", "--union-default-graph", *extra]

    rows: list[str] = []
    with contextlib.ExitStack() as stack:
        servers = [
            stack.enter_context(started("g60graph", ours(g_port), f"http://127.0.0.1:{g_port}/sparql",
                                        env)),
            stack.enter_context(started("oxigraph", oxi(o_port), f"http://127.0.0.1:{o_port}/query")),
        ]
        if args.baseline:
            old = dict(env, PYTHONPATH=str(args.baseline.resolve()))
            servers.append(stack.enter_context(
                started("baseline", g60(b_port), f"http://127.0.0.1:{b_port}/sparql", old)))
        if args.ceiling:
            bare = [sys.executable, "-m", "uvicorn", "ceiling_app:app", "--app-dir",
                    str(REPO / "benchmarks"), "--port", str(c_port), "--http", "httptools",
                    "--loop", "uvloop", "--no-access-log", "--log-level", "warning",
                    "--workers", str(args.processes)]
            servers.append(stack.enter_context(started(
                "ceiling", bare, f"http://127.0.0.1:{c_port}/sparql",
                dict(os.environ, G60_CEILING_DATA=str(data)))))
        extras = [s.name for s in servers[2:]]
        for index, (label, query, mode, connections, seconds) in enumerate(cases):
            shift = index % len(servers)  # each server in each place of the order in turn
            order = servers[shift:] + servers[:shift]
            figures = {s.name: run_wrk(s, query, mode, connections, seconds, folder)
                       for s in order}
            a, b = figures["g60graph"], figures["oxigraph"]
            row = (
                f"| {label} | {connections} | {a.rps:,.0f} | {a.p50_ms:.2f} | {a.p99_ms:.2f} |"
                f" {a.errors} | {a.cpu_us:,.0f} | {b.rps:,.0f} | {b.p50_ms:.2f} | {b.p99_ms:.2f} |"
                f" {b.errors} | {b.cpu_us:,.0f} | {ratio(a.rps, b.rps)} |"
            )
            for name in extras:
                c = figures[name]
                row += (f" {c.rps:,.0f} | {c.p50_ms:.2f} | {c.errors} | {c.cpu_us:,.0f} |"
                        f" {ratio(c.rps, b.rps)} |")
            rows.append(row)
            print(rows[-1], file=sys.stderr)
    limits: list[str] = []
    if args.time_limit > 0:
        limit = f"{args.time_limit:g}"
        port = free_port()
        both = [
            ("g60graph serve --timeout " + limit, ours(port, "--timeout", limit), "/sparql"),
            ("oxigraph serve-read-only --timeout-s " + limit,
             oxi(port, "--timeout-s", limit), "/query"),
        ]
        for label, command, path in both:
            with started(label, command, f"http://127.0.0.1:{port}{path}", env) as s:
                limits.append(f"| `{label}` | {under_load(s, args.duration, folder)} |")
    print(f"Machine: {os.cpu_count()} cores, {platform.python_implementation()}"
          f" {platform.python_version()}, {platform.system()}; wrk -t2 (-t1 at 1 connection).")
    print()
    more = "".join(f" {name} req/s | p50 ms | errors | CPU µs/req | ratio |" for name in extras)
    print("| case | connections | g60graph req/s | p50 ms | p99 ms | errors | CPU µs/req |"
          " Oxigraph req/s | p50 ms | p99 ms | errors | CPU µs/req | ratio |" + more)
    print("|---|---|---|---|---|---|---|---|---|---|---|---|---|" + "---|" * (5 * len(extras)))
    print("\n".join(rows))
    if limits:
        print()
        print("A runaway query (a three-way cross product, COUNT) sent 1 s into a"
              f" {args.duration:g} s load of distinct small SELECTs at 50 connections:")
        print()
        print("| server | runaway query | the load meanwhile | server afterwards |")
        print("|---|---|---|---|")
        print("\n".join(limits))


if __name__ == "__main__":
    main()
