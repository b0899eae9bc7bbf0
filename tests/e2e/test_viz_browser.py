"""The diagrams and the map in headless Chromium, opened from file:// with no network.

Each page must make no request but its own file, log no console error, hold the
expected numbers of nodes and edges (read from the page, compared with the graph
the query describes) and paint a non-blank screenshot. The escaping test checks
that hostile labels show as text and run nothing.
"""

from __future__ import annotations

import math
import re
from pathlib import Path
from typing import Any

import pytest

from browser import watched_page
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph.cli import main
from g60graph.network import _graph as network
from g60graph.render import _map as geomap
from g60graph.render._palette import style_for
from viz_helpers import FONT, GLYPHS_DIFFER, IMG, SCRIPT, evil_data, png_colours

DIAGRAMS = ["overview", "alliances-parks", "agreements", "provenance"]


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("pages")
    made = {}
    for name in DIAGRAMS:
        made[name] = folder / f"{name}.html"
        assert main(["viz", "--diagram", name, "-o", str(made[name])]) == 0
    made["map"] = folder / "map.html"
    assert main(["map", "-o", str(made["map"])]) == 0
    return made


def open_page(browser: Any, path: Path, host: str) -> Any:
    watched = watched_page(browser, offline=True)
    watched.page.set_viewport_size({"width": 1000, "height": 700})
    watched.page.goto(path.as_uri())
    watched.page.wait_for_selector(f"#{host}[data-state=stable]", timeout=20_000)
    return watched


def assert_clean(watched: Any, path: Path) -> None:
    assert watched.requests == [path.as_uri()]  # nothing but the file itself
    assert watched.errors == []
    shot = watched.page.screenshot()
    assert png_colours(shot) >= 8, "the screenshot is blank"


@pytest.mark.parametrize("name", DIAGRAMS)
def test_diagram_in_browser(
    browser: Any, kg: KnowledgeGraph, pages: dict[str, Path], name: str
) -> None:
    expected = network.select(kg, query=f"diagram-{name}")
    watched = open_page(browser, pages[name], "g60-network")
    page = watched.page
    host = page.locator("#g60-network")
    assert host.get_attribute("data-nodes") == str(expected.number_of_nodes())
    assert host.get_attribute("data-edges") == str(expected.number_of_edges())
    # vis-network itself holds them
    drawn = page.evaluate("() => [window.g60.nodes.length, window.g60.edges.length]")
    assert drawn == [expected.number_of_nodes(), expected.number_of_edges()]
    assert page.evaluate("() => Object.keys(window.g60.network.getPositions()).length") == len(
        expected
    )
    # the legend lists every domain class drawn, and no technical one
    styles = {style_for(d["class"], d["types"].split()) for _, d in expected.nodes(data=True)}
    assert page.locator(".g60-legend-item").count() == len({s.key for s in styles
                                                            if not s.technical})
    legend = page.locator(".g60-legend").inner_text() if page.locator(".g60-legend").count() else ""
    for technical in ("Statement", "Concept", "Post", "Geometry", "Source\n"):
        assert technical not in legend
    assert_clean(watched, pages[name])
    watched.page.context.close()


def test_search_and_side_panel(browser: Any, pages: dict[str, Path]) -> None:
    watched = open_page(browser, pages["overview"], "g60-network")
    page = watched.page
    page.fill(".g60-search", "Hangzhou")
    page.press(".g60-search", "Enter")
    panel = page.locator(".g60-panel")
    assert panel.locator("h2").inner_text() == "Hangzhou"
    assert "Zhejiang" in panel.inner_text()  # a fact: directly located in Zhejiang
    assert panel.locator(".g60-sources a").count() >= 1  # and its sources, as links
    assert panel.locator(".g60-sources a").first.get_attribute("href").startswith("http")
    assert page.locator(".g60-status").inner_text() == "1 match"
    assert watched.errors == []
    page.context.close()


def test_map_in_browser(browser: Any, kg: KnowledgeGraph, pages: dict[str, Path]) -> None:
    cities = kg.query(
        "PREFIX geo: <http://www.opengis.net/ont/geosparql#>\n"
        "SELECT (COUNT(DISTINCT ?c) AS ?n) WHERE { ?c geo:hasGeometry/geo:asWKT ?w }"
    )
    # a line through at least two located places (the others are named in a note)
    lines = [len(line["points"]) >= 2 for line in geomap.map_data(kg)["lines"]]
    watched = open_page(browser, pages["map"], "g60-map")
    page = watched.page
    assert page.locator("g.g60-city").count() == int(cities.rows[0][0])  # type: ignore[arg-type]
    assert all(lines) and page.locator("path.g60-line").count() == len(lines) > 0
    assert page.locator("g.g60-park").count() >= 10
    page.locator("g.g60-city[data-id$='/hangzhou'] circle").click()
    assert page.locator("#g60-panel h2").inner_text() == "Hangzhou"
    page.locator("path.g60-line").first.dispatch_event("click")
    assert page.locator("#g60-panel h2").inner_text() != "Hangzhou"
    assert_clean(watched, pages["map"])
    page.context.close()


