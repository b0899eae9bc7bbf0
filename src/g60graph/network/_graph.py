"""The knowledge graph as a networkx graph: conversion, neighbourhoods, analytics, exports.

Resources described in the graph become nodes and statements between them edges;
literal-valued facts, and IRIs of things described elsewhere (Wikidata, GeoNames,
web pages), become node attributes, so a graph tool sees entities, not strings. What is
drawn can come from a query (a CONSTRUCT, or a ``?source ?target`` SELECT) while what
is known about each node (label, class, facts) comes from the whole graph.

Node attributes: ``label``, ``label_en``, ``label_zh``, ``iri``, ``class`` (the most
specific asserted class IRI), ``class_label``, ``types`` (space-separated IRIs of the
class and all its superclasses), plus one attribute per literal property, keyed by its
prefixed name (``g60:designationBatch``), several values joined with " | ".
Edge attributes: ``predicate`` (IRI) and ``label`` (the property's label).
"""

from __future__ import annotations

import itertools
import json
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from typing import TYPE_CHECKING, Any, Protocol

import networkx as nx
import rdflib
from rdflib import RDF, RDFS, Literal, URIRef
from rdflib.namespace import OWL, SKOS

from g60graph._errors import InputError
from g60graph._namespaces import G60, GEO, PREFIXES, SCHEMA, shorten
from g60graph.sparql._named import library

if TYPE_CHECKING:
    from g60graph.results._model import QueryResult

__all__ = [
    "DCT_SOURCE",
    "FORMATS",
    "LINK_PROPERTIES",
    "READABLE",
    "SCHEMA_CLASSES",
    "SCHEMA_PROPERTIES",
    "Context",
    "GraphSource",
    "add_citations",
    "analyze",
    "class_resolver",
    "export",
    "filter_classes",
    "format_path",
    "from_select",
    "graph_for_query",
    "neighbourhood",
    "pagerank",
    "path",
    "select",
    "simple",
    "to_dot",
    "to_networkx",
    "to_pyvis",
]


class GraphSource(Protocol):
    """What this stage reads from a g60graph.KnowledgeGraph. Declared here, so the
    network stage sits below the graph that offers ``to_networkx`` (no import cycle)."""

    def union_graph(self) -> rdflib.Graph: ...

    def resolve(self, text: str) -> URIRef: ...

    def query(self, query: Any, params: Any = None) -> QueryResult: ...


DCT_SOURCE = URIRef("http://purl.org/dc/terms/source")
# Labels for properties from other vocabularies (the ontology labels its own).
READABLE = {
    "dcterms:source": ("source", "来源"),
    "rdfs:seeAlso": ("see also", "另见"),
    "org:postIn": ("post in", "职位所在"),
    "org:heldBy": ("held by", "担任者"),
    "org:role": ("role", "角色"),
    "skos:inScheme": ("in scheme", "所属体系"),
    "skos:topConceptOf": ("top concept of", "顶层概念"),
    "skos:broader": ("broader", "上位概念"),
    "skos:hasTopConcept": ("has top concept", "顶层概念"),
}
# IRI-valued properties that are links out of the graph, kept as attributes.
LINK_PROPERTIES = {
    SCHEMA.url,
    RDFS.seeAlso,
    SKOS.exactMatch,
    OWL.sameAs,
    URIRef("http://purl.org/dc/terms/license"),
}
# Schema-level statements: the ontology is not part of the data network.
SCHEMA_PROPERTIES = {
    RDFS.subClassOf,
    RDFS.subPropertyOf,
    RDFS.domain,
    RDFS.range,
    OWL.inverseOf,
    OWL.versionIRI,
    SKOS.inScheme,
    SKOS.topConceptOf,
    SKOS.hasTopConcept,
}
SCHEMA_CLASSES = {
    OWL.Class,
    OWL.ObjectProperty,
    OWL.DatatypeProperty,
    OWL.FunctionalProperty,
    OWL.TransitiveProperty,
    OWL.Ontology,
    RDFS.Class,
    RDF.Property,
    SKOS.ConceptScheme,
    URIRef("http://purl.org/linked-data/cube#DimensionProperty"),
    URIRef("http://purl.org/linked-data/cube#AttributeProperty"),
    URIRef("http://purl.org/linked-data/cube#MeasureProperty"),
}
# The named graphs' own descriptions (lineage: which source a graph is derived from)
# are not data either; who says what reaches the network as Context.cited.
LINEAGE_CLASSES = {G60.SourceGraph, G60.CurationGraph}
FORMATS = ("graphml", "gexf", "cytoscape", "dot")


