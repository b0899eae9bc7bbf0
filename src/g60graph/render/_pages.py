"""HTML pages rendered on the server: resources, the ontology, errors.

Every data-derived string goes through ``esc`` (html.escape); links to the
graph's own IRIs point at this server's paths (see ``Links``).
"""

from __future__ import annotations

import math
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from html import escape
from typing import Any
from urllib.parse import quote

__all__ = [
    "NONE_ROW",
    "Links",
    "error_page",
    "esc",
    "external",
    "layout",
    "neighbourhood_svg",
    "ontology_page",
    "resource_page",
    "term_html",
]

NONE_ROW = "<tr><td>none</td></tr>"


def esc(text: object) -> str:
    return escape(str(text), quote=True)


def external(url: str, text: str | None = None) -> str:
    """A link off this server (never fetched by the page itself); only http(s)
    IRIs become links, so data cannot plant a javascript: or data: URL."""
    if not url.lower().startswith(("http://", "https://")):
        return f"<span>{esc(text or url)}</span>"
    return f'<a href="{esc(url)}" rel="nofollow noopener" class="external">{esc(text or url)}</a>'


@dataclass(frozen=True)
class Links:
    """Maps the graph's IRI space onto this server's paths."""

    id_base: str  # e.g. https://w3id.org/g60graph/id/
    def_base: str  # e.g. https://w3id.org/g60graph/def

    def local(self, iri: str) -> str | None:
        if iri.startswith(self.id_base) and len(iri) > len(self.id_base):
            return "/id/" + quote(iri[len(self.id_base) :], safe="-._~")
        if iri == self.def_base or iri.startswith(self.def_base + "#"):
            return "/def" + iri[len(self.def_base) :]
        return None


def layout(title: str, body: str, head: str = "") -> str:
    return (
        '<!doctype html>\n<html lang="en"><head><meta charset="utf-8">'
        '<meta name="viewport" content="width=device-width, initial-scale=1">'
        f"<title>{esc(title)}</title>"
        '<link rel="icon" href="data:,">'
        '<link rel="stylesheet" href="/static/server-style.css">'
        f"{head}</head><body>"
        '<header class="top"><a href="/">g60graph</a> · <a href="/">query</a> · '
        '<a href="/def">ontology</a> · <a href="/.well-known/void">VoID</a> · '
        '<a href="/sparql">SPARQL endpoint</a></header>'
        f"<main>{body}</main></body></html>\n"
    )


def term_html(term: Mapping[str, str], links: Links) -> str:
    """One RDF term: a labelled link for an IRI, the text of a literal."""
    if term["kind"] == "iri":
        iri = term["value"]
        local = links.local(iri)
        label = term["en"]
        zh = term.get("zh", "")
        extra = f' <span class="zh" lang="zh">{esc(zh)}</span>' if zh and zh != label else ""
        if local:
            return f'<a href="{esc(local)}" title="{esc(iri)}">{esc(label)}</a>{extra}'
        return external(iri, label) + extra
    if term["kind"] == "literal":
        lang = term.get("lang", "")
        note = f' <span class="note">@{esc(lang)}</span>' if lang else ""
        datatype = term.get("datatype", "")
        if datatype and not lang and not datatype.endswith("#string"):
            note = f' <span class="note">{esc(datatype.rsplit("#", 1)[-1])}</span>'
        lang_attr = f' lang="{esc(lang)}"' if lang else ""
        return f"<span{lang_attr}>{esc(term['value'])}</span>{note}"
    return f"<span>{esc(term['value'])}</span>"


NO_SOURCE = "<li>no source graph says anything about it</li>"


def resource_page(data: Mapping[str, Any], links: Links) -> str:
    en, zh = data["en"], data["zh"]
    heading = esc(en) + (f' <span class="zh" lang="zh">{esc(zh)}</span>' if zh != en else "")
    types = ", ".join(term_html(t, links) for t in data["types"])
    labels = "".join(
        f'<li>{esc(lab["value"])} <span class="note">{esc(lab["prop"])}'
        f"{'@' + esc(lab['lang']) if lab['lang'] else ''}</span></li>"
        for lab in data["labels"]
    )
    facts = "".join(
        f"<tr><th>{term_html(f['p'], links)}</th><td>{term_html(f['o'], links)}</td></tr>"
        for f in data["facts"]
    )
    sources = "".join(
        "<li>"
        + (
            f'<a href="{esc(links.local(s["iri"]))}">{esc(s["title"])}</a>'
            if links.local(s["iri"])
            else external(s["iri"], s["title"])
        )
        + "".join(f' <span class="note">{esc(s[key])}</span>'
                  for key in ("publisher", "date") if s.get(key))
        + (" — " + external(s["url"]) if s["url"] else "")
        + "</li>"
        for s in data["sources"]
    )
    outlinks = "".join(f"<li>{external(u)}</li>" for u in data["links"])
    referrers = "".join(
        f"<tr><td>{term_html(r['s'], links)}</td><td>{term_html(r['p'], links)}</td></tr>"
        for r in data["referrers"]
    )
    iri = data["iri"]
    slug = links.local(iri) or ""
    diagram = neighbourhood_svg(iri, data["nodes"], data["edges"], links)
    body = f"""
<h1>{heading}</h1>
<p class="iri"><code>{esc(iri)}</code> · {types}</p>
<p class="formats">Also as <a href="{esc(slug)}?format=ttl">Turtle</a> ·
<a href="{esc(slug)}?format=jsonld">JSON-LD</a> · <a href="{esc(slug)}?format=nt">N-Triples</a></p>
<section><h2>Labels</h2><ul class="labels">{labels or "<li>none</li>"}</ul></section>
<section><h2>Facts</h2><table class="facts">{facts or NONE_ROW}</table></section>
<section><h2>Sources</h2><ul>{sources or NO_SOURCE}</ul></section>
<section><h2>Links out</h2><ul>{outlinks or "<li>none</li>"}</ul></section>
<section><h2>Neighbourhood</h2>{diagram}</section>
<section><h2>Referenced by</h2><table class="facts">{referrers or NONE_ROW}</table></section>
"""
    return layout(f"{en} — g60graph", body)


