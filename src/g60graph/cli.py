"""The ``g60graph`` command: a thin shell over KnowledgeGraph.

Every user error is one line on stderr and a documented exit code
(see g60graph.errors); no command holds SPARQL or graph logic of its own.
"""

from __future__ import annotations

import json
import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from g60graph.errors import G60Error, InputError

if TYPE_CHECKING:
    from g60graph.graph import KnowledgeGraph
    from g60graph.queries import Query

F = TypeVar("F", bound=Callable[..., Any])


def graph_options(func: F) -> F:
    """Options shared by every command that loads the graph (local or remote store)."""
    return _graph_options(func, remote=True)


def local_graph_options(func: F) -> F:
    """graph_options without the remote-store options, for commands whose own
    --endpoint means something else (link, enrich: the endpoint they reconcile with)."""
    return _graph_options(func, remote=False)


def _graph_options(func: F, remote: bool) -> F:
    options = [
        click.option(
            "--data",
            "data",
            multiple=True,
            type=click.Path(dir_okay=False),
            help="Add an RDF file (Turtle, TriG, N-Triples, N-Quads, JSON-LD, RDF/XML)."
            " Repeatable.",
        ),
        click.option(
            "--store",
            default="oxigraph",
            show_default=True,
            metavar="oxigraph|memory|PATH",
            help="Embedded store: Oxigraph (fast) or rdflib's memory store, or the PATH of"
            " an on-disk store built by 'g60graph load' (opened read-only, instantly).",
        ),
        click.option(
            "--infer",
            type=click.Choice(["rdfs", "owlrl"]),
            help="Materialise RDFS or OWL 2 RL entailments before querying.",
        ),
        click.option(
            "--infer-timeout",
            type=click.FloatRange(min=0.1),
            default=60.0,
            show_default=True,
            help="Give up reasoning after this many seconds.",
        ),
    ]
    if remote:
        options += [
            click.option(
                "--endpoint",
                metavar="URL",
                help="Run against this SPARQL 1.1 server instead (Virtuoso, Fuseki, GraphDB,"
                " QLever); for publish, the server to verify against. Credentials come from"
                " G60GRAPH_USER/G60GRAPH_PASSWORD (G60GRAPH_AUTH=digest for digest) or ~/.netrc.",
            ),
            click.option(
                "--update-endpoint", metavar="URL", help="The server's SPARQL Update URL."
            ),
            click.option(
                "--graph-store",
                metavar="URL",
                help="The server's SPARQL 1.1 Graph Store Protocol URL (used by publish).",
            ),
        ]
    for option in reversed(options):
        func = option(func)
    return func


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default="en",
        show_default=True,
        help="Language of the labels shown.",
    )(func)


def _open(
    data: Sequence[str],
    store: str,
    infer: str | None,
    infer_timeout: float,
    endpoint: str | None = None,
    update_endpoint: str | None = None,
    graph_store: str | None = None,
) -> KnowledgeGraph:
    from g60graph.graph import KnowledgeGraph

    return KnowledgeGraph.load(
        data,
        store=store,
        infer=infer,
        infer_timeout=infer_timeout,
        endpoint=endpoint,
        update_endpoint=update_endpoint,
        graph_store=graph_store,
    )


