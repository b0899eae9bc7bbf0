"""Every query that reaches a store goes through the one safety check (issue 10):
the library's own texts (graph names, triple counts, labels, pages), the API's, the
server jobs', the remote backend's, and those sent to ``kg.dataset`` by a Python user."""

from __future__ import annotations

import os
import subprocess
import sys
from collections.abc import Callable, Iterator
from pathlib import Path
from typing import Any

import httpx
import pytest
import rdflib
from rdflib import URIRef

from g60graph import KnowledgeGraph, backends
from g60graph._errors import UnsafeQueryError
from g60graph.backends import _seam
from g60graph.backends._sparql import SparqlBackend
from g60graph.load._files import build_disk
from g60graph.server import _jobs as jobs
from g60graph.server import _page_jobs as page_jobs
from g60graph.sparql import _safety as safety
from g60graph.sparql._named import Query
from server_harness import REPO, Counter, counting_listener, free_port, running_server

UPDATE = "INSERT DATA { GRAPH <urn:x:g> { <urn:x:a> <urn:x:p> 1 } }"


@pytest.fixture(scope="module")
def counter() -> Iterator[Counter]:
    with counting_listener() as running:
        yield running


class _Recording:
    """A pyoxigraph Store that notes every text it is asked to run."""

    def __init__(self, inner: Any, seen: list[str]) -> None:
        self._inner, self._seen = inner, seen

    def query(self, text: str, **options: Any) -> Any:
        self._seen.append(text)
        return self._inner.query(text, **options)

    def update(self, text: str, **options: Any) -> Any:
        self._seen.append(text)
        return self._inner.update(text, **options)

    def __getattr__(self, name: str) -> Any:
        return getattr(self._inner, name)


def _noting(original: Callable[..., Any], seen: list[str]) -> Callable[..., Any]:
    def run(self: Any, text: Any, *args: Any, **kwargs: Any) -> Any:
        seen.append(text)
        return original(self, text, *args, **kwargs)

    return run


def _every_path(kg: KnowledgeGraph) -> None:
    """The library, API and server-job paths that run SPARQL."""
    kg.graph_names()
    backends.triple_count(kg.backend)
    kg.stats()
    subject = next(s for s, _, _, _ in kg.backend.quads() if isinstance(s, URIRef))
    kg.label(subject)
    kg.resolve(f"<{subject}>")
    kg.query(Query.from_text("SELECT * WHERE { ?s ?p ?o } LIMIT 3"))
    jobs.info(kg)
    jobs.resource(kg, str(subject))
    jobs.resource_rdf(kg, str(subject), "ttl")
    jobs.ontology(kg)
    jobs.void(kg, "http://localhost/", "http://localhost/id/", "ttl")
    page_jobs.vocabulary(kg)
    jobs.run_query(kg, "ASK { ?s ?p ?o }", "http://localhost/sparql", (), (), "json", 10)
    jobs.apply_update(kg, UPDATE)
    kg.dataset.query("ASK { ?s ?p ?o }")


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_every_text_that_reaches_an_engine_was_checked(
    store: str, monkeypatch: pytest.MonkeyPatch
) -> None:
    checked: list[str] = []
    for name in ("check", "check_update"):
        real = getattr(safety, name)
        monkeypatch.setattr(safety, name, lambda text, _real=real, **kw: (
            checked.append(text), _real(text, **kw))[1])
    reached: list[str] = []
    kg = KnowledgeGraph.load(store=store)
    if store == "oxigraph":
        monkeypatch.setattr(kg.backend, "store", _Recording(kg.backend.store, reached))
    else:  # rdflib's engine, under the memory backend and under kg.dataset
        monkeypatch.setattr(rdflib.Graph, "query", _noting(rdflib.Graph.query, reached))
        monkeypatch.setattr(rdflib.Graph, "update", _noting(rdflib.Graph.update, reached))
    _every_path(kg)
    assert len(reached) > 20  # the paths above did reach the engine
    unchecked = [text for text in reached if text not in checked]
    assert unchecked == []


