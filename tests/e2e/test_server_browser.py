"""The query page and a resource page in headless Chromium, against a real server.

Every page is offline but for that server (other requests are aborted and must not
happen), and logs no console error. One server holds the packaged graph plus one
resource with hostile labels, which stay text in every view.
"""

from __future__ import annotations

import ast
import csv
import io
import json
import re
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
from openpyxl import load_workbook
from rdflib import URIRef

from browser import Watched, watched_page
from g60graph import KnowledgeGraph
from g60graph._namespaces import PREFIXES
from g60graph.render._timeline import timeline_data
from g60graph.server._app import STATIC
from g60graph.sparql._named import catalogue
from server_harness import Server, running_server

EVIL_EN = '<img src=x onerror="window.__pwned=1">'
EVIL_ZH = "<script>window.__pwned=2</script>"
EVIL_EN_TURTLE = EVIL_EN.replace('"', '\\"')
HOSTILE = f"""@prefix g60r: <{PREFIXES["g60r"]}> .
@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .
@prefix geo: <http://www.opengis.net/ont/geosparql#> .
g60r:evil-town rdfs:label "{EVIL_EN_TURTLE}"@en , "{EVIL_ZH}"@zh ;
    <http://example.org/near> g60r:zhejiang ;
    <http://example.org/when> "2020-05-01"^^<http://www.w3.org/2001/XMLSchema#date> ;
    <http://example.org/size> 42 ;
    geo:hasGeometry [ geo:asWKT "POINT(120.1 30.2)"^^geo:wktLiteral ] .
"""
EVIL_QUERY = """SELECT ?town ?near ?label ?wkt ?date ?value WHERE {
  ?town rdfs:label ?label ; <http://example.org/near> ?near ; geo:hasGeometry/geo:asWKT ?wkt ;
        <http://example.org/when> ?date ; <http://example.org/size> ?value .
  FILTER(?town = g60r:evil-town)
}"""
MINE = """#+ title: My provinces
#+ theme: places
#+ description: A query from a folder of the server's own (serve --queries DIR).
SELECT ?province WHERE { ?province a g60:Province }
"""
LABELS = "SELECT ?thing ?label WHERE { ?thing rdfs:label ?label FILTER(LANG(?label) = 'en') }"


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    tmp = tmp_path_factory.mktemp("browser")
    (tmp / "hostile.ttl").write_text(HOSTILE, encoding="utf-8")
    (tmp / "mine").mkdir()
    (tmp / "mine" / "my-provinces.rq").write_text(MINE, encoding="utf-8")
    with running_server(
        tmp, "--data", str(tmp / "hostile.ttl"), env={"G60GRAPH_QUERIES": str(tmp / "mine")}
    ) as running:
        yield running


def _open(browser: Any, server: Server, path: str = "/", **options: Any) -> Watched:
    watched = watched_page(browser, only_host=server.url, **options)
    watched.page.goto(f"{server.url}{path}")
    watched.page.wait_for_selector("body[data-ready=yes]")
    return watched


def _clean(watched: Watched, server: Server, allowed_errors: int = 0) -> None:
    outside = [r for r in watched.requests if not r.startswith((server.url, "data:"))]
    assert outside == []
    assert len(watched.errors) == allowed_errors, watched.errors


def _type_query(page: Any, text: str) -> None:
    page.fill("#editor .cm-content", text)


def _rows(page: Any) -> int:
    return int(page.locator("#view-table table.results tbody tr").count())


def _completion_ready(page: Any, label: str) -> None:
    """Wait until Enter takes the completion ``label``: the list is open with it selected,
    no completion source is still being asked (until its answer comes, CodeMirror shows
    the previous list, disabled, and Enter inserts a newline), and the list has been open
    for CodeMirror's interaction delay (a younger list ignores Enter too)."""
    page.wait_for_function(
        """label => G60Page.completionReady() && (document.querySelector(
             '.cm-tooltip-autocomplete li[aria-selected=true] .cm-completionLabel') || {})
             .textContent === label""",
        arg=label,
    )


