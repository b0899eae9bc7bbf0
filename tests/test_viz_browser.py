"""The diagrams and the map in headless Chromium, opened from file:// with no network.

Each page must settle, make no request but for its own file, log no console error,
hold the expected numbers of nodes and edges (read from the page), and draw
something (a screenshot with more than a few colours). Hostile labels stay text.
"""

from __future__ import annotations

import struct
import zlib
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from browser import watched_page
from g60graph import network
from g60graph.cli import main
from g60graph.graph import KnowledgeGraph
from g60graph.queries import get

FIXTURES = Path(__file__).parent / "fixtures"
DIAGRAMS = ["overview", "alliances-parks", "agreements", "provenance"]
SETTLE_MS = 20_000


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    """Every page written once by the CLI (in-process)."""
    folder = tmp_path_factory.mktemp("pages")
    out: dict[str, Path] = {}
    jobs: dict[str, list[str]] = {
        **{d: ["viz", "--diagram", d] for d in DIAGRAMS},
        "whole": ["viz"],
        "map": ["map"],
        "hostile": ["viz", "--data", str(FIXTURES / "hostile.ttl"), "--focus", "hostile-alliance"],
        "hostile-map": ["map", "--data", str(FIXTURES / "hostile.ttl")],
    }
    for name, argv in jobs.items():
        out[name] = folder / f"{name}.html"
        assert main([*argv, "-o", str(out[name])]) == 0
    return out


def expected_counts(kg: KnowledgeGraph, diagram: str | None) -> tuple[int, int]:
    query = get(f"diagram-{diagram}") if diagram else None
    g = network.select(kg, query=query, params={}, focus=None, depth=1, classes=None, lang="en")
    return g.number_of_nodes(), g.number_of_edges()