@pytest.mark.parametrize("function", [backends.graph_names, backends.triple_count])
def test_the_librarys_own_texts_are_checked(
    function: Callable[[Any], Any], kg: KnowledgeGraph, counter: Counter,
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    """A library text that held SERVICE (an edited queries/library/*.rq) is refused too."""
    fetching = Query.from_text(
        f"SELECT ?g (1 AS ?n) WHERE {{ SERVICE <{counter.url}> {{ GRAPH ?g {{ ?s ?p ?o }} }} }}"
    )
    monkeypatch.setattr(_seam, "library", lambda name: fetching)
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        function(kg.backend)
    assert counter.connections == 0


def test_the_remote_backend_checks_before_it_sends(counter: Counter) -> None:
    """A SERVICE sent to a remote store would make that store fetch: refused here,
    before any request (the listener stands in for the remote store)."""
    remote = SparqlBackend(counter.url, graphs=[])
    with pytest.raises(UnsafeQueryError, match="SERVICE"):
        remote.execute("SELECT * WHERE { SERVICE <http://127.0.0.1:9/x> { ?s ?p ?o } }")
    with pytest.raises(UnsafeQueryError, match="read-only"):
        remote.execute("INSERT DATA { <urn:x:a> <urn:x:b> 1 }")
    assert counter.connections == 0


@pytest.fixture(scope="module", params=["oxigraph", "memory", "disk"])
def view_kg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
            ) -> KnowledgeGraph:
    if request.param == "disk":
        path = tmp_path_factory.mktemp("disk") / "store"
        build_disk(Path(path), [], progress=False)
        return KnowledgeGraph.load(store=str(path))
    return KnowledgeGraph.load(store=request.param)


def test_kg_dataset_checks_queries_and_updates(view_kg: KnowledgeGraph, counter: Counter
                                               ) -> None:
    """The rdflib Dataset a Python user may query directly: same check, same answers."""
    dataset = view_kg.dataset
    service = f"SELECT * WHERE {{ SERVICE <{counter.url}> {{ ?s ?p ?o }} }}"
    graph = rdflib.Graph(store=dataset.store, identifier=URIRef(view_kg.graph_names()[0]))
    for run in (dataset.query, graph.query, rdflib.Graph(store=dataset.store).query):
        with pytest.raises(UnsafeQueryError, match="SERVICE"):
            run(service)
    with pytest.raises(UnsafeQueryError, match="LOAD"):
        dataset.update(f"LOAD <{counter.url}> INTO GRAPH <urn:x:g>")
    with pytest.raises(UnsafeQueryError, match="already parsed"):
        dataset.query(rdflib.plugins.sparql.prepareQuery(service))
    count = "SELECT (COUNT(*) AS ?n) WHERE { GRAPH ?g { ?s ?p ?o } }"
    assert int(next(iter(dataset.query(count)))[0]) == backends.triple_count(view_kg.backend)
    assert counter.connections == 0


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_kg_dataset_still_takes_safe_updates(store: str) -> None:
    kg = KnowledgeGraph.load(store=store)
    kg.dataset.update(UPDATE)
    assert "urn:x:g" in kg.graph_names()
    kg.dataset.update("DELETE { GRAPH <urn:x:g> { ?s ?p ?o } } USING <urn:x:g>"
                      " WHERE { ?s ?p ?o }")
    assert not kg.query(Query.from_text("ASK { GRAPH <urn:x:g> { ?s ?p ?o } }")).boolean


# Loaded by every Python process that has this folder first on its path (the server and
# its spawned workers): what a system without user namespaces amounts to.
_NO_ISOLATION = """
import g60graph._sandbox as sandbox


def _cannot() -> None:
    raise sandbox.IsolationError("cannot run queries without network access (simulated)")


sandbox.drop_network = _cannot
"""


def test_where_the_os_cannot_isolate_the_server_says_so_and_keeps_the_check(
    tmp_path: Path, counter: Counter
) -> None:
    (tmp_path / "sitecustomize.py").write_text(_NO_ISOLATION, encoding="utf-8")
    path = {"PYTHONPATH": f"{tmp_path}{os.pathsep}{REPO / 'src'}"}
    command = [sys.executable, "-m", "g60graph.cli", "serve", "--port", str(free_port())]
    refused = subprocess.run(command, env={**os.environ, **path}, capture_output=True,
                             text=True, timeout=120, check=False)
    assert refused.returncode == 2
    assert refused.stderr.count("\n") == 1, refused.stderr
    assert "simulated" in refused.stderr and "--i-understand-network-access" in refused.stderr
    with running_server(tmp_path, "--i-understand-network-access", env=path) as server:
        assert "only the safety check stands" in server.log.read_text(encoding="utf-8")
        query = f"SELECT * WHERE {{ SERVICE <{counter.url}> {{ ?s ?p ?o }} }}"
        answer = httpx.get(f"{server.url}/sparql", params={"query": query})
        assert answer.status_code == 403, answer.text
    assert counter.connections == 0
