"""The query page's own endpoints over HTTP: completion (vocabulary, entities), the
spreadsheet downloads (CSV with a BOM and labels, XLSX), the vendored editor, the config."""

from __future__ import annotations

import csv
import io
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook

from g60graph import KnowledgeGraph
from g60graph._namespaces import PREFIXES, QUERY_PREFIXES
from server_harness import Server, running_server

G60 = PREFIXES["g60"]
HOSTILE = '=HYPERLINK("http://evil.example/","x")'


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("page-api")) as running:
        yield running


@pytest.fixture(scope="module")
def client(server: Server) -> Iterator[httpx.Client]:
    with httpx.Client(base_url=server.url, timeout=30) as http:
        yield http


def test_vocabulary_has_the_graphs_classes_with_both_labels(client: httpx.Client) -> None:
    answer = client.get("/api/vocabulary")
    assert answer.status_code == 200
    classes = {c["iri"]: c for c in answer.json()["classes"]}
    alliance = classes[G60 + "IndustrialAlliance"]
    assert alliance["en"] and alliance["zh"]
    properties = {p["iri"] for p in answer.json()["properties"]}
    assert G60 + "memberCity" in properties


def test_entities_are_found_by_english_or_chinese_label(client: httpx.Client) -> None:
    found = client.get("/api/entities", params={"q": "hangz"}).json()
    assert PREFIXES["g60r"] + "hangzhou" in [e["iri"] for e in found]
    assert [e["iri"] for e in client.get("/api/entities", params={"q": "杭州市"}).json()] == [
        PREFIXES["g60r"] + "hangzhou"
    ]
    assert client.get("/api/entities", params={"q": ""}).status_code == 400
    assert client.get("/api/entities", params={"q": "x" * 101}).status_code == 400


def test_csv_has_a_bom_labels_beside_iris_and_source_urls(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    answer = client.get("/api/spreadsheet", params={"name": "alliances", "format": "csv"})
    assert answer.status_code == 200
    assert answer.headers["content-type"].startswith("text/csv")
    assert answer.content.startswith(b"\xef\xbb\xbf")
    rows = list(csv.reader(io.StringIO(answer.content.decode("utf-8-sig"))))
    header, body = rows[0], rows[1:]
    assert len(body) == len(kg.query("alliances").rows)
    first = kg.query("alliances").vars[0]
    assert header[:2] == [first, f"{first} label"]
    assert {r[1] for r in body} == {kg.label(r[0]) for r in kg.query("alliances").rows}
    sources = header.index("source")
    assert all(r[sources].startswith("http") and "/id/source-" not in r[sources] for r in body)
    zh = client.get("/api/spreadsheet", params={"name": "alliances", "lang": "zh"})
    zh_rows = list(csv.reader(io.StringIO(zh.content.decode("utf-8-sig"))))
    assert zh_rows[0][1] == f"{first} 名称"
    assert any("联盟" in r[1] for r in zh_rows[1:])


def test_xlsx_opens_with_labels_numbers_and_no_formulas(client: httpx.Client) -> None:
    query = (
        'SELECT ?city ?n ?text WHERE { VALUES (?city ?n ?text) '
        f'{{ (<{PREFIXES["g60r"]}hangzhou> 3 "{HOSTILE.replace(chr(34), chr(92) + chr(34))}") }} }}'
    )
    answer = client.get("/api/spreadsheet", params={"query": query, "format": "xlsx"})
    assert answer.status_code == 200, answer.text
    sheet = load_workbook(io.BytesIO(answer.content)).active
    assert sheet is not None
    values = [[c.value for c in row] for row in sheet.iter_rows()]
    assert values[0] == ["city", "city label", "n", "text"]
    assert values[1][:3] == [PREFIXES["g60r"] + "hangzhou", "Hangzhou", 3]
    assert values[1][3] == HOSTILE and sheet.cell(2, 4).data_type == "s"
    plain = client.get("/api/spreadsheet", params={"query": query, "format": "csv"})
    assert plain.content.decode("utf-8-sig").splitlines()[1].endswith(
        "'" + HOSTILE.replace('"', '""') + '"'
    )


def test_spreadsheet_refuses_bad_input_in_one_line(client: httpx.Client) -> None:
    for params, status in [
        ({"name": "alliances", "format": "ods"}, 400),
        ({"name": "alliances", "lang": "fr"}, 400),
        ({}, 400),
        ({"name": "nope"}, 404),
        ({"query": "SELECT * WHERE { ?s ?p }"}, 400),
        ({"query": "SELECT * WHERE { SERVICE <http://127.0.0.1:9/> { ?s ?p ?o } }"}, 403),
    ]:
        answer = client.get("/api/spreadsheet", params=params)
        assert answer.status_code == status, params
        assert answer.text.count("\n") == 1


def test_the_editor_bundle_and_its_licences_are_served(client: httpx.Client) -> None:
    bundle = client.get("/static/vendor/codemirror.js")
    assert bundle.status_code == 200
    assert "javascript" in bundle.headers["content-type"]
    assert client.get("/static/vendor/licenses/@codemirror__view.txt").status_code == 200
    assert client.get("/static/vendor/..%2F..%2F_pages.py").status_code == 404
    assert client.get("/api/config").json()["prefixes"] == QUERY_PREFIXES


def test_view_data_is_what_the_clis_renderers_draw(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    """/api/view?kind=network|map: the data and options of network.js and map.js."""
    from g60graph.network import _graph as network
    from g60graph.render import _map, _network_page

    answer = client.get("/api/view", params={"name": "diagram-overview", "kind": "network"})
    assert answer.status_code == 200
    graph = network.graph_for_query(kg, kg.query("diagram-overview"))
    expected = _network_page.network_data(graph, context=network.Context(kg.union_graph()))
    assert answer.json()["data"] == expected
    assert answer.json()["options"]["hierarchical"] == "UD"  # the query's tag, as in viz
    answer = client.get("/api/view", params={"name": "cities", "kind": "map", "lang": "zh"})
    drawn = answer.json()
    corridor = _map.map_data(kg, "zh")
    assert drawn["data"]["lines"] == corridor["lines"]
    cities = {str(row[0]) for row in kg.query("cities").rows}
    assert {p["id"] for p in drawn["data"]["places"]} == cities
    assert all(p in corridor["places"] for p in drawn["data"]["places"])
    assert drawn["options"]["strings"]["png"] == "PNG 图片"


def test_view_data_refuses_bad_input_in_one_line(client: httpx.Client) -> None:
    bad = client.get("/api/view", params={"name": "cities", "kind": "pie"})
    assert bad.status_code == 400 and "kind: line, bar, timeline, network, map" in bad.text
    literal = client.get("/api/view", params={"query": "SELECT ?x WHERE { BIND(1 AS ?x) }",
                                              "kind": "network"})
    assert literal.status_code == 400
    assert "no IRI column to draw" in literal.text and "\n" not in literal.text.strip()
