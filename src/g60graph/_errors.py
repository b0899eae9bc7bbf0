"""One exception tree; each error carries the CLI exit code it maps to.

Exit codes (a contract, documented in the README):
0 success; 1 validation ran and the data does not conform;
2 bad input (arguments, files, queries, parameters); 3 a query or reasoning
step failed or ran out of time; 130 interrupted.
"""

from __future__ import annotations

__all__ = [
    "CHROMIUM_HELP",
    "AnswerTooLargeError",
    "DataFileError",
    "EntityNotFoundError",
    "ExecutionError",
    "G60Error",
    "InputError",
    "ParameterError",
    "QueryMetadataError",
    "QuerySyntaxError",
    "UnknownQueryError",
    "UnsafeQueryError",
]

# What image export needs at run time: said by the CLI's --png/--svg help and by the
# error when it is missing (here, so the CLI's options don't import the renderers).
CHROMIUM_HELP = (
    "needs headless Chromium at run time (Debian: apt-get install chromium; "
    "or set G60GRAPH_CHROMIUM to its path); Chinese labels need a CJK font "
    "(Debian: fonts-noto-cjk)"
)


class G60Error(Exception):
    """Base class of every error g60graph reports to a user."""

    exit_code = 2


class InputError(G60Error):
    """A file, argument or parameter the user gave is wrong."""


class DataFileError(InputError):
    """An RDF file could not be parsed; the message reads ``file:line: problem``."""

    def __init__(self, path: str, line: int | None, problem: str) -> None:
        where = f"{path}:{line}" if line else path
        super().__init__(f"{where}: {problem}")
        self.path = path
        self.line = line


class QuerySyntaxError(InputError):
    """The SPARQL text does not parse; the message names line and column."""


class QueryMetadataError(InputError):
    """A named query's ``#+`` header is malformed."""


class UnknownQueryError(InputError):
    """No named query has that name; the message suggests close names."""


class ParameterError(InputError):
    """A query parameter is missing, unknown or of the wrong type."""


class UnsafeQueryError(InputError):
    """The query would fetch URLs (SERVICE, LOAD, FROM <url>) or write."""


class EntityNotFoundError(InputError):
    """No entity matches the IRI or label; ambiguity lists the candidates."""


class ExecutionError(G60Error):
    """A query or reasoning step failed or ran past its time limit."""

    exit_code = 3


class AnswerTooLargeError(ExecutionError):
    """The serialised answer is larger than the server sends (``--max-answer-bytes``)."""
