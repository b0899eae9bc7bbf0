"""Diagrams as objects: a self-contained page that shows inline in a notebook and saves.

``KnowledgeGraph.show``, ``.map``, ``.chart`` and ``.timeline`` return a ``View``;
the CLI's ``viz``/``map``/``chart``/``timeline`` write the same page. A ``View``
displays in Jupyter as an iframe whose document is the page itself (no CDN, no
server), and ``save`` writes HTML, or PNG/SVG through headless Chromium.
"""

from __future__ import annotations

import html
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path
from typing import TYPE_CHECKING

from rdflib import URIRef

from g60graph._errors import InputError

if TYPE_CHECKING:
    from g60graph._knowledge_graph import KnowledgeGraph
    from g60graph.sparql._named import Query

__all__ = [
    "View",
    "chart_view",
    "map_view",
    "network_view",
    "show_view",
    "summary_html",
    "timeline_view",
]

_CHART_VIEWS = {"line-chart": "line", "bar-chart": "bar"}


@dataclass(frozen=True)
class View:
    """One self-contained HTML page (a chart, timeline, network or map)."""

    html: str
    title: str
    kind: str
    height: int = 560
    inline: str = ""  # a script-free rendering shown as it is (tables)

    def _repr_html_(self) -> str:
        if self.inline:
            return self.inline
        # The page runs in a sandboxed frame of its own: its CSP and scripts stay
        # inside, and nothing in the notebook's page can be reached from it.
        return (
            f'<iframe title="{html.escape(self.title)}" sandbox="allow-scripts allow-downloads" '
            f'style="width:100%;height:{self.height}px;border:1px solid #ddd" '
            f'srcdoc="{html.escape(self.html, quote=True)}"></iframe>'
        )

    def image(self, fmt: str) -> bytes:
        """The drawing as PNG or SVG (needs headless Chromium, see render._export)."""
        from g60graph.render._export import export_image

        return export_image(self.html, fmt)

    def save(self, path: str | Path, fmt: str | None = None) -> Path:
        """Write the page (.html), or its image (.png, .svg), atomically."""
        from g60graph._fileio import write_atomic

        target = Path(path)
        kind = fmt or (target.suffix.lstrip(".").lower() or "html")
        if kind in ("html", "htm"):
            write_atomic(target, self.html)
        elif kind in ("png", "svg"):
            write_atomic(target, self.image(kind))
        else:
            raise InputError(f"{target}: save as .html, .png or .svg, not {kind!r}")
        return target


def _query(query: Query | str, default: str) -> Query:
    from g60graph.sparql._named import Query, get

    if isinstance(query, Query):
        return query
    text = query or default
    return get(text) if text.replace("-", "").replace("_", "").isalnum() else Query.from_text(text)


def _heading(kg: KnowledgeGraph, chosen: Query, params: Mapping[str, object], lang: str) -> str:
    """A figure's own name for a chart of one measure (and area), else the query's title."""
    parts = []
    for key in ("measure", "area"):
        value = params.get(key)
        if value:
            term = kg.resolve(str(value)) if key == "area" else URIRef(_iri(str(value)))
            parts.append(kg.label(term, lang))
    return " · ".join(parts) or chosen.title_in(lang)


def _iri(text: str) -> str:
    from g60graph._namespaces import expand

    return expand(text) or text


def chart_view(
    kg: KnowledgeGraph,
    query: Query | str = "series",
    params: Mapping[str, object] | None = None,
    *,
    kind: str | None = None,
    lang: str = "en",
    title: str | None = None,
) -> View:
    """A line or bar chart of a query's numeric column (kind: as the header's view says)."""
    from g60graph.render import _chart

    chosen = _query(query, "series")
    given = dict(params or {})
    result = kg.query(chosen, given)
    shape = kind or _CHART_VIEWS.get(chosen.view, "line")
    heading = title or _heading(kg, chosen, given, lang)
    data = _chart.chart_data(
        result, lambda t: kg.label(t, lang), kind=shape, lang=lang, title=heading,
        subtitle=chosen.title_in(lang) if heading != chosen.title_in(lang) else "",
    )
    return View(_chart.view_page(data, title=heading, lang=lang), heading, shape, 640)


