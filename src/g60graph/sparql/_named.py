"""Named SPARQL queries: files with a strict ``#+`` YAML header, and typed parameters.

A query file stays valid SPARQL: its metadata lives in comment lines::

    #+ title: Cities of the corridor
    #+ title@zh: 走廊城市
    #+ description: Each city with its province and coordinates.
    #+ description@zh: 每个城市及其所在省份和坐标。
    #+ view: map
    #+ theme: places
    #+ params:
    #+   province: {type: iri, description: Only cities in this province}
    #+   items: {type: iri, many: true, description: A batch of items}

Parameter values are turned into typed RDF terms and bound through a VALUES
block at the top of the outer WHERE group, so no value can change the query's
shape, and every store (embedded or remote) sees the same text. A ``many``
parameter takes a list, bound as a VALUES block of its own with one row per
value (a batch of items sent to Wikidata in one request). ``many`` parameters that
share a ``row`` name are the columns of one table, bound as one VALUES block whose
row i holds each one's i-th value (lists of equal length)::

    #+   s: {type: term, many: true, row: triple, description: Each subject}
    #+   p: {type: iri, many: true, row: triple, description: Each predicate}
    #+   o: {type: term, many: true, row: triple, description: Each object}

In an update, each operation's WHERE group gets the VALUES blocks of the parameters
it uses. Elsewhere there is nowhere to bind them: in an operation without WHERE
(INSERT DATA, DELETE DATA, DELETE WHERE, DROP, CLEAR, ...) or in a template whose
WHERE does not use them, a parameter's variable stands where its term goes
(``DROP SILENT GRAPH ?graph``, ``INSERT DATA { GRAPH ?graph { ?s ?p ?o } }``) and
binding writes the typed term in its place, a table's triple once per row (none for
no rows; an INSERT left with no triples is left out, as Virtuoso refuses an empty
one). Such a file is SPARQL once bound. Only there may a ``term`` be a blank node
(VALUES takes none): its label names one node within the operation.

``title@zh`` and ``description@zh`` (optional) are the Chinese title and description,
shown where the page or the CLI is in Chinese (``Query.title_in("zh")``); a query
without them shows its English ones.
"""

from __future__ import annotations

import datetime as dt
import functools
import os
import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass, field
from decimal import Decimal, InvalidOperation
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from g60graph import _resources as resources
from g60graph._errors import (
    InputError,
    ParameterError,
    QueryMetadataError,
    QuerySyntaxError,
    UnknownQueryError,
)
from g60graph._namespaces import expand
from g60graph.sparql import _lexer as sparql_text

__all__ = [
    "LANGS",
    "PARAM_TYPES",
    "QUERIES_ENV",
    "THEMES",
    "VIEWS",
    "WDQS_VIEWS",
    "Bound",
    "ChoiceResolver",
    "Param",
    "Query",
    "Resolver",
    "bind_terms",
    "catalogue",
    "folders",
    "get",
    "is_iri",
    "library",
    "parse_header",
    "to_term",
]

VIEWS = ("table", "graph", "map", "timeline", "line-chart", "bar-chart")
# The Wikidata Query Service's #defaultView names, accepted as they are written there.
WDQS_VIEWS = {"Table": "table", "Graph": "graph", "Map": "map", "Timeline": "timeline",
              "LineChart": "line-chart", "BarChart": "bar-chart"}
# ``term``: any RDF term, given as one (an rdflib URIRef, Literal or BNode), for the
# library's own updates; a caller's text is not one.
PARAM_TYPES = ("iri", "entity", "string", "integer", "decimal", "date", "boolean", "term")
# The query page's gallery groups queries by theme; a query without one is "other".
THEMES = ("places", "organisations", "events", "figures", "diagrams", "data-quality", "other")
# Languages a title or description may be given in besides English (``title@zh``).
LANGS = ("zh",)
_TEXT_KEYS = ("title", "description")
_HEADER_KEYS = {"title", "description", "view", "theme", "params", "tags",
                *(f"{key}@{lang}" for key in _TEXT_KEYS for lang in LANGS)}
_PARAM_KEYS = {"type", "default", "required", "description", "many", "row"}
_IRI = re.compile(r"^[A-Za-z][A-Za-z0-9+.\-]*:[^<>\"{}|^`\\\x00-\x20]*$")
_NAME = re.compile(r"^[A-Za-z_][A-Za-z0-9_]*$")
_BNODE_LABEL = re.compile(r"^[A-Za-z0-9_](?:[A-Za-z0-9_\-.]*[A-Za-z0-9_\-])?$")

