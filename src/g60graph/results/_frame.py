"""SELECT results as a pandas DataFrame with one type per column.

A column of xsd:date/dateTime becomes datetime64; a column of xsd:gYear or
xsd:gYearMonth becomes a pandas Period column (year or month); a column mixing
days, months and years becomes datetime64 at the start of each period; numbers
become Int64 (all integers) or Float64; booleans "boolean"; everything else text.
With ``labels``, a column of IRIs shows labels and keeps the IRIs in ``<name>_iri``.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TYPE_CHECKING, Any

from rdflib import Literal, URIRef
from rdflib.namespace import XSD
from rdflib.term import Identifier

from g60graph._errors import InputError

if TYPE_CHECKING:
    import pandas

    from g60graph.results._model import QueryResult

__all__ = [
    "to_dataframe",
]

Labeller = Callable[[Identifier, str], str]
_INTEGERS = {XSD.integer, XSD.int, XSD.long, XSD.short, XSD.byte, XSD.nonNegativeInteger,
             XSD.positiveInteger, XSD.negativeInteger, XSD.nonPositiveInteger,
             XSD.unsignedInt, XSD.unsignedLong, XSD.unsignedShort, XSD.unsignedByte}
_NUMBERS = _INTEGERS | {XSD.decimal, XSD.double, XSD.float}
_DAYS = {XSD.date, XSD.dateTime}
_PERIODS = {XSD.gYear: "Y", XSD.gYearMonth: "M"}


def _kind(values: list[Identifier]) -> str:
    types = {v.datatype if isinstance(v, Literal) else type(v) for v in values}
    if not types:
        return "text"
    if types <= _INTEGERS:
        return "integer"
    if types <= _NUMBERS:
        return "number"
    if types == {XSD.boolean}:
        return "boolean"
    if types <= _DAYS:
        return "datetime"
    if len(types) == 1 and next(iter(types)) in _PERIODS:
        return "period"
    if types <= _DAYS | set(_PERIODS):
        return "mixed-date"
    if types == {URIRef}:
        return "iri"
    return "text"


def _start(term: Identifier) -> str:
    text = str(term)
    if isinstance(term, Literal) and term.datatype == XSD.gYear:
        return text[:4] + "-01-01"
    if isinstance(term, Literal) and term.datatype == XSD.gYearMonth:
        return text[:7] + "-01"
    return text


def _value(term: Identifier | None) -> Any:
    return term.toPython() if isinstance(term, Literal) else None


def _column(pd: Any, kind: str, cells: list[Identifier | None]) -> Any:
    present = [c for c in cells if c is not None]
    if kind in ("integer", "number"):
        values = [None if c is None else float(_value(c)) if kind == "number"
                  else int(_value(c)) for c in cells]
        return pd.array(values, dtype="Int64" if kind == "integer" else "Float64")
    if kind == "boolean":
        return pd.array([None if c is None else bool(_value(c)) for c in cells],
                        dtype="boolean")
    if kind == "datetime":
        return pd.to_datetime([None if c is None else str(c) for c in cells], format="ISO8601")
    if kind == "period":
        assert isinstance(present[0], Literal) and present[0].datatype is not None
        freq = _PERIODS[present[0].datatype]
        width = 4 if freq == "Y" else 7
        return pd.PeriodIndex(
            [pd.NaT if c is None else pd.Period(str(c)[:width], freq=freq) for c in cells],
            freq=freq,
        )
    if kind == "mixed-date":
        return pd.to_datetime([None if c is None else _start(c) for c in cells],
                              format="ISO8601")
    return pd.array([None if c is None else str(c) for c in cells], dtype="string")


def to_dataframe(
    result: QueryResult, *, labels: bool = False, lang: str = "en", label: Labeller | None = None
) -> pandas.DataFrame:
    """The rows as a typed DataFrame (see the module docstring)."""
    try:
        import pandas as pd
    except ImportError:
        raise InputError(
            "to_dataframe needs pandas: in your g60graph checkout, run"
            " .venv/bin/pip install '.[pandas]'"
        ) from None
    if result.form != "SELECT":
        raise InputError(f"to_dataframe needs a SELECT result, not {result.form}")
    if labels and label is None:
        raise InputError("labels=True needs a result from KnowledgeGraph.query (it knows labels)")
    columns: dict[str, Any] = {}
    for i, name in enumerate(result.vars):
        cells = [row[i] for row in result.rows]
        kind = _kind([c for c in cells if c is not None])
        if kind == "iri" and labels and label is not None:
            columns[name] = pd.array([None if c is None else label(c, lang) for c in cells],
                                     dtype="string")
            columns[f"{name}_iri"] = _column(pd, "text", cells)
        else:
            columns[name] = _column(pd, kind, cells)
    return pd.DataFrame(columns, index=pd.RangeIndex(len(result.rows)))
