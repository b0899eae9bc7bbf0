"""Tables a person reads in a terminal or a report: nothing is ever cut off.

Columns that fit are printed as they are; a table too wide for the terminal wraps its
longest cells onto more lines; one that cannot fit even so (many columns, a narrow
terminal) is folded into one block per row, ``column  value`` on each line.
Chinese (wide) characters count as two columns.
"""

from __future__ import annotations

import unicodedata
from collections.abc import Sequence

__all__ = [
    "display_width",
    "distinct_columns",
    "folded_table",
    "markdown_table",
    "text_table",
    "wrap",
]

GAP = "  "
MIN_COLUMN = 10  # narrower than this, wrapped text reads worse than a folded record
MAX_LINES = 4  # a row wrapped onto more lines than this reads better folded


def display_width(text: str) -> int:
    """Terminal columns: Chinese (wide) characters take two."""
    return sum(2 if unicodedata.east_asian_width(c) in "WF" else 1 for c in text)


def wrap(text: str, width: int) -> list[str]:
    """``text`` in lines of at most ``width`` columns, broken at spaces where it can be
    and inside a word (an IRI, a Chinese name) only where it must."""
    width = max(width, 2)
    lines: list[str] = []
    line = ""
    for word in " ".join(text.split()).split(" "):
        candidate = f"{line} {word}" if line else word
        if display_width(candidate) <= width:
            line = candidate
            continue
        if line:
            lines.append(line)
        while display_width(word) > width:
            head, word = _split(word, width)
            lines.append(head)
        line = word
    lines.append(line)
    return lines


def _split(word: str, width: int) -> tuple[str, str]:
    used = 0
    for i, char in enumerate(word):
        used += display_width(char)
        if used > width:
            return word[: max(i, 1)], word[max(i, 1) :]
    return word, ""


def _pad(text: str, width: int) -> str:
    return text + " " * (width - display_width(text))


def _count(rows: Sequence[object]) -> str:
    return f"({len(rows)} row{'' if len(rows) == 1 else 's'})"


def distinct_columns(
    headers: Sequence[str], rows: Sequence[Sequence[str]]
) -> tuple[list[str], list[list[str]]]:
    """Leave out a column that repeats an earlier one in every row (a city shown by its
    label beside its ``nameEn``): in a table both read the same. Empty ones stay."""
    keep: list[int] = []
    for i in range(len(headers)):
        column = [row[i] for row in rows]
        if not any(column) or not any(column == [row[j] for row in rows] for j in keep):
            keep.append(i)
    return [headers[i] for i in keep], [[row[i] for i in keep] for row in rows]


def text_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int = 120) -> str:
    """A plain table at most ``width`` columns wide: wrapped, or folded if it must be."""
    if not headers:
        return ""
    rows = [[" ".join(c.split()) for c in row] for row in rows]
    natural = [
        max([display_width(h)] + [display_width(r[i]) for r in rows])
        for i, h in enumerate(headers)
    ]
    budget = width - len(GAP) * (len(headers) - 1)
    floor = [min(n, max(display_width(h), MIN_COLUMN)) for n, h in zip(natural, headers,
                                                                         strict=True)]
    if sum(floor) - floor[0] + natural[0] <= budget:
        floor[0] = natural[0]  # the first column names the row: wrap it only if it must
    if sum(floor) > budget:
        return folded_table(headers, rows, width)
    widths = list(natural)
    while sum(widths) > budget:  # narrow the widest column that can still give
        widest = max((i for i in range(len(widths)) if widths[i] > floor[i]),
                     key=lambda i: widths[i])
        widths[widest] -= 1
    blocks = [_row_lines(row, widths) for row in rows]
    if any(len(block) > MAX_LINES for block in blocks):  # a column too narrow to read
        return folded_table(headers, rows, width)
    lines = [_line(headers, widths), GAP.join("-" * w for w in widths)]
    # A continuation line starts with an empty first cell; when a row's own first cell
    # can be empty or wraps, that no longer tells rows apart, so a blank line does.
    spaced = any(len(block) > 1 for block in blocks) and (
        widths[0] < natural[0] or any(not row[0] for row in rows)
    )
    for n, block in enumerate(blocks):
        if spaced and n:
            lines.append("")
        lines += block
    lines.append(_count(rows))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def _line(cells: Sequence[str], widths: Sequence[int]) -> str:
    return GAP.join(_pad(c, w) for c, w in zip(cells, widths, strict=True))


def _row_lines(row: Sequence[str], widths: Sequence[int]) -> list[str]:
    wrapped = [wrap(cell, w) for cell, w in zip(row, widths, strict=True)]
    height = max(len(w) for w in wrapped)
    return [
        _line([w[k] if k < len(w) else "" for w in wrapped], widths) for k in range(height)
    ]


def folded_table(headers: Sequence[str], rows: Sequence[Sequence[str]], width: int) -> str:
    """One block per row, a ``column  value`` line per bound column (values wrapped)."""
    key = max(display_width(h) for h in headers)
    room = max(width - key - len(GAP), 20)
    lines: list[str] = []
    for n, row in enumerate(rows, 1):
        title = f"-[ row {n} ]"
        lines.append(title + "-" * max(width - len(title), 0))
        for header, cell in zip(headers, row, strict=True):
            if not cell:
                continue
            first, *more = wrap(cell, room)
            lines.append(_pad(header, key) + GAP + first)
            lines += [" " * (key + len(GAP)) + m for m in more]
    lines.append(_count(rows))
    return "\n".join(line.rstrip() for line in lines) + "\n"


def markdown_table(headers: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    def cell(text: str) -> str:
        return " ".join(text.split()).replace("|", "\\|")

    lines = ["| " + " | ".join(headers) + " |", "|" + "---|" * len(headers)]
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines) + "\n"
