"""The one HTTP layer (g60graph._remote) against loopback servers: the agent, retries that
honour Retry-After, one error wording, and Basic, Digest and netrc credentials."""

from __future__ import annotations

import hashlib
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path

import pytest

from g60graph._errors import QuerySyntaxError
from g60graph._remote import USER_AGENT, EndpointError, Http, Policy
from g60graph.backends import SparqlBackend
from server_harness import serving
from wikidata_fixture import Endpoint, serve

USER, PASSWORD, REALM, NONCE = "alice", "s3cret", "g60", "abc123"


@dataclass
class Seen:
    """What the loopback server got, and what it is to answer first."""

    url: str = ""
    requests: list[dict[str, str]] = field(default_factory=list)
    busy: list[tuple[int, str]] = field(default_factory=list)  # (status, Retry-After) to send
    auth: str = "none"  # "basic" or "digest": required of every request


def _digest_ok(header: str, method: str) -> bool:
    """The server's side of RFC 7616 (MD5, qop=auth), as Virtuoso checks it."""
    import urllib.request

    fields = urllib.request.parse_keqv_list(
        urllib.request.parse_http_list(header[len("Digest "):])
    )
    ha1 = hashlib.md5(f"{USER}:{REALM}:{PASSWORD}".encode()).hexdigest()
    ha2 = hashlib.md5(f"{method}:{fields['uri']}".encode()).hexdigest()
    expected = hashlib.md5(
        f"{ha1}:{fields['nonce']}:{fields['nc']}:{fields['cnonce']}:auth:{ha2}".encode()
    ).hexdigest()
    return fields.get("username") == USER and fields.get("response") == expected


@contextmanager
def loopback() -> Iterator[Seen]:
    seen = Seen()

    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, *args: object) -> None:
            pass

        def _any(self) -> None:
            length = int(self.headers.get("Content-Length") or 0)
            body = self.rfile.read(length).decode("utf-8")
            authorization = self.headers.get("Authorization", "")
            seen.requests.append({"method": self.command, "path": self.path, "body": body,
                                  "agent": self.headers.get("User-Agent", ""),
                                  "authorization": authorization})
            if seen.auth == "basic" and not authorization.startswith("Basic "):
                self._send(401, {"WWW-Authenticate": f'Basic realm="{REALM}"'})
                return
            if seen.auth == "digest" and not (
                authorization.startswith("Digest ") and _digest_ok(authorization, self.command)
            ):
                challenge = f'Digest realm="{REALM}", nonce="{NONCE}", qop="auth"'
                self._send(401, {"WWW-Authenticate": challenge})
                return
            if seen.busy:
                status, retry_after = seen.busy.pop(0)
                self._send(status, {"Retry-After": retry_after} if retry_after else {})
                return
            self._send(201 if self.command == "PUT" else 200, {})

        def _send(self, status: int, headers: dict[str, str]) -> None:
            self.send_response(status)
            for key, value in headers.items():
                self.send_header(key, value)
            self.send_header("Content-Length", "0")
            self.end_headers()

        do_GET = do_PUT = do_POST = do_DELETE = _any  # noqa: N815

    with serving(ThreadingHTTPServer(("127.0.0.1", 0), Handler)) as port:
        seen.url = f"http://127.0.0.1:{port}/store"
        yield seen


@pytest.fixture
def no_credentials(monkeypatch: pytest.MonkeyPatch, tmp_path: Path) -> Path:
    """No G60GRAPH_* credentials and an empty home (no ~/.netrc of the machine's)."""
    for key in ("G60GRAPH_USER", "G60GRAPH_PASSWORD", "G60GRAPH_AUTH"):
        monkeypatch.delenv(key, raising=False)
    monkeypatch.setenv("HOME", str(tmp_path))
    return tmp_path


def _http(waits: list[float]) -> Http:
    return Http(Policy(timeout=5.0, sleep=waits.append))


def test_a_busy_server_is_retried_as_retry_after_says(no_credentials: Path) -> None:
    waits: list[float] = []
    with loopback() as seen:
        seen.busy = [(429, "3"), (503, "")]
        with _http(waits) as http:
            http.send("PUT", seen.url, content=b"<a> <b> <c> .\n")
    assert waits == [3.0, 2.0]  # Retry-After, then the backoff of a second retry
    assert [r["method"] for r in seen.requests] == ["PUT"] * 3
    assert {r["body"] for r in seen.requests} == {"<a> <b> <c> .\n"}  # the body every time
    assert {r["agent"] for r in seen.requests} == {USER_AGENT}


