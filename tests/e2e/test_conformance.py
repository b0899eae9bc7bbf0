"""Same text, same answer: the API, the CLI (each format) and HTTP (each format).

One parametrised test over tests/conformance/*.rq on every store: the same rows
(terms compared exactly, lexical forms included), the same truncation at the
same limit, the same error. On the Oxigraph stores the answer must also be
bare pyoxigraph's over the same quads, and untruncated results must be its
serialisation byte for byte.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

import httpx
import pyoxigraph as ox
import pytest

from g60graph import G60Error, KnowledgeGraph
from g60graph._namespaces import QUERY_PREFIXES
from g60graph.backends import to_ox
from g60graph.cli import main
from g60graph.load._files import build_disk, sources
from g60graph.server._app import status_for
from paths import REPO, TESTS
from server_harness import running_server

CORPUS = sorted((TESTS / "conformance").glob("*.rq"))
LIMIT = 5
STORES = ["oxigraph", "disk", "memory"]
RESULT_FORMATS = {  # CLI name -> (media type, pyoxigraph format; None: CSV, read here)
    "json": ("application/sparql-results+json", ox.QueryResultsFormat.JSON),
    "xml": ("application/sparql-results+xml", ox.QueryResultsFormat.XML),
    "tsv": ("text/tab-separated-values", ox.QueryResultsFormat.TSV),
    "csv": ("text/csv", None),
}
GRAPH_FORMATS = {"ttl": ("text/turtle", ox.RdfFormat.TURTLE),
                 "nt": ("application/n-triples", ox.RdfFormat.N_TRIPLES)}


def test_the_corpus_is_there() -> None:
    assert len(CORPUS) >= 15


@dataclass
class Answer:
    """One interface's answer in a comparable shape."""

    vars: list[str] = field(default_factory=list)
    rows: list[tuple[Any, ...]] = field(default_factory=list)  # pyoxigraph terms or None
    boolean: bool | None = None
    triples: set[str] | None = None
    truncated: bool = False
    error: str | None = None  # the one-line message


@dataclass
class Setup:
    store: str
    kg: KnowledgeGraph
    cli_args: list[str]
    url: str


@pytest.fixture(scope="module", params=STORES)
def setup(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
          ) -> Iterator[Setup]:
    tmp = tmp_path_factory.mktemp(request.param)
    store = request.param
    if store == "disk":
        path = tmp / "store"
        build_disk(path, [], progress=False)
        store = str(path)
    args = ["--store", store]
    with running_server(tmp, *args, "--max-rows", str(LIMIT), "--workers", "1") as server:
        yield Setup(request.param, KnowledgeGraph.load(store=store), args, server.url)


@pytest.fixture(scope="module")
def bare() -> ox.Store:
    """Bare pyoxigraph holding the same quads (one named graph per packaged file)."""
    store = ox.Store()
    for path, graph in sources([]):
        fmt = ox.RdfFormat.from_extension(path.suffix[1:])
        store.load(path=path, format=fmt, base_iri=path.resolve().as_uri(),
                   to_graph=ox.NamedNode(graph))
    return store


def _bare_query(store: ox.Store, text: str) -> Any:
    union = "FROM" not in text
    return store.query(text, prefixes=QUERY_PREFIXES, use_default_graph_as_union=union)


def _from_bare(store: ox.Store, text: str) -> Answer:
    try:
        result = _bare_query(store, text)
    except SyntaxError as err:
        return Answer(error=str(err))
    if isinstance(result, ox.QueryBoolean):
        return Answer(boolean=bool(result))
    if isinstance(result, ox.QueryTriples):
        return Answer(triples={str(t) for t in result})
    names = [v.value for v in result.variables]
    rows = [tuple(solution[n] for n in names) for solution in result]
    return Answer(vars=names, rows=rows[:LIMIT], truncated=len(rows) > LIMIT)


def _from_api(kg: KnowledgeGraph, text: str) -> Answer:
    try:
        result = kg.query(text, limit=LIMIT)
    except G60Error as err:
        return Answer(error=f"{type(err).__name__}: {err}")
    if result.form == "ASK":
        return Answer(boolean=result.boolean)
    if result.graph is not None:
        triples = {str(ox.Triple(to_ox(s), to_ox(p), to_ox(o))) for s, p, o in result.graph}
        return Answer(triples=triples, truncated=result.truncated)
    rows = [tuple(None if t is None else to_ox(t) for t in row) for row in result.rows]
    return Answer(vars=result.vars, rows=rows, truncated=result.truncated)


def _parse_results(body: bytes, fmt: str) -> Answer:
    kind = RESULT_FORMATS[fmt][1]
    if kind is None:  # CSV: plain values, compared as such (see _as_csv)
        table = list(csv.reader(io.StringIO(body.decode("utf-8"))))
        if table in ([["true"]], [["false"]]):
            return Answer(boolean=table[0] == ["true"])
        width = len(table[0])
        # one empty value is an empty line, which the csv module reads as no cells
        return Answer(vars=table[0], rows=[tuple(r) if r else ("",) * width for r in table[1:]])
    parsed = ox.parse_query_results(body, format=kind)
    if isinstance(parsed, ox.QueryBoolean):
        return Answer(boolean=bool(parsed))
    names = [v.value for v in parsed.variables]
    return Answer(vars=names, rows=[tuple(s[n] for n in names) for s in parsed])