class Context:
    """Labels, classes and facts looked up in the whole graph, and who says what:
    ``cited`` maps an entity to the sources whose named graphs describe it
    (see :meth:`of`)."""

    def __init__(
        self,
        graph: rdflib.Graph,
        lang: str = "en",
        cited: Mapping[URIRef, Sequence[tuple[URIRef, str]]] | None = None,
    ) -> None:
        self.graph = graph
        self.lang = lang
        self.cited = cited
        self._ancestors: dict[URIRef, list[URIRef]] = {}
        self._labels: dict[tuple[URIRef, str], str] = {}
        self._schema: dict[URIRef, bool] = {}

    def label(self, term: URIRef, lang: str | None = None) -> str:
        key = (term, lang or self.lang)
        if key not in self._labels:
            self._labels[key] = self._label(term, key[1])
        return self._labels[key]

    def _label(self, term: URIRef, wanted: str) -> str:
        # sources may give several names in one language: the first, as the named queries do
        labels = sorted((o for o in self.graph.objects(term, RDFS.label) if isinstance(o, Literal)),
                        key=str)
        for choice in (wanted, "en", None):
            for lab in labels:
                if choice is None or lab.language == choice:
                    return str(lab)
        short = shorten(str(term))
        if short in READABLE:  # vocabulary the data uses but does not describe
            return READABLE[short][1 if wanted == "zh" else 0]
        return short

    def ancestors(self, cls: URIRef) -> list[URIRef]:
        """``cls`` and its superclasses (rdfs:subClassOf*), nearest first."""
        if cls not in self._ancestors:
            seen: list[URIRef] = []
            todo = [cls]
            while todo:
                current = todo.pop(0)
                if current in seen:
                    continue
                seen.append(current)
                todo.extend(o for o in self.graph.objects(current, RDFS.subClassOf)
                            if isinstance(o, URIRef))
            self._ancestors[cls] = seen
        return self._ancestors[cls]

    def main_class(self, node: URIRef) -> URIRef | None:
        """The most specific asserted class (our vocabulary first)."""
        types = sorted(t for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef))
        if not types:
            return None
        ours = [t for t in types if str(t).startswith(PREFIXES["g60"])]
        pool = ours or types
        # a class that is an ancestor of another asserted class is less specific
        specific = [t for t in pool if not any(t in self.ancestors(o)[1:] for o in pool)]
        return (specific or pool)[0]

    def is_schema(self, node: URIRef) -> bool:
        """Ontology terms, the named graphs' descriptions and geometry nodes are not
        drawn (geometries become facts)."""
        if node not in self._schema:
            self._schema[node] = any(
                t in SCHEMA_CLASSES or t in LINEAGE_CLASSES or t == GEO.Geometry
                for t in self.graph.objects(node, RDF.type)
            )
        return self._schema[node]

    def is_entity(self, node: URIRef) -> bool:
        """Described here (the subject of a statement), as opposed to a page or an
        entity elsewhere (Wikidata, GeoNames), which stays an attribute."""
        return (node, None, None) in self.graph

    @classmethod
    def of(cls, kg: GraphSource, lang: str = "en", union: rdflib.Graph | None = None) -> Context:
        """The context of a knowledge graph: its union (``union``, when the caller has
        copied it already), and the sources of each entity read from the source graphs
        (queries/library/cited-by.rq)."""
        cited: dict[URIRef, list[tuple[URIRef, str]]] = {}
        for entity, src, url in kg.query(library("cited-by")).rows:
            if isinstance(entity, URIRef) and isinstance(src, URIRef):
                cited.setdefault(entity, []).append((src, str(url or src)))
        return cls(union if union is not None else kg.union_graph(), lang, cited)

    def sources(self, node: URIRef) -> list[dict[str, str]]:
        """The entity's sources, each with its label and URL: from the source graphs
        when the context has them, else (a plain rdflib graph) its dcterms:source."""
        if self.cited is not None:
            pairs = list(self.cited.get(node, ()))
        else:
            pairs = [(src, next((str(u) for u in self.graph.objects(src, SCHEMA.url)), str(src)))
                     for src in self.graph.objects(node, DCT_SOURCE) if isinstance(src, URIRef)]
        found = [{"label": self.label(src), "url": url, "iri": str(src)} for src, url in pairs]
        return sorted(found, key=lambda s: s["label"])

    def citations(self) -> list[tuple[URIRef, URIRef]]:
        """Every (entity, source) pair: the links a walk "via sources" may take."""
        if self.cited is not None:
            return [(e, src) for e, pairs in self.cited.items() for src, _ in pairs]
        return [(e, src) for e, src in self.graph.subject_objects(DCT_SOURCE)
                if isinstance(e, URIRef) and isinstance(src, URIRef)]

    def node_attributes(self, node: URIRef) -> dict[str, Any]:
        attrs: dict[str, Any] = {
            "iri": str(node),
            "label": self.label(node),
            "label_en": self.label(node, "en"),
            "label_zh": self.label(node, "zh"),
        }
        cls = self.main_class(node)
        attrs["class"] = str(cls) if cls else ""
        attrs["class_label"] = self.label(cls) if cls else "Resource"
        types = {a for t in self.graph.objects(node, RDF.type) if isinstance(t, URIRef)
                 for a in self.ancestors(t)}
        attrs["types"] = " ".join(sorted(str(t) for t in types))
        facts: dict[str, list[str]] = {}
        for p, o in self.graph.predicate_objects(node):
            if p == RDFS.label or not isinstance(p, URIRef):
                continue
            if isinstance(o, Literal):
                if o.language and o.language not in (self.lang, "en"):
                    continue
                facts.setdefault(shorten(str(p)), []).append(str(o))
            elif isinstance(o, URIRef) and p != RDF.type and not self.is_entity(o):
                facts.setdefault(shorten(str(p)), []).append(str(o))
            elif p == GEO.hasGeometry:
                for wkt in self.graph.objects(o, GEO.asWKT):
                    facts.setdefault("geo:asWKT", []).append(str(wkt))
        for key, values in facts.items():
            attrs[key] = " | ".join(sorted(set(values)))
        return attrs


