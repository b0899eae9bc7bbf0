"""Headless Chromium (Debian's package) driven by Playwright, for the browser tests.

Each page gets a fresh context that records every request and console error,
so a test can assert that a page made no request and logged no error.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from typing import Literal

from playwright.sync_api import Browser, Page, sync_playwright

CHROMIUM_ARGS = [
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]


def chromium_path() -> str:
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    if path is None:
        raise RuntimeError("Debian's chromium is not installed: run scripts/test.sh")
    return path


@contextmanager
def launch() -> Iterator[Browser]:
    with sync_playwright() as playwright:
        browser = playwright.chromium.launch(executable_path=chromium_path(), args=CHROMIUM_ARGS)
        try:
            yield browser
        finally:
            browser.close()


@dataclass
class Watched:
    """A page with the requests it made and the console errors it logged."""

    page: Page
    requests: list[str] = field(default_factory=list)
    errors: list[str] = field(default_factory=list)


def watched_page(
    browser: Browser,
    offline: bool = False,
    locale: str = "en-GB",
    accept_downloads: bool = True,
    only_host: str | None = None,
    color_scheme: Literal["light", "dark"] = "light",
) -> Watched:
    """``only_host``: every request elsewhere is aborted (and still recorded), so a page
    under test is offline except for the server the test started. ``color_scheme`` is
    what the page's ``prefers-color-scheme`` sees."""
    context = browser.new_context(
        offline=offline, locale=locale, accept_downloads=accept_downloads,
        color_scheme=color_scheme,
    )
    if only_host is not None:
        host = only_host.rstrip("/") + "/"
        context.route(
            "**/*",
            lambda route: route.continue_()
            if route.request.url.startswith(host) or route.request.url.startswith("data:")
            else route.abort(),
        )
    page = context.new_page()
    watched = Watched(page)
    page.on("request", lambda r: watched.requests.append(r.url))
    page.on("console", lambda m: watched.errors.append(m.text) if m.type == "error" else None)
    page.on("pageerror", lambda e: watched.errors.append(str(e)))
    return watched
