"""Reconciliation: find Wikidata items for our entities, score them with evidence.

For each entity without a Wikidata link, candidates are items whose label or
alias equals one of the entity's English or Chinese names (VALUES batches,
plain SPARQL that both Wikidata and Oxigraph run: no ``wikibase:label``, no
``mwapi``). Each candidate is then scored from the evidence found for it:

========================  =====================================================
name                      +0.25 label / +0.15 alias, per language (en, zh)
type                      +0.2 instance (or subclass) of the expected class,
                          -0.2 otherwise
place                     +0.3 its P131 chain reaches our parent's item,
                          -0.4 it does not
coordinates               +0.2 within 25 km of ours, -0.3 beyond 100 km
========================  =====================================================

The score is the sum, clipped to [0, 1]. A review file (TSV and Turtle) lists
every candidate with its score and evidence; ``accept`` turns the clear
winners into a separate links file with provenance. Progress is kept in a
state file written atomically after each batch, so an interrupted run resumes
where it stopped and a finished rerun rewrites the same bytes.
"""

from __future__ import annotations

import datetime as dt
import json
import math
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from rdflib import Literal, URIRef

from g60graph._errors import InputError
from g60graph._fileio import write_atomic
from g60graph._namespaces import G60, G60R, PREFIXES, WD, shorten
from g60graph._wkt import point as wkt_point
from g60graph.external._client import EndpointError, SparqlClient
from g60graph.results._model import empty_graph
from g60graph.sparql._named import library

__all__ = [
    "BATCH",
    "STATE_VERSION",
    "TYPES",
    "WIKIDATA_CLASSES",
    "Outputs",
    "Target",
    "accepted_links",
    "distance_km",
    "find_candidates",
    "reconcile",
    "stable_rdf",
    "targets",
    "wikidata_source",
]

STATE_VERSION = 1
BATCH = 10
NEAR_KM, FAR_KM = 25.0, 100.0

# Our classes for each --types name, and the Wikidata classes a match should be
# an instance of (directly or through subclasses).
TYPES: dict[str, tuple[str, ...]] = {
    "city": ("PrefectureLevelCity",),
    "district": ("District",),
    "province": ("Province", "ProvinceLevelMunicipality"),
    "organisation": ("Organisation",),
    "road": ("Expressway",),
    "railway": ("Railway",),
}
WIKIDATA_CLASSES: dict[str, tuple[str, ...]] = {
    "city": ("Q748149",),  # prefecture-level city
    "district": ("Q1065118",),  # district of China
    "province": ("Q1615742", "Q1208802"),  # province of China; direct-administered municipality
    "organisation": ("Q43229",),  # organization
    "road": ("Q34442",),  # road
    "railway": ("Q728937",),  # railway line
}


@dataclass(frozen=True)
class Target:
    """One of our entities, with what reconciliation needs to know about it."""

    iri: str
    kind: str  # a key of TYPES
    names: tuple[tuple[str, str, str], ...]  # (text, lang, "label"|"alias")
    parent: str | None  # Wikidata IRI of the nearest linked enclosing place
    parent_label: str
    point: tuple[float, float] | None  # (lat, lon)
    linked: tuple[str, ...]  # Wikidata items it is already linked to

    @property
    def label(self) -> str:
        for text, lang, kind in self.names:
            if lang == "en" and kind == "label":
                return text
        return self.names[0][0] if self.names else shorten(self.iri)


# -- our side -------------------------------------------------------------------

