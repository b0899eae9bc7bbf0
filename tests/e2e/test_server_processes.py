"""``serve --processes N`` (issue 14): N HTTP processes on one port, each with its own
workers; none outlives the first, however it stops; refused with updates."""

from __future__ import annotations

import contextlib
import os
import signal
import socket
import subprocess
import sys
import time
from pathlib import Path

import httpx

from g60graph.server._app import RAN_HEADER
from paths import REPO
from server_harness import free_port, running_server

LABELS = "SELECT ?s ?{v} WHERE {{ ?s <http://www.w3.org/2000/01/rdf-schema#label> ?{v} }} LIMIT 5"


def _children(pid: int) -> list[int]:
    """The direct children of ``pid``, from /proc (every thread's list)."""
    found: list[int] = []
    for task in Path(f"/proc/{pid}/task").iterdir():
        found += [int(p) for p in (task / "children").read_text().split()]
    return found


def _tree(pid: int) -> set[int]:
    """``pid`` and all its descendants."""
    seen, todo = set(), [pid]
    while todo:
        here = todo.pop()
        seen.add(here)
        with contextlib.suppress(FileNotFoundError):  # gone meanwhile
            todo += _children(here)
    return seen


def _alive(pid: int) -> bool:
    try:
        state = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()[0]
    except FileNotFoundError:
        return False
    return state != "Z"  # a zombie has stopped; only its parent has not reaped it yet


def _wait_gone(pids: set[int], deadline: float = 20.0) -> set[int]:
    end = time.monotonic() + deadline
    while time.monotonic() < end and any(_alive(p) for p in pids):
        time.sleep(0.05)  # polling the real condition: every process has exited
    return {p for p in pids if _alive(p)}


def _http_copies(pid: int) -> list[int]:
    """The other HTTP processes: children running the same command line."""
    mine = Path(f"/proc/{pid}/cmdline").read_bytes()
    return [c for c in _children(pid) if Path(f"/proc/{c}/cmdline").read_bytes() == mine]


def test_two_processes_share_the_port_and_both_answer(tmp_path: Path) -> None:
    with (running_server(tmp_path, "--processes", "2", "--answer-cache-mb", "0") as srv,
          httpx.Client(base_url=srv.url, timeout=30) as http):
        copies = _http_copies(srv.process.pid)
        assert len(copies) == 1
        # each process has its own workers (two each, the default)
        workers = [c for c in _children(copies[0]) if c not in copies]
        assert len(workers) >= 2
        # Connections are spread over both: a shape is learnt per process, so over fresh
        # connections the first run of a shape happens once in each, on a worker.
        ran = []
        for n in range(40):
            with httpx.Client(base_url=srv.url, timeout=30) as fresh:
                answer = fresh.post("/sparql", data={"query": LABELS.format(v=f"v{n}")},
                                    headers={"Accept": "application/sparql-results+json"})
            assert answer.status_code == 200
            assert len(answer.json()["results"]["bindings"]) == 5
            ran.append(answer.headers[RAN_HEADER])
        assert ran.count("worker") == 2, ran
        assert http.get("/sparql", params={"query": "ASK {}"}).json()["boolean"] is True
        assert "by 2 processes" in srv.log.read_text(encoding="utf-8")
        # each HTTP process dropped its network (inline queries run there), yet serves
        mine = Path("/proc/self/ns/net").readlink()
        spaces = {Path(f"/proc/{p}/ns/net").readlink() for p in [srv.process.pid, *copies]}
        assert len(spaces) == 2 and mine not in spaces


def test_stopping_the_server_stops_every_process(tmp_path: Path) -> None:
    with running_server(tmp_path, "--processes", "2") as srv:
        everyone = _tree(srv.process.pid)
        assert len(everyone) >= 1 + 1 + 2 * 2  # two HTTP processes, two workers each
        srv.process.send_signal(signal.SIGTERM)
        # uvicorn stops, then raises the signal again: the exit status says SIGTERM
        assert srv.process.wait(30) == -signal.SIGTERM
        # by then the copies and every worker have gone, and so the port is free at once
        # (another server, or the next test, can bind it)
        assert {p for p in everyone if _alive(p)} == set()
        with socket.socket() as probe:
            probe.bind(("127.0.0.1", int(srv.url.rsplit(":", 1)[1])))


def test_ctrl_c_stops_every_process(tmp_path: Path) -> None:
    with running_server(tmp_path, "--processes", "2") as srv:
        everyone = _tree(srv.process.pid)
        for pid in everyone:  # a terminal sends SIGINT to its whole process group
            os.kill(pid, signal.SIGINT)
        srv.process.wait(30)
        assert _wait_gone(everyone) == set()


def test_a_copy_does_not_outlive_the_first_process_killed(tmp_path: Path) -> None:
    with running_server(tmp_path, "--processes", "2") as srv:
        everyone = _tree(srv.process.pid) - {srv.process.pid}
        srv.process.kill()  # SIGKILL: no clean-up of its own runs
        srv.process.wait(10)
        assert _wait_gone(everyone) == set()


def test_processes_with_updates_are_refused_in_one_line(tmp_path: Path) -> None:
    env = {**os.environ, "PYTHONPATH": str(REPO / "src"),
           "G60GRAPH_UPDATE_TOKEN": "a-long-enough-token-for-the-tests-0123"}
    done = subprocess.run(
        [sys.executable, "-m", "g60graph.cli", "serve", "--port", str(free_port()),
         "--processes", "2", "--enable-updates"],
        env=env, capture_output=True, text=True, timeout=60)
    assert done.returncode == 2
    assert done.stderr.strip().splitlines() == [
        "g60graph: error: --processes 2 cannot be used with --enable-updates (an update would"
        " change one process's data only); use --processes 1"]


def test_a_busy_port_is_refused_even_by_shared_sockets(tmp_path: Path) -> None:
    """A second server with --processes cannot join the first one's shared sockets
    (it would take half its connections): the port is busy."""
    with running_server(tmp_path, "--processes", "2") as srv:
        port = srv.url.rsplit(":", 1)[1]
        done = subprocess.run(
            [sys.executable, "-m", "g60graph.cli", "serve", "--port", port, "--processes", "2"],
            env={**os.environ, "PYTHONPATH": str(REPO / "src")},
            capture_output=True, text=True, timeout=60)
        assert done.returncode == 2
        assert "Address already in use" in done.stderr
        assert len(done.stderr.strip().splitlines()) == 1
