"""Charts and timelines in headless Chromium, opened from file:// with no network.

Each page: no request but its own file, no console error, a non-blank screenshot,
Chinese drawn with real glyphs, the same drawing on a second load, PNG and SVG
exports (from the page's code, its button and the CLI) that parse, and hostile
labels shown as text without running.
"""

from __future__ import annotations

import base64
import xml.etree.ElementTree as ET
from pathlib import Path
from typing import Any

import pytest

from browser import watched_page
from g60graph.cli import main
from views_fixture import series_data
from viz_helpers import FONT, GLYPHS_DIFFER, IMG, SCRIPT, png_colours


@pytest.fixture(scope="module")
def pages(tmp_path_factory: pytest.TempPathFactory) -> dict[str, Path]:
    folder = tmp_path_factory.mktemp("views")
    data = str(series_data(folder))
    made = {name: folder / f"{name}.html" for name in ("line", "bar", "timeline", "timeline-zh")}
    assert main(["chart", "-p", "measure=g60r:measure-test", "--data", data,
                 "-o", str(made["line"])]) == 0
    assert main(["chart", "compare-cities", "-p", "measure=g60r:measure-test", "--data", data,
                 "--lang", "zh", "-o", str(made["bar"])]) == 0
    assert main(["timeline", "--data", data, "-o", str(made["timeline"])]) == 0
    assert main(["timeline", "--data", data, "--lang", "zh", "-o", str(made["timeline-zh"])]) == 0
    return made


def opened(browser: Any, path: Path) -> Any:
    watched = watched_page(browser, offline=True)
    watched.page.set_viewport_size({"width": 1100, "height": 800})
    watched.page.goto(path.as_uri())
    watched.page.wait_for_selector("#g60-view[data-state=stable]", timeout=20_000)
    return watched


def exported_png(page: Any) -> bytes:
    url = page.evaluate("() => window.g60view.png()")
    assert url.startswith("data:image/png;base64,")
    return base64.b64decode(url.split(",", 1)[1])


def svg_texts(svg: str) -> list[str]:
    root = ET.fromstring(svg)  # parses: a well-formed SVG document
    assert root.tag == "{http://www.w3.org/2000/svg}svg"
    return ["".join(t.itertext()) for t in root.iter("{http://www.w3.org/2000/svg}text")]


@pytest.mark.parametrize("name", ["line", "bar", "timeline", "timeline-zh"])
def test_view_draws_offline_and_exports(browser: Any, pages: dict[str, Path], name: str) -> None:
    watched = opened(browser, pages[name])
    page = watched.page
    expected = 8 if name.startswith("timeline") else 6
    points = int(page.locator("#g60-view").get_attribute("data-points"))
    assert points >= expected
    assert page.locator("#g60-view svg").count() >= 1
    assert png_colours(page.screenshot()) >= 8, "the screenshot is blank"
    assert png_colours(exported_png(page)) >= 8, "the exported PNG is blank"
    texts = svg_texts(page.evaluate("() => window.g60view.svg()"))
    if name == "bar":
        assert "杭州市" in texts and "单位: 元" in texts
        assert any(t.startswith("来源: ") for t in texts)  # the source, on the chart
    if name == "line":
        assert f"Unit: {IMG}" in texts  # the unit, on the chart, as text
        assert "Hangzhou" in texts and "Hefei" in texts  # the legend of the series
    assert page.evaluate("() => window.__pwned") is None
    assert page.locator("img").count() == 0
    assert watched.requests == [pages[name].as_uri()]
    assert watched.errors == []
    page.context.close()


@pytest.mark.parametrize("name", ["bar", "timeline-zh"])
def test_chinese_has_real_glyphs(browser: Any, pages: dict[str, Path], name: str) -> None:
    watched = opened(browser, pages[name])
    assert watched.page.evaluate(GLYPHS_DIFFER, FONT), "no CJK font: install fonts-noto-cjk"
    assert watched.page.locator("html").get_attribute("lang") == "zh"
    watched.page.context.close()


def test_same_picture_on_every_load(browser: Any, pages: dict[str, Path]) -> None:
    drawings = []
    for _ in range(2):
        watched = opened(browser, pages["timeline"])
        drawings.append(watched.page.evaluate("() => window.g60view.svg()"))
        watched.page.context.close()
    assert drawings[0] == drawings[1]