def targets(
    kg: Any, kinds: Sequence[str] = tuple(TYPES), entities: Sequence[str] = ()
) -> list[Target]:
    """Our entities to reconcile: of ``kinds`` and unlinked, or exactly ``entities``."""
    unknown = set(kinds) - set(TYPES)
    if unknown:
        raise InputError(
            f"--types: unknown {', '.join(sorted(unknown))} (known: {', '.join(TYPES)})"
        )
    wanted = {str(kg.resolve(e)) for e in entities}
    by_class = _kinds_by_class(kg)
    kind_of: dict[str, str] = {}
    names: dict[str, list[tuple[str, str, str]]] = {}
    for e, cls, name, how in kg.query(library("link-names")).rows:
        kind = by_class.get(str(cls))
        if kind is None:
            continue
        kind_of.setdefault(str(e), kind)
        entry = (str(name), name.language, str(how))
        if entry not in names.setdefault(str(e), []):
            names[str(e)].append(entry)
    links: dict[str, list[str]] = {}
    for e, item in kg.query(library("wikidata-links")).rows:
        links.setdefault(str(e), []).append(str(item))
    parents: dict[str, tuple[int, str, str]] = {}
    for e, _place, item, label, depth in kg.query(library("link-parents")).rows:
        key = (-int(depth), str(item), str(label))  # the deepest (nearest) linked place
        if str(e) not in parents or key < parents[str(e)]:
            parents[str(e)] = key
    points = {str(e): _wkt_point(str(w)) for e, w in kg.query(library("link-points")).rows}
    missing = wanted - set(kind_of)
    if missing:
        raise InputError(
            f"--entity: {', '.join(shorten(m) for m in sorted(missing))} is not of a type"
            f" that can be linked ({', '.join(TYPES)})"
        )
    chosen = []
    for iri in sorted(kind_of):
        if wanted and iri not in wanted:
            continue
        if not wanted and (kind_of[iri] not in kinds or iri in links):
            continue
        parent = parents.get(iri)
        chosen.append(
            Target(
                iri=iri,
                kind=kind_of[iri],
                names=tuple(sorted(names[iri])),
                parent=parent[1] if parent else None,
                parent_label=parent[2] if parent else "",
                point=points.get(iri),
                linked=tuple(sorted(links.get(iri, []))),
            )
        )
    return chosen


def _kinds_by_class(kg: Any) -> dict[str, str]:
    """Each of our classes and its subclasses (e.g. an alliance) -> its --types name."""
    ours = {str(G60[c]): k for k, classes in TYPES.items() for c in classes}
    rows = kg.query(library("link-classes"), {"parent": [URIRef(c) for c in ours]}).rows
    found = {str(cls): ours[str(parent)] for cls, parent in rows}
    return found | ours  # our own classes win over a shared subclass


def _wkt_point(wkt: str) -> tuple[float, float] | None:
    """(lat, lon), the order distance_km takes, of a WKT point."""
    lon_lat = wkt_point(wkt)
    return (lon_lat[1], lon_lat[0]) if lon_lat else None


def distance_km(a: tuple[float, float], b: tuple[float, float]) -> float:
    """Great-circle distance (haversine) between two (lat, lon) points."""
    lat1, lon1, lat2, lon2 = map(math.radians, (*a, *b))
    h = (
        math.sin((lat2 - lat1) / 2) ** 2
        + math.cos(lat1) * math.cos(lat2) * math.sin((lon2 - lon1) / 2) ** 2
    )
    return 2 * 6371.0 * math.asin(math.sqrt(h))


# -- the endpoint's side --------------------------------------------------------------


def _search_terms(target: Target) -> list[Literal]:
    """Our names as the literals Wikidata may hold (Chinese under zh, zh-hans, zh-cn)."""
    terms = []
    for text, lang, _ in target.names:
        for tag in ("zh", "zh-hans", "zh-cn") if lang == "zh" else (lang,):
            terms.append(Literal(text, lang=tag))
    return terms


