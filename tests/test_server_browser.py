"""The query page and a resource page in headless Chromium: no request leaves the
server, no console error, and an example query run by clicking shows its rows."""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser import watched_page
from g60graph import KnowledgeGraph
from server_harness import Server, running_server


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("browser")) as running:
        yield running


def _only_local(requests: list[str], server: Server) -> None:
    outside = [r for r in requests if not r.startswith(server.url) and not r.startswith("data:")]
    assert outside == []


def test_query_page_runs_an_example(browser: Any, server: Server, kg: KnowledgeGraph) -> None:
    watched = watched_page(browser)
    page = watched.page
    page.goto(f"{server.url}/")
    page.wait_for_selector("body[data-ready=yes]")
    page.click("#gallery-list button[data-name=provinces]")
    page.click("#run")
    page.click(".tabs button[data-view=table]")
    # the run is done when the status says so (a table from an earlier run may be showing)
    page.wait_for_function("document.querySelector('#status').textContent.includes('rows in')")
    rows = page.locator("#view-table table.results tbody tr").count()
    assert rows == len(kg.query("provinces").rows)
    headers = page.locator("#view-table table.results th").all_text_contents()
    assert headers == kg.query("provinces").vars
    assert "rows in" in (page.text_content("#status") or "")
    links = page.locator("#downloads a").evaluate_all("els => els.map(e => e.dataset.format)")
    assert links == ["json", "xml", "csv", "tsv"]
    _only_local(watched.requests, server)
    assert watched.errors == []


def test_map_and_network_views(browser: Any, server: Server, kg: KnowledgeGraph) -> None:
    watched = watched_page(browser)
    page = watched.page
    page.goto(f"{server.url}/#name=cities")  # a shared link runs its query
    page.wait_for_selector("#view-map svg.map circle")
    points = page.locator("#view-map svg.map circle").count()
    cities = kg.query("cities")
    lat, lon = cities.vars.index("lat"), cities.vars.index("lon")
    located = [r for r in cities.rows if r[lat] is not None and r[lon] is not None]
    assert points == len(located) > 0
    page.click("#gallery-list button[data-name=neighbourhood]")
    page.click("#run")
    page.click(".tabs button[data-view=network]")
    page.wait_for_selector("#view-network [data-nodes]")
    nodes = int(page.locator("#view-network [data-nodes]").get_attribute("data-nodes") or 0)
    assert nodes > 3
    _only_local(watched.requests, server)
    assert watched.errors == []


def test_a_typed_query_and_an_error(browser: Any, server: Server) -> None:
    watched = watched_page(browser)
    page = watched.page
    page.goto(f"{server.url}/")
    page.wait_for_selector("body[data-ready=yes]")
    page.fill("#editor", "SELECT * WHERE { ?s ?p }")
    page.click("#run")
    page.wait_for_selector("#error:not([hidden])")
    assert "syntax error" in (page.text_content("#error") or "")
    page.fill("#editor", "SELECT ?s WHERE { ?s a <https://w3id.org/g60graph/def#Province> }")
    page.click("#run")
    page.wait_for_selector("#view-table table.results tbody tr")
    assert "/#query=" in (page.get_attribute("#share", "href") or "") or "query=" in page.url
    _only_local(watched.requests, server)
    # the 400 answer is the only console message the page may cause
    assert all("400" in e for e in watched.errors)


def test_resource_page_in_the_browser(browser: Any, server: Server) -> None:
    watched = watched_page(browser)
    page = watched.page
    page.goto(f"{server.url}/id/songjiang")
    assert "Songjiang District" in (page.text_content("h1") or "")
    assert page.locator("svg.neighbourhood circle").count() > 2
    page.click("svg.neighbourhood a[href='/id/shanghai'] circle")
    page.wait_for_url(f"{server.url}/id/shanghai")
    page.goto(f"{server.url}/def")
    assert page.locator("article.term").count() > 20
    _only_local(watched.requests, server)
    assert watched.errors == []