def test_hostile_labels_run_nothing(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "evil.html"
    data = evil_data(tmp_path)
    assert main(["viz", "--data", str(data), "--focus", "g60r:evil-city", "-o", str(out)]) == 0
    watched = open_page(browser, out, "g60-network")
    page = watched.page
    page.evaluate("() => window.g60.select(window.g60.nodes.getIds()[0])")
    page.fill(".g60-search", "onerror")
    page.press(".g60-search", "Enter")
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0
    assert IMG in page.locator("header").inner_text()  # the label, shown as text
    panel = page.locator(".g60-panel")
    assert panel.locator("h2").inner_text() == IMG
    assert SCRIPT in panel.inner_text()  # the comment and the source's label
    assert panel.locator("a").count() == 0  # a javascript: URL is not a link
    assert watched.errors == []
    assert watched.requests == [out.as_uri()]
    page.context.close()


def test_clicking_a_node_opens_its_facts(browser: Any, pages: dict[str, Path]) -> None:
    """A real mouse click on the drawn node (found through vis-network's coordinates)."""
    watched = open_page(browser, pages["agreements"], "g60-network")
    page = watched.page
    point = page.evaluate(
        """() => {
          const net = window.g60.network;
          const id = window.g60.nodes.get().find(n => n.label === "Hefei").id;
          const xy = net.canvasToDOM(net.getPositions([id])[id]);
          const canvas = document.querySelector(".g60-canvas");
          // a canvas grown taller than the window (room for labels): scrolled to the node
          window.scrollTo(0, canvas.getBoundingClientRect().top + window.scrollY + xy.y - 300);
          const box = canvas.getBoundingClientRect();
          return [box.left + xy.x, box.top + xy.y];
        }"""
    )
    page.mouse.click(point[0], point[1])
    panel = page.locator(".g60-panel")
    assert panel.locator("h2").inner_text() == "Hefei"
    assert "Songjiang G60 High-Tech Corridor Declaration" in panel.inner_text()
    assert watched.errors == []
    page.context.close()


def test_server_shaped_data(browser: Any, tmp_path: Path) -> None:
    """The server's query page calls G60Network.render(box, data, {height}) with IRIs
    as ids and groups, and facts without references: the same script draws it."""
    from g60graph.render import _network_page as viz

    iri = "https://w3id.org/g60graph/id/"
    data = {
        "nodes": [
            {"id": iri + "a", "label": "A", "iri": iri + "a", "group": "resource", "facts": []},
            {"id": iri + "b", "label": "B", "iri": iri + "b", "group": "resource",
             "facts": [{"p": "name", "v": IMG}]},
        ],
        "edges": [{"from": iri + "a", "to": iri + "b", "label": "knows"}],
        "legend": [{"group": "resource", "label": "other", "color": "#2b6cb0", "shape": "dot",
                    "count": 2}],
    }
    out = tmp_path / "server.html"
    out.write_text(viz.network_page(data, title="t", options={"height": "580px"}),
                   encoding="utf-8")
    watched = open_page(browser, out, "g60-network")
    page = watched.page
    assert page.locator("#g60-network").get_attribute("data-nodes") == "2"
    assert page.locator(".g60-canvas").evaluate("e => e.style.height") == "580px"
    page.evaluate(f"() => window.g60.select({iri + 'b'!r})")
    assert IMG in page.locator(".g60-panel").inner_text()
    assert page.evaluate("() => window.__pwned") is None
    assert watched.errors == [] and watched.requests == [out.as_uri()]
    page.context.close()


def test_whole_graph_in_browser(browser: Any, kg: KnowledgeGraph, tmp_path: Path) -> None:
    out = tmp_path / "whole.html"
    assert main(["viz", "--all", "-o", str(out)]) == 0
    expected = network.select(kg)
    watched = open_page(browser, out, "g60-network")
    host = watched.page.locator("#g60-network")
    assert host.get_attribute("data-nodes") == str(expected.number_of_nodes())
    assert host.get_attribute("data-edges") == str(expected.number_of_edges())
    assert_clean(watched, out)
    watched.page.context.close()


def test_hostile_labels_on_the_map(browser: Any, tmp_path: Path) -> None:
    data = tmp_path / "evil-park.ttl"
    data.write_text(
        "@prefix g60: <https://w3id.org/g60graph/def#> .\n"
        "@prefix g60r: <https://w3id.org/g60graph/id/> .\n"
        "@prefix rdfs: <http://www.w3.org/2000/01/rdf-schema#> .\n"
        f'g60r:evil-park a g60:IndustrialPark ; rdfs:label "{IMG}"@en ;\n'
        f'  rdfs:comment "{SCRIPT}" ; g60:directlyLocatedIn g60r:hefei .\n'
        f'g60r:evil-line a g60:Railway ; rdfs:label "{SCRIPT}"@en ;\n'
        "  g60:connects g60r:hefei , g60r:wuhu .\n",
        encoding="utf-8",
    )
    out = tmp_path / "evil-map.html"
    assert main(["map", "--data", str(data), "-o", str(out)]) == 0
    watched = open_page(browser, out, "g60-map")
    page = watched.page
    site = page.locator("g.g60-site[data-id$='/evil-park']")
    assert site.count() == 1
    site.locator("rect").click()
    assert page.locator("#g60-panel h2").inner_text() == IMG
    assert SCRIPT in page.locator("#g60-panel").inner_text()
    # a line's label reaches the legend drawn in the SVG, as text
    assert SCRIPT in page.locator(".g60-map-legend").text_content()
    assert page.locator("svg script").count() == 0
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0
    assert_clean(watched, out)
    page.context.close()


def test_a_blank_screenshot_is_caught(browser: Any) -> None:
    """The non-blank check can fail: an empty page paints one colour."""
    watched = watched_page(browser, offline=True)
    watched.page.set_content("<html><body style='background:#fff'></body></html>")
    assert png_colours(watched.page.screenshot()) == 1
    watched.page.context.close()


def test_same_layout_on_every_load_and_exports(browser: Any, pages: dict[str, Path]) -> None:
    import base64
    import xml.etree.ElementTree as ET

    positions = []
    for _ in range(2):
        watched = open_page(browser, pages["alliances-parks"], "g60-network")
        positions.append(watched.page.evaluate("() => window.g60.network.getPositions()"))
        page = watched.page
        svg = ET.fromstring(page.evaluate("() => window.g60.svg()"))
        assert len(svg.findall("{http://www.w3.org/2000/svg}circle")) == len(positions[-1])
        png = page.evaluate("() => window.g60.png()")
        assert png_colours(base64.b64decode(png.split(",", 1)[1])) >= 8
        with page.expect_download() as download:
            page.click(".g60-export-svg")
        ET.parse(download.value.path())
        page.click(".g60-panel-toggle")
        assert not page.locator(".g60-panel").is_visible()
        assert watched.errors == []
        page.context.close()
    assert positions[0] == positions[1]


def test_map_exports_png_and_svg(browser: Any, pages: dict[str, Path], tmp_path: Path) -> None:
    import xml.etree.ElementTree as ET

    watched = open_page(browser, pages["map"], "g60-map")
    page = watched.page
    with page.expect_download() as svg_download:
        page.click(".g60-export-svg")
    root = ET.parse(svg_download.value.path()).getroot()
    assert root.findall(".//{http://www.w3.org/2000/svg}circle")
    with page.expect_download() as png_download:
        page.click(".g60-export-png")
    assert png_colours(Path(png_download.value.path()).read_bytes()) >= 8
    assert watched.errors == [] and watched.requests == [pages["map"].as_uri()]
    page.context.close()
    # the name alone asks for SVG (a .svg holding HTML was the old surprise)
    assert main(["map", "--lang", "zh", "-o", str(tmp_path / "map.svg")]) == 0
    drawn = ET.parse(tmp_path / "map.svg").getroot()
    # each city in both languages, Chinese first; the basemap, scale bar and credit travel
    labels = [t.text for t in drawn.iter("{http://www.w3.org/2000/svg}tspan")]
    assert "杭州市" in labels and "Hangzhou" in labels
    texts = ["".join(t.itertext()) for t in drawn.iter("{http://www.w3.org/2000/svg}text")]
    assert any(t.startswith("底图：Natural Earth") for t in texts)
    assert any(t.endswith(" km") for t in texts) and "北" in texts
    classes = {p.get("class") for p in drawn.iter("{http://www.w3.org/2000/svg}path")}
    assert {"g60-basemap-land", "g60-basemap-province", "g60-basemap-coast"} <= classes


# Everything drawn inside the map's frame (the legend column and the credit strip
# lie outside it), counted by layer, in the drawing's own units.
BASEMAP_IN_FRAME = """() => {
  const frame = document.querySelector("#g60-map-frame rect");
  const fw = +frame.getAttribute("width"), fh = +frame.getAttribute("height");
  const seen = {};
  document.querySelectorAll(".g60-basemap path").forEach((p) => {
    const b = p.getBBox();
    if (b.x < fw && b.y < fh && b.x + b.width > 0 && b.y + b.height > 0) {
      seen[p.getAttribute("class")] = (seen[p.getAttribute("class")] || 0) + 1;
    }
  });
  return seen;
}"""


def great_circle_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Haversine distance on the mean Earth radius (what a scale bar measures)."""
    lon1, lat1, lon2, lat2 = map(math.radians, (*a, *b))
    h = (math.sin((lat2 - lat1) / 2) ** 2
         + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2)
    return 2 * 6371.0088 * math.asin(math.sqrt(h))


def test_map_basemap_scale_bar_north_arrow(browser: Any, kg: KnowledgeGraph,
                                           pages: dict[str, Path]) -> None:
    watched = open_page(browser, pages["map"], "g60-map")
    page = watched.page
    drawn = page.evaluate(BASEMAP_IN_FRAME)
    # Natural Earth's land, coast, lakes (Taihu) and province lines are in view
    assert {"g60-basemap-land", "g60-basemap-coast", "g60-basemap-lake",
            "g60-basemap-province"} <= set(drawn), drawn
    assert drawn["g60-basemap-province"] >= 3
    assert page.locator("#g60-map").get_attribute("data-projection").startswith(
        "Lambert conformal conic")

    # The scale bar's label is what its length measures on this projection: the
    # drawing's units per km come from two far-apart cities and their great-circle
    # distance, independently of the page's own arithmetic.
    def centre(iri_end: str) -> tuple[float, float]:
        circle = page.locator(f"g.g60-city[data-id$='/{iri_end}'] circle")
        return float(circle.get_attribute("cx")), float(circle.get_attribute("cy"))

    where = {p["id"].rsplit("/", 1)[1]: (p["lon"], p["lat"])
             for p in geomap.map_data(kg)["places"] if p["kind"] == "city"}
    units = math.dist(centre("hefei"), centre("songjiang"))
    km_per_unit = great_circle_km(where["hefei"], where["songjiang"]) / units
    bar = page.locator(".g60-scalebar")
    length = float(bar.locator("rect.g60-scalebar-bar").get_attribute("width"))
    label = bar.locator("text.g60-scalebar-label").text_content()
    assert label.endswith(" km")
    km = float(label.removesuffix(" km"))
    assert km == float(bar.get_attribute("data-km")) and km in (50, 100, 200)
    assert abs(length * km_per_unit - km) / km < 0.01, (length * km_per_unit, km)
    # it is drawn where it claims to be: the bar's on-screen width over the frame's
    frame_px = page.evaluate("() => document.querySelector('#g60-map svg')"
                             ".getBoundingClientRect().width")
    bar_px = bar.locator("rect.g60-scalebar-bar").bounding_box()["width"]
    assert abs(bar_px / frame_px - length / 1240) < 0.002

    # The north arrow: east of the central meridian a conic's north leans west, a little
    arrow = page.locator("g.g60-north")
    assert arrow.count() == 1 and arrow.locator("polygon").count() == 2
    assert arrow.locator("text").text_content() == "N"
    angle = float(arrow.get_attribute("data-angle"))
    assert -4 < angle < 0
    assert "Natural Earth" in page.locator("text.g60-attribution").text_content()
    assert_clean(watched, pages["map"])
    page.context.close()


def test_map_labels_in_chinese_render(browser: Any, tmp_path: Path) -> None:
    out = tmp_path / "map-zh.html"
    assert main(["map", "--lang", "zh", "-o", str(out)]) == 0
    watched = open_page(browser, out, "g60-map")
    page = watched.page
    label = page.locator("g.g60-city[data-id$='/hangzhou'] text.g60-label")
    assert label.locator("tspan").all_text_contents() == ["杭州市", "Hangzhou"]
    # a CJK font is in use: two different characters paint different pixels
    assert page.evaluate(GLYPHS_DIFFER, FONT), "no CJK font: install fonts-noto-cjk"
    assert page.locator("g.g60-north text").text_content() == "北"
    assert page.locator(".g60-scalebar text.g60-projection").text_content().startswith("兰勃特")
    assert_clean(watched, out)
    page.context.close()


# Every drawn node's box, labels included, as vis-network measured it when drawing,
# in page pixels; the canvas's and the side panel's boxes; the smallest label's size
# on screen (its font size in vis-network's own options, times the zoom).
DRAWN_BOXES = """() => {
  const net = window.g60.network;
  const boxes = window.g60.nodes.getIds({filter: (n) => !n.hidden}).map((id) => {
    const b = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: b.left, y: b.top});
    const c = net.canvasToDOM({x: b.right, y: b.bottom});
    return {id: id, left: a.x, top: a.y, right: c.x, bottom: c.y};
  });
  const canvas = document.querySelector(".g60-canvas").getBoundingClientRect();
  const panel = document.querySelector(".g60-panel");
  const px = Math.min(...window.g60.nodes.getIds().map(
    (id) => net.body.nodes[id].options.font.size)) * net.getScale();
  return {boxes: boxes, width: canvas.width, height: canvas.height, label_px: px,
          panel_left: panel.offsetParent ? panel.getBoundingClientRect().left - canvas.left : null};
}"""


def assert_inside(drawn: dict[str, Any]) -> None:
    """Each box within the canvas (a pixel of rounding allowed), so nothing is cut
    at an edge and nothing lies under the side panel, which starts where it ends."""
    outside = [b for b in drawn["boxes"]
               if b["left"] < -1 or b["top"] < -1
               or b["right"] > drawn["width"] + 1 or b["bottom"] > drawn["height"] + 1]
    assert not outside, (outside, drawn["width"], drawn["height"])
    if drawn["panel_left"] is not None:
        assert drawn["panel_left"] >= drawn["width"] - 1


def wait_fitted(page: Any, after: int) -> None:
    page.wait_for_function(
        "(n) => { const h = document.querySelector('#g60-network');"
        " return +h.getAttribute('data-fits') > n && h.getAttribute('data-state') === 'stable'; }",
        arg=after, timeout=20_000)


@pytest.mark.parametrize("name", DIAGRAMS)
def test_nothing_clipped_and_labels_readable(browser: Any, pages: dict[str, Path],
                                            name: str) -> None:
    watched = open_page(browser, pages[name], "g60-network")
    page = watched.page
    host = page.locator("#g60-network")
    drawn = page.evaluate(DRAWN_BOXES)
    assert drawn["boxes"]
    assert_inside(drawn)
    # readable at 100 %: no label drawn smaller than 12 px (11.5 for rounding)
    assert drawn["label_px"] >= 11.5, drawn["label_px"]
    # the panel closed and opened again, and a larger window: fitted again each time
    for step in ("close", "open", "resize"):
        fits = int(host.get_attribute("data-fits"))
        if step == "resize":
            page.set_viewport_size({"width": 1400, "height": 900})
        else:
            page.click(".g60-panel-toggle")
        wait_fitted(page, fits)
        again = page.evaluate(DRAWN_BOXES)
        assert (again["panel_left"] is None) == (step == "close")
        assert_inside(again)
        assert again["label_px"] >= 11.5
    assert watched.errors == []
    page.context.close()


# The map's labels (cities', parks' and institutes', provinces', rivers') and marks,
# as page boxes, with the map frame's box (the drawing's frame through its CTM).
MAP_LABELS = """() => {
  const box = (e) => { const r = e.getBoundingClientRect();
                       return {left: r.left, top: r.top, right: r.right, bottom: r.bottom}; };
  const owner = (e) => { const g = e.closest("g.g60-site"); return g ? g.dataset.id : null; };
  const labels = [...document.querySelectorAll(
      "#g60-map text.g60-label, #g60-map text.g60-area-name, #g60-map text.g60-river-name")]
    .map((t) => Object.assign(box(t), {
      kind: t.getAttribute("class"), owner: owner(t),
      whole: [t.getAttribute("data-main"), t.getAttribute("data-other")],
      main: [...t.querySelectorAll("tspan")].filter((s) => !/other/.test(s.getAttribute("class")))
        .map((s) => s.textContent),
      other: [...t.querySelectorAll("tspan")].filter((s) => /other/.test(s.getAttribute("class")))
        .map((s) => s.textContent)}));
  const marks = [...document.querySelectorAll(
      "#g60-map g.g60-site > circle, #g60-map g.g60-site > rect, #g60-map circle.g60-station")]
    .map((m) => Object.assign(box(m), {owner: owner(m)}));
  const rect = document.querySelector("#g60-map-frame rect");
  const m = document.querySelector("#g60-map svg").getScreenCTM();
  const frame = {left: m.e, top: m.f, right: m.e + m.a * +rect.getAttribute("width"),
                 bottom: m.f + m.d * +rect.getAttribute("height")};
  const parks = [...document.querySelectorAll("#g60-map g.g60-park")];
  return {labels, marks, frame, parks: parks.length,
          unlabelled_parks: parks.filter((g) => g.dataset.unlabelled === "true").length,
          unlabelled: +document.querySelector("#g60-map").getAttribute("data-unlabelled")};
}"""


def overlap(a: dict[str, Any], b: dict[str, Any], slack: float = 1.0) -> bool:
    """Whether two screen boxes overlap by more than ``slack`` px each way: a text's box
    is its font's line box (CJK fonts' run taller than their glyphs), so corners that
    touch within a pixel leave the glyphs clear."""
    return (a["left"] < b["right"] - slack and b["left"] < a["right"] - slack
            and a["top"] < b["bottom"] - slack and b["top"] < a["bottom"] - slack)


def unspaced(parts: list[str]) -> str:
    """A label's lines as one text (lines are cut at spaces, or in Chinese anywhere)."""
    return "".join(parts).replace(" ", "")


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_map_labels_parks_and_institutes_without_overlap(
        browser: Any, kg: KnowledgeGraph, tmp_path: Path, lang: str) -> None:
    out = tmp_path / f"map-{lang}.html"
    assert main(["map", "--lang", lang, "-o", str(out)]) == 0
    watched = open_page(browser, out, "g60-map")
    page = watched.page
    drawn = page.evaluate(MAP_LABELS)
    sites = {p["id"]: p for p in geomap.map_data(kg, lang)["places"] if p["kind"] == "site"}
    assert drawn["parks"] == len(sites) > 0
    # each park and institute named, in the page's language first, then the other's
    # where it adds something; one with no free room at all may go unnamed (its mark
    # keeps its tooltip and panel), but at most a third do, and the page says how many
    # (with 51 sites, those drawn round Hefei, Wuhu and Hangzhou crowd; farther rings
    # of spots, on leader lines, keep them named)
    assert drawn["unlabelled"] == drawn["unlabelled_parks"] <= len(sites) // 3
    named = {lab["owner"]: lab for lab in drawn["labels"] if "g60-site-label" in lab["kind"]}
    assert len(named) == len(sites) - drawn["unlabelled"]
    for iri, lab in named.items():
        site = sites[iri]
        other = site["label_en"] if lang == "zh" else site["label_zh"]
        if other == site["label"] or other in site["label"]:
            other = ""  # nothing to add
        assert lab["whole"] == [site["label"], other]
        assert unspaced(lab["main"]) == site["label"].replace(" ", "")
        assert unspaced(lab["other"]) == other.replace(" ", "")
    # no label over another, nor over any mark; all inside the map's frame
    labels = drawn["labels"]
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not overlap(a, b), (a, b)
        for mark in drawn["marks"]:
            assert not overlap(a, mark), (a, mark)
        frame = drawn["frame"]
        assert (a["left"] >= frame["left"] - 1 and a["right"] <= frame["right"] + 1
                and a["top"] >= frame["top"] - 1 and a["bottom"] <= frame["bottom"] + 1), a
    assert_clean(watched, out)
    page.context.close()


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_map_province_areas_names_and_rivers(browser: Any, kg: KnowledgeGraph,
                                             tmp_path: Path, lang: str) -> None:
    out = tmp_path / f"map-{lang}.html"
    assert main(["map", "--lang", lang, "-o", str(out)]) == 0
    watched = open_page(browser, out, "g60-map")
    page = watched.page
    drawn = page.evaluate(BASEMAP_IN_FRAME)
    assert {"g60-basemap-area", "g60-basemap-river"} <= set(drawn), drawn
    # the graph's provinces are tinted in their own colour (the cities' in the legend)
    for area in geomap.map_data(kg, lang)["areas"]:
        assert page.locator(f"path.g60-basemap-area[fill='{area['color']}']").count() >= 1
    # province names from Natural Earth, the page's language first
    areas = [f["properties"] for f in geomap.basemap()["features"]
             if f["properties"]["layer"] == "area"]
    names = page.evaluate(MAP_LABELS)["labels"]
    provinces = [lab for lab in names if lab["kind"] == "g60-area-name"]
    assert provinces
    key, other = ("name_zh", "name_en") if lang == "zh" else ("name_en", "name_zh")
    by_name = {a[key]: a for a in areas}
    for lab in provinces:
        assert lab["main"][0] in by_name
        assert lab["other"] == [by_name[lab["main"][0]][other]]
    # the Yangtze, named on its line in both languages
    river = [lab for lab in names if lab["kind"] == "g60-river-name"]
    assert [lab["main"] for lab in river] == [
        ["长江 Yangtze"] if lang == "zh" else ["Yangtze 长江"]]
    assert_clean(watched, out)
    page.context.close()


