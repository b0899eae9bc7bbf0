"""The polite SPARQL client against a real endpoint on loopback, faults included."""

from __future__ import annotations

import email.utils
import time
from pathlib import Path

import pytest

from g60graph.external._client import (
    USER_AGENT,
    CacheMissError,
    EndpointError,
    SparqlClient,
    rewrite_services,
)
from wikidata_fixture import Endpoint, serve

SUZHOU = 'SELECT ?item WHERE { ?item <http://www.w3.org/2000/01/rdf-schema#label> "Suzhou"@en }'




def client(ep: Endpoint, tmp_path: Path, **kw: object) -> tuple[SparqlClient, list[float]]:
    waits: list[float] = []
    options: dict[str, object] = {"timeout": 5.0, "cache_dir": tmp_path / "cache"}
    options.update(kw)
    made = SparqlClient(ep.url, sleep=waits.append, **options)  # type: ignore[arg-type]
    return made, waits


def test_select_returns_terms_and_sends_a_descriptive_agent(ep: Endpoint, tmp_path: Path) -> None:
    c, _ = client(ep, tmp_path)
    rows = c.select(SUZHOU)
    items = sorted(str(r["item"]) for r in rows)
    assert items == [
        "http://www.wikidata.org/entity/Q42622",
        "http://www.wikidata.org/entity/Q90000010",
    ]
    agent = ep.requests[-1]["agent"]
    assert agent == USER_AGENT
    assert agent.startswith("g60graph/") and "https://w3id.org/g60graph" in agent
    assert "Python-urllib" not in agent and "sparqlwrapper" not in agent.split()[0].lower()


def test_answers_are_cached_on_disk(ep: Endpoint, tmp_path: Path) -> None:
    c, _ = client(ep, tmp_path)
    first = c.select(SUZHOU)
    before = len(ep.requests)
    again = SparqlClient(ep.url, cache_dir=tmp_path / "cache")
    assert again.select(SUZHOU) == first
    assert len(ep.requests) == before and again.requests == 0
    files = list((tmp_path / "cache").rglob("*"))
    assert any(f.suffix == ".json" for f in files)
    assert not [f for f in files if f.name.endswith(".tmp")]  # written atomically


def test_a_stale_cache_entry_is_fetched_again(ep: Endpoint, tmp_path: Path) -> None:
    c, _ = client(ep, tmp_path, ttl=0.0)
    c.select(SUZHOU)
    c.select(SUZHOU)
    assert c.requests == 2


def test_offline_uses_only_the_cache(ep: Endpoint, tmp_path: Path) -> None:
    online, _ = client(ep, tmp_path)
    rows = online.select(SUZHOU)
    before = len(ep.requests)
    offline = SparqlClient(ep.url, cache_dir=tmp_path / "cache", offline=True, ttl=0.0)
    assert offline.select(SUZHOU) == rows  # a stale answer is still an answer offline
    with pytest.raises(CacheMissError, match=r"--offline: the cache .* holds no answer"):
        offline.select("SELECT * WHERE { ?s ?p ?o } LIMIT 1")
    assert len(ep.requests) == before


def test_429_waits_as_long_as_retry_after_says(ep: Endpoint, tmp_path: Path) -> None:
    ep.faults.rate_limited, ep.faults.retry_after = 2, "7"
    c, waits = client(ep, tmp_path)
    assert len(c.select(SUZHOU)) == 2
    assert waits == [7.0, 7.0]
    assert c.requests == 3


def test_retry_after_as_an_http_date(ep: Endpoint, tmp_path: Path) -> None:
    ep.faults.rate_limited = 1
    ep.faults.retry_after = email.utils.formatdate(time.time() + 30, usegmt=True)
    c, waits = client(ep, tmp_path)
    c.select(SUZHOU)
    assert len(waits) == 1 and 25 <= waits[0] <= 31