def find_candidates(
    client: SparqlClient, batch: Sequence[Target]
) -> dict[str, list[dict[str, Any]]]:
    """Score every item whose label or alias equals a name of a target in ``batch``."""
    terms = sorted({t for target in batch for t in _search_terms(target)}, key=lambda t: t.n3())
    found = client.select(library("wikidata-candidates").bind({"name": terms}))
    matches: dict[str, set[tuple[str, str, str]]] = {}  # item -> (text, lang, kind)
    for row in found:
        name = row["name"]
        lang = "zh" if str(name.language or "").startswith("zh") else str(name.language)  # type: ignore[attr-defined]
        matches.setdefault(str(row["item"]), set()).add((str(name), lang, str(row["kind"])))
    items = sorted(matches)
    facts = _item_facts(client, items, batch)
    result: dict[str, list[dict[str, Any]]] = {}
    for target in batch:
        ours = {(text, lang) for text, lang, _ in target.names}
        scored = []
        for item in items:
            hits = {m for m in matches[item] if (m[0], m[1]) in ours}
            if hits:
                scored.append(_score(target, item, hits, facts.get(item, {})))
        scored.sort(key=lambda c: (-c["score"], c["item"]))
        result[target.iri] = scored
    return result


def _item_facts(
    client: SparqlClient, items: list[str], batch: Sequence[Target]
) -> dict[str, dict[str, Any]]:
    """Classes reached, enclosing places reached, coordinates and labels of ``items``."""
    facts: dict[str, dict[str, Any]] = {
        i: {"classes": set(), "places": set(), "point": None, "labels": {}} for i in items
    }
    if not items:
        return facts
    refs = [URIRef(i) for i in items]
    classes = sorted({q for t in batch for q in WIKIDATA_CLASSES[t.kind]})
    bound = {"item": refs, "class": [WD[q] for q in classes]}
    for row in client.select(library("wikidata-classes").bind(bound)):
        facts[str(row["item"])]["classes"].add(str(row["class"]))
    places = sorted({t.parent for t in batch if t.parent})
    if places:
        bound = {"item": refs, "place": [URIRef(p) for p in places]}
        for row in client.select(library("wikidata-places").bind(bound)):
            facts[str(row["item"])]["places"].add(str(row["place"]))
    for row in client.select(library("wikidata-coordinates").bind({"item": refs})):
        entry = facts[str(row["item"])]
        if "coord" in row and entry["point"] is None:
            entry["point"] = _wkt_point(str(row["coord"]))
        if "label" in row:
            entry["labels"].setdefault(row["label"].language, str(row["label"]))  # type: ignore[attr-defined]
    return facts


def _score(
    target: Target, item: str, hits: set[tuple[str, str, str]], facts: dict[str, Any]
) -> dict[str, Any]:
    evidence: list[str] = []
    score = 0.0
    for lang in ("en", "zh"):
        best = sorted((h for h in hits if h[1] == lang), key=lambda h: h[2] != "label")
        if best:
            text, _, kind = best[0]
            score += 0.25 if kind == "label" else 0.15
            evidence.append(f"+{0.25 if kind == 'label' else 0.15:.2f} {lang} {kind} {text!r}")
    expected = WIKIDATA_CLASSES[target.kind]
    reached = [q for q in expected if str(WD[q]) in facts.get("classes", ())]
    if reached:
        score += 0.2
        evidence.append(
            f"+0.20 instance of {', '.join('wd:' + q for q in reached)} ({target.kind})"
        )
    else:
        score -= 0.2
        evidence.append(f"-0.20 not an instance of {', '.join('wd:' + q for q in expected)}")
    if target.parent:
        parent = f"{shorten(target.parent)} ({target.parent_label})"
        if target.parent in facts.get("places", ()):
            score += 0.3
            evidence.append(f"+0.30 P131 chain reaches {parent}")
        else:
            score -= 0.4
            evidence.append(f"-0.40 P131 chain does not reach {parent}")
    point = facts.get("point")
    if target.point and point:
        km = distance_km(target.point, point)
        if km <= NEAR_KM:
            score += 0.2
            evidence.append(f"+0.20 coordinates {km:.1f} km from ours")
        elif km > FAR_KM:
            score -= 0.3
            evidence.append(f"-0.30 coordinates {km:.0f} km from ours")
        else:
            evidence.append(f"+0.00 coordinates {km:.0f} km from ours")
    labels = facts.get("labels", {})
    return {
        "item": item,
        "label": labels.get("en") or labels.get("zh") or "",
        "score": round(min(1.0, max(0.0, score)), 2),
        "evidence": evidence,
    }


