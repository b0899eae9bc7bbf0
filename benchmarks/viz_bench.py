"""Network page speed on a synthetic graph (default 5,000 nodes, 10,000 edges).

Measures (1) writing the HTML page from a networkx graph (data for the page,
rendering, atomic write), and from the same graph as RDF triples (adding
g60graph.network.to_networkx), target <= 3 s; (2) time until the page is interactive in
headless Chromium, opened from file:// offline: from navigation start to the
network's data-state="stable" (layout settled, physics frozen), target <= 5 s.
Reports medians over the runs and the file size.

    python benchmarks/viz_bench.py [--nodes 5000] [--edges 10000] [--runs 5]
"""

from __future__ import annotations

import argparse
import random
import statistics
import sys
import tempfile
import time
from pathlib import Path

import networkx as nx

sys.path.insert(0, str(Path(__file__).resolve().parents[1] / "tests"))

CLASSES = ["City", "Province", "Alliance", "Park", "Institute", "Agreement", "Event", "Source"]


def synthetic(nodes: int, edges: int, seed: int = 60) -> nx.MultiDiGraph:
    """A connected-ish graph shaped like ours: typed, labelled nodes, labelled edges."""
    rng = random.Random(seed)
    g = nx.MultiDiGraph()
    for i in range(nodes):
        kind = CLASSES[i % len(CLASSES)]
        g.add_node(f"https://example.org/id/n{i}", iri=f"https://example.org/id/n{i}",
                   label=f"{kind} {i} 节点", **{"class": f"ex:{kind}"}, class_label=kind,
                   types=f"ex:{kind}", **{"rdfs:comment": f"synthetic node {i}"})
    ids = list(g)
    for i in range(edges):
        # half the edges form a spanning tree, the rest join random pairs
        u = ids[i % nodes] if i < nodes else rng.choice(ids)
        v = ids[rng.randrange(max(1, i % nodes))] if 0 < i < nodes else rng.choice(ids)
        g.add_edge(u, v, key=f"ex:p{i % 7}", label=f"relation {i % 7}")
    return g


def synthetic_rdf(g: nx.MultiDiGraph) -> object:
    """The same graph as RDF triples (types, labels, comments, links)."""
    from rdflib import RDF, RDFS, Graph, Literal, URIRef

    rdf = Graph()
    for node, data in g.nodes(data=True):
        rdf.add((URIRef(node), RDF.type, URIRef("https://example.org/def#" + data["class_label"])))
        rdf.add((URIRef(node), RDFS.label, Literal(data["label"], lang="en")))
        rdf.add((URIRef(node), RDFS.comment, Literal(data["rdfs:comment"], lang="en")))
    for u, v, key in g.edges(keys=True):
        rdf.add((URIRef(u), URIRef("https://example.org/def#" + key.split(":")[1]), URIRef(v)))
    return rdf


def rdf_to_page(rdf: object, target: Path) -> tuple[float, int, int]:
    """RDF graph -> networkx (g60graph.network) -> HTML page, as `g60graph viz` does."""
    from g60graph import network, viz
    from g60graph.fileio import write_atomic

    start = time.perf_counter()
    g = network.to_networkx(rdf)  # type: ignore[arg-type]
    write_atomic(target, viz.render_graph(g, title="Synthetic graph"))
    return time.perf_counter() - start, g.number_of_nodes(), g.number_of_edges()


def write_page(g: nx.MultiDiGraph, target: Path) -> float:
    from g60graph import viz
    from g60graph.fileio import write_atomic

    start = time.perf_counter()
    write_atomic(target, viz.render_graph(g, title="Synthetic graph"))
    return time.perf_counter() - start


def time_to_stable(browser: object, target: Path) -> tuple[float, int, int]:
    from browser import watched_page

    watched = watched_page(browser, offline=True)  # type: ignore[arg-type]
    page = watched.page
    page.set_viewport_size({"width": 1400, "height": 900})
    page.goto(target.as_uri(), wait_until="commit")
    page.wait_for_selector("#g60-network[data-state=stable]", timeout=120_000)
    # measured inside the page: navigation start to the moment the state is read
    elapsed = page.evaluate("performance.now()") / 1000.0
    nodes = int(page.get_attribute("#g60-network", "data-nodes") or -1)
    edges = int(page.get_attribute("#g60-network", "data-edges") or -1)
    if watched.errors or watched.requests != [target.as_uri()]:
        raise SystemExit(f"page misbehaved: {watched.errors} {watched.requests}")
    page.context.close()
    return elapsed, nodes, edges


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--nodes", type=int, default=5000)
    parser.add_argument("--edges", type=int, default=10000)
    parser.add_argument("--runs", type=int, default=5)
    args = parser.parse_args()
    from browser import launch

    g = synthetic(args.nodes, args.edges)
    rdf = synthetic_rdf(g)
    writes, loads, from_rdf = [], [], []
    with tempfile.TemporaryDirectory() as folder, launch() as browser:
        target = Path(folder) / "synthetic.html"
        for _ in range(args.runs):
            writes.append(write_page(g, target))
            elapsed, nodes, edges = time_to_stable(browser, target)
            assert (nodes, edges) == (g.number_of_nodes(), g.number_of_edges())
            loads.append(elapsed)
            seconds, rdf_nodes, rdf_edges = rdf_to_page(rdf, Path(folder) / "rdf.html")
            assert (rdf_nodes, rdf_edges) == (nodes, edges), (rdf_nodes, rdf_edges)
            from_rdf.append(seconds)
        size = target.stat().st_size
    print(f"graph: {g.number_of_nodes()} nodes, {g.number_of_edges()} edges; "
          f"page: {size / 1e6:.2f} MB; runs: {args.runs}\n")
    print("| step | median (s) | min (s) | max (s) | target (s) |\n| --- | --- | --- | --- | --- |")
    steps = (("write HTML (from networkx)", writes, 3),
             ("write HTML (from RDF, incl. to_networkx)", from_rdf, 3),
             ("open to stable in Chromium", loads, 5))
    for label, times, target_s in steps:
        print(f"| {label} | {statistics.median(times):.2f} | {min(times):.2f} | "
              f"{max(times):.2f} | {target_s} |")


if __name__ == "__main__":
    main()
