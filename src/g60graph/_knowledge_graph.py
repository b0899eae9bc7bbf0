"""KnowledgeGraph: the loaded dataset and everything users ask of it.

The CLI, the server and the diagrams all go through this class.
"""

from __future__ import annotations

import re
from collections.abc import Collection, Mapping, Sequence
from pathlib import Path
from typing import TYPE_CHECKING, Any

import rdflib
from rdflib import Literal, URIRef
from rdflib.term import Identifier

from g60graph import backends
from g60graph._errors import EntityNotFoundError, InputError, ParameterError
from g60graph._namespaces import GRAPH, PREFIXES, expand, shorten
from g60graph.backends import Backend
from g60graph.results._model import QueryResult, canonical_format, prefixed
from g60graph.sparql import _named as queries
from g60graph.sparql._named import Query

if TYPE_CHECKING:
    from g60graph._views import View
    from g60graph.load._validation import ValidationReport

__all__ = [
    "EXPORT_FORMATS",
    "EXTENSIONS",
    "KnowledgeGraph",
    "export_format",
]

EXPORT_FORMATS = {
    "trig": "trig", "nq": "nquads", "ttl": "turtle", "nt": "nt", "jsonld": "json-ld", "xml": "xml",
}
# A file's extension names its format (RDF/XML is "xml", as in --format).
EXTENSIONS = {
    ".trig": "trig", ".nq": "nq", ".ttl": "ttl", ".nt": "nt", ".jsonld": "jsonld", ".rdf": "xml",
}


def export_format(path: str | Path | None, fmt: str | None) -> str:
    """The format to write: ``fmt`` (any common name), else the file's extension, else
    TriG (no extension, e.g. /dev/stdout); a ``fmt`` contradicting the extension is refused."""
    chosen = canonical_format(fmt) if fmt else None
    if chosen is not None and chosen not in EXPORT_FORMATS:
        known = ", ".join([*EXPORT_FORMATS, "turtle", "ntriples", "nquads", "json-ld", "rdfxml"])
        raise InputError(f"--format: {fmt!r} is not an RDF format ({known})")
    suffix = Path(path).suffix.lower() if path is not None else ""
    implied = EXTENSIONS.get(suffix)
    if suffix and chosen is None and implied is None:
        raise InputError(
            f"{path}: cannot tell the format from {suffix!r}: use one of"
            f" {' '.join(EXTENSIONS)} or give --format"
        )
    if chosen is not None and implied is not None and chosen != implied:
        raise InputError(
            f"--format {fmt} does not match {path} (a {suffix} file is {implied}):"
            " change one of them"
        )
    return chosen or implied or "trig"

