"""The ``g60graph`` command: a thin shell over KnowledgeGraph.

Every user error is one line on stderr and a documented exit code
(see g60graph.errors); no command holds SPARQL or graph logic of its own.
"""

from __future__ import annotations

import contextlib
import importlib
import json
import sys
from collections.abc import Sequence
from pathlib import Path
from typing import Any

import click

from g60graph._errors import G60Error
from g60graph.cli._options import (
    _choose_query,
    _open,
    _param_text,
    _parse_params,
    _remap_services,
    _width,
    graph_options,
    lang_option,
    queries_option,
    width_option,
)

# The feature commands, by the module that defines them (in its COMMANDS): imported
# when named, so a query or a lookup does not import the diagram, linking and
# server stacks (about 50 ms of every call). Importing a module registers nothing.
FEATURE_COMMANDS = {
    "_diagrams": ("viz", "map", "analyze", "path", "export-graph"),
    "_linking": ("link", "enrich"),
    "_server": ("serve",),
    "_stores": ("load", "publish"),
    "_views": ("chart", "timeline"),
}


class _Commands(click.Group):
    """The core commands defined here, and the feature commands imported on demand."""

    def list_commands(self, ctx: click.Context) -> list[str]:
        names = {name for names in FEATURE_COMMANDS.values() for name in names}
        return sorted(names | set(self.commands))

    def get_command(self, ctx: click.Context, cmd_name: str) -> click.Command | None:
        if cmd_name not in self.commands:
            module = next((m for m, names in FEATURE_COMMANDS.items() if cmd_name in names), None)
            if module is not None:
                for command in importlib.import_module(f"g60graph.cli.{module}").COMMANDS:
                    self.add_command(command)
        return self.commands.get(cmd_name)


def all_commands() -> dict[str, click.Command]:
    """Every command by name, the feature commands imported (for help and tests)."""
    with click.Context(cli) as ctx:
        found = {name: cli.get_command(ctx, name) for name in cli.list_commands(ctx)}
    return {name: command for name, command in found.items() if command is not None}


@click.group(cls=_Commands,
             context_settings={"help_option_names": ["-h", "--help"], "max_content_width": 100})
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
@width_option
@queries_option
@lang_option
def list_queries(fmt: str, lang: str) -> None:
    """List the named queries: name, title (in English or Chinese), parameters.

    \b
    Examples:
      g60graph queries
      g60graph queries --lang zh
      g60graph queries --format json
    """
    from g60graph.results._model import text_table
    from g60graph.sparql._named import catalogue

    entries = list(catalogue().values())
    if fmt == "json":
        click.echo(json.dumps([q.info() for q in entries], ensure_ascii=False, indent=2))
        return
    rows = [[q.name, q.title_in(lang), q.view, ", ".join(_param_text(p) for p in q.params)]
            for q in entries]
    head = ["name", "title", "view", "parameters"]
    if lang == "zh":
        head = ["名称", "标题", "视图", "参数"]
    click.echo(text_table(head, rows, _width()), nl=False)


@cli.command("show")
@click.argument("name")
@graph_options
@lang_option
def show(name: str, lang: str, **load: Any) -> None:
    """Print a named query, header and all, and the values its parameters take.

    \b
    Examples:
      g60graph show statistics     # the query, then every measure it knows
      g60graph show cities > my-cities.rq
    """
    from g60graph._namespaces import shorten
    from g60graph.sparql._named import get

    query = get(name)
    click.echo(query.text, nl=False)
    if not query.params:
        return
    lines = ["", "# Parameters (-p NAME=VALUE):"]
    kg = _open(**load) if any(p.type == "iri" for p in query.params) else None
    for param in query.params:
        need = "required" if param.required else f"default {param.default}" if (
            param.default) else "optional"
        lines.append(f"#   {param.name} ({param.type}, {need}): {param.description}")
        if param.type == "entity":
            lines.append("#     any entity: IRI, prefixed name, slug, or English/Chinese label")
        elif kg is not None and param.type == "iri":
            values = kg.parameter_values(query, param.name)
            lines.append(f"#     one of {len(values)} (a slug, its last word, or a label will do):")
            lines += [f"#       {shorten(str(v))}  {kg.label(v, lang)}" for v in values]
    click.echo("\n".join(lines))


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
@width_option
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

    \b
    Examples:
      g60graph query cities -p province=Zhejiang
      g60graph query statistics -p measure=gdp --format csv
      echo 'ASK { ?s ?p ?o }' | g60graph query -
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
@width_option
def describe(entity: str, fmt: str, lang: str, **load: Any) -> None:
    """Everything known about ENTITY (IRI, prefixed name, slug, or English/Chinese label).

    \b
    Examples:
      g60graph describe 苏州市
      g60graph describe g60r:hangzhou --format json
    """
    kg = _open(**load)
    result = kg.describe(entity)
    click.echo(result.serialize(fmt, label=lambda t: kg.label(t, lang), width=_width()), nl=False)


