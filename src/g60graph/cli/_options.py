"""What the commands share: the options that load the graph, and query input.

Kept apart from the command group so that a command module imports these and
nothing imports the group back (commands are added to it in __init__).
"""

from __future__ import annotations

import sys
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any, TypeVar

import click

from g60graph._errors import CHROMIUM_HELP, InputError

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph
    from g60graph.sparql._named import Query

__all__ = [
    "F",
    "graph_options",
    "lang_option",
    "output_options",
    "output_target",
    "publish_graph_options",
    "queries_option",
    "show_progress",
    "width_option",
    "write_page",
]

F = TypeVar("F", bound=Callable[..., Any])


def graph_options(func: F) -> F:
    """Options shared by every command that loads the graph (local or remote store)."""
    return _graph_options(func, publish=False)


def publish_graph_options(func: F) -> F:
    """graph_options plus the target server's write URLs (publish only)."""
    return _graph_options(func, publish=True)


def _graph_options(func: F, publish: bool) -> F:
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
        click.option(
            "--endpoint",
            metavar="URL",
            help=(
                "The SPARQL 1.1 server to publish to and verify against."
                if publish
                else "Run against this SPARQL 1.1 server instead (Virtuoso, Fuseki, GraphDB,"
                " QLever)."
            )
            + " Credentials come from G60GRAPH_USER/G60GRAPH_PASSWORD"
            " (G60GRAPH_AUTH=digest for digest) or ~/.netrc.",
        ),
    ]
    if publish:
        options += [
            click.option(
                "--update-endpoint", metavar="URL", help="The server's SPARQL Update URL."
            ),
            click.option(
                "--graph-store",
                metavar="URL",
                help="The server's SPARQL 1.1 Graph Store Protocol URL.",
            ),
        ]
    for option in reversed(options):
        func = option(func)
    return queries_option(func)


def width_option(func: F) -> F:
    """--width N for the commands that print tables (default: the terminal's width)."""

    def remember(ctx: click.Context, _param: click.Parameter, value: int | None) -> None:
        if value is not None:
            ctx.meta["g60graph.width"] = value

    return click.option(
        "--width",
        type=click.IntRange(min=20),
        metavar="N",
        expose_value=False,
        callback=remember,
        help="Table width in columns (default: the terminal's, 120 when piped);"
        " long cells wrap, and a table that cannot fit shows one block per row.",
    )(func)


def queries_option(func: F) -> F:
    """--queries DIR: the user's own named queries, beside the packaged ones."""

    def use(ctx: click.Context, _param: click.Parameter, value: tuple[Path, ...]) -> None:
        import os

        from g60graph.sparql._named import QUERIES_ENV

        if value:  # in the environment, so the server's worker processes see them too
            given = [str(p) for p in value]
            os.environ[QUERIES_ENV] = os.pathsep.join(
                [*given, *filter(None, os.environ.get(QUERIES_ENV, "").split(os.pathsep))]
            )

    return click.option(
        "--queries",
        "queries_dirs",
        multiple=True,
        type=click.Path(exists=True, file_okay=False, path_type=Path),
        metavar="DIR",
        expose_value=False,
        is_eager=True,
        callback=use,
        help="Also take named queries from DIR/*.rq (repeatable; or set G60GRAPH_QUERIES)."
        " A query there may replace a packaged one of the same name.",
    )(func)


def lang_option(func: F) -> F:
    return click.option(
        "--lang",
        type=click.Choice(["en", "zh"]),
        default="en",
        show_default=True,
        help="Language of the labels shown.",
    )(func)


def output_options(default: str) -> Callable[[F], F]:
    """-o (``default`` when not given), --png and --svg: what a visual command writes,
    read by ``output_target``."""
    options = [
        click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                     default=Path(default), show_default=True,
                     help="The file to write (atomically): HTML, or PNG/SVG by its name or as"
                     " --png/--svg says (a flag that contradicts the name is refused)."),
        click.option("--png", "image", flag_value="png",
                     help="Write a PNG image (page.html becomes page.png); " + CHROMIUM_HELP),
        click.option("--svg", "image", flag_value="svg",
                     help="Write an SVG image (page.html becomes page.svg); as --png, needs"
                     " Chromium."),
    ]

    def decorate(func: F) -> F:
        for option in reversed(options):
            func = option(func)
        return func

    return decorate


def output_target(output: Path, image: str | None) -> tuple[Path, str]:
    """The file a visual command writes and its format: --png/--svg, else the name's
    suffix (.png, .svg), else HTML. A page name turns into the image's (page.html
    becomes page.png); a flag that contradicts the name is refused, so a file never
    holds what its name does not say."""
    suffix = output.suffix.lower().lstrip(".")
    named = suffix if suffix in ("png", "svg") else None
    if image is not None and named is not None and image != named:
        raise InputError(f"-o {output}: the name says .{named} but --{image} asks for"
                         f" {image.upper()}; change one")
    fmt = image or named or "html"
    if fmt != "html" and suffix == "html":
        return output.with_suffix("." + fmt), fmt
    return output, fmt


def write_page(page: str, target: Path, fmt: str) -> None:
    """The page, or its image (``fmt`` from ``output_target``), written atomically."""
    from g60graph._fileio import write_atomic

    if fmt == "html":
        write_atomic(target, page)
        return
    from g60graph.render._export import export_image

    write_atomic(target, export_image(page, fmt))


def _open(
    data: Sequence[str],
    store: str,
    infer: str | None,
    infer_timeout: float,
    endpoint: str | None = None,
) -> KnowledgeGraph:
    from g60graph._knowledge_graph import KnowledgeGraph

    return KnowledgeGraph.load(
        data, store=store, infer=infer, infer_timeout=infer_timeout, endpoint=endpoint
    )


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


def show_progress(quiet: bool = False) -> bool:
    """Progress bars only on a terminal: in a log every redraw would be a line.
    Without them each command still ends with its one summary line."""
    return not quiet and sys.stderr.isatty()


def _width() -> int:
    import shutil

    chosen = click.get_current_context(silent=True)
    if chosen is not None and "g60graph.width" in chosen.meta:
        return int(chosen.meta["g60graph.width"])
    return shutil.get_terminal_size((120, 24)).columns