def test_a_server_busy_for_too_long_is_one_error(no_credentials: Path) -> None:
    waits: list[float] = []
    with loopback() as seen:
        seen.busy = [(503, "0")] * 5
        with _http(waits) as http, pytest.raises(
            EndpointError, match=r"PUT http://\S+ answered HTTP 503 4 times"
        ):
            http.send("PUT", seen.url, content=b"")
    assert waits == [0.0, 0.0, 0.0]


def test_a_refusal_is_not_retried_and_names_the_request(no_credentials: Path) -> None:
    waits: list[float] = []
    with loopback() as seen:
        seen.busy = [(400, "")]
        with _http(waits) as http, pytest.raises(
            EndpointError, match=r"^POST http://\S+/store answered HTTP 400$"
        ):
            http.send("POST", seen.url, content=b"x")
    assert waits == [] and len(seen.requests) == 1


def test_a_404_can_be_an_answer(no_credentials: Path) -> None:
    with loopback() as seen:
        seen.busy = [(404, "")]
        with _http([]) as http:
            assert http.send("DELETE", seen.url, ok=(404,)).status_code == 404


def test_an_unreachable_server(no_credentials: Path) -> None:
    with loopback() as seen:
        url = seen.url
    with _http([]) as http, pytest.raises(
        EndpointError, match=r"^GET http://\S+ is unreachable: "
    ):
        http.send("GET", url)


def test_basic_credentials_from_the_environment(
    no_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("G60GRAPH_USER", USER)
    monkeypatch.setenv("G60GRAPH_PASSWORD", PASSWORD)
    with loopback() as seen:
        seen.auth = "basic"
        with _http([]) as http:
            http.send("PUT", seen.url, content=b"")
    assert [r["authorization"] for r in seen.requests] == ["Basic YWxpY2U6czNjcmV0"]


def test_basic_credentials_from_netrc(no_credentials: Path) -> None:
    netrc = no_credentials / ".netrc"
    netrc.write_text(f"machine 127.0.0.1 login {USER} password {PASSWORD}\n")
    netrc.chmod(0o600)
    with loopback() as seen:
        seen.auth = "basic"
        with _http([]) as http:
            http.send("PUT", seen.url, content=b"")
    assert [r["authorization"] for r in seen.requests] == ["Basic YWxpY2U6czNjcmV0"]


def test_digest_is_answered_up_front_after_one_small_probe(
    no_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    """A large body is never sent to be answered 401 (Virtuoso would break the pipe)."""
    monkeypatch.setenv("G60GRAPH_USER", USER)
    monkeypatch.setenv("G60GRAPH_PASSWORD", PASSWORD)
    monkeypatch.setenv("G60GRAPH_AUTH", "digest")
    big = b"<a> <b> <c> .\n" * 10_000
    with loopback() as seen:
        seen.auth = "digest"
        with _http([]) as http:
            assert http.send("PUT", seen.url, content=big).status_code == 201
            assert http.send("POST", seen.url, content=big).status_code == 200
    methods = [(r["method"], bool(r["authorization"]), len(r["body"])) for r in seen.requests]
    assert methods == [("GET", False, 0), ("GET", True, 0), ("PUT", True, len(big)),
                       ("POST", True, len(big))]


def test_wrong_digest_credentials_are_one_error(
    no_credentials: Path, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setenv("G60GRAPH_USER", USER)
    monkeypatch.setenv("G60GRAPH_PASSWORD", "wrong")
    monkeypatch.setenv("G60GRAPH_AUTH", "digest")
    with loopback() as seen:
        seen.auth = "digest"
        with _http([]) as http, pytest.raises(
            EndpointError, match=r"^PUT http://\S+ answered HTTP 401$"
        ):
            http.send("PUT", seen.url, content=b"")


def test_the_remote_store_retries_too_and_refuses_as_a_syntax_error(
    no_credentials: Path,
) -> None:
    """SPARQLWrapper's requests go through the same retry and error wording."""
    ep: Endpoint
    with serve() as ep:
        ep.faults.rate_limited, ep.faults.retry_after = 2, "0"
        remote = SparqlBackend(ep.url, graphs=[])
        rows = remote.execute("SELECT ?item WHERE { ?item ?p ?o } LIMIT 1").rows
        assert len(rows) == 1 and len(ep.requests) == 3
        assert ep.requests[-1]["agent"] == USER_AGENT
        with pytest.raises(QuerySyntaxError, match=r"refused the query") as caught:
            remote.execute("SELECT ?x WHERE {")
        assert isinstance(caught.value, EndpointError) and caught.value.exit_code == 2
