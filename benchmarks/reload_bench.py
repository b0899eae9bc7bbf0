"""Time a fresh load and a reload of the same file into an on-disk store.

    python benchmarks/generate.py 1M
    python benchmarks/reload_bench.py benchmarks/out/synthetic-1M.nq

The N-Quads file is rewritten as N-Triples first (its quads all sit in one named
graph), so the reload replaces the file's own graph, the case that used to
delete the old graph first (issue 10, H2). Each step runs ``g60graph load`` as
a separate process, as a user would.
"""

from __future__ import annotations

import argparse
import re
import shutil
import subprocess
import sys
import tempfile
import time
from pathlib import Path


def as_ntriples(source: Path, target: Path) -> None:
    graph = re.compile(rb" <[^>]*> \.$")
    with source.open("rb") as inp, target.open("wb") as out:
        for line in inp:
            out.write(graph.sub(b" .", line.rstrip(b"\n")) + b"\n")


def timed_load(store: Path, data: Path) -> float:
    start = time.perf_counter()
    subprocess.run(
        [sys.executable, "-m", "g60graph.cli", "load", "--store", str(store), "--quiet",
         str(data)],
        check=True,
    )
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("nquads", type=Path, help="a file written by benchmarks/generate.py")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="g60-reload-"))
    try:
        data = work / (args.nquads.stem + ".nt")
        as_ntriples(args.nquads, data)
        store = work / "store"
        fresh = timed_load(store, data)
        reload = timed_load(store, data)
        print(f"fresh load {fresh:.1f} s, reload {reload:.1f} s ({reload / fresh:.2f}x)")
    finally:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
