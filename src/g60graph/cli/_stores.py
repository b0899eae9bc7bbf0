"""Commands for persistent and remote stores: load, publish."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from g60graph._errors import InputError
from g60graph.cli._options import _open, publish_graph_options, show_progress

__all__ = [
    "COMMANDS",
    "load_store",
    "publish_graph",
]


@click.command("load")
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

    \b
    Examples:
      g60graph load --store ./g60-store
      g60graph load --store ./g60-store mine.ttl more.nq
    """
    from g60graph.load._files import build_disk

    if no_packaged and not files:
        raise InputError("nothing to load: give FILES or drop --no-packaged")
    total = build_disk(path, files, packaged=not no_packaged, progress=show_progress(quiet))
    click.echo(f"{path}: {total} quads", err=True)


@click.command("publish")
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
@publish_graph_options
def publish_graph(graphs: tuple[str, ...], chunk_size: int, quiet: bool, **load: Any) -> None:
    """Upload the graph to a SPARQL server, replacing the target graphs, then verify.

    Uses the Graph Store Protocol (--graph-store), else SPARQL Update
    (--update-endpoint); --endpoint is where counts are checked. The source is
    the local graph (--data, --store).

    \b
    Examples:
      g60graph publish --endpoint http://localhost:3030/g60/sparql --graph-store http://localhost:3030/g60/data
      g60graph publish --endpoint http://localhost:8890/sparql --update-endpoint http://localhost:8890/sparql-auth
    """
    from g60graph.external._publish import publish

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
        progress=show_progress(quiet),
    )
    click.echo(
        f"published {report.triples} triples in {len(report.counts)} graphs"
        f" ({report.chunks} requests, {report.method}); counts verified",
        err=True,
    )


COMMANDS = [load_store, publish_graph]
