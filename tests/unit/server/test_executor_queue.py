"""The executor's queue of idle workers: first come first served, a wait that times
out leaves nothing behind, and a worker handed to a call cancelled at that moment
goes to the next call instead of being lost."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from g60graph.server._executor import _Idle


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run in a thread of its own: the browser tests' playwright (sync API, one
    session) keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


def test_waiting_calls_get_workers_in_turn() -> None:
    async def run() -> list[Any]:
        idle = _Idle()
        first = asyncio.ensure_future(idle.get(5))
        second = asyncio.ensure_future(idle.get(5))
        await asyncio.sleep(0)  # both are waiting now
        idle.put("a")
        idle.put("b")
        return [await first, await second]

    assert _run(run()) == ["a", "b"]


def test_a_wait_that_times_out_leaves_no_waiter() -> None:
    async def run() -> Any:
        idle = _Idle()
        with pytest.raises(TimeoutError):
            await idle.get(0.01)
        assert not idle._waiting
        idle.put("a")
        assert not idle.empty()  # kept for the next call, not handed to the dead wait
        return await idle.get(0.01)

    assert _run(run()) == "a"


def test_a_worker_handed_to_a_cancelled_call_goes_to_the_next() -> None:
    async def run() -> Any:
        idle = _Idle()
        doomed = asyncio.ensure_future(idle.get(5))
        await asyncio.sleep(0)
        idle.put("a")  # handed over...
        doomed.cancel()  # ...and the call is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await doomed
        return await idle.get(0.01)

    assert _run(run()) == "a"


def test_a_message_that_arrives_before_anyone_waits_is_kept() -> None:
    from g60graph.server import _jobs as jobs
    from g60graph.server._executor import _Link

    class Open:
        def is_closing(self) -> bool:
            return False

    async def run() -> list[Any]:
        link = _Link()
        link.connection_made(Open())  # type: ignore[arg-type]
        both = jobs.frame(("ready", None)) + jobs.frame(("ok", 1))
        link.data_received(both[:5])  # a frame may come in pieces
        link.data_received(both[5:])
        return [await link.receive(1), await link.receive(1)]

    assert _run(run()) == [("ready", None), ("ok", 1)]
