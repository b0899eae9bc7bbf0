"""PNG and SVG from a page, by headless Chromium at run time (``--png``, ``--svg``).

The page draws itself as it does in a browser and its own export code (static/
export.js, the code behind the page's buttons) leaves the image in the DOM, which
Chromium dumps: one drawing path for the buttons and the command line. Chromium is
the only run-time requirement (Debian: ``apt-get install chromium``); without it
the command fails in one line.
"""

from __future__ import annotations

import base64
import html
import os
import re
import shutil
import subprocess
import tempfile
from pathlib import Path

from g60graph._errors import CHROMIUM_HELP, InputError

__all__ = [
    "export_image",
    "find_chromium",
]

_RESULT = re.compile(
    r'<textarea id="g60-export" data-format="(png|svg)">(.*?)</textarea>', re.DOTALL
)


def find_chromium() -> str:
    """The Chromium to run, or InputError (one line) when there is none."""
    given = os.environ.get("G60GRAPH_CHROMIUM")
    for candidate in (given, "chromium", "chromium-browser", "google-chrome"):
        if candidate and (path := shutil.which(candidate)):
            return path
    raise InputError("--png/--svg " + CHROMIUM_HELP + ": no chromium found on PATH")


def export_image(page_html: str, fmt: str, *, width: int = 1200, height: int = 800,
                 timeout: float = 120.0) -> bytes:
    """The page's own PNG or SVG export of its drawing."""
    if fmt not in ("png", "svg"):
        raise InputError(f"image format must be png or svg, not {fmt!r}")
    chromium = find_chromium()
    with tempfile.TemporaryDirectory(prefix="g60graph-export-") as folder:
        page = Path(folder) / "page.html"
        page.write_text(page_html, encoding="utf-8")
        command = [
            chromium, "--headless", "--no-sandbox", "--disable-gpu", "--no-first-run",
            "--disable-background-networking", "--disable-component-update", "--disable-sync",
            f"--user-data-dir={folder}/profile", f"--window-size={width},{height}",
            "--virtual-time-budget=30000", "--dump-dom",
            page.as_uri() + f"#g60-export={fmt}",
        ]
        try:
            done = subprocess.run(command, capture_output=True, timeout=timeout, check=False)
        except subprocess.TimeoutExpired:
            raise InputError(f"--{fmt}: chromium did not finish within {timeout:.0f} s") from None
    match = _RESULT.search(done.stdout.decode("utf-8", "replace"))
    if done.returncode != 0 or match is None:
        detail = done.stderr.decode("utf-8", "replace").strip().splitlines()
        last = detail[-1] if detail else f"exit code {done.returncode}"
        raise InputError(f"--{fmt}: chromium drew no image ({last})")
    text = html.unescape(match.group(2))
    if fmt == "svg":
        return text.encode("utf-8")
    prefix = "data:image/png;base64,"
    if not text.startswith(prefix):
        raise InputError("--png: the page returned no PNG")
    return base64.b64decode(text[len(prefix):])