# -- the run: batches, state, review and accepted files ----------------------------------


@dataclass(frozen=True)
class Outputs:
    state: Path
    review_tsv: Path
    review_ttl: Path
    accepted: Path

    @classmethod
    def in_dir(cls, out: Path) -> Outputs:
        return cls(
            out / "state.json", out / "review.tsv", out / "review.ttl", out / "accepted-links.ttl"
        )


def reconcile(
    kg: Any,
    client: SparqlClient,
    out: Path,
    *,
    kinds: Sequence[str] = tuple(TYPES),
    entities: Sequence[str] = (),
    accept: float | None = None,
    batch_size: int = BATCH,
    today: Callable[[], dt.date] = lambda: dt.datetime.now(dt.UTC).date(),
    progress: bool = False,
) -> dict[str, Any]:
    """Reconcile, resuming from ``out/state.json``; write the review (and accepted) files.

    Raises whatever the client raises (after the finished batches are saved).
    Returns a summary: entities done, candidates, accepted links, requests made.
    """
    from tqdm import tqdm  # type: ignore[import-untyped]

    paths = Outputs.in_dir(out)
    state = _load_state(paths.state, client.endpoint)
    todo = [t for t in targets(kg, kinds, entities) if t.iri not in state["done"]]
    bar = tqdm(total=len(todo), unit="entity", desc="link", disable=not progress)
    try:
        for start in range(0, len(todo), batch_size):
            batch = todo[start : start + batch_size]
            try:
                found = find_candidates(client, batch)
            except EndpointError as err:
                raise EndpointError(
                    f"{err}; {start} of {len(todo)} entities done this run, saved in {out};"
                    " run again to resume"
                ) from None
            day = today().isoformat()
            for target in batch:
                state["done"][target.iri] = {
                    "label": target.label,
                    "type": target.kind,
                    "linked": list(target.linked),
                    "date": day,
                    "candidates": found[target.iri],
                }
            write_atomic(paths.state, _dump(state), make_parents=True)
            _write_reviews(paths, state, accept)
            bar.update(len(batch))
    finally:
        bar.close()
    _write_reviews(paths, state, accept)
    return {
        "entities": len(state["done"]),
        "candidates": sum(len(e["candidates"]) for e in state["done"].values()),
        "accepted": len(accepted_links(state, accept)) if accept is not None else 0,
        "requests": client.requests,
    }


def _load_state(path: Path, endpoint: str) -> dict[str, Any]:
    if not path.exists():
        return {"version": STATE_VERSION, "endpoint": endpoint, "done": {}}
    try:
        state = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as err:
        raise InputError(
            f"{path}: not a readable state file ({err}); remove it to start over"
        ) from None
    if not isinstance(state, dict) or state.get("version") != STATE_VERSION:
        raise InputError(f"{path}: not a g60graph link state file; remove it to start over")
    if state.get("endpoint") != endpoint:
        raise InputError(
            f"{path}: made against {state.get('endpoint')}, not {endpoint};"
            " use another --out or remove the state to start over"
        )
    return state


def _dump(data: Any) -> str:
    return json.dumps(data, ensure_ascii=False, indent=1, sort_keys=True) + "\n"


def accepted_links(
    state: dict[str, Any], threshold: float | None
) -> list[tuple[str, dict[str, Any], str]]:
    """(entity, candidate, date) for each entity whose best candidate clearly wins."""
    chosen: list[tuple[str, dict[str, Any], str]] = []
    if threshold is None:
        return chosen
    for iri in sorted(state["done"]):
        entry = state["done"][iri]
        cands = entry["candidates"]
        if not cands or cands[0]["score"] < threshold:
            continue
        if len(cands) > 1 and cands[1]["score"] >= cands[0]["score"]:
            continue  # a tie is for a person to decide
        if cands[0]["item"] in entry["linked"]:
            continue  # already linked in the curated data
        chosen.append((iri, cands[0], entry["date"]))
    return chosen


