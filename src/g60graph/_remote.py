"""Remote HTTP access in one place: who we say we are, how long we wait, when we
retry, whose credentials we send, and how a failure reads.

SPARQLWrapper stays the SPARQL client (remote stores, Wikidata): :func:`sparql`
sets it up. Graph Store Protocol calls and SPARQL Update posts go through
:class:`Http`, on httpx. Both send one User-Agent (Wikimedia's policy: name,
version and a way to reach the maintainers; Wikidata answers a library's default
with 403), wait at most their timeout, retry 429/502/503/504 with backoff that
honours ``Retry-After`` (:meth:`Policy.run`), and turn every failure into one
:class:`EndpointError` naming the URL. Credentials are G60GRAPH_USER and
G60GRAPH_PASSWORD, else ``~/.netrc``; Basic, or Digest with G60GRAPH_AUTH=digest
(Virtuoso's /sparql-auth), answered by httpx's own auth classes.
"""

from __future__ import annotations

import contextlib
import email.utils
import os
import socket
import time
import urllib.error
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import TYPE_CHECKING, TypeVar
from urllib.parse import urlsplit

from g60graph._errors import ExecutionError, G60Error, InputError, QuerySyntaxError
from g60graph._version import __version__

if TYPE_CHECKING:
    import httpx
    from SPARQLWrapper import SPARQLWrapper

__all__ = [
    "PROJECT_URL",
    "RETRY_STATUSES",
    "USER_AGENT",
    "EndpointError",
    "Http",
    "Policy",
    "RefusedQueryError",
    "auth_scheme",
    "credentials",
    "sparql",
]

PROJECT_URL = "https://w3id.org/g60graph"
USER_AGENT = (
    f"g60graph/{__version__} ({PROJECT_URL}; linking, enrichment and publishing of an open"
    " knowledge graph)"
)
RETRY_STATUSES = (429, 502, 503, 504)
_ANSWERED = tuple(code for code in range(300, 600) if code not in RETRY_STATUSES)

T = TypeVar("T")


class EndpointError(ExecutionError):
    """A remote server could not be reached or did not answer as asked."""


class RefusedQueryError(EndpointError, QuerySyntaxError):
    """The server refused the query as malformed: the text's fault (exit 2), not the link's."""

    exit_code = 2


def credentials(url: str) -> tuple[str, str] | None:
    """User and password for ``url``: G60GRAPH_USER/G60GRAPH_PASSWORD, else ~/.netrc."""
    user, password = os.environ.get("G60GRAPH_USER"), os.environ.get("G60GRAPH_PASSWORD")
    if user and password is not None:
        return user, password
    import netrc

    try:
        entry = netrc.netrc().authenticators(urlsplit(url).hostname or "")
    except (FileNotFoundError, netrc.NetrcParseError):
        return None
    if entry and entry[0] and entry[2] is not None:
        return entry[0], entry[2]
    return None


def auth_scheme() -> str:
    """'basic' (default) or 'digest', from G60GRAPH_AUTH."""
    scheme = os.environ.get("G60GRAPH_AUTH", "basic").strip().lower() or "basic"
    if scheme not in ("basic", "digest"):
        raise InputError(f"G60GRAPH_AUTH: {scheme!r} is not basic or digest")
    return scheme


@dataclass
class _StatusError(Exception):
    """An HTTP answer that is not a success, before it is retried or reported."""

    code: int
    retry_after: str | None = None
    detail: str = ""


@dataclass(frozen=True)
class Policy:
    """How long to wait and how often to try; ``sleep`` is injectable for tests."""

    timeout: float = 60.0
    retries: int = 3
    max_wait: float = 120.0
    sleep: Callable[[float], None] = field(default=time.sleep, compare=False)

    def wait(self, retry_after: str | None, attempt: int) -> float:
        """Seconds to wait: the server's Retry-After if given, else exponential backoff."""
        wait = 2.0 ** (attempt - 1)
        value = (retry_after or "").strip()
        if value.isdigit():
            wait = float(value)
        elif value:
            with contextlib.suppress(TypeError, ValueError):  # unreadable: the backoff
                wait = max(0.0, email.utils.parsedate_to_datetime(value).timestamp() - time.time())
        return min(wait, self.max_wait)

    def run(self, where: str, call: Callable[[], T]) -> T:
        """``call()``, retried on a busy server; any failure as one error naming ``where``."""
        attempt = 0
        while True:
            attempt += 1
            try:
                return call()
            except Exception as err:  # every failure is mapped below
                status = _status(err)
                if status is None:
                    raise _failure(where, err, self.timeout) from None
            detail = f": {status.detail}" if status.detail else ""
            if status.code not in RETRY_STATUSES:
                raise EndpointError(f"{where} answered HTTP {status.code}{detail}") from None
            if attempt > self.retries:
                raise EndpointError(
                    f"{where} answered HTTP {status.code} {attempt} times; giving up"
                    " (try again later)"
                ) from None
            self.sleep(self.wait(status.retry_after, attempt))


