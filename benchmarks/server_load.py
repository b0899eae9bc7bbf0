"""Load test of `g60graph serve`: concurrent clients running the named queries.

Starts the server on a free loopback port, then CLIENTS concurrent clients send
TOTAL requests in all (each named query in turn, through /queries/NAME, and the
same text through /sparql by POST), and reports errors, latency percentiles and
throughput as a Markdown table.

    python benchmarks/server_load.py [--clients 50] [--total 1000] [--workers 2]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import platform
import socket
import statistics
import subprocess
import sys
import time
from pathlib import Path

import httpx

REPO = Path(__file__).resolve().parents[1]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def wait_ready(url: str, process: subprocess.Popen[bytes], deadline: float = 60) -> None:
    end = time.monotonic() + deadline
    while time.monotonic() < end:
        if process.poll() is not None:
            raise SystemExit("the server exited before answering")
        try:
            if httpx.get(f"{url}/sparql", params={"query": "ASK {}"}, timeout=2).is_success:
                return
        except httpx.TransportError:
            pass
        time.sleep(0.05)
    raise SystemExit("the server did not answer in time")


def requests_for(total: int) -> list[tuple[str, str, dict[str, str]]]:
    """(method, path, form) for each request: named queries by name and by text."""
    sys.path.insert(0, str(REPO / "src"))
    from g60graph.sparql._lexer import keywords
    from g60graph.sparql._named import catalogue

    plan: list[tuple[str, str, dict[str, str]]] = []
    local = [
        q
        for q in catalogue().values()
        if q.form == "SELECT" and "SERVICE" not in keywords(q.text)  # federated: refused
    ]
    queries = [q for q in local if not q.params] + [q for q in local if q.params]
    while len(plan) < total:
        for q in queries:
            plan.append(("GET", f"/queries/{q.name}", {}))
            if not q.params:
                plan.append(("POST", "/sparql", {"query": q.text}))
    return plan[:total]


async def run_load(
    url: str, plan: list[tuple[str, str, dict[str, str]]], clients: int
) -> tuple[list[float], list[str], float]:
    latencies: list[float] = []
    errors: list[str] = []
    queue: asyncio.Queue[tuple[str, str, dict[str, str]]] = asyncio.Queue()
    for item in plan:
        queue.put_nowait(item)

    async def client() -> None:
        async with httpx.AsyncClient(base_url=url, timeout=60) as http:
            while not queue.empty():
                method, path, form = queue.get_nowait()
                start = time.perf_counter()
                try:
                    headers = {"Accept": "application/sparql-results+json"}
                    answer = await (
                        http.get(path, headers=headers)
                        if method == "GET"
                        else http.post(path, data=form, headers=headers)
                    )
                    answer.json()  # a real result, fully read
                    if answer.status_code != 200:
                        errors.append(f"{path}: {answer.status_code}")
                except (httpx.HTTPError, ValueError) as err:
                    errors.append(f"{path}: {err!r}")
                latencies.append(time.perf_counter() - start)

    start = time.perf_counter()
    await asyncio.gather(*(client() for _ in range(clients)))
    return latencies, errors, time.perf_counter() - start


def percentile(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return ordered[min(len(ordered) - 1, round(q * (len(ordered) - 1)))]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--clients", type=int, default=50)
    parser.add_argument("--total", type=int, default=1000)
    parser.add_argument("--workers", type=int, default=2)
    args = parser.parse_args()
    port = free_port()
    url = f"http://127.0.0.1:{port}"
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    command = [sys.executable, "-m", "g60graph.cli", "serve", "--port", str(port)]
    command += ["--workers", str(args.workers)]
    process = subprocess.Popen(command, env=env, stderr=subprocess.DEVNULL)
    try:
        wait_ready(url, process)
        plan = requests_for(args.total)
        asyncio.run(run_load(url, plan[: args.clients], args.clients))  # warm-up
        latencies, errors, elapsed = asyncio.run(run_load(url, plan, args.clients))
    finally:
        process.terminate()
        process.wait(15)
    ms = [v * 1000 for v in latencies]
    print(f"{args.clients} clients, {len(latencies)} requests, {args.workers} query workers,")
    print(f"Python {platform.python_version()}, {os.cpu_count()} CPUs\n")
    print("| requests | errors | p50 (ms) | p99 (ms) | max (ms) | mean (ms) | throughput (req/s) |")
    print("| --- | --- | --- | --- | --- | --- | --- |")
    print(
        f"| {len(latencies)} | {len(errors)} | {percentile(ms, 0.5):.0f} | "
        f"{percentile(ms, 0.99):.0f} | {max(ms):.0f} | {statistics.mean(ms):.0f} | "
        f"{len(latencies) / elapsed:.0f} |"
    )
    if errors:
        print("\nerrors:", *errors[:10], sep="\n  ")
        raise SystemExit(1)


if __name__ == "__main__":
    main()