class KnowledgeGraph:
    """The corridor graph loaded into a store, ready to query.

    >>> kg = KnowledgeGraph.load()
    >>> rows = kg.query("cities").rows
    """

    def __init__(self, dataset: rdflib.Dataset | Backend) -> None:
        self._backend: Backend = (
            backends.from_rdflib(dataset) if isinstance(dataset, rdflib.Dataset) else dataset
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
        if backends.backend_name(store, endpoint) not in backends.EMBEDDED:
            return cls(_open_existing(store, extra, infer, endpoint, update_endpoint, graph_store))
        from g60graph.load._files import load_backend

        backend = load_backend(store, [Path(p) for p in extra])
        if infer:
            from g60graph.load._reasoning import entailments

            kg = cls(backend)
            inferred = entailments(kg.union_graph(), infer, infer_timeout)
            backend.add((s, p, o, GRAPH["inferred"]) for s, p, o in inferred)  # type: ignore[misc]
        return cls(backend)

    @property
    def backend(self) -> Backend:
        """The store this graph runs on (see g60graph.backends: execute and quads)."""
        return self._backend

    @property
    def dataset(self) -> rdflib.Dataset:
        """The store as an rdflib Dataset (the same data; local stores only). Its store
        runs the safety check on every query and update rdflib hands it, as
        :meth:`query` does; ``backend.store``, the raw pyoxigraph Store, does not."""
        return backends.rdflib_dataset(self._backend)

    def graph_names(self) -> list[str]:
        return backends.graph_names(self._backend)

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
        text = self.bind(query, params or {})
        return self._run(text, limit=limit, allowed_services=allowed_services)

    def _run(
        self, text: str, *, limit: int | None = None, allowed_services: Collection[str] = ()
    ) -> QueryResult:
        """The one way a query reaches the backend (whose ``execute`` runs the safety check)."""
        result = self._backend.execute(text, limit=limit, allowed_services=allowed_services)
        result.labeller = self.label
        return result

    # -- views (notebooks; the CLI writes the same pages) ---------------------

    def show(self, query: Query | str, params: Mapping[str, object] | None = None, *,
             lang: str = "en") -> View:
        """The query drawn as its header's ``view:`` says (table, graph, map, chart,
        timeline); displays inline in a notebook and has ``.save(path)``."""
        from g60graph._views import show_view

        return show_view(self, query, params, lang=lang)

    def chart(self, query: Query | str = "series", params: Mapping[str, object] | None = None,
              *, kind: str | None = None, lang: str = "en") -> View:
        """A line or bar chart, e.g. ``kg.chart("series", {"measure": "g60r:measure-gdp"})``."""
        from g60graph._views import chart_view

        return chart_view(self, query, params, kind=kind, lang=lang)

    def timeline(self, query: Query | str = "timeline",
                 params: Mapping[str, object] | None = None, *, lang: str = "en") -> View:
        """The corridor's history (or a query's dated rows) on a time axis."""
        from g60graph._views import timeline_view

        return timeline_view(self, query, params, lang=lang)

    def map(self, *, lang: str = "en") -> View:
        """The corridor map: cities, lines, parks and institutes."""
        from g60graph._views import map_view

        return map_view(self, lang=lang)

    def _repr_html_(self) -> str:
        from g60graph._views import summary_html

        return summary_html(self)

    def bind(self, query: Query, params: Mapping[str, object]) -> str:
        """The query's text with ``params`` bound; entity and iri values are resolved
        here (slugs, labels), so every caller (CLI, server, API) accepts the same."""
        return query.bind(
            params, self.resolve, lambda param, text: self._choose(query, param.name, text)
        )

    def parameter_values(self, query: Query, name: str) -> list[URIRef]:
        """The IRIs the parameter ``name`` can usefully take: those ``?name`` has when
        the query runs without it. Empty when that can't be asked (another parameter
        is required, or ``?name`` is not in the results)."""
        if any(p.required and p.default is None for p in query.params):
            return []
        result = self.query(query, {}, limit=100_000)
        if name not in result.vars:
            return []
        column = result.vars.index(name)
        found = {row[column] for row in result.rows}
        return sorted(term for term in found if isinstance(term, URIRef))

    def _choose(self, query: Query, name: str, text: str) -> URIRef:
        """An ``iri`` parameter given as a slug (``measure-gdp``, or just ``gdp``) or a
        label ("Regional GDP"), among the values it can take; else as an entity."""
        values = self.parameter_values(query, name)
        if not values:  # unknown (a required parameter): any entity, or a unique last word
            try:
                return self.resolve(text)
            except EntityNotFoundError:
                wanted = text.strip().casefold()
                ends = [URIRef(i) for i in self._label_index()
                        if i.casefold().endswith(f"-{wanted}")]
                if len(ends) == 1:
                    return ends[0]
                raise
        wanted = text.strip().casefold()
        exact: list[URIRef] = []
        named: list[URIRef] = []
        partial: list[URIRef] = []
        for value in values:
            local = re.split(r"[/#]", str(value))[-1].casefold()
            labels = {str(lab).casefold() for _, lab in self._label_index().get(str(value), [])}
            if wanted in labels | {local, shorten(str(value)).casefold()}:
                exact.append(value)
            elif local.endswith(f"-{wanted}"):
                # ``gdp`` names measure-gdp (the slug's kind, then the word), not
                # measure-service-sector-share-of-gdp, which only ends with it
                own = local.count("-") == wanted.count("-") + 1
                (named if own else partial).append(value)
        found = exact or named or partial
        if len(found) == 1:
            return found[0]
        listing = ", ".join(shorten(str(v)) for v in (found or values)[:30])
        if found:
            raise ParameterError(f"parameter {name!r}: {text!r} is ambiguous: {listing}")
        raise ParameterError(
            f"parameter {name!r}: no value matches {text!r}; one of: {listing}"
            f" ('g60graph show {query.name}' lists them with their labels)"
        )

    # -- entities and labels --------------------------------------------------

    def _label_index(self) -> dict[str, list[tuple[str, Literal]]]:
        if self._labels is None:
            index: dict[str, list[tuple[str, Literal]]] = {}
            for subject, label, kind in self._run(queries.library("labels").text).rows:
                if isinstance(label, Literal):
                    index.setdefault(str(subject), []).append((str(kind), label))
            for names in index.values():  # sources may give several names in one language:
                names.sort(key=lambda pair: str(pair[1]))  # the first, as the named queries do
            self._labels = index
        return self._labels

    def label(self, term: Identifier, lang: str = "en") -> str:
        """A readable name: the label in ``lang``, else English, else a short IRI."""
        if isinstance(term, Literal):
            return str(term)
        if not isinstance(term, URIRef):
            return f"_:{term}"
        # the first in text order when sources give several, as the named queries choose,
        # so every store names a thing alike
        labels = sorted((lab for kind, lab in self._label_index().get(str(term), [])
                         if kind == "label"), key=str)
        for wanted in (lang, "en", None):
            for lab in labels:
                if wanted is None or lab.language == wanted:
                    return str(lab)
        return shorten(str(term))

    def resolve(self, text: str) -> URIRef:
        """An entity by IRI, prefixed name, slug, or English/Chinese label."""
        raw = text.strip()
        bracketed = raw.startswith("<") and raw.endswith(">")
        iri = raw[1:-1] if bracketed else expand(raw) or raw
        looks_like_iri = bracketed or bool(re.match(r"^\w[\w+.-]*:", iri))
        if looks_like_iri and not queries.is_iri(iri) and bracketed:
            raise EntityNotFoundError(f"{raw!r} is not a valid IRI")
        # IRIs and slugs first, by a cheap ASK: the label index below reads every
        # label in the graph, which takes seconds on millions of triples.
        if looks_like_iri and queries.is_iri(iri) and self._mentions(iri):
            return URIRef(iri)
        slug = PREFIXES["g60r"] + raw
        if re.fullmatch(r"[\w.-]+", raw) and self._mentions(slug):
            return URIRef(slug)
        index = self._label_index()
        if iri in index:
            return URIRef(iri)
        wanted = raw.casefold()
        matches = sorted(
            {s for s, labels in index.items() for _, lab in labels if str(lab).casefold() == wanted}
        )
        # "Wuhu" is the city (g60r:wuhu) more than the station labelled so (station-wuhu)
        named = [m for m in matches if m == PREFIXES["g60r"] + wanted]
        if len(matches) == 1 or len(named) == 1:
            return URIRef((named or matches)[0])
        if matches:
            listing = "; ".join(f"{shorten(m)} ({self.label(URIRef(m))})" for m in matches)
            raise EntityNotFoundError(f"{raw!r} is ambiguous: {listing}")
        names = sorted({str(lab) for labels in index.values() for _, lab in labels})
        import difflib  # here: 12 ms of start-up, for a mistyped name only

        close = difflib.get_close_matches(raw, names, n=3, cutoff=0.6)
        hint = f"; did you mean {', '.join(close)}?" if close else ""
        if looks_like_iri and not queries.is_iri(iri):
            raise EntityNotFoundError(f"{raw!r} is not a valid IRI, and no entity has that label")
        raise EntityNotFoundError(f"no entity matches {raw!r}{hint}")

    def _mentions(self, iri: str) -> bool:
        """Whether any triple has ``iri`` as subject or object (the IRI is bound, not pasted)."""
        return bool(self._run(queries.library("mentions").bind({"iri": iri})).boolean)

    def describe(self, entity: str) -> QueryResult:
        """Everything known about one entity, with the source of each fact."""
        return self.query("entity", {"entity": self.resolve(entity)})

    # -- the whole graph ------------------------------------------------------

    def stats(self) -> dict[str, Any]:
        """Triples, named graphs, entities per class, sources, label languages."""
        classes = self.query(queries.library("stats-classes"))
        langs = self.query(queries.library("stats-languages"))
        return {
            "triples": backends.triple_count(self._backend),
            "graphs": len(self.graph_names()),
            "classes": {self.label(r[0]): int(r[1]) for r in classes.rows},  # type: ignore[arg-type]
            "sources": sum(int(str(r[1])) for r in classes.rows if str(r[0]).endswith("#Source")),
            "label_languages": {str(r[0]): int(r[1]) for r in langs.rows},  # type: ignore[arg-type]
            "provenance": self._provenance(),
        }

    def _provenance(self) -> dict[str, Any]:
        """Who says what, and in which languages: see queries/library/stats-provenance.rq
        for what counts as a data statement and as an entity."""
        (row,) = self.query(queries.library("stats-provenance")).rows
        statements, sourced, entities, with_zh = (int(str(value)) for value in row)
        return {
            "statements": statements,
            "in_one_source_graph": sourced,
            "sourced_share": round(sourced / statements, 4) if statements else 0.0,
            "entities": entities,
            "entities_with_zh_label": with_zh,
            "zh_label_share": round(with_zh / entities, 4) if entities else 0.0,
        }

    def union_graph(self) -> rdflib.Graph:
        """Every graph's triples copied into one rdflib Graph (for rdflib-based work)."""
        union = prefixed(rdflib.Graph())
        for s, p, o, _ in self._backend.quads():
            union.add((s, p, o))
        return union

    def to_networkx(self, lang: str = "en") -> Any:
        """The data as a networkx MultiDiGraph (see g60graph.network.to_networkx)."""
        from g60graph.network._graph import to_networkx

        return to_networkx(self, lang)

    def validate(self) -> ValidationReport:
        """SHACL validation of the loaded graph against the packaged shapes: of what the
        files assert, not of the entailments ``--infer`` added (the shapes run RDFS with
        the ontology themselves; OWL RL's closure holds every number in several lexical
        forms, and its graph names no source, so the data would not conform)."""
        from g60graph.load._validation import named_copy, validate

        inferred = GRAPH["inferred"]
        return validate(named_copy(q for q in self._backend.quads() if q[3] != inferred))

    def serialize(self, fmt: str = "trig") -> str:
        fmt = export_format(None, fmt)
        if fmt not in EXPORT_FORMATS:
            raise InputError(f"--format: {fmt!r} is not one of {', '.join(EXPORT_FORMATS)}")
        if fmt in ("trig", "nq"):  # pyoxigraph writes datasets; rdflib's TriG writer is slow
            import pyoxigraph as ox

            to_ox = backends.to_ox
            quads = (ox.Quad(to_ox(s), to_ox(p), to_ox(o), to_ox(g))
                     for s, p, o, g in self._backend.quads())
            kind = ox.RdfFormat.TRIG if fmt == "trig" else ox.RdfFormat.N_QUADS
            data = ox.serialize(quads, format=kind, prefixes=PREFIXES if fmt == "trig" else None)
            return (data or b"").decode("utf-8")
        return str(self.union_graph().serialize(format=EXPORT_FORMATS[fmt]))

    def export(self, path: str | Path, fmt: str | None = None) -> None:
        """Write the whole graph to ``path`` atomically, in ``fmt`` or the format its
        extension names (.trig .nq .ttl .nt .jsonld .rdf)."""
        from g60graph._fileio import write_atomic

        write_atomic(Path(path), self.serialize(export_format(path, fmt)))


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
    return backends.open_backend(
        store_name, endpoint=endpoint, update_endpoint=update_endpoint, graph_store=graph_store
    )


def _looks_like_name(text: str) -> bool:
    return bool(re.fullmatch(r"[A-Za-z0-9_\-]+", text.strip()))