def _graph_of(source: GraphSource | rdflib.Graph) -> rdflib.Graph:
    return source if isinstance(source, rdflib.Graph) else source.union_graph()


def _context_of(source: GraphSource | rdflib.Graph, lang: str) -> Context:
    if isinstance(source, rdflib.Graph):
        return Context(source, lang)
    return Context.of(source, lang)


def _is_edge(ctx: Context, p: Any, o: Any) -> bool:
    return (
        isinstance(o, URIRef)
        and p not in SCHEMA_PROPERTIES
        and ctx.is_entity(o)
        and p != RDF.type
        and p != GEO.hasGeometry
    )


def to_networkx(
    source: GraphSource | rdflib.Graph,
    lang: str = "en",
    *,
    triples: rdflib.Graph | None = None,
) -> nx.MultiDiGraph:
    """A typed, labelled MultiDiGraph of the data (the ontology itself left out).

    ``triples`` (e.g. a CONSTRUCT result) chooses which statements to draw; labels,
    classes and facts still come from ``source``.
    """
    ctx = _context_of(source, lang)
    drawn = triples if triples is not None else ctx.graph
    g = nx.MultiDiGraph(lang=lang)

    def add(node: URIRef) -> None:
        if str(node) not in g:  # (a URIRef does not hash like its str)
            g.add_node(str(node), **ctx.node_attributes(node))

    # in a fixed order: node ids, and so vis-network's seeded layout, are the same in
    # every process (an rdflib graph iterates in an order that varies with the hash seed)
    for s, p, o in sorted(drawn, key=lambda triple: tuple(term.n3() for term in triple)):
        if not isinstance(s, URIRef) or ctx.is_schema(s):
            continue
        if triples is None and isinstance(o, Literal):
            add(s)
        if p == RDF.type and isinstance(o, URIRef) and o not in SCHEMA_CLASSES:
            add(s)
            continue
        if not _is_edge(ctx, p, o) or ctx.is_schema(o):  # type: ignore[arg-type]
            continue
        add(s)
        add(o)  # type: ignore[arg-type]
        g.add_edge(str(s), str(o), key=str(p), predicate=str(p), label=ctx.label(p))  # type: ignore[arg-type]
    if triples is not None:  # a CONSTRUCT may name resources with labels only
        for s in sorted(set(drawn.subjects(RDFS.label)), key=str):
            if isinstance(s, URIRef) and not ctx.is_schema(s):
                add(s)
    return g