def neighbourhood_svg(
    center: str,
    nodes: Mapping[str, Mapping[str, str]],
    edges: Iterable[Mapping[str, str]],
    links: Links,
    limit: int = 24,
) -> str:
    """A small radial diagram: the resource in the middle, its neighbours around it."""
    others = [iri for iri in nodes if iri != center][:limit]
    if not others:
        return "<p>No linked resources.</p>"
    width, height, radius = 900, 560, 210
    cx, cy = width / 2, height / 2
    place = {center: (cx, cy)}
    for i, iri in enumerate(others):
        angle = 2 * math.pi * i / len(others) - math.pi / 2
        place[iri] = (cx + radius * math.cos(angle), cy + radius * math.sin(angle))
    parts = [
        f'<svg class="neighbourhood" viewBox="0 0 {width} {height}" role="img"'
        f' aria-label="resources linked to {esc(nodes[center]["en"])}">'
    ]
    for edge in edges:
        if edge["from"] in place and edge["to"] in place:
            (x1, y1), (x2, y2) = place[edge["from"]], place[edge["to"]]
            parts.append(
                f'<line x1="{x1:.0f}" y1="{y1:.0f}" x2="{x2:.0f}" y2="{y2:.0f}">'
                f"<title>{esc(edge['label'])}</title></line>"
            )
    for iri, (x, y) in place.items():
        node = nodes[iri]
        label = node["en"] if len(node["en"]) <= 28 else node["en"][:27] + "…"
        cls = "center" if iri == center else "node"
        circle = (
            f'<circle cx="{x:.0f}" cy="{y:.0f}" r="{9 if iri == center else 6}" class="{cls}"/>'
        )
        # labels sit outside the circle, anchored away from the centre, so they overlap less
        if iri == center or abs(x - cx) < 1:
            anchor, tx, ty = "middle", x, (y - 13 if y <= cy else y + 20)
        else:
            anchor, tx, ty = ("start", x + 10, y + 4) if x > cx else ("end", x - 10, y + 4)
        text = f'<text x="{tx:.0f}" y="{ty:.0f}" text-anchor="{anchor}">{esc(label)}</text>'
        local = links.local(iri)
        inner = f"<title>{esc(iri)}</title>{circle}{text}"
        parts.append(f'<a href="{esc(local)}">{inner}</a>' if local else f"<g>{inner}</g>")
    parts.append("</svg>")
    return "".join(parts)


def ontology_page(data: Mapping[str, Any], links: Links) -> str:
    def labels(entry: Mapping[str, Any]) -> str:
        return " · ".join(
            f'<span lang="{esc(t["lang"])}">{esc(t["value"])}</span>' for t in entry["labels"]
        )

    def terms(values: Iterable[Mapping[str, str]]) -> str:
        return ", ".join(term_html(t, links) for t in values) or "—"

    sections = []
    for kind, title in (("class", "Classes"), ("property", "Properties")):
        items = []
        for e in (e for e in data["terms"] if e["kind"] == kind):
            definitions = "".join(
                f'<p lang="{esc(d.get("lang", ""))}">{esc(d["value"])}</p>'
                for d in e["definitions"]
            )
            rows = f"<tr><th>IRI</th><td><code>{esc(e['iri'])}</code></td></tr>"
            rows += f"<tr><th>{'subclass of' if kind == 'class' else 'subproperty of'}</th>"
            rows += f"<td>{terms(e['parents'])}</td></tr>"
            if kind == "property":
                rows += f"<tr><th>domain</th><td>{terms(e['domain'])}</td></tr>"
                rows += f"<tr><th>range</th><td>{terms(e['range'])}</td></tr>"
            items.append(
                f'<article id="{esc(e["name"])}" class="term"><h3>{esc(e["name"])}</h3>'
                f'<p class="labels">{labels(e)}</p>{definitions}<table class="facts">{rows}</table>'
                "</article>"
            )
        index = " · ".join(
            f'<a href="#{esc(e["name"])}">{esc(e["name"])}</a>'
            for e in data["terms"]
            if e["kind"] == kind
        )
        sections.append(f"<section><h2>{title}</h2><p>{index}</p>{''.join(items)}</section>")
    titles = "<br>".join(
        f'<span lang="{esc(t["lang"])}">{esc(t["value"])}</span>' for t in data["titles"]
    )
    meta = data["meta"]
    version = meta.get("http://www.w3.org/2002/07/owl#versionInfo", "")
    license_iri = meta.get("http://purl.org/dc/terms/license", "")
    description = meta.get("http://purl.org/dc/terms/description", "")
    body = f"""<h1>{titles or "g60graph ontology"}</h1>
<p class="iri"><code>{esc(data["iri"])}</code> · version {esc(version)} ·
license {external(license_iri)}</p>
<p>{esc(description)}</p>
<p class="formats">Also as <a href="/def?format=ttl">Turtle</a> ·
<a href="/def?format=jsonld">JSON-LD</a> · <a href="/def?format=xml">RDF/XML</a></p>
{"".join(sections)}"""
    return layout("g60graph ontology", body)


def error_page(status: int, message: str) -> str:
    return layout(f"{status} — g60graph", f"<h1>{status}</h1><p>{esc(message)}</p>")
