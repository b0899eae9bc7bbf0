"""Notebook display of results and typed DataFrames."""

from __future__ import annotations

from pathlib import Path

import pandas as pd
import pytest
from rdflib import Literal, URIRef
from rdflib.namespace import XSD

from g60graph import KnowledgeGraph, QueryResult
from g60graph._errors import InputError
from views_fixture import series_data
from viz_helpers import IMG


def test_columns_are_typed() -> None:
    result = QueryResult(
        form="SELECT", vars=["day", "year", "month", "mixed", "n", "x", "iri"],
        rows=[
            (Literal("2021-01-05", datatype=XSD.date), Literal("2019", datatype=XSD.gYear),
             Literal("2020-03", datatype=XSD.gYearMonth), Literal("2018", datatype=XSD.gYear),
             Literal(3), Literal("1.5", datatype=XSD.decimal), URIRef("https://e.org/a")),
            (None, Literal("2020", datatype=XSD.gYear), None,
             Literal("2018-06-01", datatype=XSD.date), None, Literal(2), None),
        ],
    )
    frame = result.to_dataframe()
    assert str(frame["day"].dtype).startswith("datetime64")
    assert frame["year"].dtype == pd.PeriodDtype("Y")
    assert frame["year"][1] == pd.Period("2020", freq="Y")
    assert frame["month"].dtype == pd.PeriodDtype("M")
    assert list(frame["mixed"]) == [pd.Timestamp("2018-01-01"), pd.Timestamp("2018-06-01")]
    assert str(frame["n"].dtype) == "Int64" and frame["n"].isna()[1]
    assert str(frame["x"].dtype) == "Float64" and frame["x"][0] == 1.5
    assert frame["iri"][0] == "https://e.org/a"
    with pytest.raises(InputError, match="labels=True"):
        result.to_dataframe(labels=True)


def test_labels_replace_iris_and_keep_them(kg: KnowledgeGraph) -> None:
    frame = kg.query("cities").to_dataframe(labels=True, lang="zh")
    assert "杭州市" in set(frame["city"])
    assert "https://w3id.org/g60graph/id/hangzhou" in set(frame["city_iri"])


def test_result_html_is_labelled_escaped_and_counts(kg: KnowledgeGraph) -> None:
    page = kg.query("SELECT ?s WHERE { ?s a ?c }", limit=3)._repr_html_()
    assert page.count("<tr>") == 4 and "3 rows" in page and "more rows exist" in page
    zh = kg.query("cities").display(lang="zh")._repr_html_()
    assert "杭州市" in zh and 'title="https://w3id.org/g60graph/id/hangzhou"' in zh
    evil = QueryResult(form="SELECT", vars=["x"], rows=[(Literal(IMG),)])
    assert IMG not in evil._repr_html_() and "&lt;img" in evil._repr_html_()
    many = QueryResult(form="SELECT", vars=["x"], rows=[(Literal(i),) for i in range(60)])
    assert "first 50 shown" in many._repr_html_()


def test_graph_result_is_a_small_stable_diagram(kg: KnowledgeGraph) -> None:
    text = "CONSTRUCT { ?a ?p ?b } WHERE { ?a ?p ?b FILTER(isIRI(?b)) } LIMIT 60"
    first = kg.query(text)._repr_html_()
    assert "<svg" in first and "<circle" in first and "<script" not in first
    assert first == kg.query(text)._repr_html_()  # the same picture every time


def test_summary_and_repr(kg: KnowledgeGraph) -> None:
    summary = kg._repr_html_()
    stats = kg.stats()
    assert f"{stats['triples']} triples" in summary
    assert f"{stats['graphs']} named graphs" in summary and f"{stats['sources']} sources" in summary
    # the most numerous classes, each with its count, most numerous first
    top = list(stats["classes"].items())[:12]
    assert [count for _, count in top] == sorted((c for _, c in top), reverse=True)
    for name, count in top:
        assert f"<td>{name}</td><td>{count}</td>" in summary
    assert f"{len(stats['classes']) - 12} more classes" in summary
    assert repr(kg.query("cities")).startswith("<QueryResult SELECT: ")


@pytest.mark.parametrize("method", ["show", "map", "chart", "timeline"])
def test_each_view_displays_inline_and_saves(kg: KnowledgeGraph, tmp_path: Path,
                                             method: str) -> None:
    """kg.show/map/chart/timeline: a sandboxed, self-contained frame (its own CSP, every
    script inline, no server) that ``.save`` writes as the same page."""
    if method == "show":
        view = kg.show("diagram-overview", lang="zh")
    elif method == "map":
        view = kg.map(lang="zh")
    elif method == "chart":  # a series of its own, so the test holds whatever data/ has
        view = KnowledgeGraph.load([series_data(tmp_path)]).chart(
            "series", {"measure": "g60r:measure-test"}, lang="zh")
    else:
        view = kg.timeline(lang="zh")
    shown = view._repr_html_()
    assert shown.startswith("<iframe") and 'sandbox="allow-scripts allow-downloads"' in shown
    assert "default-src &#x27;none&#x27;" in shown and "&lt;script src" not in shown
    assert "http://" not in view.html.split("</head>")[0]  # nothing to fetch in the head
    saved = view.save(tmp_path / f"{method}.html")
    assert saved.read_text(encoding="utf-8") == view.html
    assert '<html lang="zh">' in view.html
