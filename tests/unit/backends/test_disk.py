"""The on-disk store: built by `g60graph load`, reopened read-only, same answers."""

from __future__ import annotations

from pathlib import Path

import pytest

from g60graph import KnowledgeGraph
from g60graph._errors import DataFileError, InputError
from g60graph.cli import main
from g60graph.load._files import build_disk
from named_cases import Case, all_cases
from paths import FIXTURES
from store_compare import same_result

CASES = all_cases()


@pytest.fixture(scope="module")
def disk_path(tmp_path_factory: pytest.TempPathFactory) -> Path:
    path = tmp_path_factory.mktemp("disk") / "store"
    code = main(["load", "--store", str(path), "--quiet"])
    assert code == 0
    return path


@pytest.fixture(scope="module")
def disk_kg(disk_path: Path) -> KnowledgeGraph:
    return KnowledgeGraph.load(store=str(disk_path))


def test_disk_store_holds_the_packaged_graph(disk_kg: KnowledgeGraph, kg: KnowledgeGraph) -> None:
    assert disk_kg.graph_names() == kg.graph_names()
    assert disk_kg.stats() == kg.stats()


@pytest.mark.parametrize("case", CASES, ids=lambda c: c.name)
def test_named_query_same_rows_as_embedded(
    disk_kg: KnowledgeGraph, kg: KnowledgeGraph, case: Case
) -> None:
    embedded = kg.query(case.query, case.params)
    assert same_result(disk_kg.query(case.query, case.params), embedded)
    assert len(embedded) > 0


def test_two_readers_open_the_same_store(disk_path: Path) -> None:
    first = KnowledgeGraph.load(store=str(disk_path))
    second = KnowledgeGraph.load(store=str(disk_path))
    assert first.resolve("Hangzhou") == second.resolve("杭州市")


def test_load_adds_a_file_and_reloading_replaces_its_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    extra = FIXTURES / "extra.ttl"
    first = build_disk(path, [extra], progress=False)
    again = build_disk(path, [extra], progress=False)
    assert first == again > 500
    kg = KnowledgeGraph.load(store=str(path))
    assert extra.resolve().as_uri() in kg.graph_names()
    assert str(kg.resolve("Extra test park")).endswith("test-park")


def test_bad_file_leaves_no_partial_graph(tmp_path: Path) -> None:
    path = tmp_path / "store"
    bad = FIXTURES / "malformed.ttl"
    with pytest.raises(DataFileError) as caught:
        build_disk(path, [bad], packaged=False, progress=False)
    assert caught.value.line == 3
    assert not path.exists()  # the store is swapped in only once every file is in
    assert list(tmp_path.iterdir()) == []


def test_cli_queries_a_disk_store(disk_path: Path, capsys: pytest.CaptureFixture[str]) -> None:
    code = main(["query", "cities", "--store", str(disk_path), "--format", "csv"])
    out = capsys.readouterr().out
    cities = KnowledgeGraph.load().query("cities")  # the packaged graph the store holds
    assert code == 0 and "Hangzhou" in out and len(out.splitlines()) == 1 + len(cities) > 5


@pytest.mark.parametrize(
    ("store", "message"),
    [("oxigrah", "unknown store 'oxigrah'"), ("./nowhere", "is not a g60graph store")],
)
def test_unusable_store_is_one_clear_error(
    store: str, message: str, capsys: pytest.CaptureFixture[str]
) -> None:
    code = main(["stats", "--store", store])
    err = capsys.readouterr().err
    assert code == 2 and message in err and "Traceback" not in err


def test_disk_store_takes_no_data_or_inference(disk_path: Path) -> None:
    with pytest.raises(InputError, match="cannot add files"):
        KnowledgeGraph.load([FIXTURES / "extra.ttl"], store=str(disk_path))
    with pytest.raises(InputError, match="--infer needs an embedded store"):
        KnowledgeGraph.load(store=str(disk_path), infer="rdfs")


def test_load_refuses_a_folder_that_is_not_a_store(tmp_path: Path) -> None:
    (tmp_path / "notes.txt").write_text("mine", encoding="utf-8")
    with pytest.raises(InputError, match="not a g60graph store"):
        build_disk(tmp_path, [], progress=False)
    assert (tmp_path / "notes.txt").read_text(encoding="utf-8") == "mine"


class _Generic:
    """The Oxigraph backend seen without its own writer: the seam's generic path."""

    def __init__(self, backend: object) -> None:
        self._backend = backend

    def execute(self, *args: object, **kwargs: object) -> object:
        return self._backend.execute(*args, **kwargs)  # type: ignore[attr-defined]


_ANSWERED = [
    'SELECT ?x WHERE { VALUES ?x { "a\\u0000\\u007f\\u2028\\"\\\\/é😀"@en-GB'
    ' "1"^^<http://www.w3.org/2001/XMLSchema#integer> <http://x/é> } }',
    "SELECT ?unbound ?s WHERE { ?s a ?c } ORDER BY ?s LIMIT 5",
    # a LIMIT within the cap: written whole by pyoxigraph (it can't be cut)
    "SELECT ?s ?l WHERE { ?s <http://www.w3.org/2000/01/rdf-schema#label> ?l } ORDER BY ?l LIMIT 2",
    "SELECT * WHERE { { SELECT ?s WHERE { ?s ?p ?o } LIMIT 2 } ?s a ?c } ORDER BY ?s ?c",
    "ASK { ?s ?p ?o }",
    "ASK { <urn:none> ?p ?o }",
]


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
@pytest.mark.parametrize("limit", [None, 3])
def test_the_native_answer_writer_gives_the_generic_bytes(
    kg: KnowledgeGraph, fmt: str, limit: int | None
) -> None:
    import json

    from g60graph import backends
    from g60graph.sparql._named import catalogue

    texts = [kg.bind(q, {}) for q in catalogue().values()
             if q.form in ("SELECT", "ASK") and not q.params and "SERVICE" not in q.text]
    for text in [*texts, *_ANSWERED]:
        native = backends.answer(kg.backend, text, fmt, limit=limit)
        generic = backends.answer(_Generic(kg.backend), text, fmt, limit=limit)  # type: ignore[arg-type]
        assert (native.form, native.truncated) == (generic.form, generic.truncated), text
        if native.truncated and fmt == "json":  # the generic path re-dumps with spaces
            assert list(json.loads(native.body)) == ["head", "truncated", "results"]
            assert json.loads(native.body) == json.loads(generic.body), text
        else:
            assert native.body == generic.body, text
    assert any(backends.answer(kg.backend, t, fmt, limit=limit).truncated for t in texts) == (
        limit is not None)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_the_native_answer_writer_writes_what_pyoxigraph_writes(
    kg: KnowledgeGraph, fmt: str
) -> None:
    import pyoxigraph as ox

    from g60graph._namespaces import QUERY_PREFIXES

    kinds = {"json": ox.QueryResultsFormat.JSON, "xml": ox.QueryResultsFormat.XML,
             "csv": ox.QueryResultsFormat.CSV, "tsv": ox.QueryResultsFormat.TSV}
    # a base direction too, which rdflib terms (the generic path) cannot hold
    for text in [*_ANSWERED, 'SELECT ?x WHERE { BIND("b"@en--ltr AS ?x) }']:
        own = kg.backend.store.query(text, prefixes=QUERY_PREFIXES,  # type: ignore[attr-defined]
                                     use_default_graph_as_union=True)
        expected = bytes(own.serialize(format=kinds[fmt])).rstrip(b"\n") + b"\n"
        assert kg.backend.answer(text, fmt).body == expected, text  # type: ignore[attr-defined]
