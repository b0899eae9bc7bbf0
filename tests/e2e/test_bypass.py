"""The regression corpus of fetch attempts (tests/fixtures/bypass.yaml): none may
ever reach the counting listener, on any store, through the API (``kg.dataset``
included), the CLI or the server. And, separately, the second line: processes that
run queries have no network even when the check is switched off."""

from __future__ import annotations

import contextlib
import os
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import httpx
import pytest
import yaml

from g60graph import KnowledgeGraph
from g60graph._errors import G60Error, QuerySyntaxError, UnsafeQueryError
from g60graph.cli import main
from g60graph.load._files import build_disk
from g60graph.sparql._safety import check, check_update
from paths import FIXTURES
from server_harness import REPO, Counter, counting_listener, running_server

CORPUS = yaml.safe_load((FIXTURES / "bypass.yaml").read_text("utf-8"))
NAMES = [case["name"] for case in CORPUS]
UPDATES = [case for case in CORPUS if case.get("update")]
TOKEN = "a-token-for-the-bypass-tests"
ENTITY_ATTACKS = [
    "x:a> ?p ?o } UNION { SERVICE <$URL> {?s ?p ?o} } } #",
    "<http://x/a> ?p ?o } UNION { SERVICE <$URL> {?s ?p ?o} } } #>",
    "http://x/a>SERVICE<$URL>{}",
    "g60r:shanghai> ?p ?o SERVICE <$URL> { ?s ?p ?o } #",
]


def test_the_corpus_is_found() -> None:
    assert len(CORPUS) >= 50
    assert len(set(NAMES)) == len(NAMES)


def spelled(text: str, counter: Counter) -> str:
    deep = "SELECT * WHERE { ?a ?b ?c FILTER(%sEXISTS { SERVICE <$URL> { ?s ?p ?o } }%s) }"
    text = text.replace("$DEEP", deep % ("(" * 300, ")" * 300))
    base = counter.url.rsplit("/", 1)[0] + "/"
    return text.replace("$URL", counter.url).replace("$BASE", base).replace(
        "$PORT", str(counter.port)
    )


@pytest.fixture(scope="module")
def counter() -> Iterator[Counter]:
    with counting_listener() as running:
        yield running


@pytest.fixture(scope="module", params=["oxigraph", "memory", "disk"])
def store_kg(request: pytest.FixtureRequest, tmp_path_factory: pytest.TempPathFactory
             ) -> KnowledgeGraph:
    if request.param == "disk":
        path = tmp_path_factory.mktemp("disk") / "store"
        build_disk(path, [], progress=False)
        return KnowledgeGraph.load(store=str(path))
    return KnowledgeGraph.load(store=request.param)


@pytest.mark.parametrize("case", CORPUS, ids=NAMES)
def test_no_spelling_reaches_the_network(
    case: dict[str, str], store_kg: KnowledgeGraph, counter: Counter
) -> None:
    text = spelled(case["query"], counter)
    if case.get("empty"):  # allowed: a graph the dataset lacks is an empty graph
        check(text)
        with contextlib.suppress(G60Error):  # rdflib may not parse every spelling
            store_kg.query(text)
        with contextlib.suppress(Exception):  # the rdflib view: the engines' own errors
            store_kg.dataset.query(text)
    else:
        with pytest.raises((UnsafeQueryError, QuerySyntaxError)):
            check(text)
        with pytest.raises(G60Error):
            store_kg.query(text)
        with pytest.raises((UnsafeQueryError, QuerySyntaxError)):  # a Python user's way in
            store_kg.dataset.query(text)
    if case.get("update"):
        with pytest.raises(UnsafeQueryError):
            store_kg.dataset.update(text)
    assert counter.connections == 0


def test_the_command_refuses_every_spelling(
    counter: Counter, capsys: pytest.CaptureFixture[str]
) -> None:
    """The CLI (in process, so with its network: the check alone stands): one line each."""
    for case in CORPUS:
        code = main(["query", "--sparql", spelled(case["query"], counter), "--format", "json"])
        err = capsys.readouterr().err
        assert "Traceback" not in err
        if case.get("empty"):
            assert code in (0, 2), (case["name"], err)  # answered, or not SPARQL to pyoxigraph
        else:
            assert code == 2, (case["name"], err)
            assert err.count("\n") == 1 and err.startswith("g60graph: error: "), err
    assert counter.connections == 0


def test_the_counter_counts(counter: Counter, kg: KnowledgeGraph) -> None:
    """The control: an allowed SERVICE does reach the listener (so 0 above means 0)."""
    before = counter.connections
    with pytest.raises(G60Error):  # the listener hangs up: not a SPARQL answer
        kg.query(spelled(CORPUS[0]["query"], counter), allowed_services=[counter.url])
    assert counter.connections == before + 1
    counter.connections = before