@cli.command("stats")
@click.option(
    "--format", "fmt", type=click.Choice(["table", "json"]), default="table", show_default=True
)
@graph_options
@lang_option
@width_option
def stats(fmt: str, lang: str, **load: Any) -> None:
    """Triples, named graphs, entities per class, sources, label languages.

    \b
    Examples:
      g60graph stats
      g60graph stats --data mine.ttl --format json
    """
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
    proof = figures["provenance"]
    rows += [
        ["data statements (not ontology, source metadata)", str(proof["statements"])],
        ["  in a graph naming exactly one source",
         f"{proof['in_one_source_graph']} ({proof['sourced_share']:.1%})"],
        ["entities (instances of domain classes)", str(proof["entities"])],
        ["  with a Chinese label",
         f"{proof['entities_with_zh_label']} ({proof['zh_label_share']:.1%})"],
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
    """Check the graph against the SHACL shapes. Exit 0 conforms, 1 does not, 2 error.

    \b
    Examples:
      g60graph validate
      g60graph validate --data mine.ttl
    """
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
    metavar="FORMAT",
    help="trig, nq, ttl, nt, jsonld or xml (RDF/XML); also turtle, ntriples, nquads,"
    " json-ld, rdfxml. Default: from the -o extension, else trig.",
)
@click.option(
    "--output",
    "-o",
    type=click.Path(dir_okay=False, path_type=Path),
    help="Write here (atomically) instead of standard output; .trig .nq .ttl .nt .jsonld"
    " .rdf name the format.",
)
@graph_options
def export(fmt: str | None, output: Path | None, **load: Any) -> None:
    """Write the whole graph (named graphs kept in trig/nq).

    \b
    Examples:
      g60graph export -o g60.ttl                 # Turtle, from the extension
      g60graph export --format nquads > g60.nq
    """
    from g60graph._knowledge_graph import export_format

    chosen = export_format(output, fmt)  # a bad name or a mismatch fails before loading
    kg = _open(**load)
    if output is None:
        click.echo(kg.serialize(chosen), nl=False)
    else:
        kg.export(output, chosen)
        click.echo(f"wrote {output} ({chosen})", err=True)


# -- entry point ------------------------------------------------------------


# Commands and options that reach the network on purpose; every other command
# runs without network access (see g60graph._sandbox).
_NETWORK_COMMANDS = {"serve", "link", "enrich", "publish"}
_NETWORK_OPTIONS = ("--endpoint", "--update-endpoint", "--graph-store", "--allow-service",
                    "--service-endpoint")


def needs_network(args: Sequence[str]) -> bool:
    command = next((a for a in args if not a.startswith("-")), None)
    return command in _NETWORK_COMMANDS or any(
        a.split("=", 1)[0] in _NETWORK_OPTIONS for a in args
    )


def main(argv: Sequence[str] | None = None, *, isolate: bool | None = None) -> int:
    """Entry point: run the CLI and turn errors into one line and an exit code.

    The process drops its network first (``isolate``; by default when it runs as
    the ``g60graph`` command, i.e. ``argv`` is None) unless the command needs it.
    Where the OS cannot isolate, the safety check alone stands.
    """
    args = list(sys.argv[1:] if argv is None else argv)
    if (argv is None if isolate is None else isolate) and not needs_network(args):
        from g60graph import _sandbox

        with contextlib.suppress(_sandbox.IsolationError):
            _sandbox.drop_network()
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