@click.group(context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
@click.version_option(package_name="g60graph", prog_name="g60graph")
def cli() -> None:
    """Query the G60 Science and Technology Innovation Corridor knowledge graph.

    Exit codes: 0 success, 1 data does not conform (validate), 2 bad input,
    3 a query or reasoning step failed or timed out, 130 interrupted.
    """


@cli.command("queries")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
def list_queries(fmt: str) -> None:
    """List the named queries: name, title, parameters."""
    from g60graph.queries import catalogue
    from g60graph.results import text_table

    entries = list(catalogue().values())
    if fmt == "json":
        click.echo(json.dumps([_query_info(q) for q in entries], ensure_ascii=False, indent=2))
        return
    rows = [[q.name, q.title, q.view, ", ".join(_param_text(p) for p in q.params)] for q in entries]
    click.echo(text_table(["name", "title", "view", "parameters"], rows, _width()), nl=False)


@cli.command("show")
@click.argument("name")
def show(name: str) -> None:
    """Print a named query, header and all."""
    from g60graph.queries import get

    click.echo(get(name).text, nl=False)


@cli.command("query")
@click.argument("query", required=False)
@click.option("--sparql", help="Run this SPARQL text instead of a named query or file.")
@click.option(
    "--param",
    "-p",
    "params",
    multiple=True,
    metavar="KEY=VALUE",
    help="Bind a query parameter. Repeatable.",
)
@click.option(
    "--format",
    "fmt",
    default=None,
    help="table|csv|tsv|json|xml|md for SELECT/ASK (default table); "
    "ttl|nt|jsonld|trig|xml for CONSTRUCT/DESCRIBE (default ttl).",
)
@click.option("--limit", type=click.IntRange(min=0), help="Show at most N rows.")
@click.option(
    "--allow-service",
    "allow_service",
    multiple=True,
    metavar="URL",
    help="Let SERVICE reach this endpoint (federated queries). Repeatable.",
)
@click.option(
    "--service-endpoint",
    "service_map",
    multiple=True,
    metavar="ORIG=URL",
    help="Send the query's SERVICE <ORIG> to URL instead (a mirror). Repeatable.",
)
@graph_options
@lang_option
def run_query(
    query: str | None,
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    limit: int | None,
    allow_service: tuple[str, ...],
    service_map: tuple[str, ...],
    lang: str,
    **load: Any,
) -> int:
    """Run QUERY: a named query, a .rq file, or - for standard input.

    SERVICE (federated) clauses are refused unless their endpoint is given
    with --allow-service; without it, no query makes a network request.
    """
    chosen = _choose_query(query, sparql)
    if service_map:
        chosen = _remap_services(chosen, service_map)
    values = _parse_params(params)
    kg = _open(**load)
    result = kg.query(chosen, values, limit=limit, allowed_services=allow_service)
    fmt = fmt or ("ttl" if result.graph is not None else "table")
    click.echo(result.serialize(fmt, label=lambda t: kg.label(t, lang), width=_width()), nl=False)
    if result.truncated:
        click.echo(f"g60graph: showing the first {limit} rows; more exist", err=True)
    return 0


@cli.command("describe")
@click.argument("entity")
@click.option(
    "--format",
    "fmt",
    default="table",
    show_default=True,
    type=click.Choice(["table", "csv", "tsv", "json", "xml", "md"]),
)
@graph_options
@lang_option
def describe(entity: str, fmt: str, lang: str, **load: Any) -> None:
    """Everything known about ENTITY (IRI, prefixed name, or English/Chinese label)."""
    kg = _open(**load)
    result = kg.describe(entity)
    click.echo(result.serialize(fmt, label=lambda t: kg.label(t, lang), width=_width()), nl=False)


@cli.command("stats")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@graph_options
@lang_option
def stats(fmt: str, lang: str, **load: Any) -> None:
    """Triples, named graphs, entities per class, sources, label languages."""
    from g60graph.results import text_table

    kg = _open(**load)
    figures = kg.stats()
    if fmt == "json":
        click.echo(json.dumps(figures, ensure_ascii=False, indent=2))
        return
    rows = [
        ["triples", str(figures["triples"])],
        ["named graphs", str(figures["graphs"])],
        ["sources", str(figures["sources"])],
    ]
    rows += [[f"class: {name}", str(n)] for name, n in figures["classes"].items()]
    rows += [
        [f"labels @{lang_tag or '(none)'}", str(n)]
        for lang_tag, n in figures["label_languages"].items()
    ]
    click.echo(text_table(["measure", "value"], rows, _width()), nl=False)


@cli.command("validate")
@graph_options
def validate(**load: Any) -> int:
    """Check the graph against the SHACL shapes. Exit 0 conforms, 1 does not, 2 error."""
    kg = _open(**load)
    report = kg.validate()
    if report.conforms:
        click.echo("Conforms: the graph satisfies every shape.")
        return 0
    for v in report.violations:
        click.echo(
            f"{v.severity}: {v.focus}: {v.message}" + (f" (path {v.path})" if v.path else "")
        )
    click.echo(f"Does not conform: {len(report.violations)} violation(s).")
    return 1


@cli.command("export")
@click.option(
    "--format",
    "fmt",
    default="trig",
    show_default=True,
    type=click.Choice(["trig", "nq", "ttl", "nt", "jsonld"]),
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (atomically) instead of standard output.",
)
@graph_options
def export(fmt: str, output: Path | None, **load: Any) -> None:
    """Write the whole graph (named graphs kept in trig/nq)."""
    kg = _open(**load)
    if output is None:
        click.echo(kg.serialize(fmt), nl=False)
    else:
        kg.export(output, fmt)
        click.echo(f"wrote {output}", err=True)


# -- diagrams and graph analytics (viz, map, analyze, path, export-graph) ------


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
                     help="Keep these classes (Source,City) or drop them (-Source,-Observation)."),
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
) -> tuple[Any, Any]:
    """(networkx graph, the Query drawn or None)."""
    from g60graph import network
    from g60graph.queries import get

    if query and diagram:
        raise InputError("give either --query or --diagram, not both")
    chosen: Any = None
    if diagram:
        chosen = get(f"diagram-{diagram}")
    elif query:
        picked = _choose_query(query, None)
        chosen = get(picked) if isinstance(picked, str) else picked
    graph = network.select(kg, query=chosen, params=_parse_params(params), focus=focus,
                           depth=depth, classes=classes, lang=lang)
    return graph, chosen