# With one endpoint allowed, rdflib fetches for every SERVICE the endpoint read out of
# the first text in the query that parses as a SERVICE pattern, a string literal
# included, and reads it with a greedy regex: none of these may reach the listener.
ALLOWED = "http://127.0.0.1:9/sparql"  # loopback's discard port: nothing listens there
ALLOWED_CONFUSIONS = [
    'SELECT * WHERE { BIND("SERVICE <$URL> {}" AS ?x) SERVICE <$OK> { ?s ?p ?o } }',
    "SELECT * WHERE { <urn:x:s> <urn:x:p> 'SERVICE <$URL> {}' . SERVICE <$OK> { ?s ?p ?o } }",
    'SELECT * WHERE { VALUES ?v { """SERVICE <$URL> { }""" } SERVICE <$OK> { ?s ?p ?o } }',
    'SELECT * WHERE { BIND("\\u0053ERVICE <$URL> {}" AS ?x) SERVICE <$OK> { ?s ?p ?o } }',
    "SELECT * WHERE { SERVICE <$OK>{GRAPH<x@127.0.0.1:$PORT/>{?s ?p ?o}} }",
]


@pytest.mark.parametrize("attack", ALLOWED_CONFUSIONS)
def test_an_allowed_service_never_fetches_another(
    attack: str, store_kg: KnowledgeGraph, counter: Counter
) -> None:
    text = spelled(attack.replace("$OK", ALLOWED), counter)
    with pytest.raises(UnsafeQueryError, match="rdflib would fetch"):
        check(text, allowed_services=[ALLOWED])
    with pytest.raises(UnsafeQueryError):
        store_kg.query(text, allowed_services=[ALLOWED])
    assert counter.connections == 0


def test_an_allowed_service_alone_passes() -> None:
    check(f"SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p ?o FILTER(?o > 1) }} }}",
          allowed_services=[ALLOWED])
    check(f'SELECT * WHERE {{ SERVICE <{ALLOWED}> {{ ?s ?p "SERVICE" }} }}',
          allowed_services=[ALLOWED])


@pytest.mark.parametrize("attack", ENTITY_ATTACKS)
def test_entity_values_are_bound_never_pasted(
    attack: str, store_kg: KnowledgeGraph, counter: Counter, capsys: pytest.CaptureFixture[str]
) -> None:
    value = spelled(attack, counter)
    with pytest.raises(G60Error, match=r"not a valid IRI|no entity matches"):
        store_kg.query("entity", {"entity": value})
    with pytest.raises(G60Error):
        store_kg.describe(value)
    assert main(["describe", value]) == 2
    assert main(["query", "entity", "-p", f"entity={value}"]) == 2
    err = capsys.readouterr().err
    assert "Traceback" not in err
    assert all(line.startswith("g60graph: error: ") for line in err.strip().splitlines())
    assert counter.connections == 0


@pytest.mark.parametrize("store", ["oxigraph", "memory", "disk"])
def test_the_server_refuses_every_spelling(tmp_path: Path, store: str, counter: Counter) -> None:
    if store == "disk":
        store = str(tmp_path / "store")
        build_disk(Path(store), [], progress=False)
    with running_server(tmp_path, "--store", store) as server:
        for case in CORPUS:
            text = spelled(case["query"], counter)
            queried = [
                httpx.get(f"{server.url}/sparql", params={"query": text}, timeout=30),
                httpx.post(f"{server.url}/sparql", data={"query": text}, timeout=30),
            ]
            updated = httpx.post(f"{server.url}/update", data={"update": text}, timeout=30)
            for answer in [*queried, updated] if not case.get("empty") else [updated]:
                assert 400 <= answer.status_code < 500, (case["name"], answer.text)
        for attack in ENTITY_ATTACKS:
            answer = httpx.get(
                f"{server.url}/queries/entity", params={"entity": spelled(attack, counter)}
            )
            assert answer.status_code == 400, answer.text
            assert "not a valid IRI" in answer.text or "no entity matches" in answer.text
        assert _workers_have_their_own_network(server.process.pid)
        # and the HTTP process, where inline queries run, has none either
        assert (Path(f"/proc/{server.process.pid}/ns/net").readlink()
                != Path("/proc/self/ns/net").readlink())
    assert counter.connections == 0


@pytest.mark.parametrize("case", UPDATES, ids=[case["name"] for case in UPDATES])
def test_check_update_refuses_every_update_spelling(case: dict[str, str], counter: Counter
                                                    ) -> None:
    with pytest.raises(UnsafeQueryError):
        check_update(spelled(case["query"], counter), local_graphs=["urn:x:g"])


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_a_writable_server_refuses_every_update_spelling(
    tmp_path: Path, store: str, counter: Counter
) -> None:
    assert len(UPDATES) >= 20
    auth = {"Authorization": f"Bearer {TOKEN}"}
    with running_server(
        tmp_path, "--store", store, "--enable-updates", env={"G60GRAPH_UPDATE_TOKEN": TOKEN}
    ) as server:
        for case in CORPUS:  # the queries too, sent as updates: never a fetch, never a 500
            answer = httpx.post(f"{server.url}/update", data={"update": spelled(
                case["query"], counter)}, headers=auth, timeout=30)
            assert answer.status_code < 500, (case["name"], answer.text)
            if case.get("update"):
                assert 400 <= answer.status_code < 500, (case["name"], answer.text)
        scoped = httpx.post(f"{server.url}/update", headers=auth, timeout=30, data={
            "update": "INSERT { GRAPH <urn:x:g> { ?s ?p ?o } } WHERE { ?s ?p ?o }",
            "using-graph-uri": counter.url,
        })
        assert scoped.status_code == 403, scoped.text
    assert counter.connections == 0


