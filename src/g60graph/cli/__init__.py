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

from g60graph._errors import G60Error, InputError

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph
    from g60graph.sparql._named import Query

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
    from g60graph._knowledge_graph import KnowledgeGraph

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
    from g60graph.results._model import text_table
    from g60graph.sparql._named import catalogue

    entries = list(catalogue().values())
    if fmt == "json":
        click.echo(json.dumps([q.info() for q in entries], ensure_ascii=False, indent=2))
        return
    rows = [[q.name, q.title, q.view, ", ".join(_param_text(p) for p in q.params)] for q in entries]
    click.echo(text_table(["name", "title", "view", "parameters"], rows, _width()), nl=False)


@cli.command("show")
@click.argument("name")
def show(name: str) -> None:
    """Print a named query, header and all."""
    from g60graph.sparql._named import get

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
    from g60graph.results._model import text_table

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


# -- helpers ----------------------------------------------------------------


def _choose_query(query: str | None, sparql: str | None) -> Query | str:
    from g60graph.sparql._named import Query

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

    from g60graph.external._client import rewrite_services
    from g60graph.sparql._named import get

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


# The feature commands register themselves on ``cli`` when imported; each
# imports its heavy dependencies only inside its command functions.
from g60graph.cli import _diagrams, _linking, _server, _stores, _views  # noqa: E402, F401
