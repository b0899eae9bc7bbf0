"""SPARQL syntax errors name the problem in words, with its line and column, and
every store says the same (the server's test checks it says so too). The prefixes
every store predeclares (g60, g60r, rdf, ...) need no PREFIX line."""

from __future__ import annotations

import pytest

from g60graph.cli import main

G60 = "PREFIX g60: <https://w3id.org/g60graph/def#>\n"
CASES = [
    ("", "line 1, column 1: the query is empty"),
    ("  # only a comment\n", "line 1, column 1: the query is empty"),
    ("SELECT * WHERE { ?s wd:P31 ?o }",
     "line 1, column 21: undeclared prefix wd: (add PREFIX wd: <http://www.wikidata.org/entity/>)"),
    ("SELECT * WHERE { ?s ex:name ?o }", "line 1, column 21: undeclared prefix ex:"),
    ("SELECT * WHERE { ?s ?p }", "line 1, column 24: a triple pattern needs an object after ?p"),
    (G60 + "SELECT * WHERE {\n  ?c a g60:City ;\n     g60:name }",
     "line 4, column 15: a triple pattern needs an object after g60:name"),
    ("SELECT * WHERE { ?s }",
     "line 1, column 21: a triple pattern needs a predicate and an object after ?s"),
    ("SELEC ?s WHERE { ?s ?p ?o }", "line 1, column 1: a query starts with SELECT, CONSTRUCT,"
     " ASK or DESCRIBE (after any PREFIX lines), not 'SELEC'"),
    ("SELECT * WHERE { ?s ?p ?o ", "line 1, column 26: a { is never closed: the query needs a }"),
    ("SELECT * WHERE { ?s ?p ?o } ORDER ?s", "line 1, column 35: unexpected '?s'"),
]


@pytest.mark.parametrize("store", ["oxigraph", "memory"])
@pytest.mark.parametrize(("text", "message"), CASES)
def test_one_plain_line_on_every_store(
    capsys: pytest.CaptureFixture[str], store: str, text: str, message: str
) -> None:
    assert main(["query", "--store", store, "--sparql", text]) == 2
    # Only our lines: a stray HTTP server thread of another module may log to stderr too.
    ours = [line for line in capsys.readouterr().err.splitlines() if line.startswith("g60graph")]
    assert ours == [f"g60graph: error: SPARQL syntax error at {message}"]


def test_values_blocks_and_literals_are_not_mistaken_for_cut_triples(
    capsys: pytest.CaptureFixture[str],
) -> None:
    text = (G60 + 'SELECT ?c WHERE { VALUES ?n { "Hefei"@en } ?c a g60:PrefectureLevelCity ;'
            ' g60:name ?n . ?c ?p }')
    assert main(["query", "--sparql", text]) == 2
    assert "needs an object after ?p" in capsys.readouterr().err
    assert main(["query", "--sparql", text.replace(" . ?c ?p }", " }")]) == 0
