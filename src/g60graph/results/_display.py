"""Results as notebook output: a labelled HTML table, or a small diagram of a graph.

Plain HTML and inline SVG, no script: it shows the same in Jupyter, VS Code, a
trusted or untrusted notebook and a rendered .ipynb on the web. Every value is
escaped.
"""

from __future__ import annotations

import html
import math
from collections.abc import Callable
from typing import TYPE_CHECKING

from rdflib import Literal, URIRef
from rdflib.namespace import RDF, RDFS
from rdflib.term import Identifier

from g60graph._namespaces import shorten

if TYPE_CHECKING:
    import rdflib

    from g60graph.results._model import QueryResult

__all__ = [
    "UI",
    "graph_svg",
    "result_html",
]

Labeller = Callable[[Identifier, str], str]

UI = {
    "en": {"rows": "rows", "row": "row", "shown": "first {n} shown",
           "truncated": "cut at the query limit: more rows exist",
           "triples": "triples", "yes": "yes", "no": "no", "of": "of"},
    "zh": {"rows": "行", "row": "行", "shown": "显示前 {n} 行",
           "truncated": "已达到查询上限：还有更多行", "triples": "个三元组",
           "yes": "是", "no": "否", "of": "共"},
}
_STYLE = (
    "<style>.g60-result{font:13px system-ui,'Noto Sans CJK SC',sans-serif}"
    ".g60-result table{border-collapse:collapse}"
    ".g60-result th,.g60-result td{border-bottom:1px solid #ddd;padding:2px 8px;text-align:left;"
    "vertical-align:top;max-width:420px;overflow-wrap:anywhere}"
    ".g60-result .g60-note{color:#555;margin:4px 0}</style>"
)


def _cell(term: Identifier | None, label: Labeller | None, lang: str) -> str:
    if term is None:
        return "<td></td>"
    if isinstance(term, URIRef):
        text = label(term, lang) if label else shorten(str(term))
        return f'<td title="{html.escape(str(term))}">{html.escape(text)}</td>'
    return f"<td>{html.escape(str(term))}</td>"


def result_html(
    result: QueryResult, label: Labeller | None = None, lang: str = "en", max_rows: int = 50
) -> str:
    """A table with labels (the IRI on hover), the row count and any truncation."""
    ui = UI.get(lang, UI["en"])
    if result.form == "ASK":
        return f'<div class="g60-result">{ui["yes"] if result.boolean else ui["no"]}</div>'
    if result.graph is not None:
        count = f"{len(result.graph)} {ui['triples']}"
        return (f'{_STYLE}<div class="g60-result"><p class="g60-note">{count}</p>'
                f"{graph_svg(result.graph, label, lang)}</div>")
    head = "".join(f"<th>{html.escape(v)}</th>" for v in result.vars)
    body = "".join(
        "<tr>" + "".join(_cell(t, label, lang) for t in row) + "</tr>"
        for row in result.rows[:max_rows]
    )
    n = len(result.rows)
    notes = [f"{n} {ui['row'] if n == 1 else ui['rows']}"]
    if n > max_rows:
        notes.append(ui["shown"].format(n=max_rows))
    if result.truncated:
        notes.append(ui["truncated"])
    note = f'<p class="g60-note">{html.escape(" · ".join(notes))}</p>'
    return (f'{_STYLE}<div class="g60-result">{note}'
            f"<table><thead><tr>{head}</tr></thead><tbody>{body}</tbody></table></div>")


def graph_svg(
    graph: rdflib.Graph, label: Labeller | None = None, lang: str = "en", limit: int = 40
) -> str:
    """A small static diagram: resources as dots, links as lines, a seeded layout
    (the same picture every time)."""
    import networkx as nx

    from g60graph.render._palette import style_for

    g = nx.Graph()
    for s, p, o in graph:
        if isinstance(s, URIRef) and isinstance(o, URIRef) and p not in (RDF.type,):
            g.add_edge(str(s), str(o))
    if not g.number_of_nodes():
        return ""
    keep = sorted(g.nodes, key=lambda n: (-g.degree(n), n))[:limit]
    g = g.subgraph(keep)
    positions = nx.spring_layout(g, seed=60, k=1.6 / math.sqrt(max(len(g), 1)))
    width, height, pad = 760, 420, 70
    xs = [p[0] for p in positions.values()] or [0.0]
    ys = [p[1] for p in positions.values()] or [0.0]

    def at(node: str) -> tuple[float, float]:
        x, y = positions[node]
        span_x, span_y = (max(xs) - min(xs)) or 1.0, (max(ys) - min(ys)) or 1.0
        return (pad + (x - min(xs)) / span_x * (width - 2 * pad),
                30 + (y - min(ys)) / span_y * (height - 60))

    def name(node: str) -> str:
        found = sorted((o for o in graph.objects(URIRef(node), RDFS.label)
                        if isinstance(o, Literal)), key=str)  # the first of several names
        for lab in found:
            if lab.language == lang:
                return str(lab)
        if label is not None:
            return label(URIRef(node), lang)
        return str(found[0]) if found else shorten(node)

    parts = [f'<svg viewBox="0 0 {width} {height}" width="{width}" height="{height}" '
             'xmlns="http://www.w3.org/2000/svg" role="img" '
             "style=\"font:11px system-ui,'Noto Sans CJK SC',sans-serif\">"]
    for u, v in g.edges:
        (x1, y1), (x2, y2) = at(u), at(v)
        parts.append(f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}" '
                     'stroke="#a0aec0"/>')
    for node in g.nodes:
        x, y = at(node)
        cls = next((str(o) for o in graph.objects(URIRef(node), RDF.type)), "")
        colour = style_for(cls).colour
        text = name(node)
        text = text if len(text) <= 24 else text[:23] + "…"
        parts.append(
            f'<g><title>{html.escape(node)}</title><circle cx="{x:.0f}" cy="{y:.0f}" r="5" '
            f'fill="{colour}" stroke="#1a202c"/><text x="{x + 7:.0f}" y="{y + 4:.0f}">'
            f"{html.escape(text)}</text></g>"
        )
    parts.append("</svg>")
    return "".join(parts)