Resolver = Callable[[str], URIRef]
# An ``iri`` parameter given as a slug or label: resolved among the values it can take.
ChoiceResolver = Callable[["Param", str], URIRef]


@dataclass(frozen=True)
class Param:
    """One declared parameter: a query variable a caller may bind."""

    name: str
    type: str
    description: str = ""
    required: bool = False
    default: str | None = None
    many: bool = False  # takes a list of values, one VALUES row each
    row: str | None = None  # a table's name: its columns' i-th values make its row i


# A bound parameter: one term, or the terms of a ``many`` parameter.
Bound = Identifier | tuple[Identifier, ...]


@dataclass(frozen=True)
class Query:
    """A SPARQL query with its metadata; ``Query.named("cities")`` loads one."""

    name: str
    text: str
    title: str = ""
    description: str = ""
    view: str = "table"
    theme: str = "other"
    params: tuple[Param, ...] = ()
    tags: tuple[str, ...] = ()
    path: Path | None = field(default=None, compare=False)
    title_zh: str = ""
    description_zh: str = ""

    def title_in(self, lang: str) -> str:
        """The title in ``lang`` ("en" or "zh"), the English one where there is no other."""
        return (self.title_zh if lang == "zh" else "") or self.title

    def description_in(self, lang: str) -> str:
        return (self.description_zh if lang == "zh" else "") or self.description

    @property
    def form(self) -> str:
        """SELECT, ASK, CONSTRUCT, DESCRIBE, or UPDATE for anything else."""
        return sparql_text.query_form(self.text)

    @classmethod
    def named(cls, name: str) -> Query:
        return get(name)

    @classmethod
    def from_text(cls, text: str, name: str = "<sparql>", path: Path | None = None) -> Query:
        """A query from its text; a leading byte-order mark (an editor's) is not SPARQL."""
        return _from_text(sparql_text.strip_bom(text), name, path)

    @classmethod
    def from_file(cls, path: Path) -> Query:
        try:
            text = path.read_text(encoding="utf-8")
        except (OSError, UnicodeDecodeError) as err:
            raise QuerySyntaxError(f"{path}: cannot read query file: {err}") from None
        return cls.from_text(text, name=path.stem, path=path)

    def info(self) -> dict[str, Any]:
        """The metadata as plain data (for JSON listings and the server's gallery)."""
        return {
            "name": self.name,
            "title": self.title,
            "description": self.description,
            "title_zh": self.title_zh,
            "description_zh": self.description_zh,
            "view": self.view,
            "theme": self.theme,
            "form": self.form,
            "tags": list(self.tags),
            "params": [
                {"name": p.name, "type": p.type, "required": p.required,
                 "default": p.default, "description": p.description, "many": p.many,
                 "row": p.row}
                for p in self.params
            ],
        }

    def bind(
        self,
        values: Mapping[str, object],
        resolve: Resolver | None = None,
        choose: ChoiceResolver | None = None,
    ) -> str:
        """The text with parameters bound as typed terms: in VALUES blocks, or written in
        where an update's operation has no WHERE to bind them in."""
        terms = bind_terms(self, values, resolve, choose)
        if self.form == "UPDATE":
            return _bind_update(self, terms)
        if not terms:
            return self.text
        where = sparql_text.where_brace(self.text)
        if where is None:
            raise QuerySyntaxError(f"{self.name}: a query with parameters needs a WHERE clause")
        block = _values(self, terms, set(terms))
        return self.text[: where + 1] + block + self.text[where + 1 :]


@functools.lru_cache(maxsize=512)
def _from_text(text: str, name: str, path: Path | None) -> Query:
    """Parsing a header costs about half a millisecond; a Query is immutable, so
    one parsed per (text, name, path) is reused. An edited file has a new text."""
    return Query(name=name, text=text, path=path, **parse_header(text, name))


