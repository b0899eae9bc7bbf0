"""The public surface is small and deliberate: changing it is a visible decision."""

import g60graph


def test_exported_members() -> None:
    assert g60graph.__all__ == ["G60Error", "KnowledgeGraph", "Query", "QueryResult", "__version__"]
    assert g60graph.__all__ == sorted(g60graph.__all__, key=lambda n: (n.startswith("_"), n))


def test_version_is_single_sourced() -> None:
    from importlib.metadata import version

    assert g60graph.__version__ == version("g60graph")


def test_kg_methods() -> None:
    public = {n for n in dir(g60graph.KnowledgeGraph) if not n.startswith("_")}
    assert public == {
        "load", "backend", "dataset", "graph_names", "query", "label", "resolve", "describe",
        "stats", "union_graph", "validate", "serialize", "export", "to_networkx",
        "show", "chart", "timeline", "map",  # views for notebooks (issue 15)
        "bind", "parameter_values",  # slugs and labels for parameters; what they can take
    }