def test_network_in_chinese_throughout(browser: Any, tmp_path: Path) -> None:
    """--lang zh: the title, subtitle, legend, UI strings, panel and footer in Chinese,
    drawn with real CJK glyphs."""
    out = tmp_path / "overview-zh.html"
    assert main(["viz", "--lang", "zh", "-o", str(out)]) == 0
    watched = open_page(browser, out, "g60-network")
    page = watched.page
    cjk = re.compile(r"[\u4e00-\u9fff]")
    assert page.locator("html").get_attribute("lang") == "zh"
    for selector in ("header h1", "header p", ".g60-footer", ".g60-panel-toggle",
                     ".g60-export-png", ".g60-export-svg", ".g60-panel .g60-hint"):
        assert cjk.search(page.locator(selector).inner_text()), selector
    assert cjk.search(page.locator(".g60-search").get_attribute("placeholder"))
    legend = page.locator(".g60-legend-label").all_inner_texts()
    assert legend and all(cjk.search(label) for label in legend)
    page.fill(".g60-search", "杭州市")
    page.press(".g60-search", "Enter")
    assert page.locator(".g60-panel h2").inner_text() == "杭州市"
    headings = page.locator(".g60-panel h3").all_inner_texts()
    assert headings and all(cjk.search(h) for h in headings)
    assert page.evaluate(GLYPHS_DIFFER, FONT), "no CJK font: install fonts-noto-cjk"
    assert_clean(watched, out)
    page.context.close()


