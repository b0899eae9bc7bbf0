"""Commands for charts and timelines: chart, timeline (one offline HTML file, or PNG/SVG)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

import click

from g60graph.cli._options import (
    _choose_query,
    _open,
    _parse_params,
    graph_options,
    lang_option,
    output_options,
    output_target,
)

__all__ = [
    "COMMANDS",
    "chart_command",
    "timeline_command",
]

FONTS_HELP = "Chinese labels (--lang zh) need a CJK font, e.g. Debian's fonts-noto-cjk."


_TITLE = click.option("--title", help="The title drawn (default: the figure's or query's).")


def _write(view: Any, target: tuple[Path, str]) -> None:
    view.save(*target)
    click.echo(f"wrote {target[0]} ({view.title})", err=True)


@click.command("chart", epilog=FONTS_HELP)
@click.argument("query", required=False, default="series")
@click.option("--sparql", metavar="TEXT", help="Chart this SPARQL text instead of a named query.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter, e.g. -p measure=gdp -p area=Hangzhou.")
@click.option("--kind", type=click.Choice(["line", "bar"]),
              help="Line or bar (default: the query's view, LineChart or BarChart).")
@output_options("g60graph-chart.html")
@_TITLE
@graph_options
@lang_option
def chart_command(
    query: str, sparql: str | None, params: tuple[str, ...], kind: str | None,
    output: Path, image: str | None, title: str | None, lang: str, **load: Any,
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

    target = output_target(output, image)  # a contradiction fails first
    chosen = _choose_query(None if sparql else query, sparql)
    kg = _open(**load)
    view = chart_view(kg, chosen, _parse_params(params), kind=kind, lang=lang, title=title)
    _write(view, target)
    return 0


@click.command("timeline", epilog=FONTS_HELP)
@click.argument("query", required=False, default="timeline")
@click.option("--sparql", metavar="TEXT", help="Draw this SPARQL text instead of a named query.")
@click.option("--param", "-p", "params", multiple=True, metavar="KEY=VALUE",
              help="Bind a query parameter. Repeatable.")
@output_options("g60graph-timeline.html")
@_TITLE
@graph_options
@lang_option
def timeline_command(
    query: str, sparql: str | None, params: tuple[str, ...], output: Path,
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

    target = output_target(output, image)  # a contradiction fails first
    chosen = _choose_query(None if sparql else query, sparql)
    kg = _open(**load)
    view = timeline_view(kg, chosen, _parse_params(params), lang=lang, title=title)
    _write(view, target)
    return 0


COMMANDS = [chart_command, timeline_command]
