"""A polite, cached client for remote SPARQL endpoints (Wikidata and mirrors).

The request itself (User-Agent, timeout, retries honouring ``Retry-After``,
the wording of a failure) is ``g60graph._remote``'s, shared with the remote
store and publishing. This module adds what linking and enrichment need on top:
a check that a 200 response really holds SPARQL JSON results, and an on-disk
cache with a time-to-live (``offline=True`` uses only the cache).
"""

from __future__ import annotations

import hashlib
import json
import os
import time
from collections.abc import Callable, Mapping
from pathlib import Path
from typing import Any

from rdflib.term import Identifier

from g60graph._errors import InputError
from g60graph._fileio import write_atomic
from g60graph._remote import (
    PROJECT_URL,
    RETRY_STATUSES,
    USER_AGENT,
    EndpointError,
    Policy,
    sparql,
)
from g60graph.results._w3c import term_from_json

__all__ = [
    "DEFAULT_TTL",
    "PROJECT_URL",
    "RETRY_STATUSES",
    "USER_AGENT",
    "WIKIDATA_SPARQL",
    "CacheMissError",
    "EndpointError",
    "Row",
    "SparqlClient",
    "default_cache_dir",
    "rewrite_services",
]

WIKIDATA_SPARQL = "https://query.wikidata.org/sparql"
DEFAULT_TTL = 7 * 24 * 3600.0

Row = dict[str, Identifier]


class CacheMissError(InputError):
    """``--offline`` was given and the cache does not hold the answer."""


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
        self.policy = Policy(timeout=timeout, retries=retries, max_wait=max_wait, sleep=sleep)
        self.cache_dir = cache_dir if cache_dir is not None else default_cache_dir()
        self.ttl = ttl
        self.offline = offline
        self.requests = 0  # network requests made (cache hits excluded)

    # -- public --------------------------------------------------------------

    def select(self, query: str) -> list[Row]:
        """The rows of a SELECT query, as {variable: rdflib term}."""
        return self.select_timed(query)[0]

    def select_timed(self, query: str) -> tuple[list[Row], float]:
        """The rows, and when the endpoint gave them (a cached answer keeps its time)."""
        doc, fetched = self._results(query)
        return [_row(b) for b in doc["results"]["bindings"]], fetched

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
        from SPARQLWrapper import JSON

        from g60graph.sparql._lexer import strip_comments

        # A header comment saying "adds" reads as an ADD to SPARQLWrapper's type guess.
        wrapper = sparql(self.endpoint, strip_comments(query), self.policy)
        wrapper.setReturnFormat(JSON)

        def call() -> tuple[bytes, str]:
            self.requests += 1
            response = wrapper.query().response
            return response.read(), response.headers.get("Content-Type", "")

        raw, content_type = self.policy.run(self.endpoint, call)
        return _check_results(raw, content_type, self.endpoint)

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
    row = {name: term_from_json(value) for name, value in binding.items()}
    return {name: term for name, term in row.items() if term is not None}


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