@cli.command("viz")
@selection_options
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("g60graph-network.html"), show_default=True,
              help="The HTML file to write (atomically).")
@click.option("--size-by", type=click.Choice(["degree", "betweenness", "pagerank"]),
              default="degree", show_default=True, help="What a node's size shows.")
@click.option("--layout", type=click.Choice(["auto", "physics", "hierarchical"]), default="auto",
              show_default=True,
              help="hierarchical: levels top-down (auto: as the diagram suggests).")
@click.option("--title", help="The page title (default: the query's title).")
@graph_options
@lang_option
def viz_command(
    query: str | None, diagram: str | None, params: tuple[str, ...], focus: str | None,
    depth: int, classes: str | None, output: Path, size_by: str, layout: str,
    title: str | None, lang: str, **load: Any,
) -> int:
    """Write an interactive network diagram: one self-contained HTML file that
    works offline (open it from disk; nothing is fetched)."""
    from g60graph import network, viz
    from g60graph.fileio import write_atomic

    kg = _open(**load)
    graph, chosen = _selected(kg, query, diagram, params, focus, depth, classes, lang)
    hierarchical = layout == "hierarchical" or (
        layout == "auto" and chosen is not None and "hierarchical" in chosen.tags
    )
    heading = title or (chosen.title if chosen is not None else "The G60 corridor knowledge graph")
    parts = [f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges"]
    if focus:
        parts.append(f"around {kg.label(kg.resolve(focus), lang)} (depth {depth})")
    page = viz.render_graph(
        graph, title=heading, subtitle="; ".join(parts), size_by=size_by, lang=lang,
        hierarchical="UD" if hierarchical else False,
        context=network.Context(kg.union_graph(), lang),
    )
    write_atomic(output, page)
    click.echo(f"wrote {output} ({parts[0]})", err=True)
    return 0


@cli.command("map")
@click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
              default=Path("g60graph-map.html"), show_default=True,
              help="The HTML file to write (atomically).")