def _status(
    entry: dict[str, Any], cand: dict[str, Any], accepted: set[tuple[str, str]], iri: str
) -> str:
    if cand["item"] in entry["linked"]:
        return "already-linked"
    return "accepted" if (iri, cand["item"]) in accepted else "review"


def _write_reviews(paths: Outputs, state: dict[str, Any], accept: float | None) -> None:
    chosen = accepted_links(state, accept)
    accepted = {(iri, c["item"]) for iri, c, _ in chosen}
    header = [
        "entity",
        "label",
        "type",
        "candidate",
        "candidate_label",
        "score",
        "status",
        "evidence",
    ]
    lines = ["\t".join(header)]
    for iri in sorted(state["done"]):
        entry = state["done"][iri]
        if not entry["candidates"]:
            lines.append(
                "\t".join(
                    [shorten(iri), entry["label"], entry["type"], "", "", "", "no-candidate", ""]
                )
            )
        for cand in entry["candidates"]:
            cells = [
                shorten(iri),
                entry["label"],
                entry["type"],
                shorten(cand["item"]),
                cand["label"],
                f"{cand['score']:.2f}",
                _status(entry, cand, accepted, iri),
                "; ".join(cand["evidence"]),
            ]
            lines.append("\t".join(_tsv_cell(c) for c in cells))
    write_atomic(paths.review_tsv, "\n".join(lines) + "\n", make_parents=True)
    write_atomic(paths.review_ttl, _review_turtle(state, accepted), make_parents=True)
    if accept is not None:
        write_atomic(paths.accepted, _accepted_turtle(state, chosen, accept), make_parents=True)


def _tsv_cell(text: str) -> str:
    return " ".join(text.split())  # no tab or newline may break a row


def _candidate_iri(entity: str, item: str) -> URIRef:
    slug = entity.rsplit("/", 1)[-1]
    return G60R[f"candidate-{slug}-{item.rsplit('/', 1)[-1].lower()}"]


def stable_rdf(data: Any, trig: bool = False) -> str:
    """Turtle (or TriG for a Dataset) with statements sorted: reruns give the same bytes."""
    import pyoxigraph as ox
    from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

    lines = []
    for graph in data.graphs() if trig else [data]:
        name = graph.identifier
        tail = "" if not trig or name == DATASET_DEFAULT_GRAPH_ID else f" {name.n3()}"
        lines += [f"{s.n3()} {p.n3()} {o.n3()}{tail} .\n" for s, p, o in graph]
    text = "".join(lines)
    statements = sorted(ox.parse(text.encode("utf-8"), format=ox.RdfFormat.N_QUADS), key=str)
    prefixes = {
        p: str(iri)
        for p, iri in data.namespaces()
        if (p in PREFIXES or p == "foaf") and f"<{iri}" in text  # only those used
    }
    out = ox.serialize(
        statements,
        format=ox.RdfFormat.TRIG if trig else ox.RdfFormat.TURTLE,
        prefixes=dict(sorted(prefixes.items())),
    )
    assert out is not None  # no output file given: the bytes are returned
    return out.decode("utf-8")


def wikidata_source(graph: Any, source: URIRef, url: str, title: str) -> None:
    """Describe ``source`` as data v2 describes every g60:Source: a title, Wikidata as
    publisher, "mul" (a multilingual database) as language, the open-database tier."""
    from rdflib.namespace import DCTERMS, RDF, RDFS

    from g60graph._namespaces import SCHEMA

    graph.add((source, RDF.type, G60.Source))
    graph.add((source, RDFS.label, Literal(title, lang="en")))
    graph.add((source, DCTERMS.title, Literal(title, lang="en")))
    graph.add((source, DCTERMS.publisher, Literal("Wikidata")))
    graph.add((source, DCTERMS.language, Literal("mul")))
    graph.add((source, SCHEMA.url, URIRef(url)))
    graph.add((source, G60.trustTier, G60R["tier-database"]))