def test_a_gallery_click_runs_and_shows_rows(
    browser: Any, server: Server, kg: KnowledgeGraph
) -> None:
    watched = _open(browser, server)
    page = watched.page
    page.click("#gallery-list button[data-name=provinces]")  # no Run click: the card runs
    page.wait_for_selector("#view-table table.results tbody tr")
    expected = kg.query("provinces")
    assert _rows(page) == len(expected.rows)
    assert page.locator("#view-table th button.sort").all_text_contents() == expected.vars
    assert f"{len(expected.rows)} rows in" in (page.text_content("#status") or "")
    assert "#name=provinces" in page.url
    formats = page.locator("#downloads a").evaluate_all("els => els.map(e => e.dataset.format)")
    assert formats == ["json", "xml", "csv", "tsv", "sheet-csv", "sheet-xlsx"]
    media = {"json": "application/sparql-results+json", "xml": "application/sparql-results+xml",
             "csv": "text/csv", "tsv": "text/tab-separated-values"}
    for fmt, type_ in media.items():  # each W3C link answers in its format
        href = page.get_attribute(f"#downloads a[data-format={fmt}]", "href") or ""
        answer = httpx.get(server.url + href, timeout=30)
        assert answer.status_code == 200 and answer.headers["content-type"].startswith(type_)
    # the results start under the editor, above the fold of a laptop screen
    assert page.locator("#view-table").bounding_box()["y"] < 900
    _clean(watched, server)


def test_gallery_is_grouped_by_theme_and_searchable(
    browser: Any, server: Server, kg: KnowledgeGraph
) -> None:
    watched = _open(browser, server)
    page = watched.page
    themes = page.locator("#gallery-list details.theme").evaluate_all(
        "els => els.map(e => e.dataset.theme)"
    )
    assert themes == [
        "user", "places", "organisations", "events", "figures", "diagrams", "data-quality"
    ]
    page.click("#gallery-list details[data-theme=user] button[data-name=my-provinces]")
    page.wait_for_selector("#view-table table.results tbody tr")
    assert _rows(page) == len(kg.query("SELECT ?p WHERE { ?p a g60:Province }").rows) > 0
    page.fill("#gallery-search", "alliance")
    names = page.locator("#gallery-list button").evaluate_all("els => els.map(e => e.dataset.name)")
    assert "alliances" in names and "cities" not in names
    page.fill("#gallery-search", "no such words here")
    assert page.locator("#gallery-list button").count() == 0
    assert page.is_visible("#gallery-empty")
    _clean(watched, server)


def test_completion_offers_the_graphs_classes_and_entities(browser: Any, server: Server) -> None:
    watched = _open(browser, server)
    page = watched.page
    _type_query(page, "SELECT ?x WHERE {\n  ?x ")
    page.keyboard.type("a g60:Ind")
    _completion_ready(page, "g60:IndustrialAlliance")
    options = page.locator(".cm-tooltip-autocomplete li .cm-completionLabel").all_text_contents()
    assert options[0] == "g60:IndustrialAlliance"
    details = page.locator(".cm-tooltip-autocomplete li .cm-completionDetail").all_text_contents()
    assert details[0] == "Industrial alliance"  # the class's English label
    page.keyboard.press("Enter")
    assert "?x a g60:IndustrialAlliance" in page.evaluate("G60Page.text()")
    # entities by label, under g60r:
    page.keyboard.type(" .\n  ?x g60:memberCity g60r:hangz")
    page.wait_for_selector(".cm-tooltip-autocomplete li:has-text('g60r:hangzhou')")
    assert "g60r:hangzhou" in page.locator(
        ".cm-tooltip-autocomplete li .cm-completionLabel"
    ).all_text_contents()
    page.keyboard.press("Escape")
    # a prefix from the list of predeclared prefixes adds its PREFIX line
    page.click("#prefixes summary")
    page.click("#prefix-list button[data-prefix=skos]")
    assert page.evaluate("G60Page.text()").startswith(
        "PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\n"
    )
    _clean(watched, server)


def _colour(page: Any, text: str) -> str:
    """The colour the editor draws ``text`` in (the first token that is exactly it)."""
    return str(page.locator("#editor .cm-line span", has_text=text).first.evaluate(
        "e => getComputedStyle(e).color"
    ))


def test_editor_highlights_matches_brackets_and_completes_keywords_and_prefixes(
    browser: Any, server: Server
) -> None:
    watched = _open(browser, server)
    page = watched.page
    _type_query(page, "SELECT ?x WHERE { ?x a g60:City }")
    # highlighting: a keyword, a variable and a prefixed name each in a colour of its own
    colours = {_colour(page, "SELECT"), _colour(page, "?x"), _colour(page, "g60:City")}
    assert len(colours) == 3 and _colour(page, "WHERE") == _colour(page, "SELECT")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+End")  # just after the closing brace: both braces marked
    assert page.locator("#editor .cm-matchingBracket").all_text_contents() == ["{", "}"]
    # a keyword: the list holds what starts with the text typed, ahead of any entity
    # (the space before the newline: a list still open for "x" is then disabled, so the
    # Enter makes a new line whatever the load)
    page.keyboard.type("\nORDER BY ?x \nLIMI")
    _completion_ready(page, "LIMIT")
    page.keyboard.press("Enter")
    assert page.evaluate("G60Page.text()").endswith("ORDER BY ?x \nLIMIT")
    # a prefix, with the PREFIX line added above the query
    page.keyboard.type(" 5\n# sko")
    _completion_ready(page, "skos:")
    page.keyboard.press("Enter")
    text = page.evaluate("G60Page.text()")
    assert text.startswith("PREFIX skos: <http://www.w3.org/2004/02/skos/core#>\nSELECT ?x")
    assert text.endswith("# skos:")
    # the classes' labels in the page's language
    page.click("#lang")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+End")
    page.keyboard.type("\n?y a g60:IndustrialAll")
    _completion_ready(page, "g60:IndustrialAlliance")
    detail = page.locator(
        ".cm-tooltip-autocomplete li[aria-selected=true] .cm-completionDetail"
    ).text_content()
    assert detail == "产业联盟"
    _clean(watched, server)


