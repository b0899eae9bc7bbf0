"""A polite, robust client for remote SPARQL endpoints (Wikidata and mirrors).

SPARQLWrapper does the HTTP; this module adds what public endpoints need:
a descriptive User-Agent (Wikidata answers SPARQLWrapper's default with 403),
a timeout on every request, retries with backoff that honour ``Retry-After``
on 429/503, a check that a 200 response really holds SPARQL JSON results, and
an on-disk cache with a time-to-live (``offline=True`` uses only the cache).
Every failure becomes one :class:`EndpointError` with a readable message.
"""

from __future__ import annotations

import email.utils
import hashlib
import json
import os
import socket
import time
import urllib.error
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rdflib import BNode, Literal, URIRef
from rdflib.term import Identifier

from g60graph._errors import ExecutionError, InputError
from g60graph._fileio import write_atomic

__all__ = [
    "DEFAULT_TTL",
    "PROJECT_URL",
    "RETRY_STATUSES",
    "WIKIDATA_SPARQL",
    "CacheMissError",
    "EndpointError",
    "Row",
    "SparqlClient",
    "default_cache_dir",
    "rewrite_services",
    "user_agent",
]

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
PROJECT_URL = "https://w3id.org/g60graph"
RETRY_STATUSES = (429, 502, 503, 504)
DEFAULT_TTL = 7 * 24 * 3600.0

Row = dict[str, Identifier]


class EndpointError(ExecutionError):
    """The endpoint could not be reached or did not answer with SPARQL results."""


class CacheMissError(InputError):
    """``--offline`` was given and the cache does not hold the answer."""


def user_agent() -> str:
    """Wikimedia's policy: name, version and a way to reach the maintainers."""
    from SPARQLWrapper import __version__ as wrapper_version

    from g60graph._version import __version__

    return (
        f"g60graph/{__version__} ({PROJECT_URL}; linking and enrichment of an open"
        f" knowledge graph) SPARQLWrapper/{wrapper_version}"
    )


def default_cache_dir() -> Path:
    env = os.environ.get("G60GRAPH_CACHE_DIR")
    if env:
        return Path(env)
    base = os.environ.get("XDG_CACHE_HOME") or str(Path.home() / ".cache")
    return Path(base) / "g60graph"