def parse_header(text: str, name: str) -> dict[str, Any]:
    """The metadata in a query's leading ``#+`` lines, checked strictly."""
    import yaml  # only needed when a header is read

    lines = []
    for line in text.splitlines():
        if line.startswith("#+"):
            lines.append(line[3:] if line.startswith("#+ ") else line[2:])
        elif line.strip() and not line.startswith("#"):
            break
    if not lines:
        return {}
    try:
        meta = yaml.safe_load("\n".join(lines))
    except yaml.YAMLError as err:
        raise QueryMetadataError(f"{name}: header is not valid YAML: {err}") from None
    if not isinstance(meta, dict):
        raise QueryMetadataError(f"{name}: header must be a mapping of keys to values")
    unknown = set(meta) - _HEADER_KEYS
    if unknown:
        raise QueryMetadataError(f"{name}: unknown header keys: {', '.join(sorted(unknown))}")
    for key in _TEXT_KEYS:
        if not isinstance(meta.get(key), str) or not meta[key].strip():
            raise QueryMetadataError(f"{name}: header needs a non-empty '{key}'")
        for lang in LANGS:
            given = meta.get(f"{key}@{lang}")
            if given is not None and (not isinstance(given, str) or not given.strip()):
                raise QueryMetadataError(f"{name}: '{key}@{lang}' must be non-empty text")
    view = meta.get("view", "table")
    view = WDQS_VIEWS.get(view, view) if isinstance(view, str) else view
    if view not in VIEWS:
        raise QueryMetadataError(f"{name}: view must be one of {', '.join(VIEWS)}, not {view!r}")
    theme = meta.get("theme", "other")
    if theme not in THEMES:
        raise QueryMetadataError(
            f"{name}: theme must be one of {', '.join(THEMES)}, not {theme!r}"
        )
    tags = meta.get("tags", [])
    if not isinstance(tags, list) or not all(isinstance(t, str) for t in tags):
        raise QueryMetadataError(f"{name}: tags must be a list of strings")
    params = _parse_params(meta.get("params") or {}, name, text)
    return {
        "title": _one_line(meta["title"]),
        "description": _one_line(meta["description"]),
        "title_zh": _one_line(meta.get("title@zh") or ""),
        "description_zh": _one_line(meta.get("description@zh") or ""),
        "view": view,
        "theme": theme,
        "params": params,
        "tags": tuple(tags),
    }


def _one_line(text: str) -> str:
    """A folded header value on one line: its line breaks are spaces, except next to
    Chinese punctuation or between two Chinese characters (no spaces between words)."""
    words = text.split()
    line = words[0] if words else ""
    for word in words[1:]:
        before, after = line[-1], word[0]
        joined = (_cjk_punctuation(before) or _cjk_punctuation(after)
                  or (_ideograph(before) and _ideograph(after)))
        line += word if joined else " " + word
    return line


def _cjk_punctuation(char: str) -> bool:
    return "\u3000" <= char <= "\u303f" or "\uff00" <= char <= "\uffef"


def _ideograph(char: str) -> bool:
    return "\u4e00" <= char <= "\u9fff"


def _parse_params(raw: object, name: str, text: str) -> tuple[Param, ...]:
    if not isinstance(raw, dict):
        raise QueryMetadataError(f"{name}: params must map parameter names to their specs")
    variables = {t.text[1:] for t in sparql_text.tokens(text) if t.kind == "var"}
    params = []
    for pname, spec in raw.items():
        where = f"{name}: parameter {pname!r}"
        if not isinstance(pname, str) or not _NAME.match(pname):
            raise QueryMetadataError(f"{where}: not a valid variable name")
        if not isinstance(spec, dict):
            raise QueryMetadataError(f"{where}: spec must be a mapping (type, default, ...)")
        unknown = set(spec) - _PARAM_KEYS
        if unknown:
            raise QueryMetadataError(f"{where}: unknown keys: {', '.join(sorted(unknown))}")
        ptype = spec.get("type")
        if ptype not in PARAM_TYPES:
            raise QueryMetadataError(f"{where}: type must be one of {', '.join(PARAM_TYPES)}")
        if pname not in variables:
            raise QueryMetadataError(f"{where}: the query never uses ?{pname}")
        required = spec.get("required", False)
        if not isinstance(required, bool):
            raise QueryMetadataError(f"{where}: required must be true or false")
        many = spec.get("many", False)
        if not isinstance(many, bool):
            raise QueryMetadataError(f"{where}: many must be true or false")
        row = spec.get("row")
        if row is not None and (not isinstance(row, str) or not _NAME.match(row) or not many):
            raise QueryMetadataError(f"{where}: row names the table of a many parameter")
        default = spec.get("default")
        if default is not None and many:
            raise QueryMetadataError(f"{where}: a many parameter takes no default")
        if default is not None:
            default = str(default)
            if ptype != "entity":
                to_term(Param(pname, ptype), default)  # a bad default is the file's error
        params.append(
            Param(
                name=pname,
                type=ptype,
                description=str(spec.get("description", "")),
                required=required,
                default=default,
                many=many,
                row=row,
            )
        )
    return tuple(params)


