"""Text contrast of the query page in headless Chromium, in the light and the dark theme.

Every visible piece of HTML text (and each placeholder) is measured from the computed
styles (tests/support/contrast.js: the text colour against the backgrounds it is drawn on) and
must reach WCAG 2.x level AA: 4.5:1, or 3:1 for large text (24 px, or 18.66 px bold).
The drawings' own text (SVG, canvas) is the renderers' and is not measured here.
"""

from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from browser import Watched, watched_page
from paths import SUPPORT
from server_harness import Server, running_server

MEASURE = (SUPPORT / "contrast.js").read_text(encoding="utf-8")
# named parts of the page, each of which must be among the texts measured
PARTS = {
    "main text": "h1",
    "muted text": "p#query-info.note",
    "links": "header.top > a",
    "download links": "div#downloads.downloads > a",
    "primary button": "button#run.primary",
    "small buttons": "button#save.small",
    "tabs": "nav.tabs > button.active",
    "table header": "th > button.sort",
    "table cells": "td > a",
    "gallery descriptions": "span.desc",
}


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[Server]:
    with running_server(tmp_path_factory.mktemp("contrast")) as running:
        yield running


def _failures(page: Any) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    measured: list[dict[str, Any]] = page.evaluate(MEASURE)
    failing = [m for m in measured if m["ratio"] < (3.0 if m["large"] else 4.5)]
    return measured, failing


def _open(browser: Any, server: Server, scheme: str, path: str) -> Watched:
    watched = watched_page(browser, only_host=server.url, color_scheme=scheme)  # type: ignore[arg-type]
    watched.page.goto(f"{server.url}{path}")
    watched.page.wait_for_selector("body[data-ready=yes]")
    return watched


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_query_page_text_reaches_aa_contrast(browser: Any, server: Server, scheme: str) -> None:
    watched = _open(browser, server, scheme, "/#name=provinces&view=table")
    page = watched.page
    page.wait_for_selector("#view-table table.results tbody tr")
    page.click("#prefixes summary")
    page.click("#code summary")
    measured, failing = _failures(page)
    assert failing == [], failing
    seen = {m["selector"].split(" > ")[-1] for m in measured} | {m["selector"] for m in measured}
    for part, selector in PARTS.items():
        assert any(selector in s for s in seen), f"{part} ({selector}) was not measured"
    assert len(measured) > 100
    ratios = {part: min(m["ratio"] for m in measured if PARTS[part] in m["selector"])
              for part in PARTS}
    print(scheme, ratios)  # the lowest ratio of each named part (pytest -s shows it)
    # the views, with the renderers' side panels, legends and toolbars
    for name, view, ready in (("cities", "map", ".g60-map[data-state=stable]"),
                              ("neighbourhood", "network", ".g60-net[data-state=stable]")):
        page.goto(f"{server.url}/#name={name}&view={view}")
        page.wait_for_selector(f"#view-{view} {ready}")
        if view == "map":  # a feature's facts and sources in the side panel
            page.focus("#view-map g.g60-city")
            page.keyboard.press("Enter")
            page.wait_for_selector("#view-map .g60-panel h2")
        _, failing = _failures(page)
        assert failing == [], (view, failing)
    # an error message
    page.goto(f"{server.url}/#query=SELECT%20*%20WHERE%20%7B%20%3Fs%20%7D")
    page.wait_for_selector("#error:not([hidden])")
    _, failing = _failures(page)
    assert failing == [], failing
    assert watched.requests and all(r.startswith(server.url) for r in watched.requests)
    assert len(watched.errors) == 1 and "400" in watched.errors[0]  # the bad query's answer


@pytest.mark.parametrize("scheme", ["light", "dark"])
def test_resource_page_text_reaches_aa_contrast(browser: Any, server: Server, scheme: str) -> None:
    watched = watched_page(browser, only_host=server.url, color_scheme=scheme)  # type: ignore[arg-type]
    for path in ("/id/songjiang", "/def"):
        watched.page.goto(f"{server.url}{path}")
        measured, failing = _failures(watched.page)
        assert measured and failing == [], (path, failing)
    assert watched.errors == []
