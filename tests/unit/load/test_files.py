from __future__ import annotations

from pathlib import Path

import pytest

from g60graph import KnowledgeGraph
from g60graph._errors import DataFileError
from g60graph._namespaces import GRAPH
from g60graph._resources import packaged_rdf_files
from paths import FIXTURES


def test_packaged_files_found() -> None:
    names = {p.name for p in packaged_rdf_files()}
    assert "g60.ttl" in names
    assert "shapes.ttl" not in names
    assert len(names) >= 5


def test_both_stores_hold_the_same_quads() -> None:
    ox_kg = KnowledgeGraph.load(store="oxigraph")
    mem_kg = KnowledgeGraph.load(store="memory")
    assert len(ox_kg.dataset) == len(mem_kg.dataset) > 500
    assert ox_kg.graph_names() == mem_kg.graph_names()
    assert str(GRAPH["g60"]) in ox_kg.graph_names()


def test_one_named_graph_per_source_and_union_default(kg: KnowledgeGraph) -> None:
    # docs/contract.md: g60g:<slug> per data/sources/<slug>.trig, one curation graph for
    # data/curation/, g60g:g60 for the ontology
    files = packaged_rdf_files()
    sources = {str(GRAPH[p.stem]) for p in files if p.parent.name == "sources"}
    assert len(sources) > 100 and any(p.parent.name == "curation" for p in files)
    assert set(kg.graph_names()) == sources | {str(GRAPH["curation"]), str(GRAPH["g60"])}
    # the default graph is the merge of them all: each statement once, however many
    # sources' graphs state it (Oxigraph 0.5's union repeats it per graph: hence DISTINCT)
    total = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o"
                     " WHERE { ?s ?p ?o } }").rows[0][0]
    stated = kg.query("SELECT (COUNT(*) AS ?n) WHERE { SELECT DISTINCT ?s ?p ?o"
                      " WHERE { GRAPH ?g { ?s ?p ?o } } }").rows[0][0]
    assert int(str(total)) == int(str(stated)) == len(kg.dataset)


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_extra_file_is_added_in_its_own_graph(store: str) -> None:
    extra = FIXTURES / "extra.ttl"
    kg = KnowledgeGraph.load([extra], store=store)
    assert extra.resolve().as_uri() in kg.graph_names()
    rows = kg.query(
        "SELECT ?l WHERE { <https://example.org/g60-extra/test-park> "
        "<http://www.w3.org/2000/01/rdf-schema#label> ?l }"
    ).rows
    assert {str(r[0]) for r in rows} == {"Extra test park", "额外测试园区"}


def test_malformed_file_names_file_and_line() -> None:
    with pytest.raises(DataFileError) as caught:
        KnowledgeGraph.load([FIXTURES / "malformed.ttl"])
    assert str(caught.value).startswith(f"{FIXTURES / 'malformed.ttl'}:3: ")
    assert caught.value.line == 3


@pytest.mark.parametrize(
    ("name", "problem"), [("nope.ttl", "no such file"), ("data.csv", "unknown RDF file type")]
)
def test_unusable_files(tmp_path: Path, name: str, problem: str) -> None:
    path = tmp_path / name
    if name.endswith(".csv"):
        path.write_text("a,b\n", encoding="utf-8")
    with pytest.raises(DataFileError, match=problem):
        KnowledgeGraph.load([path])


def test_jsonld_and_ntriples_load(tmp_path: Path) -> None:
    nt = tmp_path / "a.nt"
    nt.write_text('<https://example.org/x> <https://example.org/p> "v" .\n', encoding="utf-8")
    jsonld = tmp_path / "b.jsonld"
    jsonld.write_text(
        '{"@id": "https://example.org/y", "https://example.org/p": "w"}', encoding="utf-8"
    )
    kg = KnowledgeGraph.load([nt, jsonld])
    rows = kg.query("SELECT ?o WHERE { ?s <https://example.org/p> ?o }").rows
    assert sorted(str(r[0]) for r in rows) == ["v", "w"]