def test_errors_show_at_their_line_and_column_and_ctrl_enter_runs(
    browser: Any, server: Server
) -> None:
    watched = _open(browser, server)
    page = watched.page
    _type_query(page, "SELECT *\nWHERE { ?s ?p }")
    page.click("#editor .cm-content")
    page.keyboard.press("Control+Enter")
    page.wait_for_selector("#error:not([hidden])")
    message = page.text_content("#error") or ""
    assert message.startswith("Line 2, column 15: a triple pattern needs an object after ?p")
    page.wait_for_selector("#editor .cm-lint-marker-error")  # in the gutter of line 2
    marker = page.locator("#editor .cm-lint-marker-error").bounding_box()
    line = page.locator("#editor .cm-line").nth(1).bounding_box()
    assert abs(marker["y"] + marker["height"] / 2 - (line["y"] + line["height"] / 2)) < 6
    assert page.locator("#editor .cm-lintPoint-error, #editor .cm-lintRange-error").count() == 1
    _type_query(page, "SELECT ?s WHERE { ?s a g60:Province }")
    page.click("#run")
    page.wait_for_selector("#view-table table.results tbody tr")
    assert page.is_hidden("#error")
    _clean(watched, server, allowed_errors=1)  # the browser logs the 400 answer itself
    assert "400" in watched.errors[0]


def test_table_sorts_filters_and_pages(browser: Any, server: Server) -> None:
    watched = _open(browser, server)
    page = watched.page
    _type_query(page, LABELS)
    page.click("#run")
    page.wait_for_selector("#view-table table.results tbody tr")
    total = int((page.text_content("#status") or "").split()[0])
    assert total > 100 and _rows(page) == 50
    pages = (total + 49) // 50
    assert page.text_content("#view-table .page-info") == f"Page 1 of {pages}"
    page.click("#view-table button[data-page=next]")
    assert page.text_content("#view-table .page-info") == f"Page 2 of {pages}"
    page.click("#view-table button.sort[data-column='1']")
    assert page.get_attribute("#view-table th:nth-child(2)", "aria-sort") == "ascending"
    assert page.text_content("#view-table .page-info") == f"Page 1 of {pages}"
    labels = page.locator("#view-table tbody tr td:nth-child(2)").all_text_contents()
    assert labels == sorted(labels, key=str.lower)
    page.click("#view-table button.sort[data-column='1']")
    descending = page.locator("#view-table tbody tr td:nth-child(2)").all_text_contents()
    assert descending == sorted(descending, key=str.lower, reverse=True)
    page.fill("#table-filter", "hangzhou")
    # the filter matches what a cell shows or, for an IRI, the IRI (on hover)
    shown = page.eval_on_selector_all(
        "#view-table tbody tr",
        "rows => rows.map(r => r.textContent + ' ' + Array.from(r.querySelectorAll('a'))"
        ".map(a => a.title).join(' '))")
    assert 0 < len(shown) <= 50 and all("hangzhou" in row.lower() for row in shown)
    filtered = page.text_content("#view-table .page-info") or ""
    assert filtered.startswith("Page 1 of ") and int(filtered.split()[-1]) < pages
    # IRIs show labels, with the IRI on hover and a link to the resource page
    link = page.locator("#view-table tbody tr td:first-child a").first
    assert (link.get_attribute("title") or "").startswith("https://w3id.org/g60graph/")
    assert (link.get_attribute("href") or "").startswith("/")
    _clean(watched, server)


def _file_data(html: str) -> Any:
    """The data a page written by the CLI draws (its <script id="g60-data">)."""
    start = html.index('<script type="application/json" id="g60-data">')
    body = html[html.index(">", start) + 1 : html.index("</script>", start)]
    return json.loads(body)