def to_term(
    param: Param,
    value: object,
    resolve: Resolver | None = None,
    choose: ChoiceResolver | None = None,
) -> Identifier:
    """A caller's value as a typed RDF term, or ParameterError naming the parameter.

    ``entity`` values go through ``resolve`` (IRI, prefixed name, slug or label);
    an ``iri`` that is not an IRI or prefixed name goes through ``choose``."""
    where = f"parameter {param.name!r} ({param.type})"
    if isinstance(value, URIRef) and not is_iri(str(value)):
        raise ParameterError(f"{where}: {str(value)!r} is not a valid IRI")
    if isinstance(value, BNode) and param.type != "term":
        raise ParameterError(f"{where}: takes no blank node")
    if isinstance(value, BNode) and not _BNODE_LABEL.match(str(value)):
        raise ParameterError(f"{where}: {str(value)!r} is not a blank node label")
    if isinstance(value, Identifier):
        return value
    if param.type == "term":
        raise ParameterError(f"{where}: takes an RDF term (URIRef, Literal or BNode)")
    text = str(value)
    try:
        if param.type == "entity":
            if resolve is None:
                return to_term(Param(param.name, "iri"), text)
            return resolve(text)
        if param.type == "iri":
            iri = expand(text) or text
            if not is_iri(iri) and choose is not None:
                return choose(param, text)
            if not is_iri(iri):
                raise ParameterError(
                    f"{where}: {text!r} is not an absolute IRI or known prefixed name"
                )
            return URIRef(iri)
        if param.type == "string":
            return Literal(text)
        if param.type == "integer":
            return Literal(int(text))
        if param.type == "decimal":
            return Literal(Decimal(text))
        if param.type == "date":
            return Literal(dt.date.fromisoformat(text))
        if param.type == "boolean":
            if text.lower() not in ("true", "false"):
                raise ValueError(text)
            return Literal(text.lower() == "true")
    except (ValueError, InvalidOperation):
        raise ParameterError(f"{where}: {text!r} is not a valid {param.type}") from None
    raise ParameterError(f"{where}: unsupported type")  # unreachable: types are checked on load


def is_iri(text: str) -> bool:
    """An absolute IRI that can be written as ``<text>`` in any query, unchanged."""
    return _IRI.fullmatch(text) is not None


def bind_terms(
    query: Query,
    values: Mapping[str, object],
    resolve: Resolver | None = None,
    choose: ChoiceResolver | None = None,
) -> dict[str, Bound]:
    declared = {p.name: p for p in query.params}
    unknown = set(values) - set(declared)
    if unknown:
        known = ", ".join(sorted(declared)) or "none"
        raise ParameterError(
            f"{query.name}: unknown parameter {', '.join(sorted(unknown))} (known: {known})"
        )
    terms: dict[str, Bound] = {}
    for param in query.params:
        value = values.get(param.name, param.default)
        listed = isinstance(value, Iterable) and not isinstance(value, str | Identifier)
        if listed:
            value = tuple(value)  # type: ignore[arg-type]
        if listed != param.many and value is not None:
            wants = "a list of values" if param.many else "one value, not a list"
            raise ParameterError(f"{query.name}: parameter {param.name!r} takes {wants}")
        if value is None or value == "" or (listed and not value):
            if param.required:
                raise ParameterError(f"{query.name}: parameter {param.name!r} is required")
            continue
        if isinstance(value, tuple):
            found = tuple(to_term(param, v, resolve, choose) for v in value)
            # each once, in the given order (a table's rows are made each once instead)
            terms[param.name] = found if param.row else tuple(dict.fromkeys(found))
        else:
            terms[param.name] = to_term(param, value, resolve, choose)
    for table, columns in _tables(query).items():
        sizes = {len(_each(terms.get(c))) for c in columns}
        if len(sizes) > 1:
            raise ParameterError(
                f"{query.name}: the columns of table {table!r} ({', '.join(columns)})"
                " take lists of the same length"
            )
    return terms


def _tables(query: Query) -> dict[str, list[str]]:
    """Each ``row`` table's columns, in header order."""
    found: dict[str, list[str]] = {}
    for param in query.params:
        if param.row:
            found.setdefault(param.row, []).append(param.name)
    return found


def _rows(terms: Mapping[str, Bound], columns: list[str]) -> list[tuple[Identifier, ...]]:
    """A table's rows, each once, in the given order."""
    lists = [terms.get(c, ()) for c in columns]
    return list(dict.fromkeys(zip(*lists, strict=True)))