@click.option("--tiles", metavar="URL",
              help="Add an online basemap, e.g. https://tile.openstreetmap.org/{z}/{x}/{y}.png "
              "(off by default: the map works offline without it).")
@graph_options
@lang_option
def map_command(output: Path, tiles: str | None, lang: str, **load: Any) -> int:
    """Write the corridor map: cities by province, the G60 expressway and railway,
    parks and institutes in their city (one offline HTML file)."""
    from g60graph import geomap
    from g60graph.fileio import write_atomic

    kg = _open(**load)
    data = geomap.map_data(kg, lang)
    write_atomic(output, geomap.render_map(data, tiles=tiles, lang=lang))
    click.echo(f"wrote {output} ({len(data['places'])} places, {len(data['lines'])} lines)",
               err=True)
    return 0


@cli.command("analyze")
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
    """Rank entities by degree, betweenness and PageRank; list communities."""
    from g60graph import network

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


@cli.command("path")
@click.argument("source")
@click.argument("target")
@click.option("--classes", metavar="LIST",
              help="Walk only through these classes, e.g. -Source to avoid shared citations.")
@graph_options
@lang_option
def path_command(source: str, target: str, classes: str | None, lang: str, **load: Any) -> int:
    """Show how two entities are connected: the shortest chain of labelled edges."""
    from g60graph import network

    kg = _open(**load)
    a, b = str(kg.resolve(source)), str(kg.resolve(target))
    graph = network.select(kg, classes=classes, lang=lang)
    click.echo(network.format_path(graph, network.path(graph, a, b)) or graph.nodes[a]["label"])
    return 0


@cli.command("export-graph")
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
    """Export the network (entities and their links) for Gephi, Cytoscape or Graphviz."""
    from g60graph import network
    from g60graph.fileio import write_atomic

    kg = _open(**load)
    graph, _ = _selected(kg, query, diagram, params, focus, depth, classes, lang)
    text = network.export(graph, fmt)
    if output is None:
        click.echo(text, nl=False)
    else:
        write_atomic(output, text)
        click.echo(f"wrote {output}", err=True)
    return 0


# -- links to external open data (link, enrich) --------------------------------


