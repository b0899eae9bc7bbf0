"""Self-contained HTML pages for the network view (and the map, see geomap.py).

A page is one UTF-8 file that works offline from ``file://``: vis-network (pyvis's
bundled copy, licence header kept), our own CSS and JS, and the data all sit inline.
Data goes in as JSON inside ``<script type="application/json">`` with ``<``, ``>``,
``&`` and U+2028/U+2029 escaped, so no label can close the script element; the page
builds the DOM with textContent only (see static/network.js).
"""

from __future__ import annotations

import base64
import hashlib
import html
import json
import re
from importlib import resources as importlib_resources
from pathlib import Path
from typing import Any

_STATIC = Path(__file__).resolve().parent / "static"
_SOURCE_MAP = re.compile(r"^//# sourceMappingURL=.*$", re.MULTILINE)
_JSON_ESCAPES = {
    "<": "\\u003c",
    ">": "\\u003e",
    "&": "\\u0026",
    "\u2028": "\\u2028",
    "\u2029": "\\u2029",
}


def script_json(value: Any) -> str:
    """JSON safe to place inside a <script> element (no '</script>', no '<!--')."""
    text = json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return re.sub("[<>&\u2028\u2029]", lambda m: _JSON_ESCAPES[m.group(0)], text)


def static_text(name: str) -> str:
    """One of our own assets from src/g60graph/static."""
    return (_STATIC / name).read_text(encoding="utf-8")


def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS from the installed pyvis package (licence header kept)."""
    base = importlib_resources.files("pyvis") / "lib" / "vis-9.1.2"
    js = (base / "vis-network.min.js").read_text(encoding="utf-8")
    css = (base / "vis-network.css").read_text(encoding="utf-8")
    # The source map is not shipped; a devtools request for it would leave the page.
    return _SOURCE_MAP.sub("", js), _SOURCE_MAP.sub("", css)


def _inline_script(code: str) -> str:
    if re.search(r"</script|<!--", code, re.IGNORECASE):
        raise ValueError("an inline script must not contain '</script' or '<!--'")
    return f"<script>{code}</script>"


def _sha256(code: str) -> str:
    digest = hashlib.sha256(code.encode("utf-8")).digest()
    return f"'sha256-{base64.b64encode(digest).decode('ascii')}'"


def _inline_style(css: str) -> str:
    if re.search(r"</style", css, re.IGNORECASE):
        raise ValueError("an inline style must not contain '</style'")
    return f"<style>\n{css}\n</style>"


def page(
    *,
    title: str,
    subtitle: str,
    body: str,
    scripts: list[str],
    styles: list[str],
    data: dict[str, Any],
    lang: str = "en",
) -> str:
    """A complete HTML document; ``data`` maps element ids to JSON-able values."""
    blocks = "\n".join(
        f'<script type="application/json" id="{html.escape(key)}">{script_json(value)}</script>'
        for key, value in data.items()
    )
    codes = [f"\n{code}\n" for code in scripts]
    hashes = " ".join(_sha256(code) for code in codes)
    # Only our own scripts may run (by hash), and nothing may be fetched.
    csp = (
        f"default-src 'none'; script-src {hashes}; "
        "style-src 'unsafe-inline'; img-src data:; font-src data:"
    )
    return "\n".join(
        [
            "<!DOCTYPE html>",
            f'<html lang="{html.escape(lang)}">',
            "<head>",
            '<meta charset="utf-8">',
            f'<meta http-equiv="Content-Security-Policy" content="{csp}">',
            '<meta name="viewport" content="width=device-width, initial-scale=1">',
            '<meta name="generator" content="g60graph">',
            f"<title>{html.escape(title)}</title>",
            *[_inline_style(css) for css in styles],
            "</head>",
            "<body>",
            '<header class="g60-header">',
            f"<h1>{html.escape(title)}</h1>",
            f"<p>{html.escape(subtitle)}</p>" if subtitle else "",
            "</header>",
            body,
            blocks,
            *[_inline_script(code) for code in codes],
            "</body>",
            "</html>",
            "",
        ]
    )


_BOOT = """(function () {
  var data = G60Network.readJson("g60-data");
  var options = G60Network.readJson("g60-options");
  window.g60 = G60Network.render(document.getElementById("g60-network"), data, options);
})();"""


def network_page(
    data: dict[str, Any],
    *,
    title: str,
    subtitle: str = "",
    options: dict[str, Any] | None = None,
    lang: str = "en",
) -> str:
    """The network view: ``data`` is {nodes, edges, legend} as network.js expects."""
    vis_js, vis_css = vis_assets()
    footer = (
        '<footer class="g60-footer">Made with g60graph. Drawing: vis-network 9.1.2 '
        "(Apache-2.0 or MIT, via pyvis). Data: CC-BY-4.0.</footer>"
    )
    return page(
        title=title,
        subtitle=subtitle,
        body=f'<main id="g60-network" class="g60-net"></main>\n{footer}',
        scripts=[vis_js, static_text("network.js"), _BOOT],
        styles=[vis_css, static_text("network.css")],
        data={"g60-data": data, "g60-options": options or {}},
        lang=lang,
    )