def test_default_viz_is_the_overview(kg: KnowledgeGraph, tmp_path: Path) -> None:
    """`g60graph viz` alone draws the overview diagram, not every entity."""
    out = tmp_path / "default.html"
    assert main(["viz", "-o", str(out)]) == 0
    page = out.read_text(encoding="utf-8")
    overview = network.select(kg, query="diagram-overview")
    assert f"{overview.number_of_nodes()} nodes" in page
    assert overview.number_of_nodes() < network.select(kg).number_of_nodes()


@pytest.mark.parametrize("name", ["overview", "map"])
def test_print_style(browser: Any, pages: dict[str, Path], name: str) -> None:
    """Printed, a page is its drawing: no search box, buttons or side panel."""
    watched = open_page(browser, pages[name], "g60-map" if name == "map" else "g60-network")
    page = watched.page
    page.emulate_media(media="print")
    for selector in (".g60-export", ".g60-panel"):
        assert page.locator(selector).count() >= 1
        assert not page.locator(selector).first.is_visible(), selector
    if name == "overview":
        assert not page.locator(".g60-search").is_visible()
        assert not page.locator(".g60-panel-toggle").is_visible()
        assert page.locator(".g60-canvas canvas").is_visible()
    else:
        assert page.locator("#g60-map svg").is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".g60-export").first.is_visible()
    assert watched.errors == []
    page.context.close()


