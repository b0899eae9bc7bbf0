"""Commands for diagrams and graph analytics: viz, map, analyze, path, export-graph."""

from __future__ import annotations

import json
from collections.abc import Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import click

from g60graph._errors import InputError
from g60graph.cli._options import (
    F,
    _choose_query,
    _open,
    _parse_params,
    graph_options,
    lang_option,
    output_options,
    output_target,
    write_page,
)

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph

__all__ = [
    "COMMANDS",
    "analyze_command",
    "export_graph",
    "map_command",
    "path_command",
    "selection_options",
    "viz_command",
]


def selection_options(func: F) -> F:
    """What to draw or analyse: whole graph, a query, a neighbourhood, some classes."""
    options = [
        click.option(
            "--query",
            "query",
            metavar="NAME|FILE",
            help="Draw a CONSTRUCT, or a SELECT with ?source ?target (Wikidata graph-view style).",
        ),
        click.option(
            "--diagram",
            type=click.Choice(["overview", "alliances-parks", "agreements", "provenance"]),
            help="A ready-made diagram (the named query diagram-NAME).",
        ),
        click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
                     help="Bind a query parameter. Repeatable."),
        click.option("--focus", metavar="ENTITY",
                     help="Only the neighbourhood of this entity (IRI or English/Chinese label)."),
        click.option("--depth", type=click.IntRange(min=0), default=1, show_default=True,
                     help="How many steps around --focus."),
        click.option("--classes", metavar="LIST",
                     help="Keep these classes (Source,PrefectureLevelCity) or drop them"
                     " (-Source,-Observation)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _selected(
    kg: KnowledgeGraph,
    query: str | None,
    diagram: str | None,
    params: Sequence[str],
    focus: str | None,
    depth: int,
    classes: str | None,
    lang: str,
    union: Any = None,
) -> tuple[Any, Any]:
    """(networkx graph, the Query drawn or None); ``union``: the dataset as one graph."""
    from g60graph.network import _graph as network
    from g60graph.sparql._named import get

    if query and diagram:
        raise InputError("give either --query or --diagram, not both")
    chosen: Any = None
    if diagram:
        chosen = get(f"diagram-{diagram}")
    elif query:
        picked = _choose_query(query, None)
        chosen = get(picked) if isinstance(picked, str) else picked
    graph = network.select(kg, query=chosen, params=_parse_params(params), focus=focus,
                           depth=depth, classes=classes, lang=lang, union=union)
    return graph, chosen


@click.command("viz")
@selection_options
@output_options("g60graph-network.html")
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "pagerank"]),
              default="degree", show_default=True, help="What a node's size shows.")
@click.option("--layout", type=click.Choice(["auto", "physics", "hierarchical"]), default="auto",
              show_default=True,
              help="hierarchical: levels top-down (auto: as the diagram suggests).")
@click.option("--title", help="The page title (default: the query's title).")
@click.option("--all", "everything", is_flag=True,
              help="Draw every entity (the default without a selection is the overview).")
@graph_options
@lang_option
def viz_command(
    query: str | None, diagram: str | None, params: tuple[str, ...], focus: str | None,
    depth: int, classes: str | None, output: Path, size_by: str, layout: str,
    title: str | None, everything: bool, image: str | None, lang: str, **load: Any,
) -> int:
    """Write an interactive network diagram: one self-contained HTML file that
    works offline (open it from disk; nothing is fetched), or its PNG/SVG image.
    Without --query, --diagram, --focus or --classes it draws the overview (the
    corridor, its cities, alliances and parks); --all draws every entity.
    Chinese labels (--lang zh) need a CJK font, e.g. Debian's fonts-noto-cjk.

    \b
    Examples:
      g60graph viz --diagram alliances-parks -o alliances.html
      g60graph viz --focus Hangzhou --depth 2 -o hangzhou.html
    """
    from g60graph.network import _graph as network
    from g60graph.render import _network_page as viz

    target, fmt = output_target(output, image)  # a contradiction fails before any work
    kg = _open(**load)
    if everything and (query or diagram):
        raise InputError("give --all or --query/--diagram, not both")
    if not (everything or query or diagram or focus or classes):
        diagram = "overview"
    union = kg.union_graph()  # one copy of the dataset for selecting, labels and facts
    graph, chosen = _selected(kg, query, diagram, params, focus, depth, classes, lang, union)
    hierarchical = layout == "hierarchical" or (
        layout == "auto" and chosen is not None and "hierarchical" in chosen.tags
    )
    whole = "G60科创走廊知识图谱" if lang == "zh" else "The G60 corridor knowledge graph"
    heading = title or (chosen.title_in(lang) if chosen is not None else whole)
    nodes, edges = graph.number_of_nodes(), graph.number_of_edges()
    parts = [f"{nodes} 个节点，{edges} 条边" if lang == "zh" else f"{nodes} nodes, {edges} edges"]
    if focus:
        parts.append(f"around {kg.label(kg.resolve(focus), lang)} (depth {depth})")
    page = viz.render_graph(
        graph, title=heading, subtitle="; ".join(parts), size_by=size_by, lang=lang,
        hierarchical="UD" if hierarchical else False,
        context=network.Context.of(kg, lang, union),
    )
    write_page(page, target, fmt)
    click.echo(f"wrote {target} ({parts[0]})", err=True)
    return 0