def _status(err: Exception) -> _StatusError | None:
    if isinstance(err, _StatusError):
        return err
    if isinstance(err, urllib.error.HTTPError):  # SPARQLWrapper passes 429/50x through
        body = err.read() if err.fp else b""
        retry_after = err.headers.get("Retry-After") if err.headers else None
        return _StatusError(err.code, retry_after, _detail(body))
    return None


def _detail(body: bytes) -> str:
    return " ".join(body.decode("utf-8", "replace").split())[:300]


def _failure(where: str, err: Exception, timeout: float) -> Exception:
    """The one wording of a failed request, whichever client made it."""
    import httpx
    from SPARQLWrapper.SPARQLExceptions import QueryBadFormed, SPARQLWrapperException

    if isinstance(err, G60Error):
        return err
    first = " ".join(str(err).split())[:300] or type(err).__name__
    if isinstance(err, QueryBadFormed):
        return RefusedQueryError(f"{where} refused the query: {first}")
    if isinstance(err, SPARQLWrapperException):  # 401, 404, 500 as SPARQLWrapper reads them
        return EndpointError(f"{where} refused the query: {first}")
    reason = err.reason if isinstance(err, urllib.error.URLError) else err
    if isinstance(reason, TimeoutError | socket.timeout | httpx.TimeoutException):
        return EndpointError(f"{where} did not answer within {timeout:g} s")
    if isinstance(err, urllib.error.URLError | httpx.ConnectError):
        return EndpointError(f"{where} is unreachable: {reason}")
    if isinstance(err, OSError | ValueError | httpx.TransportError):
        return EndpointError(f"{where} broke off the answer: {first}")
    return err


def sparql(endpoint: str, text: str, policy: Policy) -> SPARQLWrapper:
    """A SPARQLWrapper for ``text`` with our agent, timeout, POST and credentials."""
    from SPARQLWrapper import DIGEST, POST, SPARQLWrapper

    wrapper = SPARQLWrapper(endpoint, agent=USER_AGENT)
    wrapper.setQuery(text)
    wrapper.setMethod(POST)  # VALUES batches and graph lists stay out of the URL
    wrapper.timeout = policy.timeout  # type: ignore[assignment]  # setTimeout: whole s only
    found = credentials(endpoint)
    if found:
        wrapper.setCredentials(*found)
        if auth_scheme() == "digest":
            wrapper.setHTTPAuth(DIGEST)
    return wrapper


class Http:
    """Graph Store Protocol and SPARQL Update requests over one httpx client.

    A Digest challenge is fetched once per server with a small GET and then
    answered up front on every request (httpx's DigestAuth keeps it, and
    fetches a fresh one on a stale nonce): a server that answers a large
    body's first attempt with 401 may close the connection before reading it.
    """

    def __init__(self, policy: Policy) -> None:
        import httpx

        self.policy = policy
        self._client = httpx.Client(headers={"User-Agent": USER_AGENT}, timeout=policy.timeout)
        self._auth: dict[str, httpx.Auth | None] = {}

    def close(self) -> None:
        self._client.close()

    def __enter__(self) -> Http:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _auth_for(self, url: str) -> httpx.Auth | None:
        import httpx

        parts = urlsplit(url)
        base = f"{parts.scheme}://{parts.netloc}"
        if base in self._auth:
            return self._auth[base]
        found = credentials(url)
        chosen: httpx.Auth | None = None
        if found and auth_scheme() == "digest":
            chosen = httpx.DigestAuth(*found)
            self._auth[base] = chosen
            self.send("GET", url, ok=_ANSWERED)  # fetch the challenge, small
            return chosen
        if found and os.environ.get("G60GRAPH_PASSWORD") is not None:
            chosen = httpx.BasicAuth(*found)
        elif found:
            chosen = httpx.NetRCAuth()  # the same ~/.netrc entry, read by httpx
        self._auth[base] = chosen
        return chosen

    def send(
        self,
        method: str,
        url: str,
        *,
        content: bytes | None = None,
        headers: Mapping[str, str] | None = None,
        ok: tuple[int, ...] = (),
    ) -> httpx.Response:
        """One request, retried as the policy says; a status in ``ok`` is no failure."""
        auth = self._auth_for(url)

        def call() -> httpx.Response:
            response = self._client.request(
                method, url, content=content, headers=dict(headers or {}), auth=auth
            )
            if not response.is_success and response.status_code not in ok:
                retry_after = response.headers.get("Retry-After")
                raise _StatusError(response.status_code, retry_after, _detail(response.content))
            return response

        return self.policy.run(f"{method} {url}", call)