def test_map_same_drawing_on_every_load(browser: Any, pages: dict[str, Path]) -> None:
    """The map's SVG, labels placed and all, is the same on a second load."""
    drawings = []
    for _ in range(2):
        watched = open_page(browser, pages["map"], "g60-map")
        drawings.append(watched.page.evaluate("() => window.g60map.svgText()"))
        assert watched.errors == []
        watched.page.context.close()
    assert drawings[0] == drawings[1]
    assert "g60-site-label" in drawings[0]


def test_map_panel_folds_away(browser: Any, pages: dict[str, Path]) -> None:
    """The map's side panel is collapsible, and the drawing takes the room it leaves."""
    watched = open_page(browser, pages["map"], "g60-map")
    page = watched.page
    before = page.locator("#g60-map svg").bounding_box()["width"]
    page.click(".g60-panel-toggle")
    assert not page.locator("#g60-panel").is_visible()
    assert page.locator(".g60-panel-toggle").get_attribute("aria-expanded") == "false"
    assert page.locator("#g60-map svg").bounding_box()["width"] > before
    page.click(".g60-panel-toggle")
    assert page.locator("#g60-panel").is_visible()
    assert watched.errors == []
    page.context.close()


# How many pairs of drawn nodes overlap: each node's box is its mark and its label, as
# vis-network measured them in its last drawing, in page pixels.
OVERLAPPING_NODES = """() => {
  const net = window.g60.network;
  const boxes = window.g60.nodes.getIds({filter: (n) => !n.hidden}).map((id) => {
    const b = net.getBoundingBox(id);
    const a = net.canvasToDOM({x: b.left, y: b.top});
    const c = net.canvasToDOM({x: b.right, y: b.bottom});
    return {left: a.x, top: a.y, right: c.x, bottom: c.y};
  });
  let pairs = 0;
  for (let i = 0; i < boxes.length; i++) {
    for (let j = i + 1; j < boxes.length; j++) {
      const p = boxes[i], q = boxes[j];
      if (p.left < q.right - 0.5 && q.left < p.right - 0.5
          && p.top < q.bottom - 0.5 && q.top < p.bottom - 0.5) pairs++;
    }
  }
  return {nodes: boxes.length, pairs: pairs};
}"""


