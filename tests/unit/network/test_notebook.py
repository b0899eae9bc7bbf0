"""The notebook bridge: a pyvis Network with the same nodes and edges as the networkx graph."""

from __future__ import annotations

from g60graph import KnowledgeGraph
from g60graph.network import _graph as network


def test_to_pyvis_keeps_every_node_and_edge() -> None:
    kg = KnowledgeGraph.load()
    graph = network.select(kg, focus="Hangzhou", depth=1)
    net = network.to_pyvis(graph, notebook=False)
    assert {n["id"] for n in net.nodes} == set(graph.nodes)
    assert len(net.edges) == graph.number_of_edges()
    assert "Hangzhou" in {n["label"] for n in net.nodes}