def _legend(page: Any, scope: str) -> list[tuple[str, str]]:
    """(text, swatch colour as #rrggbb) of each legend entry in ``scope``."""
    return [
        (text, colour) for text, colour in page.locator(f"{scope} .g60-legend-item").evaluate_all(
            "els => els.map(e => [e.textContent, getComputedStyle(e.querySelector('.g60-swatch'))"
            ".backgroundColor])"
        )
        for colour in [_hex(colour)]
    ]


def _map_legend(page: Any, scope: str) -> list[tuple[str, str]]:
    """(text, colour) of each entry of the legend map.js draws in its SVG: a mark's
    fill, or its stroke where it has none (a line, a station's ring)."""
    return page.locator(f"{scope} .g60-map-legend .g60-legend-entry").evaluate_all(
        "els => els.map(e => { const mark = e.firstElementChild;"
        " return [Array.from(e.querySelectorAll('text')).map(t => t.textContent).join(' '),"
        " ['line', 'none'].includes(mark.getAttribute('fill') || 'line') ?"
        " mark.getAttribute('stroke') : mark.getAttribute('fill')]; })"
    )


def _hex(rgb: str) -> str:
    r, g, b = (int(v) for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3])
    return f"#{r:02x}{g:02x}{b:02x}"


def test_each_view_draws_and_the_header_picks_the_first(
    browser: Any, server: Server, kg: KnowledgeGraph
) -> None:
    watched = _open(browser, server)
    page = watched.page
    page.click("#gallery-list button[data-name=cities]")  # view: map
    page.wait_for_selector("#view-map .g60-map[data-state=stable]")
    cities = kg.query("cities")
    lat, lon = cities.vars.index("lat"), cities.vars.index("lon")
    located = {str(r[0]) for r in cities.rows if r[lat] is not None and r[lon] is not None}
    # drawn by map.js, the renderer of `g60graph map`: one feature per located city
    assert int(page.get_attribute("#view-map .g60-map", "data-places") or 0) == len(located) > 0
    drawn = page.locator("#view-map .g60-map g.g60-city").evaluate_all(
        "els => els.map(e => [e.dataset.id, e.querySelector('circle').getAttribute('fill')])"
    )
    corridor = {p["id"]: p for p in _file_data(kg.map().html)["places"]}  # the CLI's file
    assert {iri for iri, _ in drawn} == located
    assert all(fill == corridor[iri]["color"] for iri, fill in drawn)  # its palette
    file_legend = {e["label"]: e["color"] for e in _file_data(kg.map().html)["legend"]}
    shown = _map_legend(page, "#view-map")
    lines = {line["label"] for line in _file_data(kg.map().html)["lines"]}  # what is drawn
    assert lines and {"Zhejiang", "Anhui", *lines} <= {text for text, _ in shown}
    assert all(file_legend[text] == colour for text, colour in shown)
    # on the same Natural Earth basemap, with its scale bar and credit
    assert page.locator("#view-map .g60-basemap path").count() > 0
    assert page.locator("#view-map .g60-scalebar").count() == 1
    assert "Natural Earth" in (page.text_content("#view-map .g60-attribution") or "")
    assert page.locator("#view-map .g60-export button").count() == 2  # PNG and SVG
    assert page.locator("#view-map .g60-line").count() > 0  # the corridor's lines around them
    assert page.is_visible(".tabs button[data-view=table]")
    page.click(".tabs button[data-view=table]")
    assert _rows(page) == min(len(cities.rows), 50)
    page.click("#gallery-list button[data-name=neighbourhood]")  # view: graph
    page.wait_for_selector("#view-network .g60-net[data-state=stable]")
    written = _file_data(kg.show("neighbourhood").html)  # what `g60graph viz` writes
    nodes = page.get_attribute("#view-network .g60-net", "data-nodes")
    edges = page.get_attribute("#view-network .g60-net", "data-edges")
    assert int(nodes or 0) == len(written["nodes"]) > 3
    assert int(edges or 0) == len(written["edges"])
    # the legend of the file: one colour per class, technical classes left out
    expected = [(f"{e['label']} ({e['count']})", e["color"]) for e in written["legend"]
                if not e.get("hidden")]
    assert _legend(page, "#view-network") == expected and len(expected) > 3
    assert page.locator("#view-network .g60-export button").count() == 2
    page.click("#view-network .g60-export-svg")  # the export buttons work on the page too
    assert page.is_hidden(".tabs button[data-view=map]")  # no coordinates: not offered
    assert page.is_hidden(".tabs button[data-view=chart]")
    page.click("#gallery-list button[data-name=series]")  # view: line-chart
    page.wait_for_selector("#view-chart [data-state=stable]")
    assert int(page.get_attribute("#view-chart [data-points]", "data-points") or 0) > 0
    assert page.locator("#view-chart svg").count() > 0
    page.click("#gallery-list button[data-name=timeline]")  # view: timeline
    page.wait_for_selector("#view-timeline [data-state=stable]")
    points = page.get_attribute("#view-timeline [data-points]", "data-points")
    items = timeline_data(kg.query("timeline"), kg.label)["items"]
    assert int(points or 0) == len(items) > 10  # what `g60graph timeline` draws
    _clean(watched, server)


