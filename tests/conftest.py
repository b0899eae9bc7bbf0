from __future__ import annotations

from collections.abc import Iterator
from typing import Any

import pytest

from g60graph import KnowledgeGraph

STORES = ["oxigraph", "memory"]


@pytest.fixture(scope="session")
def kg() -> KnowledgeGraph:
    """The packaged graph on the default (Oxigraph) store, loaded once."""
    return KnowledgeGraph.load()


@pytest.fixture(scope="session", params=STORES)
def any_kg(request: pytest.FixtureRequest) -> Iterator[KnowledgeGraph]:
    """The packaged graph on each embedded store in turn."""
    yield KnowledgeGraph.load(store=request.param)


@pytest.fixture(scope="session")
def browser() -> Iterator[object]:
    """One headless Chromium for the whole run (see tests/support/browser.py)."""
    from browser import launch

    with launch() as instance:
        yield instance


@pytest.fixture(scope="module")
def endpoint() -> Iterator[object]:
    """The Wikidata-shaped SPARQL endpoint on loopback (tests/support/wikidata_fixture.py)."""
    from wikidata_fixture import serve

    with serve() as running:
        yield running


@pytest.fixture
def ep(endpoint: Any) -> Iterator[Any]:
    """The shared endpoint with its faults reset after each test."""
    yield endpoint
    endpoint.faults.__init__()
