"""Results for spreadsheets: a label column beside each IRI column, source URLs in place
of internal source IRIs, as CSV (UTF-8 with a BOM, so Excel reads Chinese) or XLSX.

The W3C formats stay as they are; these are for people who open the file in Excel,
LibreOffice or Numbers. XLSX is written by openpyxl: pure Python, maintained, and it
writes typed cells (numbers stay numbers) in a streaming write-only mode.
"""

from __future__ import annotations

import csv
import io
from collections.abc import Callable, Mapping
from decimal import Decimal
from typing import cast

from rdflib.term import BNode, Identifier, Literal, URIRef

from g60graph.results._model import QueryResult

__all__ = [
    "Table",
    "labelled_table",
    "to_csv",
    "to_xlsx",
]

Table = tuple[list[str], list[list[str | int | float]]]
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")  # what a spreadsheet may run as a formula


def labelled_table(
    result: QueryResult,
    label: Callable[[Identifier], str],
    urls: Mapping[str, str],
    label_suffix: str = "label",
) -> Table:
    """Header and rows: each column holding IRIs gets a "<name> label" column after it;
    an IRI found in ``urls`` (a source) is shown as its URL."""
    if result.form == "ASK":
        return ["answer"], [["true" if result.boolean else "false"]]
    names, rows = _rows(result)
    with_labels = [any(isinstance(row[i], URIRef) for row in rows) for i in range(len(names))]
    header: list[str] = []
    for name, labelled in zip(names, with_labels, strict=True):
        header += [name, f"{name} {label_suffix}"] if labelled else [name]
    out: list[list[str | int | float]] = []
    for row in rows:
        cells: list[str | int | float] = []
        for term, labelled in zip(row, with_labels, strict=True):
            cells.append(_cell(term, urls))
            if labelled:
                cells.append(label(term) if isinstance(term, URIRef) else "")
        out.append(cells)
    return header, out


def _rows(result: QueryResult) -> tuple[list[str], list[tuple[Identifier | None, ...]]]:
    if result.graph is not None:
        triples = sorted(result.graph, key=lambda t: tuple(str(x) for x in t))
        rows = [cast(tuple[Identifier, Identifier, Identifier], t) for t in triples]
        return ["subject", "predicate", "object"], list(rows)
    return list(result.vars), list(result.rows)


def _cell(term: Identifier | None, urls: Mapping[str, str]) -> str | int | float:
    if term is None:
        return ""
    if isinstance(term, URIRef):
        return urls.get(str(term), str(term))
    if isinstance(term, BNode):
        return f"_:{term}"
    if isinstance(term, Literal):
        value = term.toPython()
        if isinstance(value, bool):
            return str(term)
        if isinstance(value, int):
            return value
        if isinstance(value, float | Decimal):
            return float(value)
    return str(term)


def _text(cell: str | int | float) -> str:
    """A cell as CSV text; text that a spreadsheet would run as a formula gets a leading
    apostrophe (the usual guard against CSV injection), numbers stay as they are."""
    if isinstance(cell, str) and cell.startswith(_FORMULA_START):
        return "'" + cell
    return str(cell)


def to_csv(table: Table) -> bytes:
    header, rows = table
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow([_text(h) for h in header])
    writer.writerows([_text(c) for c in row] for row in rows)
    return ("\ufeff" + buffer.getvalue()).encode("utf-8")


def to_xlsx(table: Table, sheet: str = "results") -> bytes:
    from openpyxl import Workbook
    from openpyxl.cell import Cell, WriteOnlyCell

    header, rows = table
    book = Workbook(write_only=True)
    page = book.create_sheet(sheet)

    def cells(values: list[str] | list[str | int | float]) -> list[Cell]:
        out = []
        for value in values:
            cell = WriteOnlyCell(page, value=value)
            if isinstance(value, str):
                cell.data_type = "s"  # never a formula, whatever the text starts with
            out.append(cell)
        return out

    page.append(cells(header))
    for row in rows:
        page.append(cells(row))
    buffer = io.BytesIO()
    book.save(buffer)
    return buffer.getvalue()
