"""Commands for charts and timelines: chart, timeline (one offline HTML file, or PNG/SVG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from g60graph.cli import F, _choose_query, _open, _parse_params, cli, graph_options, lang_option
from g60graph.render._export import CHROMIUM_HELP

__all__ = [
    "chart_command",
    "image_flags",
    "image_options",
    "timeline_command",
    "write_page",
]

FONTS_HELP = "Chinese labels (--lang zh) need a CJK font, e.g. Debian's fonts-noto-cjk."


def image_flags(func: F) -> F:
    """--png and --svg, for commands that already have -o."""
    for option in reversed([
        click.option("--png", "image", flag_value="png",
                     help="Write a PNG image instead; " + CHROMIUM_HELP),
        click.option("--svg", "image", flag_value="svg",
                     help="Write an SVG image instead; " + CHROMIUM_HELP),
    ]):
        func = option(func)
    return func


def write_page(page: str, output: Path, image: str | None) -> Path:
    """The page, or its image (page.html becomes page.png), written atomically."""
    from g60graph._fileio import write_atomic

    if image is None:
        write_atomic(output, page)
        return output
    from g60graph.render._export import export_image

    target = output.with_suffix("." + image) if output.suffix == ".html" else output
    write_atomic(target, export_image(page, image))
    return target


def image_options(func: F) -> F:
    """-o, --png and --svg: what the visual commands write."""
    options = [
        click.option("--output", "-o", type=click.Path(dir_okay=False, path_type=Path),
                     help="The file to write (atomically); .html, .png or .svg by its name "
                     "unless --png/--svg says."),
        click.option("--png", "image", flag_value="png",
                     help="Write a PNG image; " + CHROMIUM_HELP),
        click.option("--svg", "image", flag_value="svg",
                     help="Write an SVG image; " + CHROMIUM_HELP),
        click.option("--title", help="The title drawn (default: the figure's or query's)."),
    ]
    for option in reversed(options):
        func = option(func)
    return func


def _write(view: Any, output: Path | None, image: str | None, default: str) -> None:
    suffix = output.suffix.lstrip(".").lower() if output is not None else ""
    fmt = image or (suffix if suffix in ("png", "svg") else "html")
    target = output or Path(f"{default}.{fmt}")
    view.save(target, fmt)
    click.echo(f"wrote {target} ({view.title})", err=True)


@cli.command("chart", epilog=FONTS_HELP)
@click.argument("query", required=False, default="series")
@click.option("--sparql", metavar="TEXT", help="Chart this SPARQL text instead of a named query.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter, e.g. -p measure=gdp -p area=Hangzhou.")
@click.option("--kind", type=click.Choice(["line", "bar"]),
              help="Line or bar (default: the query's view, LineChart or BarChart).")
@image_options
@graph_options
@lang_option
def chart_command(
    query: str, sparql: str | None, params: tuple[str, ...], kind: str | None,
    output: Path | None, image: str | None, title: str | None, lang: str, **load: Any,
) -> int:
    """Chart a figure: a line over time ('series', the default) or bars across cities
    ('compare-cities'), with the unit and sources on the chart. QUERY is a named
    query or a .rq file whose SELECT has a numeric column (?value) and a date
    (?date, line) or category column (bar); a further column groups the series.

    \b
    Examples:
      g60graph chart series -p measure=gdp -o gdp.html
      g60graph chart compare-cities -p measure=seconded-staff-count --kind bar -o staff.svg
    """
    from g60graph._views import chart_view

    chosen = _choose_query(None if sparql else query, sparql)
    kg = _open(**load)
    view = chart_view(kg, chosen, _parse_params(params), kind=kind, lang=lang, title=title)
    _write(view, output, image, "g60graph-chart")
    return 0


@cli.command("timeline", epilog=FONTS_HELP)
@click.argument("query", required=False, default="timeline")
@click.option("--sparql", metavar="TEXT", help="Draw this SPARQL text instead of a named query.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter. Repeatable.")
@image_options
@graph_options
@lang_option
def timeline_command(
    query: str, sparql: str | None, params: tuple[str, ...], output: Path | None,
    image: str | None, title: str | None, lang: str, **load: Any,
) -> int:
    """Draw the corridor's history on a time axis: conferences and what they produced,
    alliances founded, plans, line openings (the 'timeline' query), one lane per
    class, with the list of every item and its sources under it.

    \b
    Examples:
      g60graph timeline -o history.html
      g60graph timeline --lang zh -o history-zh.png
    """
    from g60graph._views import timeline_view

    chosen = _choose_query(None if sparql else query, sparql)
    kg = _open(**load)
    view = timeline_view(kg, chosen, _parse_params(params), lang=lang, title=title)
    _write(view, output, image, "g60graph-timeline")
    return 0
