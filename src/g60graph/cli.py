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
    """Options shared by every command that loads the graph."""
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
            type=click.Choice(["oxigraph", "memory"]),
            help="Embedded store: Oxigraph (fast) or rdflib's memory store.",
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
    data: Sequence[str], store: str, infer: str | None, infer_timeout: float
) -> KnowledgeGraph:
    from g60graph.graph import KnowledgeGraph

    return KnowledgeGraph.load(data, store=store, infer=infer, infer_timeout=infer_timeout)


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
@graph_options
@lang_option
def run_query(
    query: str | None,
    sparql: str | None,
    params: tuple[str, ...],
    fmt: str | None,
    limit: int | None,
    lang: str,
    **load: Any,
) -> int:
    """Run QUERY: a named query, a .rq file, or - for standard input."""
    chosen = _choose_query(query, sparql)
    values = _parse_params(params)
    kg = _open(**load)
    result = kg.query(chosen, values, limit=limit)
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

# (commands go here)


# -- links to external open data (link, enrich) --------------------------------

# (commands go here)


# -- the SPARQL endpoint and Linked Data server (serve) ------------------------


@cli.command("serve")
@click.option("--host", default="127.0.0.1", show_default=True, help="Interface to listen on.")
@click.option("--port", default=8000, show_default=True, type=click.IntRange(0, 65535))
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
    help="Address-space cap per query worker in MB (0: none); a query past it gets 503.",
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

    from g60graph.server.run import serve_forever
    from g60graph.server.settings import Settings

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

# (commands go here)


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
