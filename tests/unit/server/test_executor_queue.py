"""The executor's queue of workers and its link to each: first come first served, a
wait that times out leaves nothing behind, a worker handed to a call cancelled at that
moment goes to the next call; jobs pipelined to a worker are answered in order, and one
queued behind a job that fails the worker, or that waits past its turn, is told so."""

from __future__ import annotations

import asyncio
from collections.abc import Coroutine
from concurrent.futures import ThreadPoolExecutor
from typing import Any

import pytest

from g60graph.server import _jobs as jobs
from g60graph.server._executor import _Idle, _Link, _NoTurnError, _RequeueError


def _run(coroutine: Coroutine[Any, Any, Any]) -> Any:
    """asyncio.run in a thread of its own: the browser tests' playwright (sync API, one
    session) keeps an event loop running in the main thread."""
    with ThreadPoolExecutor(1) as pool:
        return pool.submit(asyncio.run, coroutine).result()


class Worker:
    """What the queue reads of a worker."""

    def __init__(self, name: str, free: bool = True) -> None:
        self.name, self.free = name, free
        self.listed = self.claimed = self.lost = False

    def __repr__(self) -> str:
        return self.name


def test_waiting_calls_get_workers_in_turn() -> None:
    async def run() -> list[Any]:
        idle = _Idle()
        first = asyncio.ensure_future(idle.get(5))
        second = asyncio.ensure_future(idle.get(5))
        await asyncio.sleep(0)  # both are waiting now
        idle.put(Worker("a"))  # type: ignore[arg-type]
        idle.put(Worker("b"))  # type: ignore[arg-type]
        return [await first, await second]

    a, b = _run(run())
    assert (a.name, b.name) == ("a", "b")
    assert a.claimed and not a.listed  # handed over: nobody else may take it meanwhile


def test_a_wait_that_times_out_leaves_no_waiter() -> None:
    async def run() -> Any:
        idle = _Idle()
        with pytest.raises(TimeoutError):
            await idle.get(0.01)
        assert not idle._waiting
        worker = Worker("a")
        idle.put(worker)  # type: ignore[arg-type]
        assert idle.has_free() and worker.listed  # kept for the next call
        return await idle.get(0.01)

    assert _run(run()).name == "a"


def test_a_worker_handed_to_a_cancelled_call_goes_to_the_next() -> None:
    async def run() -> Any:
        idle = _Idle()
        doomed = asyncio.ensure_future(idle.get(5))
        await asyncio.sleep(0)
        idle.put(Worker("a"))  # type: ignore[arg-type]  # handed over...
        doomed.cancel()  # ...and the call is cancelled before it runs again
        with pytest.raises(asyncio.CancelledError):
            await doomed
        return await idle.get(0.01)

    assert _run(run()).name == "a"


def test_a_free_worker_goes_before_one_that_holds_a_job() -> None:
    async def run() -> list[str]:
        idle = _Idle()
        idle.put(Worker("busy", free=False))  # type: ignore[arg-type]
        idle.put(Worker("free"))  # type: ignore[arg-type]
        assert idle.has_free()
        first: Any = await idle.get(0.01)
        assert not idle.has_free()
        second: Any = await idle.get(0.01)
        return [first.name, second.name]

    assert _run(run()) == ["free", "busy"]


class Transport:
    def __init__(self) -> None:
        self.sent: list[bytes] = []

    def write(self, data: bytes) -> None:
        self.sent.append(data)

    def is_closing(self) -> bool:
        return False


def _link() -> tuple[_Link, list[str]]:
    told: list[str] = []
    link = _Link(lambda: told.append("lost"), lambda: told.append("replied"))
    link.connection_made(Transport())  # type: ignore[arg-type]
    return link, told


def test_a_message_that_arrives_before_any_job_is_kept() -> None:
    async def run() -> list[Any]:
        link, _ = _link()
        link.data_received(jobs.frame(("ready", None)))
        ready = await link.receive(1)
        sent = link.send(("info", ()), 5)
        reply = jobs.frame((("ok", 1), 0.25))  # a reply and the worker's time for the job
        link.data_received(reply[:5])  # a frame may come in pieces
        link.data_received(reply[5:])
        answer, seconds = await sent
        assert seconds == 0.25
        return [ready, answer]

    assert _run(run()) == [("ready", None), ("ok", 1)]


def test_pipelined_jobs_get_their_replies_in_order() -> None:
    async def run() -> tuple[list[Any], list[str], int]:
        link, told = _link()
        first = link.send(("query", ("a",)), 5, turn_wait=5)
        second = link.send(("query", ("b",)), 5, turn_wait=5)
        assert len(link.transport.sent) == 2  # type: ignore[union-attr]  # both at once
        assert not link.can_queue(2) and link.can_queue(3)
        link.data_received(jobs.frame((("ok", "A"), 0.0)) + jobs.frame((("ok", "B"), 0.0)))
        return [(await first)[0], (await second)[0]], told, len(link.pending)

    replies, told, pending = _run(run())
    assert replies == [("ok", "A"), ("ok", "B")]
    assert told == ["replied"] and pending == 0


def test_no_job_is_queued_behind_an_exclusive_one() -> None:
    async def run() -> bool:
        link, _ = _link()
        link.send(("update", ("INSERT DATA {}",)), 5, exclusive=True)
        return link.can_queue(2)

    assert _run(run()) is False


def test_jobs_behind_one_that_runs_past_the_limit_are_requeued() -> None:
    async def run() -> tuple[list[str], list[str]]:
        link, told = _link()
        head = link.send(("query", ("runaway",)), 0.05)
        behind = link.send(("query", ("quick",)), 5, turn_wait=5)
        outcomes = []
        for sent in (head, behind):
            try:
                await sent
                outcomes.append("answered")
            except TimeoutError:
                outcomes.append("timed out")
            except _RequeueError:
                outcomes.append("requeued")
        return outcomes, told

    assert _run(run()) == (["timed out", "requeued"], ["lost"])


def test_a_job_whose_turn_does_not_come_in_time_is_told_and_its_reply_dropped() -> None:
    async def run() -> tuple[Any, Any]:
        link, _ = _link()
        head = link.send(("query", ("slow",)), 5)
        behind = link.send(("query", ("waits",)), 5, turn_wait=0.01)
        with pytest.raises(_NoTurnError):
            await behind
        after = link.send(("query", ("later",)), 5, turn_wait=5)
        # the worker still runs all three in turn: the dropped reply is not handed on
        link.data_received(b"".join(jobs.frame((("ok", n), 0.0)) for n in (1, 2, 3)))
        return (await head)[0], (await after)[0]

    assert _run(run()) == (("ok", 1), ("ok", 3))


def test_a_closed_socket_fails_the_head_and_requeues_the_rest() -> None:
    async def run() -> tuple[list[type], list[str]]:
        link, told = _link()
        sent = [link.send(("query", (n,)), 5, turn_wait=5) for n in range(2)]
        link.connection_lost(None)
        kinds = []
        for job in sent:
            with pytest.raises(Exception) as caught:
                await job
            kinds.append(caught.type)
        return kinds, told

    assert _run(run()) == ([ConnectionResetError, _RequeueError], ["lost"])