class SparqlClient:
    """SELECT queries against one endpoint, cached and retried.

    ``sleep`` is injectable so tests can observe the waits without making them.
    """

    def __init__(
        self,
        endpoint: str = WIKIDATA_SPARQL,
        *,
        timeout: float = 60.0,
        retries: int = 3,
        cache_dir: Path | None = None,
        ttl: float = DEFAULT_TTL,
        offline: bool = False,
        max_wait: float = 120.0,
        sleep: Callable[[float], None] = time.sleep,
    ) -> None:
        if not endpoint.startswith(("http://", "https://")):
            raise InputError(f"--wikidata-endpoint: {endpoint!r} is not an http(s) URL")
        self.endpoint = endpoint
        self.timeout = timeout
        self.retries = retries
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.ttl = ttl
        self.offline = offline
        self.max_wait = max_wait
        self.sleep = sleep
        self.requests = 0  # network requests made (cache hits excluded)

    # -- public --------------------------------------------------------------

    def select(self, query: str) -> list[Row]:
        """The rows of a SELECT query, as {variable: rdflib term}."""
        return self.select_timed(query)[0]

    def select_timed(self, query: str) -> tuple[list[Row], float]:
        """The rows, and when the endpoint gave them (a cached answer keeps its time)."""
        doc, fetched = self._results(query)
        return [_row(b) for b in doc["results"]["bindings"]], fetched

    def select_json(self, query: str) -> dict[str, Any]:
        """The SPARQL 1.1 JSON results document, from the cache or the endpoint."""
        return self._results(query)[0]

    def _results(self, query: str) -> tuple[dict[str, Any], float]:
        path = self._cache_path(query)
        cached = self._read_cache(path)
        if cached is not None:
            return cached
        if self.offline:
            raise CacheMissError(
                f"--offline: the cache ({self.cache_dir}) holds no answer from {self.endpoint}"
                " for this request; run once without --offline"
            )
        body = self._fetch(query)
        fetched = time.time()
        write_atomic(
            path,
            json.dumps(
                {"endpoint": self.endpoint, "query": query, "fetched": fetched, "body": body},
                ensure_ascii=False,
            ),
            make_parents=True,
        )
        return body, fetched

    # -- the network ---------------------------------------------------------

    def _fetch(self, query: str) -> dict[str, Any]:
        attempt = 0
        while True:
            attempt += 1
            try:
                return self._request(query)
            except urllib.error.HTTPError as err:
                if err.code not in RETRY_STATUSES:
                    raise EndpointError(f"{self.endpoint} answered HTTP {err.code}") from None
                if attempt > self.retries:
                    raise EndpointError(
                        f"{self.endpoint} answered HTTP {err.code} {attempt} times; giving up"
                        " (try again later)"
                    ) from None
                self.sleep(self._wait(err.headers.get("Retry-After"), attempt))

    def _wait(self, retry_after: str | None, attempt: int) -> float:
        """Seconds to wait: the server's Retry-After if given, else exponential backoff."""
        wait = 2.0 ** (attempt - 1)
        if retry_after:
            value = retry_after.strip()
            if value.isdigit():
                wait = float(value)
            else:
                try:
                    when = email.utils.parsedate_to_datetime(value)
                    wait = max(0.0, when.timestamp() - time.time())
                except (TypeError, ValueError):
                    pass
        return min(wait, self.max_wait)

    def _request(self, query: str) -> dict[str, Any]:
        from SPARQLWrapper import JSON, POST, SPARQLWrapper
        from SPARQLWrapper.SPARQLExceptions import SPARQLWrapperException

        from g60graph.sparql._lexer import strip_comments

        wrapper = SPARQLWrapper(self.endpoint, agent=user_agent())
        # A header comment saying "adds" reads as an ADD to SPARQLWrapper's type guess.
        wrapper.setQuery(strip_comments(query))
        wrapper.setMethod(POST)  # VALUES batches make long queries
        wrapper.setReturnFormat(JSON)
        wrapper.timeout = self.timeout  # type: ignore[assignment]  # setTimeout: whole s only
        self.requests += 1
        where = self.endpoint
        try:
            response = wrapper.query().response
            content_type = response.headers.get("Content-Type", "")
            raw = response.read()
        except urllib.error.HTTPError:
            raise
        except SPARQLWrapperException as err:
            first = str(err).splitlines()[0] if str(err) else type(err).__name__
            raise EndpointError(f"{where} refused the query: {first}") from None
        except TimeoutError:
            raise EndpointError(f"{where} did not answer within {self.timeout:g} s") from None
        except urllib.error.URLError as err:
            if isinstance(err.reason, TimeoutError | socket.timeout):
                raise EndpointError(f"{where} did not answer within {self.timeout:g} s") from None
            raise EndpointError(f"{where} is unreachable: {err.reason}") from None
        except (OSError, ValueError) as err:  # connection reset, bad status line, ...
            raise EndpointError(f"{where} broke off the answer: {err}") from None
        return _check_results(raw, content_type, where)

    # -- the cache -----------------------------------------------------------

    def _cache_path(self, query: str) -> Path:
        key = hashlib.sha256(f"{self.endpoint}\n{query}".encode()).hexdigest()
        return self.cache_dir / key[:2] / f"{key}.json"

    def _read_cache(self, path: Path) -> tuple[dict[str, Any], float] | None:
        try:
            entry = json.loads(path.read_text(encoding="utf-8"))
            fetched = float(entry["fetched"])
        except (OSError, ValueError, TypeError, KeyError):
            return None  # absent or unreadable: fetch again
        if not isinstance(entry.get("body"), dict):
            return None
        if not self.offline and time.time() - fetched > self.ttl:
            return None
        return entry["body"], fetched


def _check_results(raw: bytes, content_type: str, where: str) -> dict[str, Any]:
    """A 200 is only a success if its body is a SPARQL JSON results document."""
    kind = content_type.split(";")[0].strip() or "no content type"
    try:
        doc = json.loads(raw.decode("utf-8"))
    except (UnicodeDecodeError, ValueError):
        raise EndpointError(
            f"{where} answered 200 but the body ({kind}, {len(raw)} bytes) is not"
            " SPARQL JSON results"
        ) from None
    bindings = doc.get("results", {}).get("bindings") if isinstance(doc, dict) else None
    if not (isinstance(doc, dict) and isinstance(doc.get("head"), dict)) or not isinstance(
        bindings, list
    ):
        raise EndpointError(f"{where} answered 200 with JSON that holds no SPARQL results")
    if not all(isinstance(b, dict) for b in bindings):
        raise EndpointError(f"{where} answered 200 with malformed SPARQL result rows")
    return doc


def _row(binding: Mapping[str, Any]) -> Row:
    return {name: _term(value) for name, value in binding.items()}


def _term(value: Mapping[str, Any]) -> Identifier:
    kind, text = value.get("type"), str(value.get("value", ""))
    if kind == "uri":
        return URIRef(text)
    if kind == "bnode":
        return BNode(text)
    lang, datatype = value.get("xml:lang"), value.get("datatype")
    if lang:
        return Literal(text, lang=lang)
    return Literal(text, datatype=URIRef(datatype) if datatype else None)


def rewrite_services(text: str, mapping: Mapping[str, str]) -> str:
    """Point ``SERVICE <orig>`` at a mirror: ``{orig: local}`` rewrites IRI tokens only."""
    from g60graph.sparql import _lexer as sparql_text

    out, last = [], 0
    for token in sparql_text.tokens(text):
        if token.kind == "iri" and token.text[1:-1] in mapping:
            out.append(text[last : token.start])
            out.append(f"<{mapping[token.text[1:-1]]}>")
            last = token.start + len(token.text)
    out.append(text[last:])
    return "".join(out)