def _values(query: Query, terms: Mapping[str, Bound], names: set[str]) -> str:
    """VALUES blocks for the bound parameters among ``names``: the single ones in one
    row, each table in one block, each other many one in its own."""
    blank = [n for n in names for t in _each(terms.get(n)) if isinstance(t, BNode)]
    if blank:
        raise ParameterError(
            f"{query.name}: parameter {blank[0]!r}: a blank node cannot be bound by VALUES"
        )
    single = {p.name: terms[p.name] for p in query.params
              if p.name in names and p.name in terms and not p.many}
    blocks = []
    if single:
        head = " ".join(f"?{k}" for k in single)
        row = " ".join(t.n3() for t in single.values())  # type: ignore[union-attr]
        blocks.append(f"VALUES ({head}) {{ ({row}) }}")
    for columns in _tables(query).values():
        used = [c for c in columns if c in names]
        if used and all(c in terms for c in used):
            rows = _rows(terms, used)
            head = " ".join(f"?{c}" for c in used)
            body = " ".join("(" + " ".join(t.n3() for t in r) + ")" for r in rows)
            blocks.append(f"VALUES ({head}) {{ {body} }}")
    for param in query.params:
        many = terms.get(param.name)
        if param.name in names and param.many and not param.row and isinstance(many, tuple):
            blocks.append(f"VALUES ?{param.name} {{ {' '.join(t.n3() for t in many)} }}")
    return "".join(f"\n  {b}" for b in blocks) + "\n" if blocks else ""


def _bind_update(query: Query, terms: Mapping[str, Bound]) -> str:
    """An update's text with its parameters bound, operation by operation: VALUES in
    the WHERE group for those it uses, the others written in where they stand."""
    declared = {p.name for p in query.params}
    edits: list[tuple[int, int, str]] = []
    for op in sparql_text.operations(query.text):
        toks = [t for t, _ in op]
        used = {t.text[1:] for t in toks if t.kind == "var"} & declared
        if not used:
            continue
        if _inserts_nothing(query, terms, toks, used):
            edits.append(_cut(query.text, op))
            continue
        where = _where(op)
        if where is None:
            edits += _written_in(query, terms, toks, used)
            continue
        index, brace = where
        bound = {t.text[1:] for t in toks[index:] if t.kind == "var"} & used
        edits += _written_in(query, terms, toks[:index], used - bound)  # the template's
        if block := _values(query, terms, bound):
            edits.append((brace + 1, brace + 1, block))
    text = query.text
    for start, end, new in sorted(edits, reverse=True):
        text = text[:start] + new + text[end:]
    return text


def _inserts_nothing(
    query: Query, terms: Mapping[str, Bound], toks: list[sparql_text.Token], used: set[str]
) -> bool:
    """An INSERT (DATA, or with a WHERE) whose only triples are those of tables given no
    rows: it would write nothing, and some stores (Virtuoso) refuse an empty one."""
    if not toks or toks[0].text.upper() != "INSERT":
        return False
    empty = {c for columns in _tables(query).values() for c in columns
             if c in used and not _each(terms.get(c))}
    previous, found = "", False
    for tok in toks[1:]:
        word = tok.text.upper()
        if word == "WHERE":
            break
        if tok.kind == "var" and tok.text[1:] in empty:
            found = True
        elif word not in ("DATA", "GRAPH", "{", "}", ".") and previous != "GRAPH":
            return False  # a triple of its own
        previous = word
    return found


def _cut(text: str, op: list[tuple[sparql_text.Token, int]]) -> tuple[int, int, str]:
    """An edit that removes one operation and the ';' before it (or after it, first)."""
    start = op[0][0].start
    last = op[-1][0]
    end = last.start + len(last.text)
    before = text.rfind(";", 0, start)
    if before >= 0 and not text[before + 1 : start].strip():
        return before, end, ""
    after = text.find(";", end)
    return start, after + 1 if after >= 0 and not text[end:after].strip() else end, ""


def _where(op: list[tuple[sparql_text.Token, int]]) -> tuple[int, int] | None:
    """The operation's WHERE keyword (its index) and where its group opens; None without
    one, and for DELETE WHERE, whose pattern is its template (it takes no VALUES)."""
    index = None
    previous = ""
    for i, (tok, level) in enumerate(op):
        word = tok.text.upper() if tok.kind == "word" else ""
        if word == "WHERE" and level == 0:
            if previous == "DELETE":
                return None
            index = i
        elif index is not None and tok.text == "{" and level == 0:
            return index, tok.start
        previous = word
    return None


