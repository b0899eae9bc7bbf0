"""Self-contained HTML pages for the network view (and the map, see _map.py).

A page is one UTF-8 file that works offline from ``file://``: vis-network (vendored
from npm, licence header kept), our own CSS and JS, and the data all sit inline.
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
from pathlib import Path
from typing import Any

from rdflib import URIRef

from g60graph.render._palette import style_for

__all__ = [
    "STRINGS",
    "network_data",
    "network_options",
    "network_page",
    "page",
    "render_graph",
    "script_json",
    "static_text",
    "vis_assets",
]

_STATIC = Path(__file__).resolve().parent / "static"
VENDOR = _STATIC / "vendor"  # front-end libraries from npm, with their licences
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
    """One of our own assets from src/g60graph/render/static."""
    return (_STATIC / name).read_text(encoding="utf-8")


def vis_assets() -> tuple[str, str]:
    """vis-network's JS and CSS, vendored from npm (scripts/vendor-js.sh), licence header kept."""
    js = (VENDOR / "vis-network.min.js").read_text(encoding="utf-8")
    css = (VENDOR / "vis-network.css").read_text(encoding="utf-8")
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
    img_src: str = "",
) -> str:
    """A complete HTML document; ``data`` maps element ids to JSON-able values.

    ``img_src`` is one origin images may come from (an online tile layer, only when
    asked); otherwise nothing at all may be fetched."""
    blocks = "\n".join(
        f'<script type="application/json" id="{html.escape(key)}">{script_json(value)}</script>'
        for key, value in data.items()
    )
    codes = [f"\n{code}\n" for code in scripts]
    hashes = " ".join(_sha256(code) for code in codes)
    # Only our own scripts may run (by hash), and nothing may be fetched.
    csp = (
        f"default-src 'none'; script-src {hashes}; "
        f"style-src 'unsafe-inline'; img-src {' '.join(filter(None, ['data:', img_src]))}; "
        "font-src data:"
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
        "(Apache-2.0 or MIT). Data: CC-BY-4.0.</footer>"
        if lang != "zh" else
        '<footer class="g60-footer">由 g60graph 生成；绘图：vis-network 9.1.2 '
        "（Apache-2.0 或 MIT）。数据：CC-BY-4.0。</footer>"
    )
    return page(
        title=title,
        subtitle=subtitle,
        body=f'<main id="g60-network" class="g60-net"></main>\n{footer}',
        scripts=[vis_js, static_text("export.js"), static_text("network.js"), _BOOT],
        styles=[vis_css, static_text("network.css")],
        data={"g60-data": data, "g60-options": options or {}},
        lang=lang,
    )


# -- from a networkx graph to the page's data --------------------------------------

STRINGS = {
    "en": {},
    "zh": {
        "search": "搜索", "noMatch": "无匹配", "match": "个匹配", "matches": "个匹配",
        "facts": "事实", "sources": "来源", "close": "关闭", "hint": "点击节点查看其事实和来源。",
        "panel": "面板", "png": "PNG 图片", "svg": "SVG 图片",
    },
}


def network_data(
    g: Any,
    *,
    context: Any = None,
    size_by: str = "degree",
) -> dict[str, Any]:
    """{nodes, edges, legend} for network.js from a g60graph.network MultiDiGraph.

    ``context`` (a g60graph.network.Context) adds each entity's sources and the
    labels of fact properties to the side panel."""
    import networkx as nx

    from g60graph._namespaces import expand

    if size_by == "betweenness" and g.number_of_nodes():
        scores = nx.betweenness_centrality(nx.Graph(g.to_undirected()))
        sizes = {n: 1.0 + 100.0 * float(s) for n, s in scores.items()}
    elif size_by == "pagerank" and g.number_of_nodes():
        from g60graph.network._graph import pagerank

        scores = pagerank(nx.Graph(g.to_undirected()))
        sizes = {n: 100.0 * len(g) * float(s) for n, s in scores.items()}
    else:
        sizes = {n: float(d) for n, d in g.degree()}

    # one style per class, the same in every diagram (render/_palette.py)
    styles = {n: style_for(d.get("class", ""), d.get("types", "").split())
              for n, d in g.nodes(data=True)}
    counts: dict[str, int] = {}
    for style in styles.values():
        counts[style.key] = counts.get(style.key, 0) + 1
    class_labels = {d.get("class", ""): d.get("class_label", "") for _, d in g.nodes(data=True)}

    def class_label(key: str) -> str:
        if class_labels.get(key):
            return str(class_labels[key])
        if context is not None and key:
            return str(context.label(URIRef(key)))
        return key.rsplit("#", 1)[-1] or "Other"

    legend = []
    for key in sorted(counts, key=lambda k: (-counts[k], k)):
        style = next(s for s in styles.values() if s.key == key)
        entry: dict[str, Any] = {"group": key or "other", "label": class_label(key),
                                 "color": style.colour, "shape": style.shape,
                                 "count": counts[key]}
        if style.technical:
            entry["hidden"] = True  # drawn in grey, kept out of the legend
        legend.append(entry)
    ids = {n: i for i, n in enumerate(g.nodes())}
    prop_labels: dict[str, str] = {}

    def prop_label(key: str) -> str:
        if key not in prop_labels:
            iri = expand(key)
            prop_labels[key] = context.label(URIRef(iri)) if context and iri else key
        return prop_labels[key]

    nodes = []
    skip = {"iri", "label", "label_en", "label_zh", "class", "class_label", "types", "color"}
    for n, d in g.nodes(data=True):
        facts: list[dict[str, Any]] = []
        for key, value in sorted(d.items()):
            if key not in skip:
                facts.append({"p": prop_label(key), "v": str(value)})
        for _, v, e in g.out_edges(n, data=True):
            facts.append({"p": str(e.get("label", "")), "v": g.nodes[v]["label"], "ref": ids[v]})
        for u, _, e in g.in_edges(n, data=True):
            facts.append({"p": "← " + str(e.get("label", "")), "v": g.nodes[u]["label"],
                          "ref": ids[u]})
        item: dict[str, Any] = {
            "id": ids[n], "label": str(d.get("label", n)), "group": styles[n].key or "other",
            "iri": d.get("iri", ""), "value": round(sizes.get(n, 0.0), 4), "facts": facts,
            "title": f"{d.get('label', n)} ({d.get('class_label') or 'Resource'})",
        }
        if context is not None and d.get("iri"):
            item["sources"] = context.sources(URIRef(d["iri"]))
        if d.get("color"):
            item["color"] = d["color"]
        nodes.append(item)
    edges = [{"from": ids[u], "to": ids[v], "label": str(e.get("label", ""))}
             for u, v, e in g.edges(data=True)]
    return {"nodes": nodes, "edges": edges, "legend": legend}


def render_graph(
    g: Any,
    *,
    title: str,
    subtitle: str = "",
    context: Any = None,
    size_by: str = "degree",
    hierarchical: str | bool = False,
    lang: str = "en",
) -> str:
    """The complete network page for a g60graph.network graph."""
    data = network_data(g, context=context, size_by=size_by)
    options = network_options(hierarchical=hierarchical, lang=lang)
    return network_page(data, title=title, subtitle=subtitle, options=options, lang=lang)


def network_options(*, hierarchical: str | bool = False, lang: str = "en") -> dict[str, Any]:
    """The options of network.js's ``G60Network.render`` (the files' and the query page's)."""
    return {"hierarchical": hierarchical, "strings": STRINGS.get(lang, {})}