def test_503_backs_off_exponentially_then_gives_up(ep: Endpoint, tmp_path: Path) -> None:
    ep.faults.unavailable = 10
    c, waits = client(ep, tmp_path, retries=3)
    with pytest.raises(EndpointError, match="answered HTTP 503 4 times; giving up"):
        c.select(SUZHOU)
    assert waits == [1.0, 2.0, 4.0]
    assert not list((tmp_path / "cache").rglob("*.json"))  # nothing cached from a failure


def test_a_huge_retry_after_is_capped(ep: Endpoint, tmp_path: Path) -> None:
    ep.faults.rate_limited, ep.faults.retry_after = 1, "86400"
    c, waits = client(ep, tmp_path, max_wait=30.0)
    c.select(SUZHOU)
    assert waits == [30.0]


def test_too_slow_is_a_timeout(ep: Endpoint, tmp_path: Path) -> None:
    ep.faults.delay = 2.0
    c, _ = client(ep, tmp_path, timeout=0.3)
    started = time.monotonic()
    with pytest.raises(EndpointError, match=r"did not answer within 0.3 s"):
        c.select(SUZHOU)
    assert time.monotonic() - started < 1.9


@pytest.mark.parametrize(
    ("body", "message"),
    [
        ("html", r"answered 200 but the body \(text/html, \d+ bytes\) is not SPARQL JSON"),
        ("badjson", "answered 200 but the body .* is not SPARQL JSON results"),
        ("notresults", "answered 200 with JSON that holds no SPARQL results"),
    ],
)
def test_a_200_that_holds_no_results_is_an_error(
    ep: Endpoint, tmp_path: Path, body: str, message: str
) -> None:
    ep.faults.body = body
    c, _ = client(ep, tmp_path)
    with pytest.raises(EndpointError, match=message):
        c.select(SUZHOU)
    assert not list((tmp_path / "cache").rglob("*.json"))


def test_hanging_up_is_reported(ep: Endpoint, tmp_path: Path) -> None:
    ep.faults.hang_up_after = 0
    c, _ = client(ep, tmp_path)
    with pytest.raises(EndpointError, match="broke off the answer"):
        c.select(SUZHOU)


def test_a_bad_query_is_reported_not_retried(ep: Endpoint, tmp_path: Path) -> None:
    c, waits = client(ep, tmp_path)
    with pytest.raises(EndpointError, match="refused the query"):
        c.select("SELECT WHERE {")
    assert waits == [] and c.requests == 1


def test_endpoint_down_is_unreachable(tmp_path: Path) -> None:
    with serve() as gone:
        url = gone.url
    c = SparqlClient(url, cache_dir=tmp_path, timeout=2.0)
    with pytest.raises(EndpointError, match=r"is unreachable: .*refused"):
        c.select(SUZHOU)


def test_endpoint_must_be_http(tmp_path: Path) -> None:
    from g60graph._errors import InputError

    with pytest.raises(InputError, match="--wikidata-endpoint: 'file:///etc/passwd' is not"):
        SparqlClient("file:///etc/passwd", cache_dir=tmp_path)


def test_rewrite_services_touches_only_iri_tokens() -> None:
    text = (
        'SELECT * WHERE { ?s ?p "<https://query.wikidata.org/sparql>" .\n'
        "  SERVICE <https://query.wikidata.org/sparql> { ?s ?p ?o } }"
    )
    out = rewrite_services(text, {"https://query.wikidata.org/sparql": "http://127.0.0.1:1/s"})
    assert "SERVICE <http://127.0.0.1:1/s> {" in out
    assert '"<https://query.wikidata.org/sparql>"' in out


def test_a_damaged_cache_entry_is_fetched_again(ep: Endpoint, tmp_path: Path) -> None:
    c, _ = client(ep, tmp_path)
    rows = c.select(SUZHOU)
    (entry,) = (tmp_path / "cache").rglob("*.json")
    entry.write_text("{not json", encoding="utf-8")
    assert c.select(SUZHOU) == rows
    assert c.requests == 2
