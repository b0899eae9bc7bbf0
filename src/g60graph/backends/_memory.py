"""rdflib's own memory store and SPARQL engine: the second local engine.

Kept so that every named query is known to work on a second engine; rdflib
computes its own values (casts, aggregates), so where the two engines differ
the Oxigraph store is the reference. rdflib would fetch the IRI of a FROM
clause: that is switched off here, so a graph the dataset lacks is empty.
"""

from __future__ import annotations

import itertools
from collections.abc import Collection, Iterable, Iterator
from pathlib import Path
from typing import Any

import rdflib
from rdflib import URIRef
from rdflib.graph import DATASET_DEFAULT_GRAPH_ID

from g60graph import _sandbox
from g60graph._errors import ExecutionError, InputError
from g60graph._namespaces import QUERY_PREFIXES
from g60graph.backends._checked import CheckedMemory
from g60graph.backends._oxigraph import from_ox
from g60graph.backends._seam import GRAPHS, Dataset, Quad, check_writable, graph_names
from g60graph.results._model import QueryResult, simple_literal
from g60graph.sparql import _safety as safety
from g60graph.sparql._lexer import tokens
from g60graph.sparql._syntax_errors import from_oxigraph, from_pyparsing, unknown_prefix

__all__ = [
    "MemoryBackend",
]


def _in_text_order(result: QueryResult, text: str) -> QueryResult:
    """Columns in the order the variables first appear in the text, as Oxigraph gives
    them: rdflib orders ``SELECT *`` by a set, so it changes from process to process."""
    if not result.vars:
        return result
    first: dict[str, int] = {}
    for index, tok in enumerate(tokens(text)):
        if tok.kind == "var":
            first.setdefault(tok.text[1:], index)
    order = sorted(range(len(result.vars)), key=lambda i: (first.get(result.vars[i], 1 << 30), i))
    result.vars = [result.vars[i] for i in order]
    result.rows = [tuple(row[i] for i in order) for row in result.rows]
    return result


def _standard_syntax(text: str) -> None:
    """rdflib's parser takes updates the standard forbids (a variable or a blank node in
    DELETE DATA, a variable graph in INSERT DATA, one blank node label in two INSERT
    DATA), and would write a variable into the graph: pyoxigraph's parser, which keeps
    to the standard, reads the (checked) text first, run on an empty store of its own
    as it has no parse-only call."""
    import pyoxigraph as ox

    try:
        ox.Store().update(text, prefixes=QUERY_PREFIXES)
    except SyntaxError as err:
        raise from_oxigraph(text, err) from None
    except (RuntimeError, ValueError, OSError):
        pass  # it parsed: the real run, on rdflib's store, decides


class MemoryBackend:
    """An rdflib Dataset whose default graph is the union of its named graphs."""

    name = "memory"
    graphs_query = GRAPHS

    def __init__(self, dataset: rdflib.Dataset | None = None) -> None:
        # From the start, so that rdflib never fetches a FROM, USING or LOAD graph, even
        # for a caller who queries the Dataset itself (KnowledgeGraph.dataset), whose
        # store also runs the safety check (``_checked``).
        _sandbox.never_load_graphs()
        self.rdflib_dataset = dataset if dataset is not None else rdflib.Dataset(
            store=CheckedMemory(), default_union=True
        )

    def _chosen(self, dataset: Dataset | None) -> rdflib.Dataset:
        if not dataset:
            return self.rdflib_dataset
        chosen = rdflib.Dataset(default_union=False)
        for iri in dataset.default:
            chosen.default_graph += self.rdflib_dataset.graph(URIRef(iri))
        for iri in dataset.named:
            chosen.graph(URIRef(iri)).__iadd__(self.rdflib_dataset.graph(URIRef(iri)))
        return chosen

    def execute(
        self,
        text: str,
        *,
        limit: int | None = None,
        dataset: Dataset | None = None,
        allowed_services: Collection[str] = (),
    ) -> QueryResult:
        from pyparsing import ParseException

        safety.check(text, allowed_services=allowed_services)
        _sandbox.never_load_graphs()  # FROM <x> never fetches x
        try:
            # checked above: not again by the store (use_store_provided=False)
            result = self._chosen(dataset).query(
                text, initNs=QUERY_PREFIXES, use_store_provided=False
            )
            return _in_text_order(QueryResult.from_rdflib(result, limit=limit), text)
        except ParseException as err:
            raise from_pyparsing(text, err) from None
        except RecursionError:  # rdflib's parser recurses per bracket
            raise safety.too_deep("too many levels for rdflib's parser") from None
        # OSError: an allowed SERVICE that failed (or one the sandbox stopped)
        except (RuntimeError, ValueError, TypeError, KeyError, OSError) as err:
            raise ExecutionError(f"query failed: {err}") from None
        except Exception as err:  # rdflib raises a bare Exception for an unknown prefix
            raise unknown_prefix(text) or ExecutionError(f"query failed: {err}") from None

    def update(self, text: str, *, dataset: Dataset | None = None) -> None:
        from pyparsing import ParseException

        check_writable(text, graph_names(self))
        _standard_syntax(text)
        words = [t.text.upper() for t in tokens(text) if t.kind == "word"]
        if any(a == "USING" and b == "NAMED" for a, b in itertools.pairwise(words)):
            # rdflib keeps every named graph visible: the update would run unscoped
            raise InputError(
                "USING NAMED (using-named-graph-uri) is not supported on --store memory,"
                " whose engine ignores it; use --store oxigraph"
            )
        _sandbox.never_load_graphs()  # USING <g> reads g from the dataset, never fetches it
        try:
            self.rdflib_dataset.update(text, initNs=QUERY_PREFIXES, use_store_provided=False)
        except ParseException as err:
            raise from_pyparsing(text, err) from None
        except RecursionError:
            raise safety.too_deep("too many levels for rdflib's parser") from None
        except Exception as err:  # rdflib raises a bare Exception for evaluation errors
            raise ExecutionError(f"update failed: {err}") from None

    def quads(self, graph: str | None = None) -> Iterator[Quad]:
        context = self.rdflib_dataset.graph(URIRef(graph)) if graph is not None else None
        for s, p, o, g in self.rdflib_dataset.quads((None, None, None, context)):
            name = g.identifier if isinstance(g, rdflib.Graph) else g
            named = name if isinstance(name, URIRef) and name != DATASET_DEFAULT_GRAPH_ID else None
            yield s, p, simple_literal(o), named  # type: ignore[misc,arg-type]

    def load(self, path: Path, fmt: Any, graph: str) -> None:
        """Parsed by pyoxigraph (errors with line and column), then added to rdflib.

        Read through a scratch pyoxigraph store, which writes numbers and booleans in
        their canonical form ("3.0"^^xsd:decimal becomes "3"): both stores then hold the
        same terms, and count and compare them alike."""
        import pyoxigraph as ox

        scratch = ox.Store()
        scratch.load(path=path, format=fmt, base_iri=path.resolve().as_uri(),
                     to_graph=ox.NamedNode(graph))
        self.add(
            (from_ox(q.subject), from_ox(q.predicate), from_ox(q.object),  # type: ignore[misc]
             URIRef(q.graph_name.value))
            for q in scratch
        )

    def add(self, quads: Iterable[Quad]) -> None:
        graphs: dict[Any, rdflib.Graph] = {}
        for s, p, o, g in quads:
            target = graphs.get(g)
            if target is None:
                target = graphs[g] = (
                    self.rdflib_dataset.graph(g) if g is not None
                    else self.rdflib_dataset.default_graph
                )
            target.add((s, p, o))
