"""Worker jobs behind the query page's own endpoints: editor completion (the graph's
classes and properties, entities by label), spreadsheet downloads, the data of the views.

They run in the query workers (registered in ``_jobs.JOBS``), so the server's time limit
and memory cap apply; the queries they run are files in ``queries/page/``.
"""

from __future__ import annotations

from typing import Any

from rdflib.term import Identifier, URIRef

from g60graph import _resources as resources
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph.results._model import QueryResult
from g60graph.results._spreadsheet import labelled_table, to_csv, to_xlsx
from g60graph.sparql import _named as queries

__all__ = [
    "SPREADSHEET_TYPES",
    "entities",
    "spreadsheet",
    "view_data",
    "vocabulary",
]

SPREADSHEET_TYPES = {
    "csv": "text/csv; charset=utf-8",
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
}
_LABEL_WORD = {"en": "label", "zh": "名称"}


def _page_query(kg: KnowledgeGraph, name: str, params: dict[str, str] | None = None) -> Any:
    query = queries.get(name, resources.queries_dir() / "page")
    return kg.query(query, params or {})


def _text(term: Identifier | None) -> str:
    return "" if term is None else str(term)


def vocabulary(kg: KnowledgeGraph) -> dict[str, list[dict[str, str]]]:
    """Classes and properties with their English and Chinese labels."""
    out: dict[str, list[dict[str, str]]] = {"classes": [], "properties": []}
    for term, kind, en, zh in _page_query(kg, "vocabulary").rows:
        entry = {"iri": str(term), "en": _text(en), "zh": _text(zh)}
        out["classes" if str(kind) == "class" else "properties"].append(entry)
    return out


def entities(kg: KnowledgeGraph, text: str) -> list[dict[str, str]]:
    """Resources whose label contains ``text``: IRI, both labels, one class."""
    rows = _page_query(kg, "entities", {"text": text}).rows
    return [
        {"iri": str(iri), "en": _text(en), "zh": _text(zh), "class": _text(cls)}
        for iri, en, zh, cls, _length in rows
        if isinstance(iri, URIRef)
    ]


def spreadsheet(kg: KnowledgeGraph, result: QueryResult, fmt: str, lang: str) -> bytes:
    """A result as CSV or XLSX: labels in ``lang`` beside the IRIs, source URLs in
    place of source IRIs."""
    urls = {
        str(source): str(url)
        for source, url in _page_query(kg, "source-urls").rows
        if url is not None
    }
    table = labelled_table(
        result, lambda term: kg.label(term, lang), urls, _LABEL_WORD.get(lang, "label")
    )
    return to_csv(table) if fmt == "csv" else to_xlsx(table)


def view_data(
    kg: KnowledgeGraph, result: QueryResult, kind: str, lang: str, tags: tuple[str, ...] = ()
) -> dict[str, Any]:
    """The data of the renderer the CLI's files use for this view: chart ("line",
    "bar") or timeline data for static/views.js; for "network" and "map", ``{data,
    options}`` for static/network.js and static/map.js. ``tags`` are the named query's
    (``hierarchical`` lays a network out in levels, as ``g60graph viz`` does)."""
    from g60graph.network import _graph as network
    from g60graph.render import _chart, _map, _map_query, _network_page, _timeline

    def label(term: Identifier) -> str:
        return kg.label(term, lang)

    if kind == "network":
        union = kg.union_graph()  # one copy for the drawing and its labels and facts
        graph = network.graph_for_query(union, result, lang)
        context = network.Context.of(kg, lang, union)
        return {
            "data": _network_page.network_data(graph, context=context),
            "options": _network_page.network_options(
                hierarchical="UD" if "hierarchical" in tags else False, lang=lang
            ),
        }
    if kind == "map":
        return {"data": _map_query.query_map_data(kg, result, lang),
                "options": _map.map_options(lang)}
    if kind == "timeline":
        return _timeline.timeline_data(result, label, lang=lang)
    return _chart.chart_data(result, label, kind=kind, lang=lang)