def client_options(func: F) -> F:
    """Options of the remote SPARQL client (link, enrich)."""
    from g60graph.sparql_client import DEFAULT_TTL, WIKIDATA_SPARQL

    options = [
        click.option(
            "--endpoint",
            default=WIKIDATA_SPARQL,
            show_default=True,
            help="SPARQL endpoint to query (e.g. a local Wikidata mirror).",
        ),
        click.option(
            "--timeout",
            type=click.FloatRange(min=0.1),
            default=60.0,
            show_default=True,
            help="Seconds to wait for each answer.",
        ),
        click.option(
            "--retries",
            type=click.IntRange(min=0),
            default=3,
            show_default=True,
            help="Retries on 429/502/503/504 (honouring Retry-After).",
        ),
        click.option(
            "--cache-dir",
            type=click.Path(file_okay=False, path_type=Path),
            help="Answer cache (default $G60GRAPH_CACHE_DIR or ~/.cache/g60graph).",
        ),
        click.option(
            "--cache-ttl",
            type=click.FloatRange(min=0),
            default=DEFAULT_TTL / 3600,
            show_default=True,
            help="Hours a cached answer stays fresh.",
        ),
        click.option("--offline", is_flag=True, help="Use only cached answers; no network."),
        click.option(
            "--entity",
            "entities",
            multiple=True,
            help="Only this entity (IRI, prefixed name or label). Repeatable.",
        ),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _client(
    endpoint: str,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    cache_ttl: float,
    offline: bool,
) -> Any:
    from g60graph.sparql_client import SparqlClient

    return SparqlClient(
        endpoint,
        timeout=timeout,
        retries=retries,
        cache_dir=cache_dir,
        ttl=cache_ttl * 3600,
        offline=offline,
    )


@cli.command("link")
@click.option(
    "--types",
    default="city,district,province,organisation,road,railway",
    show_default=True,
    help="Comma-separated kinds of entity to reconcile.",
)
@click.option(
    "--out",
    type=click.Path(file_okay=False, path_type=Path),
    default=Path("g60graph-links"),
    show_default=True,
    help="Folder for state.json, review.tsv, review.ttl and accepted-links.ttl.",
)
@click.option(
    "--accept",
    type=click.FloatRange(0, 1),
    help="Write each entity's clear best candidate scoring at least this to accepted-links.ttl.",
)
@client_options
@local_graph_options
def link(
    types: str,
    out: Path,
    accept: float | None,
    entities: tuple[str, ...],
    endpoint: str,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    cache_ttl: float,
    offline: bool,
    **load: Any,
) -> int:
    """Find Wikidata candidates for unlinked entities; write review files to --out.

    Reruns resume from --out/state.json; the curated data is never edited.
    """
    from g60graph.linking import reconcile

    client = _client(endpoint, timeout, retries, cache_dir, cache_ttl, offline)
    kinds = [k.strip() for k in types.split(",") if k.strip()]
    kg = _open(**load)
    summary = reconcile(
        kg, client, out, kinds=kinds, entities=entities, accept=accept,
        progress=sys.stderr.isatty(),
    )
    click.echo(
        f"{summary['entities']} entities reconciled, {summary['candidates']} candidates"
        f" ({summary['requests']} requests): see {out / 'review.tsv'}"
        + (f"; {summary['accepted']} accepted into {out / 'accepted-links.ttl'}"
           if accept is not None else ""),
        err=True,
    )
    return 0


@cli.command("enrich")
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    default=Path("g60graph-enrichment.trig"),
    show_default=True,
    help="TriG file for the enrichment named graph (load it with --data).",
)
@click.option(
    "--conflicts",
    type=click.Path(dir_okay=False, path_type=Path),
    help="TSV of values that disagree with curated facts (default: beside --output).",
)
@client_options
@local_graph_options
def enrich_command(
    output: Path,
    conflicts: Path | None,
    entities: tuple[str, ...],
    endpoint: str,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    cache_ttl: float,
    offline: bool,
    **load: Any,
) -> int:
    """Fetch population, area, coordinates, inception, website and labels of linked entities.

    Every value cites its item, endpoint and retrieval time; a value that
    disagrees with a curated fact is reported, not added.
    """
    from g60graph.enrich import check, enrich
    from g60graph.fileio import write_atomic
    from g60graph.results import text_table

    client = _client(endpoint, timeout, retries, cache_dir, cache_ttl, offline)
    kg = _open(**load)
    result = enrich(kg, client, entities, progress=sys.stderr.isatty())
    check(result, kg)  # nothing is written unless the shapes are satisfied
    conflicts = conflicts or output.with_name(f"{output.stem}-conflicts.tsv")
    write_atomic(output, result.trig())
    write_atomic(conflicts, result.conflicts_tsv())
    if result.conflicts:
        cols = ["entity", "property", "curated", "wikidata", "source"]
        rows = [[c[k] for k in cols] for c in result.conflicts]
        click.echo("Conflicts with curated facts (not added):")
        click.echo(text_table(cols, rows, _width()), nl=False)
    click.echo(
        f"{result.added} values for {result.entities} entities written to {output};"
        f" {len(result.conflicts)} conflicts in {conflicts}",
        err=True,
    )
    return 0