def test_a_typed_select_draws_its_rows_on_the_map_and_network(
    browser: Any, server: Server, kg: KnowledgeGraph
) -> None:
    """A query of one's own: its places on the map (lat/lon columns), its IRIs linked."""
    query = ("SELECT ?park ?city ?lat ?lon WHERE { ?park a g60:TechnologyTransferBase ;"
             " g60:directlyLocatedIn ?city . ?city geo:hasGeometry/geo:asWKT ?wkt ."
             ' BIND(xsd:decimal(STRBEFORE(STRAFTER(STR(?wkt), "POINT("), " ")) AS ?lon)'
             ' BIND(xsd:decimal(STRBEFORE(STRAFTER(STRAFTER(STR(?wkt), "POINT("), " "), ")"))'
             " AS ?lat) }")
    result = kg.query(query)
    assert result.rows
    watched = _open(browser, server)
    page = watched.page
    _type_query(page, query)
    page.click("#run")
    page.wait_for_selector("#view-table table.results tbody tr")
    page.click(".tabs button[data-view=map]")
    page.wait_for_selector("#view-map .g60-map[data-state=stable]")
    parks = {str(row[0]) for row in result.rows}
    assert int(page.get_attribute("#view-map .g60-map", "data-places") or 0) == len(parks)
    page.click(".tabs button[data-view=network]")
    page.wait_for_selector("#view-network .g60-net[data-state=stable]")
    ends = {str(t) for row in result.rows for t in row[:2]}
    assert int(page.get_attribute("#view-network .g60-net", "data-nodes") or 0) == len(ends)
    labels = [text for text, _ in _legend(page, "#view-network")]
    assert any(text.startswith("Technology-transfer demonstration base") for text in labels), labels
    _clean(watched, server)


def test_the_share_link_restores_query_parameters_and_view(
    browser: Any, server: Server, kg: KnowledgeGraph
) -> None:
    watched = _open(browser, server)
    page = watched.page
    page.click("#gallery-list button[data-name=cities]")
    page.wait_for_selector("#view-map .g60-map[data-state=stable]")
    page.fill("#param-fields input[data-param=province]", "Zhejiang")
    page.click(".tabs button[data-view=table]")
    link = page.get_attribute("#share", "href") or ""
    assert link == page.url[len(server.url) + 1 :]
    assert "p.province=Zhejiang" in link
    again = _open(browser, server, "/" + link)
    other = again.page
    other.wait_for_selector("#view-table table.results tbody tr")
    assert other.input_value("#param-fields input[data-param=province]") == "Zhejiang"
    assert other.get_attribute(".tabs button[data-view=table]", "aria-pressed") == "true"
    expected = kg.query("cities", {"province": "Zhejiang"})
    assert _rows(other) == len(expected.rows)
    # a typed query travels in the link as text
    _type_query(page, LABELS)
    page.wait_for_function("() => location.hash.indexOf('query=') > 0")
    third = _open(browser, server, "/" + (page.get_attribute("#share", "href") or ""))
    third.page.wait_for_selector("#view-table table.results tbody tr")
    assert third.page.evaluate("G60Page.text()") == LABELS
    for each in (watched, again, third):
        _clean(each, server)


def test_language_toggle_switches_the_ui_to_chinese_and_is_remembered(
    browser: Any, server: Server
) -> None:
    watched = _open(browser, server)
    page = watched.page
    assert page.text_content("#run") == "Run"
    page.click("#lang")
    assert page.text_content("h1") == "查询长三角G60科创走廊知识图谱"
    assert page.text_content("#run") == "运行"
    assert page.get_attribute("html", "lang") == "zh-Hans"
    assert "地点" in (page.text_content("#gallery-list details[data-theme=places] summary") or "")
    # the gallery shows each query's title@zh and description@zh from its header
    packaged = catalogue()
    cards = page.locator("#gallery-list button").evaluate_all(
        "els => els.map(e => [e.dataset.name, e.querySelector('strong').textContent,"
        " e.querySelector('.desc').textContent])"
    )
    shown = {name: (title, desc) for name, title, desc in cards if name in packaged}
    assert len(shown) >= 20
    for name, (title, desc) in shown.items():
        assert (title, desc) == (packaged[name].title_zh, packaged[name].description_zh), name
    # a query of the server's own folder without title@zh keeps its English title
    assert dict((n, t) for n, t, _ in cards)["my-provinces"] == "My provinces"
    page.fill("#gallery-search", "大事记")  # searched in Chinese
    names = page.locator("#gallery-list button").evaluate_all("els => els.map(e => e.dataset.name)")
    assert names == ["timeline"]
    page.fill("#gallery-search", "")
    page.click("#gallery-list button[data-name=provinces]")
    page.wait_for_selector("#view-table table.results tbody tr")
    assert (page.text_content("#query-info") or "").startswith("省份及其走廊城市 — 每个省")
    assert "行，用时" in (page.text_content("#status") or "")
    assert "上海" in (page.text_content("#view-table tbody") or "")  # labels in Chinese too
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    assert page.text_content("#run") == "运行"
    browser_zh = _open(browser, server, locale="zh-CN")  # a first visit follows the browser
    assert browser_zh.page.text_content("#run") == "运行"
    _clean(watched, server)
    _clean(browser_zh, server)