def test_hostile_labels_stay_text(browser: Any, pages: dict[str, Path]) -> None:
    watched = opened(browser, pages["timeline"])
    page = watched.page
    events = page.locator(".g60-events")
    assert IMG in events.inner_text()  # the conference's label, shown as text
    assert f"at: {IMG}" in events.inner_text()  # what it produced points back to it
    hrefs = events.locator("a").evaluate_all("as => as.map(a => a.getAttribute('href'))")
    assert hrefs and all(h.startswith("http") for h in hrefs)  # no javascript: link
    root = ET.fromstring(page.evaluate("() => window.g60view.svg()"))
    tags = {element.tag.rsplit("}", 1)[-1] for element in root.iter()}
    assert not tags & {"img", "script", "foreignObject", "a"}  # labels stayed text
    assert page.evaluate("() => window.__pwned") is None
    assert watched.errors == []
    page.context.close()
    watched = opened(browser, pages["line"])
    assert SCRIPT in watched.page.locator(".g60-view-sources").inner_text()
    assert watched.page.evaluate("() => window.__pwned") is None
    watched.page.context.close()


def test_export_buttons_download_images(browser: Any, pages: dict[str, Path]) -> None:
    watched = opened(browser, pages["bar"])
    page = watched.page
    with page.expect_download() as svg_download:
        page.click(".g60-export-svg")
    assert svg_download.value.suggested_filename == "g60graph-chart.svg"
    assert "杭州市" in svg_texts(Path(svg_download.value.path()).read_text(encoding="utf-8"))
    with page.expect_download() as png_download:
        page.click(".g60-export-png")
    assert png_colours(Path(png_download.value.path()).read_bytes()) >= 8
    assert watched.errors == []
    page.context.close()


def test_cli_writes_svg_and_png(tmp_path: Path) -> None:
    data = str(series_data(tmp_path))
    svg, png = tmp_path / "t.svg", tmp_path / "c.png"
    assert main(["timeline", "--data", data, "--lang", "zh", "--svg", "-o", str(svg)]) == 0
    assert "G60科创走廊大事记" in svg_texts(svg.read_text(encoding="utf-8"))
    assert main(["chart", "-p", "measure=g60r:measure-test", "--data", data, "-o", str(png)]) == 0
    assert png_colours(png.read_bytes()) >= 8


def test_print_style(browser: Any, pages: dict[str, Path]) -> None:
    """Printed, a chart is its drawing: no toolbar or export buttons."""
    watched = opened(browser, pages["line"])
    page = watched.page
    page.emulate_media(media="print")
    assert not page.locator(".g60-export").first.is_visible()
    assert page.locator(".g60-plot").first.is_visible()
    page.emulate_media(media="screen")
    assert page.locator(".g60-export").first.is_visible()
    assert watched.errors == []
    page.context.close()


# Every text ECharts drew (its SVG renderer) against the drawing's own box; a text
# inside a clip-path (the legend's hidden page) is clipped on purpose, not cut.
TEXT_OUTSIDE = """() => {
  const svg = document.querySelector("#g60-view svg");
  const box = svg.getBoundingClientRect();
  return [...svg.querySelectorAll("text")].filter((t) => !t.closest("[clip-path]"))
    .map((t) => [t.textContent, t.getBoundingClientRect()])
    .filter(([text, r]) => text && r.width > 0 && (r.left < box.left - 1 || r.right > box.right + 1
                                                    || r.top < box.top - 1
                                                    || r.bottom > box.bottom + 1))
    .map(([text, r]) => [text, r.left, r.right]);
}"""


@pytest.mark.parametrize("width", [1000, 1400])
def test_nothing_drawn_past_the_edges(browser: Any, tmp_path: Path, width: int) -> None:
    """The packaged graph's timeline and a bar chart: no label runs off the drawing
    (a label by the last date stays inside)."""
    made = {"timeline": tmp_path / "timeline.html", "bar": tmp_path / "bar.html"}
    assert main(["timeline", "-o", str(made["timeline"])]) == 0
    assert main(["chart", "compare-cities", "-p", "measure=g60r:measure-test", "--data",
                 str(series_data(tmp_path)), "-o", str(made["bar"])]) == 0
    for path in made.values():
        watched = opened(browser, path)
        page = watched.page
        page.set_viewport_size({"width": width, "height": 800})
        page.wait_for_selector("#g60-view[data-state=stable]")
        page.wait_for_function("() => document.querySelector('#g60-view svg text')")
        assert page.evaluate(TEXT_OUTSIDE) == []
        assert watched.errors == []
        page.context.close()
