from __future__ import annotations

import io
import json

import pytest
from rdflib import Literal, URIRef
from rdflib.query import Result

from g60graph import KnowledgeGraph, QueryResult
from g60graph._errors import InputError
from g60graph.results._model import display_width, text_table

ROWS = QueryResult(
    form="SELECT",
    vars=["city", "name", "n"],
    rows=[
        (URIRef("https://w3id.org/g60graph/id/hangzhou"), Literal("杭州市", lang="zh"), Literal(3)),
        (URIRef("https://example.org/tab"), Literal("a\tb\n\"q\""), None),
    ],
)


@pytest.mark.parametrize("fmt", ["json", "xml", "csv", "tsv"])
def test_result_formats_parse_back_with_rdflib(fmt: str) -> None:
    text = ROWS.serialize(fmt)
    parsed = Result.parse(io.StringIO(text), format=fmt)
    assert [str(v) for v in parsed.vars] == ROWS.vars
    rows = [tuple(b.get(v) for v in parsed.vars) for b in parsed.bindings]
    if fmt == "csv":  # CSV carries lexical forms only, by design of the format
        assert [str(r[1]) for r in rows] == [str(r[1]) for r in ROWS.rows]
    else:
        assert rows == ROWS.rows


def test_tsv_follows_the_spec() -> None:
    lines = ROWS.serialize("tsv").splitlines()
    assert lines[0] == "?city\t?name\t?n"
    assert lines[1].split("\t")[0] == "<https://w3id.org/g60graph/id/hangzhou>"
    assert lines[1].split("\t")[1] == '"杭州市"@zh'
    assert len(lines) == 3  # the literal's tab and newline are escaped


def test_ask_formats() -> None:
    ask = QueryResult(form="ASK", boolean=True)
    assert json.loads(ask.serialize("json"))["boolean"] is True
    assert ask.serialize("table") == "yes\n"


def test_text_table_fits_width_with_wide_characters_and_cuts_nothing() -> None:
    rows = [["松江区" * 20, "x" * 200]]
    table = text_table(["name", "note"], rows, width=60)
    assert all(display_width(line) <= 60 for line in table.splitlines())
    assert "…" not in table
    # every character is still there, wrapped onto more lines (or folded, as here)
    assert table.count("松江区") == 20 and table.count("x") == 200


def test_long_names_wrap_and_stay_distinct() -> None:
    names = [f"Technology-transfer base of the G60 corridor in {city}"
             for city in ("Songjiang", "Jiaxing", "Hangzhou", "Jinhua")]
    table = text_table(["park", "city"], [[n, "x"] for n in names], width=40)
    assert all(display_width(line) <= 40 for line in table.splitlines())
    blocks = table.split("\n\n")  # wrapped rows are set apart by a blank line
    assert len(blocks) == 4
    for name, block in zip(names, blocks, strict=True):
        assert name.split()[-1] in block


def test_a_table_that_cannot_fit_folds_into_records() -> None:
    headers = [f"column{i}" for i in range(12)]
    table = text_table(headers, [[f"value{i}" for i in range(12)]] * 2, width=60)
    lines = table.splitlines()
    assert lines[0].startswith("-[ row 1 ]") and "column11  value11" in lines
    assert lines[-1] == "(2 rows)"
    assert all(display_width(line) <= 60 for line in lines)


def test_one_row_is_singular() -> None:
    assert text_table(["a"], [["x"]]).splitlines()[-1] == "(1 row)"
    assert text_table(["a"], [["x"], ["y"]]).splitlines()[-1] == "(2 rows)"


def test_tables_leave_out_a_column_that_repeats_another() -> None:
    result = QueryResult(form="SELECT", vars=["city", "nameEn", "note", "other"],
                         rows=[(Literal("Hefei"), Literal("Hefei"), None, None),
                               (Literal("Wuhu"), Literal("Wuhu"), None, None)])
    header = result.serialize("table").splitlines()[0].split()
    assert header == ["city", "note", "other"]  # empty columns stay: they say "unbound"
    assert "nameEn" in result.serialize("csv")  # the data formats keep every column


def test_every_text_format_ends_with_a_newline() -> None:
    result = QueryResult(form="SELECT", vars=["a"], rows=[(Literal("x"),)])
    for fmt in ("json", "xml", "csv", "tsv", "table", "md"):
        assert result.serialize(fmt).endswith("\n"), fmt
    assert QueryResult(form="ASK", boolean=True).serialize("json").endswith("}\n")


def test_markdown_escapes_pipes() -> None:
    md = QueryResult(form="SELECT", vars=["a"], rows=[(Literal("x|y"),)]).serialize("md")
    assert "x\\|y" in md


def test_graph_results_refuse_table_format(kg: KnowledgeGraph) -> None:
    result = kg.query("CONSTRUCT { ?s a ?c } WHERE { ?s a ?c } LIMIT 3")
    assert result.graph is not None and len(result) == 3
    with pytest.raises(InputError, match="not a graph format"):
        result.serialize("table")


def test_limit_marks_truncation(kg: KnowledgeGraph) -> None:
    result = kg.query("SELECT ?s WHERE { ?s ?p ?o }", limit=2)
    assert len(result.rows) == 2 and result.truncated


def test_dataframe(kg: KnowledgeGraph) -> None:
    frame = ROWS.to_dataframe()
    assert list(frame.columns) == ["city", "name", "n"]
    assert frame.iloc[0]["n"] == 3