@pytest.mark.parametrize("name", ["alliances-parks", "agreements"])
def test_force_layout_leaves_room_for_labels(browser: Any, pages: dict[str, Path],
                                             tmp_path: Path, name: str) -> None:
    """Force-laid diagrams: after physics froze, nodes were moved apart until no node's
    label overlaps another node (mark or label). The same page with that pass turned off
    (options.declutter false) shows what it removes, so the count can fail."""
    counts = {}
    plain = tmp_path / f"{name}-plain.html"
    text = pages[name].read_text(encoding="utf-8")
    assert text.count('id="g60-options">{') == 1
    plain.write_text(text.replace('id="g60-options">{', 'id="g60-options">{"declutter":false,'),
                     encoding="utf-8")
    for key, path in (("before", plain), ("after", pages[name])):
        watched = open_page(browser, path, "g60-network")
        counts[key] = watched.page.evaluate(OVERLAPPING_NODES)
        if key == "after":
            drawn = watched.page.evaluate(DRAWN_BOXES)
            assert_inside(drawn)  # nothing pushed past the canvas's edges
            assert drawn["label_px"] >= 11.5  # and the labels as readable as before
            assert watched.page.locator("#g60-network").get_attribute("data-decluttered") == "0"
            footer = watched.page.locator(".g60-footer").bounding_box()
            canvas = watched.page.locator(".g60-canvas").bounding_box()
            assert footer["y"] >= canvas["y"] + canvas["height"] - 1  # below, not over it
        assert watched.errors == []
        watched.page.context.close()
    assert counts["before"]["nodes"] == counts["after"]["nodes"] > 50
    assert counts["before"]["pairs"] >= 100, counts  # dense without the pass (236, 2558)
    assert counts["after"]["pairs"] == 0, counts


