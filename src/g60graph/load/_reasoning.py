"""Opt-in reasoning: materialise RDFS or OWL 2 RL entailments with owlrl.

owlrl cannot be interrupted, so it runs in a child process that is stopped
when the time limit passes; the caller's graph is never changed, only the new
triples come back.
"""

from __future__ import annotations

import multiprocessing
import queue

import rdflib

from g60graph._errors import ExecutionError, InputError

__all__ = [
    "REGIMES",
    "entailments",
]

REGIMES = ("rdfs", "owlrl")


def _closure(ntriples: str, regime: str, out: multiprocessing.Queue[str]) -> None:
    import owlrl

    graph = rdflib.Graph()
    graph.parse(data=ntriples, format="nt")
    before = set(graph)
    semantics = owlrl.RDFS_Semantics if regime == "rdfs" else owlrl.OWLRL_Semantics
    owlrl.DeductiveClosure(semantics, axiomatic_triples=False).expand(graph)
    new = rdflib.Graph()
    for triple in graph:
        if triple not in before and not isinstance(triple[0], rdflib.Literal):
            new.add(triple)
    out.put(new.serialize(format="nt"))


def entailments(graph: rdflib.Graph, regime: str, timeout: float = 60.0) -> rdflib.Graph:
    """The triples ``regime`` entails beyond ``graph``, within ``timeout`` seconds."""
    if regime not in REGIMES:
        raise InputError(f"--infer: unknown regime {regime!r} (choose from {', '.join(REGIMES)})")
    context = multiprocessing.get_context("spawn")
    results: multiprocessing.Queue[str] = context.Queue()
    worker = context.Process(
        target=_closure, args=(graph.serialize(format="nt"), regime, results), daemon=True
    )
    worker.start()
    try:
        ntriples = results.get(timeout=timeout)
    except queue.Empty:
        raise ExecutionError(
            f"reasoning ({regime}) gave up after {timeout:g} s; "
            "try --infer rdfs, or a larger --infer-timeout"
        ) from None
    finally:
        if worker.is_alive():
            worker.terminate()
        worker.join(5)
    inferred = rdflib.Graph()
    inferred.parse(data=ntriples, format="nt")
    return inferred