# -- the SPARQL endpoint and Linked Data server (serve) ------------------------


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option(
    "--port", default=8000, show_default=True, type=click.IntRange(1, 65535), help="TCP port."
)
@click.option(
    "--timeout",
    default=30.0,
    show_default=True,
    type=click.FloatRange(min=0.1),
    help="Stop a query after this many seconds (answer 503).",
)
@click.option(
    "--max-rows",
    default=10_000,
    show_default=True,
    type=click.IntRange(min=1),
    help="Rows (or triples) per answer; more are cut and flagged X-G60-Truncated.",
)
@click.option(
    "--workers",
    default=2,
    show_default=True,
    type=click.IntRange(1, 64),
    help="Query worker processes (each holds a copy of the graph).",
)
@click.option(
    "--base-iri",
    default="https://w3id.org/g60graph/",
    show_default=True,
    help="IRI space served under /id/ and /def.",
)
@click.option(
    "--max-request-bytes",
    default=512 * 1024,
    show_default=True,
    type=click.IntRange(min=1024),
    help="Refuse request bodies above this size (413).",
)
@click.option(
    "--worker-memory",
    default=2048,
    show_default=True,
    type=click.IntRange(min=0),
    help="Memory cap per query worker in MB (0: none); a query past it gets 503.",
)
@click.option(
    "--enable-updates",
    is_flag=True,
    help="Accept SPARQL updates at /update with 'Authorization: Bearer $G60GRAPH_UPDATE_TOKEN'.",
)
@graph_options
def serve(
    host: str,
    port: int,
    timeout: float,
    max_rows: int,
    workers: int,
    base_iri: str,
    max_request_bytes: int,
    worker_memory: int,
    enable_updates: bool,
    **load: Any,
) -> int:
    """Serve a SPARQL endpoint, a query page and Linked Data pages over HTTP."""
    import os

    from g60graph.graph import store_is_path
    from g60graph.server.run import serve_forever
    from g60graph.server.settings import Settings

    if enable_updates and (load.get("endpoint") or store_is_path(load.get("store", ""))):
        raise InputError("--enable-updates needs an in-memory store (--store oxigraph or memory)")
    settings = Settings(
        timeout=timeout,
        max_rows=max_rows,
        workers=workers,
        base_iri=base_iri,
        max_request_bytes=max_request_bytes,
        worker_memory_mb=worker_memory or None,
        enable_updates=enable_updates,
        update_token=os.environ.get("G60GRAPH_UPDATE_TOKEN") if enable_updates else None,
    )
    serve_forever(host, port, settings, **load)
    return 0


# -- persistent and remote stores (load, publish) ------------------------------


@cli.command("load")
@click.option(
    "--store",
    "path",
    required=True,
    type=click.Path(file_okay=False, path_type=Path),
    help="Folder of the on-disk Oxigraph store (created if missing).",
)
@click.option("--no-packaged", is_flag=True, help="Leave out the packaged ontology and data.")
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@click.argument("files", nargs=-1, type=click.Path(dir_okay=False, path_type=Path))
def load_store(path: Path, no_packaged: bool, quiet: bool, files: tuple[Path, ...]) -> None:
    """Build or extend an on-disk store from FILES (bulk loading, one graph per file).

    Later commands open it instantly with --store PATH. Loading a file again
    replaces its graph.
    """
    from g60graph.store import build_disk

    if no_packaged and not files:
        raise InputError("nothing to load: give FILES or drop --no-packaged")
    total = build_disk(path, files, packaged=not no_packaged, progress=not quiet)
    click.echo(f"{path}: {total} quads", err=True)