def _review_turtle(state: dict[str, Any], accepted: set[tuple[str, str]]) -> str:
    """Each candidate as a reified, unasserted skos:exactMatch with score and evidence."""
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD

    graph = empty_graph()
    endpoint = URIRef(state["endpoint"])
    for iri in sorted(state["done"]):
        entry = state["done"][iri]
        for cand in entry["candidates"]:
            node = _candidate_iri(iri, cand["item"])
            graph.add((node, RDF.type, RDF.Statement))
            graph.add((node, RDF.subject, URIRef(iri)))
            graph.add((node, RDF.predicate, SKOS.exactMatch))
            graph.add((node, RDF.object, URIRef(cand["item"])))
            graph.add((node, RDF.value, Literal(f"{cand['score']:.2f}", datatype=XSD.decimal)))
            graph.add(
                (
                    node,
                    RDFS.label,
                    Literal(f"{entry['label']} = {cand['label'] or cand['item']}?", lang="en"),
                )
            )
            for line in cand["evidence"]:
                graph.add((node, RDFS.comment, Literal(line, lang="en")))
            graph.add((node, DCTERMS.source, endpoint))
            graph.add((node, DCTERMS.created, Literal(entry["date"], datatype=XSD.date)))
            graph.add(
                (
                    node,
                    SKOS.note,
                    Literal(f"status: {_status(entry, cand, accepted, iri)}", lang="en"),
                )
            )
    header = (
        "# Link candidates found by `g60graph link`: review file, not data.\n"
        "# Each rdf:Statement proposes a skos:exactMatch; rdf:value is its score (0-1)\n"
        "# and each rdfs:comment one piece of the evidence behind it.\n"
    )
    return header + stable_rdf(graph)


def _accepted_turtle(
    state: dict[str, Any], chosen: Iterable[tuple[str, dict[str, Any], str]], threshold: float
) -> str:
    """Accepted links, asserted, each with a reified record of endpoint, date, score."""
    from rdflib.namespace import DCTERMS, RDF, RDFS, SKOS, XSD


    graph = empty_graph()
    endpoint = state["endpoint"]
    for iri, cand, date in chosen:
        entity, item = URIRef(iri), URIRef(cand["item"])
        graph.add((entity, SKOS.exactMatch, item))
        source = G60R[f"source-reconciliation-{item.rsplit('/', 1)[-1].lower()}"]
        wikidata_source(graph, source, str(item),
                        f"{endpoint}: item {shorten(str(item))}, queried {date}")
        record = G60R[f"link-{iri.rsplit('/', 1)[-1]}-{item.rsplit('/', 1)[-1].lower()}"]
        graph.add((record, RDF.type, RDF.Statement))
        graph.add((record, RDF.subject, entity))
        graph.add((record, RDF.predicate, SKOS.exactMatch))
        graph.add((record, RDF.object, item))
        graph.add((record, RDF.value, Literal(f"{cand['score']:.2f}", datatype=XSD.decimal)))
        graph.add((record, DCTERMS.source, source))
        graph.add((record, DCTERMS.created, Literal(date, datatype=XSD.date)))
        graph.add(
            (
                record,
                RDFS.comment,
                Literal(
                    f"Accepted by g60graph link from {endpoint} at score >= {threshold:.2f}: "
                    + "; ".join(cand["evidence"]),
                    lang="en",
                ),
            )
        )
    header = (
        "# Links accepted by `g60graph link --accept`: machine-matched, to be confirmed\n"
        "# before they ship. Load with --data. Each link has a reified record giving\n"
        "# the endpoint (via its g60:Source), the date, the score and the evidence.\n"
    )
    return header + stable_rdf(graph)