def _workers_have_their_own_network(pid: int) -> bool:
    """Every query worker of the server process lives in another network namespace."""
    children = [
        int(c)
        for task in Path(f"/proc/{pid}/task").iterdir()
        for c in (task / "children").read_text().split()
        if b"spawn_main" in Path(f"/proc/{c}/cmdline").read_bytes()  # not resource_tracker
    ]
    assert children, "the server has no worker processes"
    own = Path(f"/proc/{pid}/ns/net").readlink()
    return all(Path(f"/proc/{c}/ns/net").readlink() != own for c in children)


# -- the second line: no network, even with the check switched off ----------------------

_UNCHECKED = """
import sys
from g60graph.sparql import _safety
_safety.check = lambda *args, **kwargs: None  # what a missed spelling would amount to
from g60graph.cli import main
sys.exit(main())
"""


def _cli(*args: str) -> subprocess.CompletedProcess[str]:
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    return subprocess.run(
        [sys.executable, "-c", _UNCHECKED, *args],
        capture_output=True, text=True, env=env, timeout=120, check=False,
    )


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
def test_the_command_has_no_network_even_unchecked(store: str, counter: Counter) -> None:
    query = f"SELECT * WHERE {{ ?a ?b ?c SERVICE <{counter.url}> {{ ?s ?p ?o }} }} LIMIT 1"
    result = _cli("query", "--store", store, "--sparql", query)
    assert result.returncode == 3, result.stderr
    assert "unreachable" in result.stderr.lower(), result.stderr
    assert "Traceback" not in result.stderr
    assert counter.connections == 0
    # the explicit path: --allow-service keeps the network, and the listener sees it
    allowed = _cli("query", "--store", store, "--sparql", query, "--allow-service", counter.url)
    assert allowed.returncode == 3
    assert counter.connections >= 1
    counter.connections = 0


def test_drop_network_stops_pyoxigraphs_own_http_client(counter: Counter) -> None:
    code = f"""
import socket, pyoxigraph
from g60graph._sandbox import drop_network
drop_network()
try:
    list(pyoxigraph.Store().query("SELECT * WHERE {{ SERVICE <{counter.url}> {{ ?s ?p ?o }} }}"))
except OSError as err:
    print("engine:", err)
try:
    socket.create_connection(("127.0.0.1", {counter.port}), timeout=5)
except OSError as err:
    print("socket:", err)
print(open("/etc/hostname").read() != "")  # files stay readable
"""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=60, check=False)
    assert result.returncode == 0, result.stderr
    lines = result.stdout.splitlines()
    assert lines[0].startswith("engine:") and "unreachable" in lines[0]
    assert lines[1].startswith("socket:") and "unreachable" in lines[1]
    assert lines[2] == "True"
    assert counter.connections == 0


def test_the_memory_stores_own_dataset_never_fetches(counter: Counter) -> None:
    """KnowledgeGraph.dataset on --store memory is rdflib's Dataset. Its store checks every
    text; below the check (``use_store_provided=False`` skips it), rdflib must still never
    load a FROM, USING or LOAD graph (a fresh process, so no earlier query has switched
    the loading off)."""
    code = f"""
from g60graph import KnowledgeGraph
from g60graph._errors import UnsafeQueryError
dataset = KnowledgeGraph.load(store="memory").dataset
try:
    dataset.update("LOAD <{counter.url}> INTO GRAPH <urn:x:h>")
except UnsafeQueryError:
    print("refused")
print(len(list(dataset.query("SELECT * FROM <{counter.url}> WHERE {{ ?s ?p ?o }}",
                             use_store_provided=False))))
dataset.update("INSERT {{ GRAPH <urn:x:g> {{ ?s ?p ?o }} }}"
               " USING <{counter.url}> WHERE {{ ?s ?p ?o }}", use_store_provided=False)
dataset.update("LOAD <{counter.url}> INTO GRAPH <urn:x:h>", use_store_provided=False)
"""
    env = dict(os.environ, PYTHONPATH=str(REPO / "src"))
    result = subprocess.run([sys.executable, "-c", code], capture_output=True, text=True,
                            env=env, timeout=120, check=False)
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["refused", "0"]
    assert counter.connections == 0