def _edge_columns(result: QueryResult) -> tuple[str, list[str]] | None:
    """Which columns are edges: WDQS's graph view (``?item ?linkTo``), then
    ``?source ?target``; None for any other SELECT (drawn as a star per row)."""
    for pair in (("item", "linkTo"), ("source", "target")):
        if set(pair) <= set(result.vars):
            return pair[0], [pair[1]]
    return None


def from_select(
    result: QueryResult, source: GraphSource | rdflib.Graph, lang: str = "en"
) -> nx.MultiDiGraph:
    """A graph from a SELECT. In the Wikidata Query Service graph-view style,
    ``?item ?linkTo`` (or ``?source ?target``) are the edges, with optional
    ``?edgeLabel``, ``?itemLabel``/``?sourceLabel``, ``?linkToLabel``/``?targetLabel``
    and ``?rgb`` (the first node's colour). Any other SELECT draws each row as links
    from its first IRI column to its other IRI columns, labelled by column name, so
    a citation column named ``?source`` is just one more link."""
    columns = _edge_columns(result)
    if columns is None:
        iri_columns = [v for v in result.vars
                       if any(isinstance(d.get(v), URIRef) for d in result.dicts())]
        if not iri_columns:
            raise InputError("this SELECT has no IRI column to draw: give ?item ?linkTo")
        hub, spokes, labelled = iri_columns[0], iri_columns[1:], True
    else:
        hub, spokes, labelled = columns[0], columns[1], False
    ctx = _context_of(source, lang)
    g = nx.MultiDiGraph(lang=lang)
    for row in result.dicts():
        s = row.get(hub)
        if s is None:
            continue
        for term, label_var in ((s, hub + "Label"), *((row.get(v), v + "Label") for v in spokes)):
            if term is None or (labelled and not isinstance(term, URIRef)):
                continue
            key = str(term)
            if key not in g:
                attrs = ctx.node_attributes(term) if isinstance(term, URIRef) else {
                    "iri": "", "label": key, "label_en": key, "label_zh": key,
                    "class": "", "class_label": "Value", "types": ""}
                g.add_node(key, **attrs)
            if row.get(label_var) is not None:
                g.nodes[key]["label"] = str(row[label_var])
        rgb = row.get("rgb")
        if rgb is not None and re.fullmatch(r"#?[0-9A-Fa-f]{6}", str(rgb)):
            g.nodes[str(s)]["color"] = "#" + str(rgb).lstrip("#")
        for spoke in spokes:
            t = row.get(spoke)
            if t is None or (labelled and not isinstance(t, URIRef)):
                continue
            edge_label = spoke if labelled else row.get("edgeLabel")
            if isinstance(edge_label, URIRef):
                text = ctx.label(edge_label)
            else:
                text = str(edge_label) if edge_label is not None else ""
            if not g.has_edge(str(s), str(t), key=text or "link"):
                g.add_edge(str(s), str(t), key=text or "link", predicate="", label=text)
    return g


