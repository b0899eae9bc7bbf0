"""The query page's own endpoints over HTTP: completion (vocabulary, entities), the
spreadsheet downloads (CSV with a BOM and labels, XLSX), the vendored editor, the config."""

from __future__ import annotations

import csv
import io
import json
import re
from collections.abc import Iterator

import httpx
import pytest
from openpyxl import load_workbook

from g60graph import KnowledgeGraph
from g60graph._namespaces import PREFIXES, QUERY_PREFIXES
from g60graph.server._app import STATIC
from paths import REPO
from server_harness import Server, running_server

G60 = PREFIXES["g60"]
LOCKFILE = REPO / "scripts" / "vendor-page" / "package-lock.json"
SOURCE_URLS = "SELECT ?source ?url WHERE { ?source a g60:Source ; schema:url ?url }"
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
    # every resource whose label holds the text, the shortest label (the city's own) first
    chinese = client.get("/api/entities", params={"q": "杭州市"}).json()
    assert chinese[0]["iri"] == PREFIXES["g60r"] + "hangzhou"
    assert all("杭州市" in e["zh"] or "杭州市" in e["en"] for e in chinese)
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
    # the source column holds each g60:Source's article URL (its schema:url), not its IRI
    urls = {str(source): str(url) for source, url in kg.query(SOURCE_URLS).rows}
    result = kg.query("alliances")
    column = result.vars.index("source")
    expected = [
        "" if row[column] is None else urls.get(str(row[column]), str(row[column]))
        for row in result.rows
    ]
    assert sorted(r[header.index("source")] for r in body) == sorted(expected)
    assert set(expected) & set(urls.values())  # some row has a source, shown as its URL
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


def test_a_named_querys_text_comes_with_its_parameters_bound(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    """/api/text: what the page's code snippets send to /sparql for a named query."""
    answer = client.get("/api/text", params={"name": "cities", "province": "Zhejiang"})
    assert answer.status_code == 200 and answer.headers["content-type"].startswith("text/plain")
    assert "VALUES (?province)" in answer.text
    rows = client.get("/sparql", params={"query": answer.text, "format": "json"}).json()
    cities = {b["city"]["value"] for b in rows["results"]["bindings"]}
    assert cities == {str(row[0]) for row in kg.query("cities", {"province": "Zhejiang"}).rows}
    for params, status in [({"name": "nope"}, 404), ({"query": "ASK {}"}, 400),
                           ({"name": "cities", "colour": "red"}, 400)]:
        refused = client.get("/api/text", params=params)
        assert refused.status_code == status and refused.text.count("\n") == 1, params


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


def test_the_query_page_keeps_a_strict_csp(client: httpx.Client) -> None:
    """Scripts only from this server's files: no inline script or handler (the CSP has
    no 'unsafe-inline' or hash for scripts, and no 'unsafe-eval'), nothing off-host."""
    answer = client.get("/")
    policy = dict(
        part.strip().split(" ", 1) for part in answer.headers["content-security-policy"].split(";")
    )
    assert policy["default-src"] == "'self'" and "script-src" not in policy
    assert policy["object-src"] == "'none'" and policy["base-uri"] == "'none'"
    assert policy["frame-ancestors"] == "'none'" and policy["img-src"] == "'self' data:"
    html = answer.text
    scripts = re.findall(r"<script\b([^>]*)>(.*?)</script>", html, flags=re.S)
    assert scripts and all(
        re.fullmatch(r' src="/static/[^"]+"', attrs) and not body for attrs, body in scripts
    )
    assert not re.search(r"\son[a-z]+\s*=", html)  # no inline event handler
    addresses = re.findall(r'(?:src|href|action)="([^"]*)"', html)
    assert addresses and all(a.startswith(("/", "data:")) for a in addresses)


def test_every_vendored_asset_of_the_page_has_its_licence(client: httpx.Client) -> None:
    """Each library file the page loads comes with its licence (and version), served too;
    CodeMirror's bundle with one licence per npm package bundled, from the lockfile."""
    lock = json.loads(LOCKFILE.read_text(encoding="utf-8"))["packages"]
    bundled = {path.removeprefix("node_modules/"): meta["version"]
               for path, meta in lock.items() if path and not meta.get("dev")}
    vis = ["vis-network.LICENSE-APACHE-2.0", "vis-network.LICENSE-MIT", "VERSIONS"]
    licences = {
        "vis-network.min.js": vis,
        "vis-network.css": vis,
        "codemirror.js": [f"licenses/{name.replace('/', '__')}.txt" for name in bundled],
        "echarts/echarts.min.js": ["echarts/LICENSE", "echarts/NOTICE", "echarts/VERSION"],
    }
    html = client.get("/").text
    loaded = re.findall(r'(?:src|href)="/static/vendor/([^"]+)"', html)
    assert sorted(loaded) == sorted(licences)  # a new library needs its licence here
    for asset, files in licences.items():
        assert client.get(f"/static/vendor/{asset}").status_code == 200, asset
        for name in files:
            answer = client.get(f"/static/vendor/{name}")
            assert answer.status_code == 200 and answer.text.strip(), name
    for name, version in bundled.items():
        first = (STATIC / "vendor" / "licenses" / f"{name.replace('/', '__')}.txt").read_text(
            encoding="utf-8").splitlines()[0]
        assert first.startswith(f"{name} {version} (npm)"), first
    assert "9.1.2" in (STATIC / "vendor" / "VERSIONS").read_text(encoding="utf-8")


def test_view_data_is_what_the_clis_renderers_draw(
    client: httpx.Client, kg: KnowledgeGraph
) -> None:
    """/api/view?kind=network|map: the data and options of network.js and map.js."""
    from g60graph.network import _graph as network
    from g60graph.render import _map, _network_page

    answer = client.get("/api/view", params={"name": "diagram-overview", "kind": "network"})
    assert answer.status_code == 200
    graph = network.graph_for_query(kg, kg.query("diagram-overview"))
    # who says what comes from the source graphs (Context.of), as on the server
    expected = _network_page.network_data(graph, context=network.Context.of(kg))
    assert answer.json()["data"] == expected
    assert answer.json()["options"]["hierarchical"] == "UD"  # the query's tag, as in viz
    answer = client.get("/api/view", params={"name": "cities", "kind": "map", "lang": "zh"})
    drawn = answer.json()
    corridor = _map.map_data(kg, "zh")
    assert drawn["data"]["lines"] == corridor["lines"]
    # a mark for each city with a point; one without (Shanghai) stands at a place in it
    cities = {str(r["city"]) for r in kg.query("cities").dicts() if r.get("lat") is not None}
    assert cities and {p["id"] for p in drawn["data"]["places"]} == cities
    assert all(p in corridor["places"] for p in drawn["data"]["places"])
    assert drawn["options"]["strings"]["png"] == "PNG 图片"


def test_view_data_refuses_bad_input_in_one_line(client: httpx.Client) -> None:
    bad = client.get("/api/view", params={"name": "cities", "kind": "pie"})
    assert bad.status_code == 400 and "kind: line, bar, timeline, network, map" in bad.text
    literal = client.get("/api/view", params={"query": "SELECT ?x WHERE { BIND(1 AS ?x) }",
                                              "kind": "network"})
    assert literal.status_code == 400
    assert "no IRI column to draw" in literal.text and "\n" not in literal.text.strip()
