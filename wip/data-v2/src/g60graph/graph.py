"""KnowledgeGraph: the loaded dataset and everything users ask of it.

The CLI, the server and the diagrams all go through this class.
"""

from __future__ import annotations

import difflib
import re
from collections.abc import Callable, Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from g60graph import queries, safety, store
from g60graph.backends import Backend, LocalBackend
from g60graph.errors import EntityNotFoundError, InputError
from g60graph.namespaces import GRAPH, PREFIXES, expand, shorten
from g60graph.queries import Query
from g60graph.results import QueryResult

if TYPE_CHECKING:
    from g60graph.validation import ValidationReport

EXPORT_FORMATS = {"trig": "trig", "nq": "nquads", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld"}

_LABELS = f"""PREFIX rdfs: <{PREFIXES["rdfs"]}>
PREFIX skos: <{PREFIXES["skos"]}>
SELECT ?s ?label ?kind WHERE {{
  {{ ?s rdfs:label ?label BIND("label" AS ?kind) }}
  UNION {{ ?s skos:altLabel ?label BIND("alt" AS ?kind) }}
}}"""


class KnowledgeGraph:
    """The corridor graph loaded into a store, ready to query.

    >>> kg = KnowledgeGraph.load()
    >>> rows = kg.query("cities").rows
    """

    def __init__(self, dataset: rdflib.Dataset | Backend) -> None:
        self._backend: Backend = (
            LocalBackend(dataset) if isinstance(dataset, rdflib.Dataset) else dataset
        )
        self._labels: dict[str, list[tuple[str, Literal]]] | None = None

    @classmethod
    def load(
        cls,
        extra: Sequence[str | Path] = (),
        *,
        store: str = "oxigraph",
        infer: str | None = None,
        infer_timeout: float = 60.0,
        endpoint: str | None = None,
        update_endpoint: str | None = None,
        graph_store: str | None = None,
    ) -> KnowledgeGraph:
        """The packaged graph plus ``extra`` files; ``infer`` is 'rdfs' or 'owlrl'.

        ``store`` is 'oxigraph' (in memory), 'memory' (rdflib's) or the PATH of an
        on-disk store built by ``g60graph load`` (opened read-only, as it is).
        ``endpoint`` queries a remote SPARQL server instead of loading anything.
        """
        if endpoint or store_is_path(store):
            return cls(_open_existing(store, extra, infer, endpoint, update_endpoint, graph_store))
        dataset = _load(store, [Path(p) for p in extra])
        if infer:
            from g60graph.inference import entailments

            union = rdflib.Graph()
            for triple in dataset.triples((None, None, None)):
                union.add(triple)
            inferred = entailments(union, infer, infer_timeout)
            target = dataset.graph(GRAPH["inferred"])
            for triple in inferred:
                target.add(triple)
        return cls(dataset)

    @property
    def dataset(self) -> rdflib.Dataset:
        return self._backend.dataset

    def graph_names(self) -> list[str]:
        return self._backend.graph_names()

    # -- queries --------------------------------------------------------------

    def query(
        self,
        query: Query | str,
        params: Mapping[str, object] | None = None,
        *,
        limit: int | None = None,
        allowed_services: Collection[str] = (),
    ) -> QueryResult:
        """Run a named query (by name), a Query, or SPARQL text, with parameters."""
        if isinstance(query, str):
            query = queries.get(query) if _looks_like_name(query) else Query.from_text(query)
        text = query.bind(params or {}, self.resolve)
        safety.check(text, allowed_services=allowed_services, local_graphs=self.graph_names())
        return self._backend.execute(text, limit=limit)

    # -- entities and labels --------------------------------------------------

    def _label_index(self) -> dict[str, list[tuple[str, Literal]]]:
        if self._labels is None:
            index: dict[str, list[tuple[str, Literal]]] = {}
            for subject, label, kind in self._backend.execute(_LABELS).rows:
                if isinstance(label, Literal):
                    index.setdefault(str(subject), []).append((str(kind), label))
            self._labels = index
        return self._labels

    def label(self, term: Identifier, lang: str = "en") -> str:
        """A readable name: the label in ``lang``, else English, else a short IRI."""
        if isinstance(term, Literal):
            return str(term)
        if not isinstance(term, URIRef):
            return f"_:{term}"
        labels = [lab for kind, lab in self._label_index().get(str(term), []) if kind == "label"]
        for wanted in (lang, "en", None):
            for lab in labels:
                if wanted is None or lab.language == wanted:
                    return str(lab)
        return shorten(str(term))

    def resolve(self, text: str) -> URIRef:
        """An entity by IRI, prefixed name, slug, or English/Chinese label."""
        raw = text.strip()
        iri = raw[1:-1] if raw.startswith("<") and raw.endswith(">") else expand(raw) or raw
        # IRIs and slugs first, by a cheap ASK: the label index below reads every
        # label in the graph, which takes seconds on millions of triples.
        if re.match(r"^\w[\w+.-]*:", iri) and self._mentions(URIRef(iri)):
            return URIRef(iri)
        slug = PREFIXES["g60r"] + raw
        if re.fullmatch(r"[\w.-]+", raw) and self._mentions(URIRef(slug)):
            return URIRef(slug)
        index = self._label_index()
        if iri in index:
            return URIRef(iri)
        wanted = raw.casefold()
        matches = sorted(
            {s for s, labels in index.items() for _, lab in labels if str(lab).casefold() == wanted}
        )
        if len(matches) == 1:
            return URIRef(matches[0])
        if matches:
            listing = "; ".join(f"{shorten(m)} ({self.label(URIRef(m))})" for m in matches)
            raise EntityNotFoundError(f"{raw!r} is ambiguous: {listing}")
        names = sorted({str(lab) for labels in index.values() for _, lab in labels})
        close = difflib.get_close_matches(raw, names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        raise EntityNotFoundError(f"no entity matches {raw!r}{hint}")

    def _mentions(self, iri: URIRef) -> bool:
        ask = f"ASK {{ {{ <{iri}> ?p ?o }} UNION {{ ?s ?p <{iri}> }} }}"
        return bool(self._backend.execute(ask).boolean)

    def describe(self, entity: str) -> QueryResult:
        """Everything known about one entity, with the source of each fact."""
        return self.query("entity", {"entity": self.resolve(entity)})

    # -- the whole graph ------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Triples, named graphs, entities per class, sources, label languages."""
        classes = self.query(_STATS_CLASSES)
        langs = self.query(_STATS_LANGS)
        return {
            "triples": self._backend.triple_count(),
            "graphs": len(self.graph_names()),
            "classes": {self.label(r[0]): int(r[1]) for r in classes.rows},  # type: ignore[arg-type]
            "sources": sum(int(str(r[1])) for r in classes.rows if str(r[0]).endswith("#Source")),
            "label_languages": {str(r[0]): int(r[1]) for r in langs.rows},  # type: ignore[arg-type]
        }

    def union_graph(self) -> rdflib.Graph:
        union = rdflib.Graph()
        for prefix, namespace in PREFIXES.items():
            union.bind(prefix, namespace)
        for s, p, o, _ in self._backend.quads():
            union.add((s, p, o))
        return union

    def to_networkx(self, lang: str = "en") -> Any:
        """The data as a networkx MultiDiGraph (see g60graph.network.to_networkx)."""
        from g60graph.network import to_networkx

        return to_networkx(self, lang)

    def validate(self) -> ValidationReport:
        """SHACL validation of the loaded graph against the packaged shapes."""
        from g60graph.validation import named_copy, validate

        return validate(named_copy(self._backend.quads()))

    def serialize(self, fmt: str) -> str:
        if fmt not in EXPORT_FORMATS:
            raise InputError(f"--format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
        if fmt in ("trig", "nq"):  # pyoxigraph writes datasets; rdflib's TriG writer is slow
            import pyoxigraph as ox
            from oxrdflib._converter import to_ox

            convert: Callable[[Any], Any] = to_ox
            quads = (
                ox.Quad(convert(s), convert(p), convert(o), convert(getattr(g, "identifier", g)))
                for s, p, o, g in self._backend.quads()
            )
            kind = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
            data = ox.serialize(quads, format=kind, prefixes=PREFIXES if fmt == "trig" else None)
            return (data or b"").decode("utf-8")
        return str(self.union_graph().serialize(format=EXPORT_FORMATS[fmt]))

    def export(self, path: str | Path, fmt: str = "trig") -> None:
        """Write the whole graph to ``path`` atomically."""
        from g60graph.fileio import write_atomic

        write_atomic(Path(path), self.serialize(fmt))


_STATS_CLASSES = f"""PREFIX rdf: <{PREFIXES["rdf"]}>
SELECT ?class (COUNT(DISTINCT ?s) AS ?n) WHERE {{ ?s rdf:type ?class
  FILTER(STRSTARTS(STR(?class), "{PREFIXES["g60"]}")) }} GROUP BY ?class ORDER BY DESC(?n)"""

_STATS_LANGS = f"""PREFIX rdfs: <{PREFIXES["rdfs"]}>
SELECT ?lang (COUNT(*) AS ?n) WHERE {{ ?s rdfs:label ?l BIND(LANG(?l) AS ?lang) }}
GROUP BY ?lang ORDER BY ?lang"""


def _load(store_name: str, extra: list[Path]) -> rdflib.Dataset:
    return store.load_dataset(store_name, extra)


def store_is_path(name: str) -> bool:
    return store.is_path(name)


def _open_existing(
    store_name: str,
    extra: Sequence[str | Path],
    infer: str | None,
    endpoint: str | None,
    update_endpoint: str | None,
    graph_store: str | None,
) -> Backend:
    """An on-disk or remote store, used as it is: nothing is loaded into it here."""
    where = endpoint or store_name
    if extra:
        raise InputError(
            f"--data cannot add files to {where}: use 'g60graph load --store PATH FILE...'"
            " or 'g60graph publish'"
        )
    if infer:
        raise InputError(f"--infer needs an embedded store, not {where}")
    if endpoint:
        from g60graph.backends import RemoteBackend

        return RemoteBackend(endpoint, update_endpoint=update_endpoint, graph_store=graph_store)
    disk = store.open_disk(store_name, read_only=True)
    return LocalBackend(store.on_oxigraph(disk), kind="disk")


def _looks_like_name(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_\-]+", text.strip()))
