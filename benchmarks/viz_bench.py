"""Diagram speed: a synthetic graph of 5,000 nodes and 10,000 edges.

Measures (1) writing the HTML page from an RDF graph (conversion to networkx, page
data, rendering, atomic write) and (2) the time until the page is interactive in
headless Chromium (opened from file:// offline; layout stabilised and physics
frozen, i.e. the container's data-state is "stable"), and the file size.

    python benchmarks/viz_bench.py [--nodes 5000] [--edges 10000] [--runs 3]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import rdflib
from rdflib import OWL, RDF, RDFS, Literal

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT / "src"), str(ROOT / "tests")]

from g60graph._fileio import write_atomic  # noqa: E402
from g60graph._namespaces import G60, G60R  # noqa: E402
from g60graph.network import _graph as network  # noqa: E402
from g60graph.render import _network_page as viz  # noqa: E402

CLASSES = ["PrefectureLevelCity", "IndustrialAlliance", "TechnologyTransferBase",
           "ResearchInstitute", "Conference", "CooperationAgreement", "Industry",
           "GovernmentBody", "Source", "Person"]
PROPERTIES = ["directlyLocatedIn", "signatory", "focusIndustry", "madeAtEvent", "memberCity",
              "connects", "issuedBy", "heldIn"]


def synthetic(nodes: int, edges: int, seed: int = 60) -> rdflib.Graph:
    rng = random.Random(seed)
    g = rdflib.Graph()
    for cls in CLASSES:  # declared like the ontology's, so they are not drawn
        g.add((G60[cls], RDF.type, OWL.Class))
        g.add((G60[cls], RDFS.label, Literal(cls, lang="en")))
    for prop in PROPERTIES:
        g.add((G60[prop], RDF.type, OWL.ObjectProperty))
        g.add((G60[prop], RDFS.label, Literal(prop, lang="en")))
    ids = [G60R[f"n{i}"] for i in range(nodes)]
    for i, node in enumerate(ids):
        g.add((node, RDF.type, G60[CLASSES[i % len(CLASSES)]]))
        g.add((node, RDFS.label, Literal(f"Entity {i}", lang="en")))
        g.add((node, G60.designationBatch, Literal(i % 7)))
    added = 0
    while added < edges:
        s, o = rng.choice(ids), rng.choice(ids)
        triple = (s, G60[rng.choice(PROPERTIES)], o)
        if s != o and triple not in g:
            g.add(triple)
            added += 1
    return g


def write_page(graph: rdflib.Graph, out: Path) -> tuple[float, int, int]:
    start = time.perf_counter()
    nxg = network.to_networkx(graph)
    page = viz.render_graph(nxg, title="Synthetic", context=network.Context(graph))
    write_atomic(out, page)
    return time.perf_counter() - start, nxg.number_of_nodes(), nxg.number_of_edges()


def interactive(path: Path, runs: int) -> list[float]:
    from browser import launch, watched_page

    times = []
    with launch() as browser:
        for _ in range(runs):
            watched = watched_page(browser, offline=True)
            page = watched.page
            page.set_viewport_size({"width": 1280, "height": 800})
            start = time.perf_counter()
            page.goto(path.as_uri())
            page.wait_for_selector("#g60-network[data-state=stable]", timeout=120_000)
            times.append(time.perf_counter() - start)
            assert not watched.errors, watched.errors
            page.context.close()
    return times


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=3)
    args = parser.parse_args()
    graph = synthetic(args.nodes, args.edges)
    with tempfile.TemporaryDirectory() as tmp:
        out = Path(tmp) / "synthetic.html"
        writes = []
        for _ in range(args.runs):
            seconds, n, e = write_page(graph, out)
            writes.append(seconds)
        size = out.stat().st_size
        browser = interactive(out, args.runs)
    print(f"graph: {n} nodes, {e} edges; page: {size / 1e6:.2f} MB; runs: {args.runs}")
    print("| step | median (s) | min (s) | max (s) | target (s) |")
    print("| --- | --- | --- | --- | --- |")
    for label, times, target in (("HTML written", writes, 3),
                                 ("interactive in Chromium (stabilised)", browser, 5)):
        print(f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | "
              f"{max(times):.2f} | {target} |")


if __name__ == "__main__":
    main()