def png_colours(png: bytes) -> int:
    """Distinct colours in an 8-bit RGB/RGBA PNG (the kind Chromium writes)."""
    assert png[:8] == b"\x89PNG\r\n\x1a\n"
    pos, idat, header = 8, b"", b""
    while pos < len(png):
        (length,) = struct.unpack(">I", png[pos : pos + 4])
        kind, body = png[pos + 4 : pos + 8], png[pos + 8 : pos + 8 + length]
        if kind == b"IHDR":
            header = body
        elif kind == b"IDAT":
            idat += body
        pos += 12 + length
    width, height, depth, colour_type = struct.unpack(">IIBB", header[:10])
    assert depth == 8 and colour_type in (2, 6) and header[12] == 0  # not interlaced
    bpp = 3 if colour_type == 2 else 4
    raw, stride = zlib.decompress(idat), width * bpp
    previous = bytearray(stride)
    colours: set[bytes] = set()
    for y in range(height):
        start = y * (stride + 1)
        kind, line = raw[start], bytearray(raw[start + 1 : start + 1 + stride])
        for i in range(stride):
            a = line[i - bpp] if i >= bpp else 0
            b, c = previous[i], previous[i - bpp] if i >= bpp else 0
            if kind == 1:
                line[i] = (line[i] + a) & 0xFF
            elif kind == 2:
                line[i] = (line[i] + b) & 0xFF
            elif kind == 3:
                line[i] = (line[i] + (a + b) // 2) & 0xFF
            elif kind == 4:
                p = a + b - c
                pa, pb, pc = abs(p - a), abs(p - b), abs(p - c)
                pred = a if pa <= pb and pa <= pc else (b if pb <= pc else c)
                line[i] = (line[i] + pred) & 0xFF
        colours.update(bytes(line[i : i + 3]) for i in range(0, stride, bpp * 7))
        previous = line
    return len(colours)


@pytest.fixture()
def opened(browser: Any) -> Iterator[Any]:
    watched = watched_page(browser, offline=True)
    yield watched
    watched.page.context.close()


def open_page(watched: Any, path: Path, selector: str) -> None:
    watched.page.set_viewport_size({"width": 1200, "height": 800})
    watched.page.goto(path.as_uri())
    watched.page.wait_for_selector(f"{selector}[data-state=stable]", timeout=SETTLE_MS)


def assert_clean(watched: Any, path: Path) -> None:
    assert watched.requests == [path.as_uri()], watched.requests
    assert watched.errors == []


@pytest.mark.parametrize("diagram", [*DIAGRAMS, None], ids=[*DIAGRAMS, "whole"])
def test_network_page_offline(
    opened: Any, pages: dict[str, Path], kg: KnowledgeGraph, diagram: str | None
) -> None:
    path = pages[diagram or "whole"]
    open_page(opened, path, "#g60-network")
    page = opened.page
    counts = (int(page.get_attribute("#g60-network", "data-nodes") or -1),
              int(page.get_attribute("#g60-network", "data-edges") or -1))
    assert counts == expected_counts(kg, diagram)
    # vis-network's own data sets agree with the attributes
    assert page.evaluate("[g60.nodes.length, g60.edges.length]") == list(counts)
    assert page.locator(".g60-legend-item").count() >= 2
    assert png_colours(page.screenshot()) > 16
    assert_clean(opened, path)


def test_search_and_side_panel(opened: Any, pages: dict[str, Path]) -> None:
    path = pages["overview"]
    open_page(opened, path, "#g60-network")
    page = opened.page
    page.fill(".g60-search", "Hangzhou")
    page.press(".g60-search", "Enter")
    assert page.text_content(".g60-panel h2") == "Hangzhou"
    assert "1" in (page.text_content(".g60-status") or "")
    panel = page.text_content(".g60-panel") or ""
    assert "Zhejiang" in panel  # a fact: located in
    assert page.locator(".g60-panel .g60-sources li").count() >= 1
    assert_clean(opened, path)


def test_map_offline(opened: Any, pages: dict[str, Path], kg: KnowledgeGraph) -> None:
    path = pages["map"]
    open_page(opened, path, "#g60-map")
    page = opened.page
    cities = kg.query(
        "PREFIX geo: <http://www.opengis.net/ont/geosparql#>\n"
        "SELECT (COUNT(DISTINCT ?p) AS ?n) WHERE { ?p geo:hasGeometry/geo:asWKT ?w }"
    ).rows[0][0]
    lines = kg.query(
        "PREFIX g60: <https://w3id.org/g60graph/def#>\n"
        "SELECT (COUNT(DISTINCT ?l) AS ?n) WHERE { ?l g60:connects ?p }"
    ).rows[0][0]
    assert page.locator("#g60-map .g60-city").count() == int(str(cities)) == 9
    assert int(page.get_attribute("#g60-map", "data-lines") or -1) == int(str(lines)) == 3
    assert page.locator("#g60-map path.g60-line").count() == 3
    sites = page.locator("#g60-map .g60-park").count()
    assert sites >= 10  # the located parks, bases and institutes
    assert int(page.get_attribute("#g60-map", "data-places") or -1) == 9 + sites
    # a city is clickable and opens its facts
    page.locator("#g60-map .g60-city", has_text="Hefei").locator("circle").click()
    assert page.text_content(".g60-panel h2") == "Hefei"
    assert png_colours(page.screenshot()) > 16
    assert_clean(opened, path)


def test_hostile_labels_are_text(opened: Any, pages: dict[str, Path]) -> None:
    path = pages["hostile"]
    dialogs: list[str] = []
    opened.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(opened, path, "#g60-network")
    page = opened.page
    ids = page.evaluate(
        "g60.nodes.get().filter(n => n.label.indexOf('<') >= 0).map(n => n.id)"
    )
    assert len(ids) == 2  # the alliance and its source
    for node in ids:
        page.evaluate(f"g60.select({node})")
        panel = page.locator(".g60-panel")
        assert panel.locator("img, svg, script, b").count() == 0
    page.evaluate(f"g60.select({ids[0]})")
    texts = page.text_content(".g60-panel") or ""
    assert "<img src=x onerror=" in texts or "</script><svg onload=" in texts
    # a javascript: URL never becomes a link
    assert page.locator(".g60-panel a[href^='javascript']").count() == 0
    page.fill(".g60-search", "<img")
    page.press(".g60-search", "Enter")
    assert page.title() != "pwned" and "pwned" not in page.title()
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert dialogs == []
    assert_clean(opened, path)


def test_blank_screenshot_is_detected(opened: Any) -> None:
    """The non-blank check can fail: an empty page has one colour."""
    opened.page.set_content("<html><body style='background:#fff'></body></html>")
    assert png_colours(opened.page.screenshot()) == 1


def test_hostile_labels_on_the_map(opened: Any, pages: dict[str, Path]) -> None:
    path = pages["hostile-map"]
    dialogs: list[str] = []
    opened.page.on("dialog", lambda d: (dialogs.append(d.message), d.dismiss()))
    open_page(opened, path, "#g60-map")
    page = opened.page
    site = page.locator("#g60-map .g60-park", has=page.locator("title", has_text="<img"))
    assert site.count() == 1
    site.locator("rect").click()
    assert (page.text_content(".g60-panel h2") or "").startswith("<img src=x onerror=")
    assert page.evaluate("document.querySelectorAll('img').length") == 0
    assert "pwned" not in page.title() and dialogs == []
    assert_clean(opened, path)