def _parse_graph(body: bytes, fmt: str) -> set[str]:
    return {str(ox.Triple(q.subject, q.predicate, q.object))
            for q in ox.parse(body, format=GRAPH_FORMATS[fmt][1])}


def _as_csv(answer: Answer) -> Answer:
    """What CSV keeps of an answer: each term's plain value."""
    def value(term: Any) -> str:
        if term is None:
            return ""
        return f"_:{term.value}" if isinstance(term, ox.BlankNode) else str(term.value)

    rows = [tuple(value(t) for t in row) for row in answer.rows]
    return Answer(vars=answer.vars, rows=rows, boolean=answer.boolean, truncated=answer.truncated)


def _from_cli(capsys: pytest.CaptureFixture[str], setup: Setup, text: str, fmt: str) -> Answer:
    code = main(["query", "--sparql", text, "--format", fmt, "--limit", str(LIMIT),
                 *setup.cli_args])
    out, err = capsys.readouterr()
    if code != 0:
        assert err.startswith("g60graph: error: ") and err.count("\n") == 1, err
        return Answer(error=err.removeprefix("g60graph: error: ").strip())
    truncated = "more exist" in err
    if fmt in GRAPH_FORMATS:
        return Answer(triples=_parse_graph(out.encode("utf-8"), fmt), truncated=truncated)
    answer = _parse_results(out.encode("utf-8"), fmt)
    answer.truncated = truncated
    return answer


def _from_http(setup: Setup, text: str, media: str, fmt: str) -> Answer:
    answer = httpx.post(f"{setup.url}/sparql", data={"query": text},
                        headers={"Accept": media}, timeout=60)
    if answer.status_code != 200:
        return Answer(error=f"{answer.status_code} {answer.text.strip()}")
    truncated = answer.headers["X-G60-Truncated"] == "true"
    if fmt in GRAPH_FORMATS:
        return Answer(triples=_parse_graph(answer.content, fmt), truncated=truncated)
    parsed = _parse_results(answer.content, fmt)
    parsed.truncated = truncated
    return parsed


def _same_graph(ours: Answer, reference: Answer) -> None:
    assert ours.triples is not None and reference.triples is not None
    assert ours.triples <= reference.triples
    assert len(ours.triples) == min(LIMIT, len(reference.triples))
    assert ours.truncated == (len(reference.triples) > LIMIT)


@pytest.mark.parametrize("path", CORPUS, ids=lambda p: p.stem)
def test_same_answer_everywhere(
    path: Path, setup: Setup, bare: ox.Store, capsys: pytest.CaptureFixture[str]
) -> None:
    text = path.read_text(encoding="utf-8")
    api = _from_api(setup.kg, text)
    reference = _from_bare(bare, text) if setup.store != "memory" else api
    if reference.error is not None:  # refused everywhere, with one message
        assert api.error is not None
        kind, _, message = api.error.partition(": ")
        if setup.store != "memory":
            assert kind == "QuerySyntaxError"
        error = getattr(__import__("g60graph._errors", fromlist=[kind]), kind)("x")
        for fmt in ("json", "ttl"):
            assert _from_cli(capsys, setup, text, fmt).error == message
        for media, _ in RESULT_FORMATS.values():
            http = _from_http(setup, text, media, "json")
            assert http.error == f"{status_for(error)} {message}"
        return
    assert api.error is None, api.error
    if reference.triples is not None:
        if reference is not api:
            _same_graph(api, reference)
        for fmt, (media, _) in GRAPH_FORMATS.items():
            for ours in (_from_cli(capsys, setup, text, fmt), _from_http(setup, text, media, fmt)):
                assert ours.triples == api.triples, fmt
                assert ours.truncated == api.truncated, fmt
        return
    assert api == reference
    for fmt, (media, _) in RESULT_FORMATS.items():
        expected = _as_csv(reference) if fmt == "csv" else reference
        for ours in (_from_cli(capsys, setup, text, fmt), _from_http(setup, text, media, fmt)):
            assert ours == expected, fmt
    if setup.store != "memory" and not reference.truncated:
        result = setup.kg.query(text)  # pyoxigraph's own writer, byte for byte
        for fmt, (_, kind) in RESULT_FORMATS.items():
            own = _bare_query(bare, text).serialize(
                format=kind or ox.QueryResultsFormat.CSV).decode("utf-8")
            assert result.serialize(fmt).rstrip("\n") == own.rstrip("\n"), fmt


def test_readme_lists_the_predeclared_prefixes() -> None:
    readme = (REPO / "README.md").read_text(encoding="utf-8")
    listed = dict(re.findall(r"^\| `(\w+)` \| `([^`]+)` \|$", readme, re.MULTILINE))
    assert listed == QUERY_PREFIXES