def timeline_view(
    kg: KnowledgeGraph,
    query: Query | str = "timeline",
    params: Mapping[str, object] | None = None,
    *,
    lang: str = "en",
    title: str | None = None,
) -> View:
    """Dated items of a query (the corridor's history by default) on a time axis."""
    from g60graph.render import _chart, _timeline

    chosen = _query(query, "timeline")
    result = kg.query(chosen, dict(params or {}))
    heading = title or chosen.title_in(lang)
    data = _timeline.timeline_data(result, lambda t: kg.label(t, lang), lang=lang, title=heading)
    height = max(420, len(data["lanes"]) * 52 + 220) + 260
    return View(_chart.view_page(data, title=heading, lang=lang), heading, "timeline", height)


def network_view(
    kg: KnowledgeGraph,
    query: Query | str | None = None,
    params: Mapping[str, object] | None = None,
    *,
    lang: str = "en",
    title: str | None = None,
    focus: str | None = None,
    depth: int = 1,
) -> View:
    """The network of a CONSTRUCT or graph SELECT (the overview diagram by default)."""
    from g60graph.network import _graph as network
    from g60graph.render import _network_page as viz

    chosen = _query(query or "diagram-overview", "diagram-overview")
    union = kg.union_graph()  # one copy of the dataset for selecting, labels and facts
    graph = network.select(kg, query=chosen, params={k: str(v) for k, v in (params or {}).items()},
                           focus=focus, depth=depth, lang=lang, union=union)
    heading = title or chosen.title_in(lang)
    page = viz.render_graph(
        graph, title=heading, lang=lang,
        subtitle=f"{graph.number_of_nodes()} nodes, {graph.number_of_edges()} edges",
        hierarchical="UD" if "hierarchical" in chosen.tags else False,
        context=network.Context.of(kg, lang, union),
    )
    return View(page, heading, "network", 640)


def show_view(
    kg: KnowledgeGraph,
    query: Query | str,
    params: Mapping[str, object] | None = None,
    *,
    lang: str = "en",
    max_rows: int = 50,
) -> View:
    """The view a query's header asks for: table, graph, map, chart or timeline."""
    chosen = _query(query, "")
    if chosen.view == "graph" or chosen.form in ("CONSTRUCT", "DESCRIBE"):
        return network_view(kg, chosen, params, lang=lang)
    if chosen.view in _CHART_VIEWS:
        return chart_view(kg, chosen, params, lang=lang)
    if chosen.view == "timeline":
        return timeline_view(kg, chosen, params, lang=lang)
    if chosen.view == "map" and not params:
        return map_view(kg, lang=lang)
    return kg.query(chosen, dict(params or {})).display(lang=lang, max_rows=max_rows)


def summary_html(kg: KnowledgeGraph, top: int = 12) -> str:
    """The notebook view of a KnowledgeGraph: triples, graphs, sources, classes."""
    stats = kg.stats()
    classes = "".join(
        f"<tr><td>{html.escape(name)}</td><td>{count}</td></tr>"
        for name, count in list(stats["classes"].items())[:top]
    )
    more = len(stats["classes"]) - top
    rest = f"<tr><td>… {more} more classes</td><td></td></tr>" if more > 0 else ""
    langs = ", ".join(f"{html.escape(k or '—')}: {v}" for k, v in stats["label_languages"].items())
    return (
        '<div class="g60-summary" style="font:13px system-ui,sans-serif">'
        "<strong>g60graph KnowledgeGraph</strong>"
        f"<p>{stats['triples']} triples · {stats['graphs']} named graphs · "
        f"{stats['sources']} sources · labels by language: {langs}</p>"
        f"<table><thead><tr><th>class</th><th>entities</th></tr></thead>"
        f"<tbody>{classes}{rest}</tbody></table></div>"
    )


def map_view(kg: KnowledgeGraph, *, lang: str = "en") -> View:
    """The corridor map (offline)."""
    from g60graph.render import _map as geomap

    data = geomap.map_data(kg, lang)
    page = geomap.render_map(data, lang=lang)
    return View(page, "G60 corridor map", "map", 640)