def graph_for_query(
    kg: GraphSource | rdflib.Graph, result: QueryResult, lang: str = "en"
) -> nx.MultiDiGraph:
    """The network a CONSTRUCT or graph-view SELECT result draws."""
    if result.form in ("CONSTRUCT", "DESCRIBE") and result.graph is not None:
        return to_networkx(kg, lang, triples=result.graph)
    if result.form == "SELECT":
        return from_select(result, kg, lang)
    raise InputError(f"a {result.form} query cannot be drawn: use a CONSTRUCT or a SELECT")


# -- selections -----------------------------------------------------------------


def neighbourhood(g: nx.MultiDiGraph, centre: str, depth: int) -> nx.MultiDiGraph:
    """The nodes within ``depth`` steps of ``centre`` (either direction)."""
    if centre not in g:
        raise InputError(f"{centre} is not a node of this graph")
    undirected = g.to_undirected(as_view=True)
    near = nx.single_source_shortest_path_length(undirected, centre, cutoff=depth)
    return g.subgraph(near).copy()


def filter_classes(g: nx.MultiDiGraph, spec: str, resolve: Callable[[str], str]) -> nx.MultiDiGraph:
    """Keep or drop nodes by class: ``"PrefectureLevelCity,IndustrialPark"`` keeps,
    ``"-Source,-Observation"`` drops (a node belongs to a class and all its superclasses)."""
    keep: set[str] = set()
    drop: set[str] = set()
    for part in (p.strip() for p in spec.split(",")):
        if not part:
            continue
        target = drop if part.startswith("-") else keep
        target.add(resolve(part.lstrip("-+").strip()))
    chosen = [
        n for n, d in g.nodes(data=True)
        if (not keep or keep & set(d.get("types", "").split()))
        and not (drop & set(d.get("types", "").split()))
    ]
    return g.subgraph(chosen).copy()


# -- analytics ------------------------------------------------------------------


def simple(g: nx.MultiDiGraph) -> nx.Graph:
    """An undirected simple graph (parallel edges merged) for centrality measures."""
    out = nx.Graph()
    out.add_nodes_from(g.nodes(data=True))
    out.add_edges_from((u, v) for u, v in g.edges() if u != v)
    return out


def pagerank(g: nx.Graph, alpha: float = 0.85, tol: float = 1e-10) -> dict[Any, float]:
    """PageRank of an undirected simple graph by power iteration.

    networkx's own ``pagerank`` needs scipy, which is not one of our dependencies."""
    nodes = list(g)
    if not nodes:
        return {}
    n = len(nodes)
    rank = dict.fromkeys(nodes, 1.0 / n)
    degree = dict(g.degree())
    for _ in range(200):
        dangling = alpha * sum(rank[v] for v in nodes if degree[v] == 0) / n
        new = dict.fromkeys(nodes, (1.0 - alpha) / n + dangling)
        for v in nodes:
            if degree[v]:
                share = alpha * rank[v] / degree[v]
                for w in g.neighbors(v):
                    new[w] += share
        delta = sum(abs(new[v] - rank[v]) for v in nodes)
        rank = new
        if delta < n * tol:
            break
    return rank


def analyze(g: nx.MultiDiGraph, top: int = 10) -> dict[str, Any]:
    """Degree, betweenness and PageRank rankings and communities."""
    und = simple(g)

    def ranking(scores: dict[str, float]) -> list[dict[str, Any]]:
        ordered = sorted(scores.items(), key=lambda kv: (-kv[1], g.nodes[kv[0]]["label"]))
        return [
            {"node": n, "label": g.nodes[n]["label"], "class": g.nodes[n]["class_label"],
             "score": round(float(v), 6)}
            for n, v in ordered[:top]
        ]

    degree = {n: float(d) for n, d in und.degree()}
    communities = nx.community.louvain_communities(und, seed=60) if len(und) else []
    return {
        "nodes": g.number_of_nodes(),
        "edges": g.number_of_edges(),
        "components": nx.number_connected_components(und) if len(und) else 0,
        "degree": ranking(degree),
        "betweenness": ranking(nx.betweenness_centrality(und)),
        "pagerank": ranking(pagerank(und)),
        "communities": [
            sorted((g.nodes[n]["label"] for n in c), key=str.casefold)
            for c in sorted(communities, key=lambda c: (-len(c), min(c)))
        ],
    }