@click.command("map")
@output_options("g60graph-map.html")
@click.option("--tiles", metavar="URL",
              help="Add an online basemap, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png "
              "(off by default: the map works offline without it).")
@graph_options
@lang_option
def map_command(output: Path, tiles: str | None, image: str | None, lang: str,
                **load: Any) -> int:
    """Write the corridor map: Natural Earth (public domain, vendored: coast, lakes,
    rivers, provinces tinted and named), cities, parks and institutes labelled in
    English and Chinese where no label covers another, the expressways and railways
    with their stations as the graph holds them, a scale bar, a north arrow and the
    credits (one offline HTML file), or its PNG/SVG image. Chinese labels need a CJK
    font, e.g. Debian's fonts-noto-cjk.

    \b
    Examples:
      g60graph map -o corridor.html
      g60graph map --lang zh -o corridor-zh.html
    """
    from g60graph.render import _map as geomap

    target, fmt = output_target(output, image)  # a contradiction fails before any work
    kg = _open(**load)
    data = geomap.map_data(kg, lang)
    write_page(geomap.render_map(data, tiles=tiles, lang=lang), target, fmt)
    click.echo(f"wrote {target} ({len(data['places'])} places, {len(data['lines'])} lines)",
               err=True)
    return 0


@click.command("analyze")
@selection_options
@click.option("--top", type=click.IntRange(min=1), default=10, show_default=True,
              help="How many nodes in each ranking.")
@click.option("--format", "fmt", type=click.Choice(["text", "json"]), default="text",
              show_default=True)
@graph_options
@lang_option
def analyze_command(
    query: str | None, diagram: str | None, params: tuple[str, ...], focus: str | None,
    depth: int, classes: str | None, top: int, fmt: str, lang: str, **load: Any,
) -> int:
    """Rank entities by degree, betweenness and PageRank; list communities.

    \b
    Examples:
      g60graph analyze --top 5
      g60graph analyze --classes -Source,-Observation --format json
    """
    from g60graph.network import _graph as network

    kg = _open(**load)
    graph, _ = _selected(kg, query, diagram, params, focus, depth, classes, lang)
    report = network.analyze(graph, top)
    if fmt == "json":
        click.echo(json.dumps(report, ensure_ascii=False, indent=2))
        return 0
    click.echo(f"{report['nodes']} nodes, {report['edges']} edges, "
               f"{report['components']} connected components")
    for measure in ("degree", "betweenness", "pagerank"):
        click.echo(f"\n{measure}:")
        for i, row in enumerate(report[measure], 1):
            click.echo(f"  {i:>2}. {row['score']:<10g} {row['label']} ({row['class']})")
    click.echo(f"\ncommunities ({len(report['communities'])}):")
    for i, members in enumerate(report["communities"][:top], 1):
        more = f", ... (+{len(members) - 8})" if len(members) > 8 else ""
        shown = ", ".join(members[:8]) + more
        click.echo(f"  {i:>2}. [{len(members)}] {shown}")
    return 0


@click.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--classes", metavar="LIST",
              help="Walk only through these classes (Place,Organisation) or not these (-Event).")
@click.option("--via-sources", is_flag=True,
              help="Also walk citations: 'both are described by the same article'.")
@graph_options
@lang_option
def path_command(
    source: str, target: str, classes: str | None, via_sources: bool, lang: str, **load: Any
) -> int:
    """Show how two entities are connected: the shortest chain of labelled edges.

    \b
    Examples:
      g60graph path Hefei Songjiang
      g60graph path 湖州市 Wuhu --via-sources
    """
    from g60graph.network import _graph as network

    kg = _open(**load)
    a, b = str(kg.resolve(source)), str(kg.resolve(target))
    graph = network.select(kg, classes=classes, lang=lang)
    if via_sources:
        network.add_citations(graph, network.Context.of(kg, lang))
    steps = network.path(graph, a, b, skip=() if via_sources else (str(network.DCT_SOURCE),))
    click.echo(network.format_path(graph, steps) or graph.nodes[a]["label"])
    return 0


@click.command("export-graph")
@selection_options
@click.option("--format", "fmt", type=click.Choice(["graphml", "gexf", "cytoscape", "dot"]),
              default="graphml", show_default=True,
              help="graphml/gexf for Gephi, cytoscape (JSON) for Cytoscape, dot for Graphviz.")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              help="Write here (atomically) instead of standard output.")
@graph_options
@lang_option
def export_graph(
    query: str | None, diagram: str | None, params: tuple[str, ...], focus: str | None,
    depth: int, classes: str | None, fmt: str, output: Path | None, lang: str, **load: Any,
) -> int:
    """Export the network (entities and their links) for Gephi, Cytoscape or Graphviz.

    \b
    Examples:
      g60graph export-graph -o g60.graphml
      g60graph export-graph --diagram agreements --format dot | dot -Tsvg > agreements.svg
    """
    from g60graph._fileio import write_atomic
    from g60graph.network import _graph as network

    kg = _open(**load)
    graph, _ = _selected(kg, query, diagram, params, focus, depth, classes, lang)
    text = network.export(graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    return 0


COMMANDS = [viz_command, map_command, analyze_command, path_command, export_graph]