@cli.command("publish")
@click.option(
    "--graph",
    "graphs",
    multiple=True,
    metavar="IRI",
    help="Publish only this named graph. Repeatable (default: every graph).",
)
@click.option(
    "--chunk-size",
    type=click.IntRange(min=1),
    default=20_000,
    show_default=True,
    help="Triples per request.",
)
@click.option("--quiet", "-q", is_flag=True, help="No progress bar.")
@graph_options
def publish_graph(graphs: tuple[str, ...], chunk_size: int, quiet: bool, **load: Any) -> None:
    """Upload the graph to a SPARQL server, replacing the target graphs, then verify.

    Uses the Graph Store Protocol (--graph-store), else SPARQL Update
    (--update-endpoint); --endpoint is where counts are checked. The source is
    the local graph (--data, --store).
    """
    from g60graph.publish import publish

    endpoint = load.pop("endpoint")
    update_endpoint = load.pop("update_endpoint")
    graph_store = load.pop("graph_store")
    if not endpoint:
        raise InputError("publish needs --endpoint URL (the server's SPARQL query endpoint)")
    kg = _open(**load)
    report = publish(
        kg,
        endpoint=endpoint,
        graph_store=graph_store,
        update_endpoint=update_endpoint,
        graphs=graphs,
        chunk_size=chunk_size,
        progress=not quiet,
    )
    click.echo(
        f"published {report.triples} triples in {len(report.counts)} graphs"
        f" ({report.chunks} requests, {report.method}); counts verified",
        err=True,
    )


# -- helpers ----------------------------------------------------------------


def _choose_query(query: str | None, sparql: str | None) -> Query | str:
    from g60graph.queries import Query

    if sparql is not None and query is not None:
        raise InputError("give either QUERY or --sparql, not both")
    if sparql is not None:
        return Query.from_text(sparql)
    if query is None:
        raise InputError("name a query (see 'g60graph queries'), a .rq file, - or --sparql TEXT")
    if query == "-":
        return Query.from_text(sys.stdin.read(), name="<stdin>")
    path = Path(query)
    if path.suffix in (".rq", ".sparql") or path.is_file():
        if not path.is_file():
            raise InputError(f"{query}: no such query file")
        return Query.from_file(path)
    return query


def _remap_services(chosen: Query | str, mapping: Sequence[str]) -> Query:
    import dataclasses

    from g60graph.queries import get
    from g60graph.sparql_client import rewrite_services

    pairs: dict[str, str] = {}
    for item in mapping:
        orig, sep, local = item.partition("=")
        if not sep or not orig.strip() or not local.strip():
            raise InputError(f"--service-endpoint: expected ORIG=URL, got {item!r}")
        pairs[orig.strip()] = local.strip()
    query = get(chosen) if isinstance(chosen, str) else chosen
    return dataclasses.replace(query, text=rewrite_services(query.text, pairs))


def _parse_params(params: Sequence[str]) -> dict[str, str]:
    values: dict[str, str] = {}
    for item in params:
        key, sep, value = item.partition("=")
        if not sep or not key.strip():
            raise InputError(f"--param: expected KEY=VALUE, got {item!r}")
        values[key.strip()] = value
    return values


def _param_text(param: Any) -> str:
    flag = "" if param.required else "?"
    return f"{param.name}{flag}:{param.type}"


def _query_info(q: Query) -> dict[str, Any]:
    return {
        "name": q.name,
        "title": q.title,
        "description": q.description,
        "view": q.view,
        "form": q.form,
        "params": [
            {
                "name": p.name,
                "type": p.type,
                "required": p.required,
                "default": p.default,
                "description": p.description,
            }
            for p in q.params
        ],
    }


def _width() -> int:
    import shutil

    return shutil.get_terminal_size((120, 24)).columns


def main(argv: Sequence[str] | None = None) -> int:
    """Entry point: run the CLI and turn errors into one line and an exit code."""
    try:
        code = cli.main(
            args=list(argv) if argv is not None else None,
            prog_name="g60graph",
            standalone_mode=False,
        )
    except G60Error as err:
        click.echo(f"g60graph: error: {err}", err=True)
        return err.exit_code
    except click.ClickException as err:
        err.show()
        return err.exit_code
    except (click.Abort, KeyboardInterrupt):
        click.echo("g60graph: interrupted", err=True)
        return 130
    except BrokenPipeError:
        sys.stderr.close()  # the reader went away (e.g. `| head`): not an error
        return 0
    return code if isinstance(code, int) else 0


if __name__ == "__main__":
    sys.exit(main())
