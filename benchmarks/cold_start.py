"""Cold start of `g60graph query NAME` against a bare `import rdflib, pyoxigraph`.

Both commands run alternately in fresh processes, so machine noise hits them
alike; the report gives medians and their ratio (target: at most 2.5).

    python benchmarks/cold_start.py [--runs 21] [--query cities]
"""

from __future__ import annotations

import argparse
import statistics
import subprocess
import sys
import time


def timed(argv: list[str]) -> float:
    start = time.perf_counter()
    subprocess.run(argv, check=True, stdout=subprocess.DEVNULL)
    return time.perf_counter() - start


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=21)
    parser.add_argument("--query", default="cities")
    args = parser.parse_args()
    baseline_cmd = [sys.executable, "-c", "import rdflib, pyoxigraph"]
    query_cmd = [sys.executable, "-m", "g60graph.cli", "query", args.query, "--format", "csv"]
    timed(query_cmd)  # warm the OS file cache and .pyc files once
    baseline, query = [], []
    for _ in range(args.runs):
        baseline.append(timed(baseline_cmd))
        query.append(timed(query_cmd))
    b, q = statistics.median(baseline), statistics.median(query)
    rows = [('`python -c "import rdflib, pyoxigraph"`', baseline),
            (f"`g60graph query {args.query}`", query)]
    print("| command | median (s) | min (s) | max (s) |\n| --- | --- | --- | --- |")
    for label, times in rows:
        print(f"| {label} | {statistics.median(times):.3f} | {min(times):.3f} | {max(times):.3f} |")
    print(f"\nratio (median query / median baseline): {q / b:.2f} (target <= 2.5),"
          f" runs: {args.runs}")

if __name__ == "__main__":
    main()