def _written_in(
    query: Query, terms: Mapping[str, Bound], toks: list[sparql_text.Token], used: set[str]
) -> list[tuple[int, int, str]]:
    """Edits writing the bound terms in place of the variables of an operation without
    WHERE: a table's triple once per row (with no rows, gone with the dot after it)."""
    params = {p.name: p for p in query.params}

    def term(name: str) -> str:
        if name not in terms:
            raise ParameterError(
                f"{query.name}: parameter {name!r} is required: this update's operation"
                " has no WHERE to leave it unbound in"
            )
        bound = terms[name]
        if isinstance(bound, tuple):
            raise QuerySyntaxError(f"{query.name}: ?{name} takes a list: give it a row table")
        return str(bound.n3())

    edits: list[tuple[int, int, str]] = []
    done: set[int] = set()
    for table, columns in _tables(query).items():
        cols = [c for c in columns if c in used]
        at = [i for i, t in enumerate(toks) if t.kind == "var" and t.text[1:] in cols]
        if not at:
            continue
        span = toks[at[0] : at[-1] + 1]
        if not all(t.kind in ("var", "iri", "pname") for t in span) or len(span) > 4:
            raise QuerySyntaxError(
                f"{query.name}: the variables of table {table!r} must make one triple"
            )
        rows = _rows(terms, cols) if all(c in terms for c in cols) else []
        parts = []
        for row in rows:
            values = dict(zip(cols, row, strict=True))
            parts.append(" ".join(
                values[t.text[1:]].n3() if t.kind == "var" and t.text[1:] in values
                else term(t.text[1:]) if t.kind == "var" and t.text[1:] in params
                else t.text
                for t in span
            ))
        end = span[-1].start + len(span[-1].text)
        after = at[-1] + 1
        if not rows and after < len(toks) and toks[after].text == ".":
            end = toks[after].start + 1
        edits.append((span[0].start, end, " .\n".join(parts)))
        done.update(range(at[0], at[-1] + 1))
    for i, tok in enumerate(toks):
        if i not in done and tok.kind == "var" and tok.text[1:] in used:
            edits.append((tok.start, tok.start + len(tok.text), term(tok.text[1:])))
    return edits


def _each(bound: Bound | None) -> tuple[Identifier, ...]:
    if bound is None:
        return ()
    return bound if isinstance(bound, tuple) else (bound,)


QUERIES_ENV = "G60GRAPH_QUERIES"


def folders() -> list[Path]:
    """Where named queries are looked up: the user's folders (``--queries DIR`` or
    $G60GRAPH_QUERIES, several separated by ':'), then the packaged queries. A user's
    query with a packaged query's name takes its place."""
    extra = [Path(p) for p in os.environ.get(QUERIES_ENV, "").split(os.pathsep) if p]
    for folder in extra:
        if not folder.is_dir():
            raise InputError(f"{QUERIES_ENV}: {folder} is not a folder")
    return [*extra, resources.queries_dir()]


def catalogue(directory: Path | None = None) -> dict[str, Query]:
    """Every named query, by name: ``directory/*.rq``, or those of every folder."""
    found: dict[str, Query] = {}
    for folder in [directory] if directory else folders():
        for path in sorted(folder.glob("*.rq")):
            if path.stem not in found:
                found[path.stem] = Query.from_file(path)
    return dict(sorted(found.items()))


@functools.lru_cache(maxsize=64)
def library(name: str) -> Query:
    """One of the library's own queries (queries/library/NAME.rq), not in the catalogue."""
    return Query.from_file(resources.queries_dir() / "library" / f"{name}.rq")


def get(name: str, directory: Path | None = None) -> Query:
    searched = [directory] if directory else folders()
    if _NAME_OR_DASH.match(name):
        for folder in searched:
            path = folder / f"{name}.rq"
            if path.is_file():
                return Query.from_file(path)
    names = sorted({p.stem for folder in searched for p in folder.glob("*.rq")})
    import difflib  # here: 12 ms of start-up, for a mistyped name only

    close = difflib.get_close_matches(name, names, n=3, cutoff=0.5)
    hint = f"; did you mean {', '.join(close)}?" if close else "; 'g60graph queries' lists them"
    raise UnknownQueryError(f"no named query {name!r}{hint}")


_NAME_OR_DASH = re.compile(r"^[A-Za-z0-9_\-]+$")
