"""Commands for links to external open data: link, enrich."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from g60graph.cli._options import (
    F,
    _open,
    _width,
    graph_options,
    show_progress,
    width_option,
)

__all__ = [
    "COMMANDS",
    "client_options",
    "enrich_command",
    "link",
]


def client_options(func: F) -> F:
    """Options of the remote SPARQL client (link, enrich)."""
    from g60graph.external._client import DEFAULT_TTL, WIKIDATA_SPARQL

    options = [
        click.option(
            "--wikidata-endpoint",
            "wikidata_endpoint",
            default=WIKIDATA_SPARQL,
            show_default=True,
            metavar="URL",
            help="The Wikidata SPARQL endpoint to reconcile with (or a local mirror).",
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
    from g60graph.external._client import SparqlClient

    return SparqlClient(
        endpoint,
        timeout=timeout,
        retries=retries,
        cache_dir=cache_dir,
        ttl=cache_ttl * 3600,
        offline=offline,
    )


@click.command("link")
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
@graph_options
def link(
    types: str,
    out: Path,
    accept: float | None,
    entities: tuple[str, ...],
    wikidata_endpoint: str,
    timeout: float,
    retries: int,
    cache_dir: Path | None,
    cache_ttl: float,
    offline: bool,
    **load: Any,
) -> int:
    """Find Wikidata candidates for unlinked entities; write review files to --out.

    Reruns resume from --out/state.json; the curated data is never edited.

    \b
    Examples:
      g60graph link --types city --out links
      g60graph link --offline --accept 0.9 --wikidata-endpoint http://localhost:8890/sparql
    """
    from g60graph.external._linking import reconcile

    client = _client(wikidata_endpoint, timeout, retries, cache_dir, cache_ttl, offline)
    kinds = [k.strip() for k in types.split(",") if k.strip()]
    kg = _open(**load)
    summary = reconcile(
        kg, client, out, kinds=kinds, entities=entities, accept=accept,
        progress=show_progress(),
    )
    click.echo(
        f"{summary['entities']} entities reconciled, {summary['candidates']} candidates"
        f" ({summary['requests']} requests): see {out / 'review.tsv'}"
        + (f"; {summary['accepted']} accepted into {out / 'accepted-links.ttl'}"
           if accept is not None else ""),
        err=True,
    )
    return 0


@click.command("enrich")
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
@graph_options
@width_option
def enrich_command(
    output: Path,
    conflicts: Path | None,
    entities: tuple[str, ...],
    wikidata_endpoint: str,
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

    \b
    Examples:
      g60graph enrich -o enrichment.trig
      g60graph enrich --entity Hangzhou --offline -o hangzhou.trig
    """
    from g60graph._fileio import write_atomic
    from g60graph.external._enrich import check, enrich
    from g60graph.results._text_table import text_table

    client = _client(wikidata_endpoint, timeout, retries, cache_dir, cache_ttl, offline)
    kg = _open(**load)
    result = enrich(kg, client, entities, progress=show_progress())
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


COMMANDS = [link, enrich_command]
