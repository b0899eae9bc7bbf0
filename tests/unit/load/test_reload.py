"""Reloading into an on-disk store never loses the old graphs: a parse error,
Ctrl-C or SIGKILL mid-load leaves the store as it was, and a reload replaces
exactly the graphs the loaded files define."""

from __future__ import annotations

import contextlib
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pyoxigraph as ox
import pytest

from g60graph._errors import DataFileError
from g60graph.load._files import build_disk
from server_harness import REPO

EX = "http://example.org/"


def _write_big(path: Path, triples: int, tag: str) -> None:
    with path.open("w", encoding="utf-8") as out:
        for i in range(triples):
            out.write(f'<{EX}s{i}> <{EX}p> "{tag} {i}" .\n')


def _quads(store: Path, graph: str | None = None) -> set[str]:
    opened = ox.Store.read_only(str(store))
    name = ox.NamedNode(graph) if graph else None
    found = {str(q) for q in opened.quads_for_pattern(None, None, None, name)}
    del opened
    return found


def test_a_parse_error_leaves_the_old_graph(tmp_path: Path) -> None:
    data = tmp_path / "data.ttl"
    data.write_text(f"<{EX}a> <{EX}p> <{EX}b> .\n", encoding="utf-8")
    store = tmp_path / "store"
    build_disk(store, [data], progress=False)
    before = _quads(store)
    data.write_text(f"<{EX}a> <{EX}p> <{EX}c> .\n<{EX}a> <{EX}p> .\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=r"data.ttl:2"):
        build_disk(store, [data], progress=False)
    assert _quads(store) == before
    assert not list(tmp_path.glob(".store.loading-*"))  # nothing left beside it


def test_a_reload_replaces_exactly_the_graphs_the_files_define(tmp_path: Path) -> None:
    source = tmp_path / "source.trig"
    other = tmp_path / "other.ttl"
    source.write_text(
        f"<{EX}own> <{EX}p> 1 .\n<{EX}g1> {{ <{EX}x> <{EX}p> 1 }}\n"
        f"<{EX}curation> {{ <{EX}x> <{EX}q> 1 }}\n",
        encoding="utf-8",
    )
    other.write_text(f"<{EX}other> <{EX}p> 1 .\n", encoding="utf-8")
    store = tmp_path / "store"
    build_disk(store, [source, other], packaged=False, progress=False)
    kept = _quads(store, other.resolve().as_uri())
    source.write_text(
        f"<{EX}own> <{EX}p> 2 .\n<{EX}g1> {{ <{EX}x> <{EX}p> 2 }}\n"
        f"<{EX}curation> {{ <{EX}x> <{EX}q> 2 }}\n",
        encoding="utf-8",
    )
    count = build_disk(store, [source], packaged=False, progress=False)
    assert count == 4  # three replaced graphs of one quad each, and the other file's
    for graph in (f"{EX}g1", f"{EX}curation", source.resolve().as_uri()):
        (only,) = _quads(store, graph)
        assert '"2"^^' in only
    assert _quads(store, other.resolve().as_uri()) == kept


def _start_load(store: Path, data: Path) -> subprocess.Popen[bytes]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    command = [sys.executable, "-m", "g60graph.cli", "load", "--store", str(store), "--quiet",
               str(data)]
    return subprocess.Popen(command, env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE)


def _read_position(pid: int, data: Path) -> int | None:
    """How far the loading process has read ``data`` (Linux: /proc/PID/fdinfo), or None
    while it has not opened it."""
    target = str(data.resolve())
    try:
        for fd in Path(f"/proc/{pid}/fd").iterdir():
            with contextlib.suppress(OSError):
                if str(fd.readlink()) == target:
                    info = Path(f"/proc/{pid}/fdinfo/{fd.name}").read_text()
                    return int(info.split("pos:", 1)[1].split()[0])
    except OSError:  # the process has ended
        return None
    return None


def _wait_until_loading(process: subprocess.Popen[bytes], data: Path) -> None:
    """Until the load has read some of the file but not half of it: a signal sent then
    stops it in the middle (waiting for its files to appear on disk was not enough:
    the bulk loader writes them near the end, so a loaded machine could send the signal
    after the load had finished)."""
    size = data.stat().st_size
    end = time.monotonic() + 60
    while time.monotonic() < end and process.poll() is None:
        position = _read_position(process.pid, data)
        if position is not None and 0 < position < size // 2:
            return
        if position is not None and position >= size // 2:
            raise AssertionError("the load read half the file before it was seen reading")
        time.sleep(0.005)  # between polls of the real condition
    raise AssertionError(f"the load never got going: {process.communicate()}")


@pytest.mark.parametrize("sig", [signal.SIGINT, signal.SIGKILL], ids=["SIGINT", "SIGKILL"])
def test_an_interrupted_reload_loses_nothing(tmp_path: Path, sig: signal.Signals) -> None:
    data = tmp_path / "big.nt"
    _write_big(data, 20_000, "old")
    store = tmp_path / "store"
    build_disk(store, [data], progress=False)
    before = _quads(store)
    _write_big(data, 1_500_000, "new")
    process = _start_load(store, data)
    _wait_until_loading(process, data)
    process.send_signal(sig)
    _, err = process.communicate(timeout=60)
    assert process.returncode != 0
    if sig == signal.SIGINT:
        assert process.returncode == 130
        assert b"Traceback" not in err
        assert not list(tmp_path.glob(".store.loading-*"))
    assert _quads(store) == before
    # a later load cleans up what a killed one left, and succeeds
    _write_big(data, 10, "later")
    assert build_disk(store, [data], progress=False) > 10
    assert not list(tmp_path.glob(".store.loading-*"))