# Every text drawn on the map (each <text> and <tspan> with a glyph): its font size on
# screen (its CSS size times the drawing's scale) and whether its box lies inside both
# the drawing and the window; the legend's entries; the page's own width.
NARROW_TEXT = """() => {
  const host = document.querySelector("#g60-map"), drawing = host.querySelector("svg");
  const m = drawing.getScreenCTM(), frame = drawing.getBoundingClientRect();
  const drawn = [...drawing.querySelectorAll("text, tspan")]
    .filter((t) => t.textContent.trim() && t.getBoundingClientRect().width > 0);
  const sizes = drawn.map((t) => parseFloat(getComputedStyle(t).fontSize) * m.a);
  const outside = drawn.filter((t) => {
    const b = t.getBoundingClientRect();
    return b.left < Math.max(frame.left, 0) - 1 || b.top < frame.top - 1
      || b.right > Math.min(frame.right, window.innerWidth) + 1 || b.bottom > frame.bottom + 1;
  }).map((t) => t.textContent);
  return {layout: host.dataset.layout, texts: drawn.length, min_px: Math.min(...sizes),
          outside: outside, legend: drawing.querySelectorAll(".g60-legend-entry").length,
          page_width: document.documentElement.scrollWidth, scale: m.a};
}"""


@pytest.mark.parametrize("lang", ["en", "zh"])
def test_map_readable_in_a_narrow_window(browser: Any, kg: KnowledgeGraph, tmp_path: Path,
                                         lang: str) -> None:
    """400 px wide: the map is drawn at one unit a pixel, the legend under it; no text
    under 11 px, none cut at an edge, nothing wider than the window. Widened, the page
    draws the wide map again."""
    out = tmp_path / f"map-{lang}.html"
    assert main(["map", "--lang", lang, "-o", str(out)]) == 0
    watched = watched_page(browser, offline=True)
    page = watched.page
    page.set_viewport_size({"width": 400, "height": 800})
    page.goto(out.as_uri())
    page.wait_for_selector("#g60-map[data-state=stable]", timeout=20_000)
    drawn = page.evaluate(NARROW_TEXT)
    assert drawn["layout"] == "narrow" and abs(drawn["scale"] - 1) < 0.01, drawn
    assert drawn["texts"] >= 30
    assert drawn["min_px"] >= 11, drawn["min_px"]
    assert drawn["outside"] == [], drawn["outside"]
    assert drawn["page_width"] <= 400
    assert drawn["legend"] == len(geomap.map_data(kg, lang)["legend"])
    assert page.locator("#g60-panel").bounding_box()["width"] >= 350  # under the map
    # and still no label over another nor over a mark (cities' set further out if need be)
    placed = page.evaluate(MAP_LABELS)
    labels = placed["labels"]
    assert len([lab for lab in labels if lab["kind"] == "g60-label"]) >= 9  # every city named
    for i, a in enumerate(labels):
        for b in labels[i + 1:]:
            assert not overlap(a, b), (a, b)
        for mark in placed["marks"]:
            assert not overlap(a, mark), (a, mark)
    page.set_viewport_size({"width": 1000, "height": 700})
    page.wait_for_selector("#g60-map[data-layout=wide]", timeout=20_000)
    assert page.locator(".g60-toolbar").count() == 1  # drawn again, not twice
    assert page.evaluate(NARROW_TEXT)["outside"] == []
    assert_clean(watched, out)
    page.context.close()