def test_every_ui_string_has_its_chinese(browser: Any, server: Server) -> None:
    """Each key the page's HTML and script use is translated (both languages hold the
    same keys, and no Chinese string is the English one)."""
    static = Path(STATIC)
    html = (static / "server-index.html").read_text(encoding="utf-8")
    script = (static / "server-app.js").read_text(encoding="utf-8")
    used = set(re.findall(r'data-i18n(?:-[a-z]+)?="([a-z_]+)"', html))
    used |= set(re.findall(r'\bt\("([a-z_]*[a-z])"', script))  # not t("theme_" + ...)
    themes = re.search(r"var THEMES = \[([^\]]*)\]", script)
    assert themes is not None
    used |= {"theme_" + name.replace("-", "_") for name in re.findall(r'"([a-z-]+)"', themes[1])}
    watched = _open(browser, server)
    page = watched.page
    en, zh = (set(page.evaluate(f"() => G60I18n.keys('{lang}')")) for lang in ("en", "zh"))
    assert en == zh and used <= en and len(used) > 40, used - en
    same = page.evaluate(
        "keys => keys.filter(k => G60I18n.t(k, 'en') === G60I18n.t(k, 'zh'))", sorted(en)
    )
    assert same == []
    _clean(watched, server)


def test_history_and_saved_queries_stay_in_the_browser(browser: Any, server: Server) -> None:
    watched = _open(browser, server)
    page = watched.page
    page.click("#gallery-list button[data-name=provinces]")
    page.wait_for_selector("#view-table table.results tbody tr")
    page.click("#save")
    page.reload()
    page.wait_for_selector("body[data-ready=yes]")
    latest = page.locator("#history-list button").first.text_content()
    assert latest == "Provinces and their corridor cities"
    assert page.locator("#saved-list button").count() == 1
    page.click("#saved-list button")
    page.wait_for_selector("#view-table table.results tbody tr")
    page.click("#clear-history")
    page.click("#clear-saved")
    assert page.locator("#history-list button").count() == 0
    assert page.locator("#saved-list button").count() == 0
    _clean(watched, server)


SNIPPET_QUERY = """# the corridor's cities by their English names
SELECT DISTINCT ?city ?label WHERE {
  [] g60:memberCity ?city . ?city rdfs:label ?label FILTER(LANG(?label) = "en")
} ORDER BY ?label"""


def test_code_snippets_run_the_current_query(
    browser: Any, server: Server, kg: KnowledgeGraph
) -> None:
    """The page's curl, Python (SPARQLWrapper) and JavaScript (fetch) snippets, each run
    as written against the server: every one gets the query's rows."""
    expected = [str(row[1]) for row in kg.query(SNIPPET_QUERY).rows]
    assert expected
    watched = _open(browser, server)
    page = watched.page
    _type_query(page, SNIPPET_QUERY)
    page.click("#run")
    page.wait_for_selector("#view-table table.results tbody tr")
    page.click("#code summary")
    titles = page.locator("#code-snippets h3").all_text_contents()
    assert titles == ["curl", "Python (SPARQLWrapper)", "JavaScript (fetch)"]
    curl, python, javascript = page.locator("#code-snippets pre code").all_text_contents()
    answer = subprocess.run(["bash", "-c", curl], capture_output=True, check=True, timeout=60)
    assert [b["label"]["value"] for b in json.loads(answer.stdout)["results"]["bindings"]] == (
        expected
    )
    printed = subprocess.run(
        [sys.executable, "-c", python], capture_output=True, text=True, check=True, timeout=60
    )
    rows = [ast.literal_eval(line) for line in printed.stdout.splitlines()]
    assert [row["label"]["value"] for row in rows] == expected
    logged = page.evaluate(
        "async () => { const logged = []; const console = {log: v => logged.push(v)};\n"
        + javascript + "\nreturn logged; }"
    )
    assert [b["label"]["value"] for b in logged[0]["results"]["bindings"]] == expected
    # a named query's snippets carry its parameters, bound as the server binds them
    page.click("#gallery-list button[data-name=cities]")
    page.wait_for_selector("#view-map .g60-map[data-state=stable]")
    page.fill("#param-fields input[data-param=province]", "Zhejiang")
    page.wait_for_function(
        "() => document.querySelector('#code-snippets code').textContent.includes('VALUES')"
    )
    curl = page.locator("#code-snippets pre code").first.text_content() or ""
    answer = subprocess.run(["bash", "-c", curl], capture_output=True, check=True, timeout=60)
    cities = {b["city"]["value"] for b in json.loads(answer.stdout)["results"]["bindings"]}
    zhejiang = {str(row[0]) for row in kg.query("cities", {"province": "Zhejiang"}).rows}
    assert cities == zhejiang and 0 < len(zhejiang) < len(kg.query("cities").rows)
    _clean(watched, server)