def add_citations(g: nx.MultiDiGraph, ctx: Context) -> None:
    """Link each drawn entity to each drawn source that says something about it
    (a ``dcterms:source`` edge), so a walk may go "via sources"."""
    label = ctx.label(DCT_SOURCE)
    for entity, src in ctx.citations():
        if str(entity) in g and str(src) in g and entity != src:
            g.add_edge(str(entity), str(src), key=str(DCT_SOURCE), predicate=str(DCT_SOURCE),
                       label=label)


def path(
    g: nx.MultiDiGraph, a: str, b: str, *, skip: Collection[str] = (str(DCT_SOURCE),)
) -> list[tuple[str, str, str, bool]]:
    """The shortest chain between two nodes, each step (from, edge label, to, forward).

    Edges may be walked against their direction; ``forward`` says which way the
    statement reads. Edges whose predicate is in ``skip`` are not walked: by default
    two entities citing the same article are not "connected". Raises InputError
    when the two are not connected."""
    for node in (a, b):
        if node not in g:
            raise InputError(f"{node} is not in the graph")
    if skip:
        skipped = set(skip)
        g = nx.subgraph_view(g, filter_edge=lambda u, v, k: k not in skipped)
    try:
        # the same answer on every run: of the shortest chains, the first by labels
        candidates = itertools.islice(nx.all_shortest_paths(g.to_undirected(as_view=True), a, b),
                                      1000)
        nodes = min(candidates, key=lambda p: [str(g.nodes[n].get("label", n)) for n in p])
    except nx.NetworkXNoPath:
        raise InputError(
            f"{g.nodes[a]['label']} and {g.nodes[b]['label']} are not connected"
        ) from None
    steps = []
    for u, v in itertools.pairwise(nodes):
        if g.has_edge(u, v):
            label, forward = _edge_label(g, u, v), True
        else:
            label, forward = _edge_label(g, v, u), False
        steps.append((u, label, v, forward))
    return steps


def _edge_label(g: nx.MultiDiGraph, u: str, v: str) -> str:
    return sorted(str(d.get("label", "")) for d in g.get_edge_data(u, v).values())[0]


def format_path(g: nx.MultiDiGraph, steps: list[tuple[str, str, str, bool]]) -> str:
    """``Hangzhou --member city--> ... <--signatory-- ...`` (arrows show direction)."""
    if not steps:
        return ""
    parts = [g.nodes[steps[0][0]]["label"]]
    for _, label, v, forward in steps:
        parts.append(f"--{label}-->" if forward else f"<--{label}--")
        parts.append(g.nodes[v]["label"])
    return " ".join(parts)


# -- exports --------------------------------------------------------------------


def _plain(g: nx.MultiDiGraph) -> nx.MultiDiGraph:
    """A copy with only string/number attributes (what every format can carry)."""
    out = nx.MultiDiGraph()
    out.graph.update({k: v for k, v in g.graph.items() if isinstance(v, str | int | float)})
    for n, d in g.nodes(data=True):
        out.add_node(n, **{k: v for k, v in d.items() if isinstance(v, str | int | float)})
    for u, v, k, d in g.edges(keys=True, data=True):
        kept = {a: b for a, b in d.items() if isinstance(b, str | int | float)}
        out.add_edge(u, v, key=k, **kept)
    return out


def export(g: nx.MultiDiGraph, fmt: str) -> str:
    """The graph as GraphML, GEXF, Cytoscape.js JSON or Graphviz DOT text."""
    import io

    plain = _plain(g)
    if fmt == "graphml":
        return "\n".join(nx.generate_graphml(plain)) + "\n"
    if fmt == "gexf":
        buf = io.BytesIO()
        nx.write_gexf(plain, buf)
        return buf.getvalue().decode("utf-8")
    if fmt == "cytoscape":
        return json.dumps(nx.cytoscape_data(plain), ensure_ascii=False, indent=1) + "\n"
    if fmt == "dot":
        return to_dot(plain)
    raise InputError(f"unknown graph format {fmt!r} (choose from {', '.join(FORMATS)})")


