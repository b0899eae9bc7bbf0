"""A newcomer's first hour: files written with -o, options and help that match each
command, parameters by slug and label, user query folders, a busy port. In-process
(main(argv)) unless the point is the real entry point or a real server."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import stat
import subprocess
import sys
from collections.abc import Iterator
from pathlib import Path

import click
import httpx
import pyoxigraph as ox
import pytest
import rdflib
from rdflib import URIRef

from g60graph import KnowledgeGraph
from g60graph._namespaces import shorten
from g60graph.cli import FEATURE_COMMANDS, all_commands, main
from g60graph.sparql._named import catalogue
from server_harness import running_server


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    """Exit code, stdout, and our own stderr lines (a stray HTTP server thread of
    another test module may log to stderr while this runs)."""
    code = main(list(argv))
    out, err = capsys.readouterr()
    # socketserver reports a failed request between two lines of 40 dashes
    ours = re.sub(r"^-{40}\n.*?^-{40}\n", "", err, flags=re.MULTILINE | re.DOTALL)
    return code, out, ours


@pytest.fixture
def umask_027() -> Iterator[None]:
    old = os.umask(0o027)
    try:
        yield
    finally:
        os.umask(old)


# -- the entry point and progress ----------------------------------------------------


def test_python_dash_m_g60graph_is_the_command() -> None:
    done = subprocess.run([sys.executable, "-m", "g60graph", "query", "cities", "--format",
                           "csv"], capture_output=True, text=True, timeout=120, check=True)
    # a header, then a row per place any version counts as a member (the data's own count)
    members = {str(c) for c in KnowledgeGraph.load().union_graph().objects(
        None, URIRef("https://w3id.org/g60graph/def#memberCity"))}
    assert members and len(done.stdout.strip().splitlines()) == 1 + len(members)


def test_no_progress_bar_off_a_terminal(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    code, _, err = run(capsys, "load", "--store", str(tmp_path / "store"))
    assert code == 0
    assert "\r" not in err and len(err.splitlines()) == 1  # the summary line only
    assert err.endswith(" quads\n")


# -- files written with -o -----------------------------------------------------------


def test_new_files_follow_the_umask_and_replaced_files_keep_their_mode(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, umask_027: None
) -> None:
    target = tmp_path / "g60.nt"
    assert run(capsys, "export", "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o640
    target.chmod(0o604)
    assert run(capsys, "export", "-o", str(target))[0] == 0
    assert stat.S_IMODE(target.stat().st_mode) == 0o604


def test_a_symlink_is_followed_and_kept(capsys: pytest.CaptureFixture[str],
                                        tmp_path: Path) -> None:
    real, link = tmp_path / "real.ttl", tmp_path / "link.ttl"
    real.write_text("old", encoding="utf-8")
    link.symlink_to(real)
    assert run(capsys, "export", "-o", str(link))[0] == 0
    assert link.is_symlink() and link.resolve() == real
    assert len(rdflib.Graph().parse(real, format="turtle")) > 1000


@pytest.mark.parametrize(
    ("argv", "message"),
    [
        (["viz", "-o", "/proc/x.html"], "cannot write /proc/x.html: "),
        (["export", "--format", "nt", "-o", "/dev/full"],
         "cannot write /dev/full: No space left on device"),
        (["export", "-o", "{tmp}/no/such/folder/g60.trig"],
         "cannot write {tmp}/no/such/folder/g60.trig: the folder {tmp}/no/such/folder does"
         " not exist (create it first)"),
    ],
)
def test_unwritable_outputs_are_one_line_with_exit_2(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, argv: list[str], message: str
) -> None:
    code, _, err = run(capsys, *(a.format(tmp=tmp_path) for a in argv))
    assert code == 2
    assert err.startswith(f"g60graph: error: {message.format(tmp=tmp_path)}")
    assert len(err.splitlines()) == 1 and "Traceback" not in err
    assert not (tmp_path / "no").exists()  # never created behind your back


def test_a_device_is_written_to_directly(tmp_path: Path) -> None:
    done = subprocess.run([sys.executable, "-m", "g60graph", "export", "-o", "/dev/stdout",
                           "--format", "nq"], capture_output=True, text=True, timeout=120)
    assert done.returncode == 0
    assert len(rdflib.Dataset().parse(data=done.stdout, format="nquads")) > 1000


def test_a_full_device_stays_a_device(capsys: pytest.CaptureFixture[str]) -> None:
    """Issue 10: '-o /dev/full' as root once replaced the device with a regular file."""
    full = Path("/dev/full")
    assert main(["export", "-o", str(full), "--format", "nq"]) == 2
    err = capsys.readouterr().err
    assert err.count("\n") == 1 and "No space left" in err, err
    assert full.is_char_device()


@pytest.mark.parametrize(
    ("name", "fmt", "parser"),
    [
        ("g60.ttl", None, "TURTLE"), ("g60.nt", None, "N_TRIPLES"), ("g60.nq", None, "N_QUADS"),
        ("g60.trig", None, "TRIG"), ("g60.jsonld", None, "JSON_LD"), ("g60.rdf", None, "RDF_XML"),
        ("g60.ttl", "turtle", "TURTLE"), ("g60.nt", "ntriples", "N_TRIPLES"),
        ("g60.nq", "nquads", "N_QUADS"), ("g60.jsonld", "json-ld", "JSON_LD"),
        ("g60.rdf", "rdfxml", "RDF_XML"), ("g60-out", "n-triples", "N_TRIPLES"),
    ],
)
def test_export_format_from_the_extension_or_a_common_name(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, name: str, fmt: str | None,
    parser: str,
) -> None:
    target = tmp_path / name
    argv = ["export", "-o", str(target)] + (["--format", fmt] if fmt else [])
    assert run(capsys, *argv)[0] == 0
    kind = getattr(ox.RdfFormat, parser)
    assert sum(1 for _ in ox.parse(path=target, format=kind)) > 1000


def test_a_format_that_contradicts_the_extension_is_refused(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "g60.ttl"), "--format", "nq")
    assert code == 2 and "does not match" in err and ".ttl file is ttl" in err
    assert not (tmp_path / "g60.ttl").exists()
    code, _, err = run(capsys, "export", "-o", str(tmp_path / "g60.txt"))
    assert code == 2 and "cannot tell the format from '.txt'" in err


# -- options and help ----------------------------------------------------------------


COMMANDS = all_commands()


def test_each_feature_module_defines_the_commands_named_for_it() -> None:
    import importlib

    for module, names in FEATURE_COMMANDS.items():
        defined = importlib.import_module(f"g60graph.cli.{module}").COMMANDS
        assert sorted(c.name for c in defined) == sorted(names), module


@pytest.mark.parametrize("command", sorted(COMMANDS))
def test_every_help_has_examples_that_parse(command: str) -> None:
    cmd = COMMANDS[command]
    with click.Context(cmd, info_name=command) as ctx:
        text = cmd.get_help(ctx)
    assert "Examples:" in text
    examples = [line.strip() for line in text.split("Examples:", 1)[1].splitlines()
                if line.strip().startswith("g60graph ")]
    assert 1 <= len(examples) <= 3
    for example in examples:
        words = shlex.split(example.split(" | ")[0].split(" > ")[0].split("  #")[0])
        assert words[:2] == ["g60graph", command]
        cmd.make_context(command, words[2:])  # every option in it exists and parses


def test_only_publish_shows_the_write_urls() -> None:
    for name, cmd in COMMANDS.items():
        options = {o for p in cmd.params for o in getattr(p, "opts", [])}
        has_write = {"--update-endpoint", "--graph-store"} <= options
        assert has_write == (name == "publish"), name


def test_endpoint_means_the_data_store_everywhere() -> None:
    link = {o for p in COMMANDS["link"].params for o in p.opts}
    assert "--wikidata-endpoint" in link
    for name in ("link", "enrich", "query", "serve"):
        endpoint = next(p for p in COMMANDS[name].params if "--endpoint" in p.opts)
        assert "SPARQL 1.1 server instead" in (endpoint.help or ""), name


# -- parameters by slug and label ----------------------------------------------------


@pytest.mark.parametrize("value", ["gdp", "measure-gdp", "g60r:measure-gdp", "Regional GDP",
                                   "https://w3id.org/g60graph/id/measure-gdp"])
def test_an_iri_parameter_takes_a_slug_or_a_label(
    capsys: pytest.CaptureFixture[str], value: str
) -> None:
    code, out, _ = run(capsys, "query", "statistics", "-p", f"measure={value}", "--format",
                       "json")
    rows = json.loads(out)["results"]["bindings"]
    assert code == 0 and rows
    assert {r["measure"]["value"] for r in rows} == {"https://w3id.org/g60graph/id/measure-gdp"}
    assert out.endswith("}\n")


def test_an_ambiguous_iri_parameter_lists_the_candidates(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, _, err = run(capsys, "query", "statistics", "-p", "measure=count")
    assert code == 2 and "'count' is ambiguous" in err
    # the candidates: the measures the query takes whose names end in "count" (at most 30)
    counts = [shorten(str(m)) for m in KnowledgeGraph.load().parameter_values(
        catalogue()["statistics"], "measure") if str(m).endswith("-count")]
    listed = err.split("is ambiguous: ", 1)[1].strip().split(", ")
    assert len(counts) > 1 and listed == counts[:30]


def test_show_lists_what_parameters_take(capsys: pytest.CaptureFixture[str]) -> None:
    code, out, _ = run(capsys, "show", "statistics")
    assert code == 0
    assert "#       g60r:measure-gdp  Regional GDP" in out.splitlines()
    assert "#   area (entity, optional)" in out
    rdflib.Graph().query(out)  # still a SPARQL query: the listing is comments


# -- user query folders --------------------------------------------------------------

ANHUI = """#+ title: Cities in Anhui
#+ description: The corridor's cities in Anhui province.
SELECT DISTINCT ?city WHERE { ?city a g60:PrefectureLevelCity ; g60:directlyLocatedIn g60r:anhui }
"""


def anhui_cities() -> int:
    """How many cities the data places in Anhui (several sources may say so of each)."""
    union = KnowledgeGraph.load().union_graph()
    g60 = "https://w3id.org/g60graph/def#"
    cities = set(union.subjects(URIRef(g60 + "directlyLocatedIn"),
                                URIRef("https://w3id.org/g60graph/id/anhui")))
    typed = set(union.subjects(rdflib.RDF.type, URIRef(g60 + "PrefectureLevelCity")))
    assert cities & typed
    return len(cities & typed)


@pytest.fixture
def my_queries(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> Path:
    folder = tmp_path / "my-queries"
    folder.mkdir()
    (folder / "anhui-cities.rq").write_text(ANHUI, encoding="utf-8")
    monkeypatch.setenv("G60GRAPH_QUERIES", "")  # restored after the test
    return folder


def test_queries_option_adds_a_folder(capsys: pytest.CaptureFixture[str],
                                      my_queries: Path) -> None:
    code, out, _ = run(capsys, "query", "anhui-cities", "--queries", str(my_queries),
                       "--format", "csv")
    assert code == 0 and len(out.strip().splitlines()) == 1 + anhui_cities()
    code, out, _ = run(capsys, "queries")
    assert "anhui-cities" in out and "cities" in out


def test_environment_variable_adds_a_folder(capsys: pytest.CaptureFixture[str],
                                            my_queries: Path,
                                            monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("G60GRAPH_QUERIES", str(my_queries))
    assert run(capsys, "show", "anhui-cities")[1].startswith("#+ title: Cities in Anhui")
    monkeypatch.setenv("G60GRAPH_QUERIES", str(my_queries / "missing"))
    code, _, err = run(capsys, "queries")
    assert code == 2 and err == f"g60graph: error: G60GRAPH_QUERIES: {my_queries}/missing" \
        " is not a folder\n"


def test_the_server_gallery_lists_user_queries(tmp_path: Path, my_queries: Path) -> None:
    with running_server(tmp_path, "--queries", str(my_queries)) as server:
        listed = httpx.get(f"{server.url}/api/queries", timeout=30).json()
        assert "anhui-cities" in {q["name"] for q in listed}
        answer = httpx.get(f"{server.url}/queries/anhui-cities",
                           headers={"Accept": "text/csv"}, timeout=30)
        assert answer.status_code == 200
        assert len(answer.text.strip().splitlines()) == 1 + anhui_cities()


# -- serve on a busy port, the pandas hint -------------------------------------------


def test_serve_on_a_busy_port_fails_before_serving(capsys: pytest.CaptureFixture[str]) -> None:
    with socket.socket() as busy:
        busy.bind(("127.0.0.1", 0))
        busy.listen()
        port = busy.getsockname()[1]
        code, out, err = run(capsys, "serve", "--port", str(port))
    assert code == 2 and out == ""
    assert err == (f"g60graph: error: cannot listen on 127.0.0.1:{port}: Address already in"
                   " use (another server is using it; choose another --port)\n")


def test_the_pandas_hint_says_how_to_install_from_the_checkout(
    monkeypatch: pytest.MonkeyPatch,
) -> None:
    from g60graph import KnowledgeGraph, QueryResult
    from g60graph._errors import InputError

    monkeypatch.setitem(sys.modules, "pandas", None)  # import pandas raises ImportError
    result: QueryResult = KnowledgeGraph.load().query("cities")
    with pytest.raises(InputError, match=r"\.venv/bin/pip install '\.\[pandas\]'"):
        result.to_dataframe()


def test_a_required_iri_parameter_takes_a_unique_last_word(
    capsys: pytest.CaptureFixture[str],
) -> None:
    code, by_word, _ = run(capsys, "query", "compare-cities", "-p",
                           "measure=seconded-staff-count", "--format", "csv")
    assert code == 0 and len(by_word.splitlines()) > 1
    _, by_iri, _ = run(capsys, "query", "compare-cities", "-p",
                       "measure=g60r:measure-seconded-staff-count", "--format", "csv")
    assert by_word == by_iri