_FOCUSED = """() => {
  const e = document.activeElement;
  const ring = getComputedStyle(e.closest('#editor') || e);  // the editor's ring: its box's
  return {tag: e.tagName, id: e.id, name: e.dataset.name || null, cls: e.className,
          style: ring.outlineStyle, width: parseFloat(ring.outlineWidth),
          colour: ring.outlineColor, page: getComputedStyle(document.body).backgroundColor};
}"""


def _luminance(rgb: str) -> float:
    channels = [int(v) / 255 for v in rgb[rgb.index("(") + 1 : rgb.index(")")].split(",")[:3]]
    r, g, b = (c / 12.92 if c <= 0.04045 else ((c + 0.055) / 1.055) ** 2.4 for c in channels)
    return 0.2126 * r + 0.7152 * g + 0.0722 * b


def _contrast(a: str, b: str) -> float:
    high, low = sorted((_luminance(a), _luminance(b)), reverse=True)
    return (high + 0.05) / (low + 0.05)


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_keyboard_alone_reaches_and_runs_everything_with_a_visible_focus(
    browser: Any, server: Server, scheme: str
) -> None:
    """Tab from the top reaches the language toggle, the editor, Run, the gallery's
    search and cards; every stop shows a focus ring of at least 2 px whose colour stands
    out 3:1 from the page (WCAG 2.4.7, 1.4.11); Enter runs a card; the table sorts."""
    watched = watched_page(browser, only_host=server.url, color_scheme=scheme)
    page = watched.page
    page.goto(f"{server.url}/")
    page.wait_for_selector("body[data-ready=yes]")
    stops = []
    for _ in range(100):
        page.keyboard.press("Tab")
        stops.append(page.evaluate(_FOCUSED))
        if stops[-1]["name"] == "provinces":
            break
    assert stops[-1]["name"] == "provinces", [(s["tag"], s["id"]) for s in stops]
    ids = [stop["id"] for stop in stops]
    assert {"lang", "run", "share", "save", "gallery-search"} <= set(ids)
    assert any("cm-content" in str(stop["cls"]) for stop in stops)  # the editor
    for stop in stops:
        assert stop["style"] != "none" and stop["width"] >= 2, stop
        assert _contrast(stop["colour"], stop["page"]) >= 3, stop
    page.keyboard.press("Enter")  # the card runs
    page.wait_for_selector("#view-table table.results tbody tr")
    for _ in range(100):  # back up to the table's first column header
        page.keyboard.press("Shift+Tab")
        if page.evaluate("() => document.activeElement.dataset.column") == "0":
            break
    page.keyboard.press("Enter")
    assert page.get_attribute("#view-table th:nth-child(1)", "aria-sort") == "ascending"
    focused = page.evaluate(_FOCUSED)  # the sorted table is drawn again, the focus kept
    assert focused["style"] != "none" and focused["width"] >= 2
    _clean(watched, server)