def _dot_id(text: object) -> str:
    escaped = str(text).replace("\\", "\\\\").replace('"', '\\"').replace("\n", "\\n")
    return f'"{escaped}"'


def to_dot(g: nx.MultiDiGraph) -> str:
    """Graphviz DOT (written here: pydot is not a dependency); every ID quoted."""

    def attrs(d: dict[str, Any]) -> str:
        return ", ".join(f"{_dot_id(k)}={_dot_id(v)}" for k, v in sorted(d.items()))

    def attrs_of(d: dict[str, Any]) -> str:
        return attrs({("rdf_class" if k == "class" else k): v for k, v in d.items()})

    lines = ["digraph g60graph {", "  node [shape=box, style=rounded];"]
    lines.extend(f"  {_dot_id(n)} [{attrs_of(d)}];" for n, d in g.nodes(data=True))
    lines.extend(
        f"  {_dot_id(u)} -> {_dot_id(v)} [{attrs(d)}];" for u, v, d in g.edges(data=True)
    )
    lines.append("}")
    return "\n".join(lines) + "\n"



# -- what a command draws ---------------------------------------------------------


def class_resolver(kg: GraphSource, union: rdflib.Graph | None = None) -> Callable[[str], str]:
    """Name a class by prefixed name, local name (``Source``), IRI or label
    (``union``: the dataset as one graph, if the caller has it already)."""
    from g60graph._errors import EntityNotFoundError
    from g60graph._namespaces import expand

    union = _graph_of(kg) if union is None else union
    classes = {s for s in union.subjects(RDF.type, OWL.Class) if isinstance(s, URIRef)}
    classes |= {o for o in union.objects(None, RDF.type) if isinstance(o, URIRef)}

    def resolve(name: str) -> str:
        candidates = [expand(name) or name, PREFIXES["g60"] + name]
        for iri in candidates:
            if URIRef(iri) in classes:
                return iri
        try:
            found = kg.resolve(name)
        except EntityNotFoundError:
            found = None
        if found is not None and found in classes:
            return str(found)
        raise InputError(
            f"--classes: no class named {name!r} (try e.g. Source, g60:IndustrialPark)"
        )

    return resolve


def select(
    kg: GraphSource,
    *,
    query: Any = None,
    params: dict[str, str] | None = None,
    focus: str | None = None,
    depth: int = 1,
    classes: str | None = None,
    lang: str = "en",
    union: rdflib.Graph | None = None,
) -> nx.MultiDiGraph:
    """The graph a command works on: the whole graph or a query's result, then a
    neighbourhood of ``focus``, then a class filter. ``union`` is the dataset as one
    graph if the caller has it already: it is copied out of the store once."""
    union = _graph_of(kg) if union is None else union
    if query is not None:
        g = graph_for_query(union, kg.query(query, params or None), lang)
    else:
        g = to_networkx(union, lang)
    if focus is not None:
        from g60graph._errors import EntityNotFoundError

        try:
            centre = str(kg.resolve(focus))
        except EntityNotFoundError as err:
            raise EntityNotFoundError(f"--focus: {err}") from None
        if centre not in g:
            raise InputError(f"--focus: {focus!r} is not drawn in this graph")
        g = neighbourhood(g, centre, depth)
    if classes:
        g = filter_classes(g, classes, class_resolver(kg, union))
    return g


def to_pyvis(g: nx.MultiDiGraph, *, notebook: bool = True) -> Any:
    """The graph as a pyvis Network, to show inside Jupyter (needs the 'notebook' extra).

    ``g60graph viz`` does not use this: its pages inline vis-network directly, so a
    command-line install carries no pyvis and no IPython.
    """
    try:
        from pyvis.network import Network
    except ImportError:
        raise InputError(
            "to_pyvis needs pyvis: pip install '.[notebook]' from a checkout of g60graph"
        ) from None
    net = Network(notebook=notebook, directed=True, cdn_resources="in_line")
    for node, data in g.nodes(data=True):
        net.add_node(node, label=data.get("label", node), title=data.get("class_label", ""))
    for u, v, data in g.edges(data=True):
        net.add_edge(u, v, title=data.get("label", ""))
    return net