def test_narrow_layout_keeps_editor_and_results_usable(
    browser: Any, server: Server, tmp_path: Path
) -> None:
    watched = _open(browser, server)
    page = watched.page
    # a wide result in a laptop's window: the table scrolls in its box, not the page
    page.set_viewport_size({"width": 1400, "height": 900})
    page.click("#gallery-list button[data-name=alliances]")
    page.wait_for_selector("#view-table table.results tbody tr")
    assert page.evaluate("document.documentElement.scrollWidth") <= 1400
    box = page.locator("#view-table .table-scroll").bounding_box()
    assert box["x"] >= 0 and box["x"] + box["width"] <= 1400
    page.set_viewport_size({"width": 360, "height": 740})
    page.evaluate("window.scrollTo(0, 0)")
    page.screenshot(path=str(tmp_path / "query-page-360.png"))
    page.screenshot(path=str(tmp_path / "query-page-360-full.png"), full_page=True)
    assert page.evaluate("document.documentElement.scrollWidth") <= 360  # no page-wide scroll
    editor = page.locator("#editor").bounding_box()
    run = page.locator("#run").bounding_box()
    table = page.locator("#view-table .table-scroll").bounding_box()
    gallery = page.locator("#gallery").bounding_box()
    assert editor["x"] >= 0 and editor["x"] + editor["width"] <= 360 and editor["height"] >= 100
    assert run["y"] + run["height"] <= 740  # the Run button is on the first screen
    assert table["x"] >= 0 and table["x"] + table["width"] <= 360
    assert editor["y"] < run["y"] < table["y"] < gallery["y"]  # results under the editor
    wide = page.evaluate(
        "(() => { const s = document.querySelector('#view-table .table-scroll');"
        " return s.scrollWidth > s.clientWidth; })()"
    )
    assert wide  # the table scrolls inside its own box
    _clean(watched, server)


def test_spreadsheet_csv_from_the_page_has_labels_and_a_bom(
    browser: Any, server: Server, kg: KnowledgeGraph, tmp_path: Path
) -> None:
    watched = _open(browser, server, accept_downloads=True)
    page = watched.page
    page.click("#gallery-list button[data-name=provinces]")
    page.wait_for_selector("#view-table table.results tbody tr")
    with page.expect_download() as info:
        page.click("#downloads a[data-format=sheet-csv]")
    saved = tmp_path / "provinces.csv"
    info.value.save_as(saved)
    data = saved.read_bytes()
    assert data.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(data.decode("utf-8-sig"))))
    first = kg.query("provinces").vars[0]
    assert rows[0][:2] == [first, f"{first} label"]
    assert "Zhejiang" in {r[1] for r in rows[1:]}
    with page.expect_download() as info:  # the same table as XLSX, in the page's language
        page.click("#lang")
        page.click("#downloads a[data-format=sheet-xlsx]")
    info.value.save_as(tmp_path / "provinces.xlsx")
    sheet = load_workbook(tmp_path / "provinces.xlsx").active
    assert sheet is not None
    cells = [[cell.value for cell in row] for row in sheet.iter_rows()]
    assert cells[0][:2] == [first, f"{first} 名称"] and len(cells) == len(rows)
    assert kg.label(URIRef(PREFIXES["g60r"] + "zhejiang"), "zh") in {row[1] for row in cells[1:]}
    _clean(watched, server)


def test_hostile_labels_stay_text_in_every_view(browser: Any, server: Server) -> None:
    for lang in ("en", "zh"):
        watched = _open(browser, server, locale="zh-CN" if lang == "zh" else "en-GB")
        page = watched.page
        _type_query(page, EVIL_QUERY)
        page.click("#run")
        page.wait_for_selector("#view-table table.results tbody tr")
        shown = EVIL_ZH if lang == "zh" else EVIL_EN
        assert shown in (page.text_content("#view-table tbody") or "")
        page.click(".tabs button[data-view=map]")
        page.wait_for_selector("#view-map .g60-map[data-state=stable]")
        assert shown in (page.text_content("#view-map svg") or "")
        page.click(".tabs button[data-view=network]")
        page.wait_for_selector("#view-network [data-nodes]")
        for view in ("chart", "timeline"):
            page.click(f".tabs button[data-view={view}]")
            page.wait_for_selector(f"#view-{view} [data-state=stable]")
            assert shown in (page.text_content(f"#view-{view}") or "")
        page.click("#editor .cm-content")
        page.keyboard.press("Control+End")
        page.keyboard.type("\ng60r:onerror")  # found by its label
        page.wait_for_selector(".cm-tooltip-autocomplete li:has-text('g60r:evil-town')")
        assert page.locator(".cm-tooltip-autocomplete img, .view img, svg img").count() == 0
        assert page.locator("script:not([src])").count() == 0
        assert page.evaluate("window.__pwned") is None
        _clean(watched, server)


def test_resource_page_in_the_browser(browser: Any, server: Server) -> None:
    watched = watched_page(browser, only_host=server.url)
    page = watched.page
    page.goto(f"{server.url}/id/songjiang")
    assert "Songjiang District" in (page.text_content("h1") or "")
    assert page.locator("svg.neighbourhood circle").count() > 2
    page.click("svg.neighbourhood a[href='/id/shanghai'] circle")
    page.wait_for_url(f"{server.url}/id/shanghai")
    page.goto(f"{server.url}/def")
    assert page.locator("article.term").count() > 20
    _clean(watched, server)
