"""A pool of worker processes that run queries with a real time limit.

Neither pyoxigraph nor rdflib can cancel a running query, so each query runs
in a worker process that holds its own copy of the graph. A query that runs
past the limit has its worker killed (the work really stops) and a fresh
worker started in its place; the server keeps answering meanwhile.
Updates (when enabled) go to every worker and are replayed by new ones.

Some workers are reserved for cheap jobs, so that a flood of slow queries
cannot starve a trivial one: a job runs on a reserved worker only when it is
known to be cheap (one of the server's own page jobs, or a job, by name and
arguments, that last finished within ``CHEAP_SECONDS``) and no other worker is
free, and then under the shorter ``RESERVED_LIMIT``, so that a job that was
cheap once but is slow now cannot hold the reserve for long either.
"""

from __future__ import annotations

import asyncio
import atexit
import contextlib
import functools
import logging
import multiprocessing
import os
import pickle
import signal
import socket
import time
from collections import OrderedDict, deque
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from multiprocessing.process import BaseProcess
from typing import Any

from g60graph import _errors as errors
from g60graph._knowledge_graph import KnowledgeGraph
from g60graph.server import _jobs as jobs

__all__ = [
    "Executor",
    "QueryTimeout",
    "WorkerCrashed",
    "log",
]

log = logging.getLogger("g60graph.server")

CHEAP_SECONDS = 0.5  # a job that last finished within this is cheap
RESERVED_LIMIT = 5.0  # seconds a job may run on a reserved worker
# The server's own jobs for pages and the query page: their cost is bounded by a page.
_CHEAP_JOBS = frozenset(
    {"info", "labels", "resource", "resource_rdf", "ontology", "ontology_rdf", "void",
     "vocabulary", "entities", "bound_text"}
)
_REMEMBERED = 10_000  # job keys whose cost is remembered (the least recent go first)


class QueryTimeout(errors.ExecutionError):
    """The query ran past the time limit and was stopped."""


class Busy(errors.ExecutionError):
    """Every worker stayed busy for longer than the queue wait limit."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerCrashed(errors.ExecutionError):
    """The worker died while answering (for example, out of memory)."""


class _Link(asyncio.Protocol):
    """The server's end of a worker's socket: reads length-framed replies as they arrive
    and hands each to the call waiting for it (one at a time), in the event loop's thread."""

    def __init__(self) -> None:
        self.transport: asyncio.Transport | None = None
        self.waiting: asyncio.Future[Any] | None = None
        self._buffer = bytearray()
        self._early: deque[Any] = deque()  # arrived before anyone waited ("ready", at once)

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        while len(buffer) >= jobs.HEADER.size:
            (size,) = jobs.HEADER.unpack_from(buffer)
            end = jobs.HEADER.size + size
            if len(buffer) < end:
                return
            message = pickle.loads(memoryview(buffer)[jobs.HEADER.size : end])
            del buffer[:end]
            waiting, self.waiting = self.waiting, None
            if waiting is None:
                self._early.append(message)
            elif not waiting.done():
                waiting.set_result(message)

    def connection_lost(self, exc: Exception | None) -> None:
        waiting, self.waiting = self.waiting, None
        if waiting is not None and not waiting.done():
            waiting.set_exception(ConnectionResetError("the worker closed its socket"))

    async def receive(self, timeout: float) -> Any:
        """The next message, or TimeoutError after ``timeout`` seconds."""
        if self._early:
            return self._early.popleft()
        loop = asyncio.get_running_loop()
        waiting = self.waiting = loop.create_future()
        if self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("the worker's socket is closed")
        timer = loop.call_later(timeout, _expire, waiting)
        try:
            return await waiting
        finally:
            timer.cancel()


def _expire(waiting: asyncio.Future[Any]) -> None:
    if not waiting.done():
        waiting.set_exception(TimeoutError())


class _Worker:
    """One worker process and the asyncio link to it (no thread waits on it)."""

    def __init__(
        self,
        kg_factory: Callable[[], KnowledgeGraph],
        updates: list[str],
        memory_mb: int | None,
        network: tuple[bool, bool] = (True, False),
        reserved: bool = False,
    ) -> None:
        self.reserved = reserved  # kept for cheap jobs
        ctx = multiprocessing.get_context("spawn")
        parent, child = ctx.Pipe()  # a socket pair; the child frames messages itself
        self.process: BaseProcess = ctx.Process(
            target=jobs.worker_main,
            args=(child, kg_factory, list(updates), memory_mb, *network),
            daemon=False,  # a worker may start children itself (bounded --infer does)
        )
        self.process.start()
        child.close()
        self.sock = socket.socket(fileno=os.dup(parent.fileno()))
        parent.close()
        self.sock.setblocking(False)
        self.applied = len(updates)
        self.memory_mb = memory_mb
        self._link: _Link | None = None

    async def wait_ready(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        _, self._link = await loop.create_unix_connection(_Link, sock=self.sock)
        try:
            message = await self._link.receive(timeout)
        except TimeoutError:
            self.kill()
            self.process.join(5)  # killed: it exits at once
            raise errors.ExecutionError(
                f"a query worker did not load the graph in {timeout} s") from None
        except OSError:
            raise errors.ExecutionError("a query worker died while loading the graph") from None
        if message[0] == "error" and message[1] == "IsolationError":
            raise errors.ExecutionError(message[2])
        if message[0] != "ready":
            raise errors.ExecutionError(f"a query worker could not load the graph: {message[2]}")

    async def call(self, name: str, args: tuple[Any, ...], timeout: float) -> Any:
        """Run a job; QueryTimeout or WorkerCrashed leave this worker unusable."""
        link = self._link
        assert link is not None and link.transport is not None
        try:
            link.transport.write(jobs.frame((name, args)))
            reply = await link.receive(timeout)
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran past the server's time limit of {timeout:g} s and was stopped"
            ) from None
        except OSError:
            death = await asyncio.get_running_loop().run_in_executor(None, self._death)
            raise WorkerCrashed(f"the worker crashed while answering ({death});"
                                " it is being replaced") from None
        if reply[0] == "ok":
            return reply[1]
        if reply[1] == "MemoryError":
            raise WorkerCrashed(
                "the query was stopped: it needed more memory than the server allows"
            )
        kind = getattr(errors, reply[1], errors.ExecutionError)
        if not (isinstance(kind, type) and issubclass(kind, errors.G60Error)):
            kind = errors.ExecutionError
        raise kind(reply[2])

    def _death(self) -> str:
        self.process.join(2)
        code = self.process.exitcode
        if code is None:
            return "it stopped answering"
        if code >= 0:
            return f"exit status {code}"
        if -code in (signal.SIGABRT, signal.SIGKILL) and self.memory_mb:
            # Rust aborts when an allocation fails under the cap; the OOM killer sends KILL
            return f"killed by signal {-code}, as when a query needs more than the"\
                   f" {self.memory_mb} MB memory cap"
        return f"killed by signal {-code}"

    def kill(self) -> None:
        """Stop the process at once and close the socket (in the event loop's thread);
        ``process.join`` then reaps it."""
        self.process.kill()
        if self._link is not None and self._link.transport is not None:
            self._link.transport.close()
        else:
            self.sock.close()


class _Idle:
    """Idle workers, and the calls waiting for one, first come first served."""

    def __init__(self) -> None:
        self._workers: deque[_Worker] = deque()
        self._waiting: deque[asyncio.Future[_Worker]] = deque()

    def empty(self) -> bool:
        return not self._workers

    def put(self, worker: _Worker) -> None:
        while self._waiting:
            waiting = self._waiting.popleft()
            if not waiting.done():
                waiting.set_result(worker)
                return
        self._workers.append(worker)

    async def get(self, timeout: float) -> _Worker:
        """An idle worker, or TimeoutError after ``timeout`` seconds."""
        if self._workers:
            return self._workers.popleft()
        loop = asyncio.get_running_loop()
        waiting: asyncio.Future[_Worker] = loop.create_future()
        self._waiting.append(waiting)
        timer = loop.call_later(timeout, _expire, waiting)
        try:
            return await waiting
        except BaseException:  # timed out, or the call was cancelled
            with contextlib.suppress(ValueError):
                self._waiting.remove(waiting)
            if waiting.done() and not waiting.cancelled() and waiting.exception() is None:
                self.put(waiting.result())  # handed a worker just as the call was cancelled
            raise
        finally:
            timer.cancel()


class Executor:
    """``await executor.run(job, *args)`` runs a job in a free worker, within the limit."""

    def __init__(
        self,
        kg_factory: Callable[[], KnowledgeGraph],
        workers: int = 2,
        timeout: float = 30.0,
        startup_timeout: float = 300.0,
        memory_mb: int | None = None,
        *,
        isolate: bool = True,
        allow_network: bool = False,
        queue_wait: float = 10.0,
        reserved: int = 1,
    ) -> None:
        self._factory = kg_factory
        self.queue_wait = queue_wait
        self._network = (isolate, allow_network)
        self._memory_mb = memory_mb
        self._size = max(1, workers)
        self.reserved = min(max(0, reserved), self._size - 1)
        self.timeout = timeout
        self._startup_timeout = startup_timeout
        self._idle = _Idle()
        self._reserve = _Idle()  # idle reserved workers
        self._cheap: OrderedDict[str, bool] = OrderedDict()  # job key -> last run was cheap
        self._all: set[_Worker] = set()
        self._updates: list[str] = []
        self._update_lock = asyncio.Lock()
        self._tasks: set[asyncio.Task[None]] = set()
        # Starting and killing workers blocks (spawn, join): that happens in threads.
        self._threads = ThreadPoolExecutor(self._size * 2 + 2, thread_name_prefix="g60-wait")
        self.restarts = 0

    async def _blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, functools.partial(func, *args))

    async def start(self) -> None:
        # Workers are not daemons, so make sure none outlives the server process.
        atexit.register(self._kill_all)
        general = self._size - self.reserved
        started = await asyncio.gather(*(self._spawn(i >= general) for i in range(self._size)))
        for worker in started:
            self._release(worker)

    async def stop(self) -> None:
        for task in self._tasks:
            task.cancel()
        for worker in list(self._all):
            worker.kill()
            await self._blocking(worker.process.join, 5)
        self._all.clear()
        self._threads.shutdown(wait=False, cancel_futures=True)
        atexit.unregister(self._kill_all)

    def _kill_all(self) -> None:  # at exit, the event loop may be gone: processes only
        for worker in list(self._all):
            worker.process.kill()
            worker.process.join(5)
        self._all.clear()

    async def _spawn(self, reserved: bool = False) -> _Worker:
        worker: _Worker = await self._blocking(
            _Worker, self._factory, self._updates, self._memory_mb, self._network, reserved
        )
        self._all.add(worker)
        try:
            await worker.wait_ready(self._startup_timeout)
        except BaseException:
            self._all.discard(worker)
            raise
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start a fresh one in the background."""
        self._all.discard(worker)
        self.restarts += 1

        async def renew() -> None:
            worker.kill()
            await self._blocking(worker.process.join, 5)
            while True:
                try:
                    fresh = await self._spawn(worker.reserved)
                except errors.ExecutionError as err:  # keep trying: the pool must not shrink
                    log.error("restarting a query worker failed: %s", err)
                    await asyncio.sleep(1)
                    continue
                self._release(fresh)
                return

        task = asyncio.get_running_loop().create_task(renew())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, name: str, *args: Any, timeout: float | None = None) -> Any:
        key = repr((name, args))
        cheap = self._cheap.get(key, name in _CHEAP_JOBS)
        reserve = cheap and self.reserved > 0 and self._idle.empty()
        limit = min(timeout or self.timeout, RESERVED_LIMIT) if reserve else timeout or self.timeout
        return await self._on_worker(name, args, limit, key=key, reserve=reserve)

    async def _on_worker(self, name: str, args: tuple[Any, ...], timeout: float,
                         record: str | None = None, key: str | None = None,
                         reserve: bool = False) -> Any:
        """Borrow an idle worker (a reserved one if ``reserve``) for one call; a worker
        whose state is unknown afterwards (timed out, crashed, cancelled) is replaced
        instead of returned. With ``key``, remember whether the call was cheap."""
        queue = self._reserve if reserve else self._idle
        worker = await self._next_idle(queue)
        while not worker.process.is_alive():  # died while idle (OOM killer, kill -9)
            log.warning("a query worker died while idle; replacing it")
            self._replace(worker)
            worker = await self._next_idle(queue)
        try:
            if worker.applied < len(self._updates):
                await self._catch_up(worker)
            start = time.monotonic()
            result = await worker.call(name, args, timeout)
        except (QueryTimeout, WorkerCrashed):
            self._remember(key, False)
            self._replace(worker)
            raise
        except errors.G60Error:
            self._release(worker)
            raise
        except BaseException:  # cancelled mid-call
            self._replace(worker)
            raise
        self._remember(key, time.monotonic() - start <= CHEAP_SECONDS)
        if record is not None:  # an update that succeeded: the others catch up later
            self._updates.append(record)
            worker.applied = len(self._updates)
        self._release(worker)
        return result

    def _release(self, worker: _Worker) -> None:
        (self._reserve if worker.reserved else self._idle).put(worker)

    def _remember(self, key: str | None, cheap: bool) -> None:
        if key is None:
            return
        self._cheap[key] = cheap
        self._cheap.move_to_end(key)
        if len(self._cheap) > _REMEMBERED:
            self._cheap.popitem(last=False)

    async def _next_idle(self, idle: _Idle) -> _Worker:
        """An idle worker, waiting at most ``queue_wait`` seconds (then Busy: 503)."""
        try:
            return await idle.get(self.queue_wait)
        except TimeoutError:
            raise Busy(
                f"every query worker stayed busy for {self.queue_wait:g} s; try again later",
                retry_after=max(1, round(min(self.timeout, 60))),
            ) from None

    async def _catch_up(self, worker: _Worker) -> None:
        while worker.applied < len(self._updates):
            text = self._updates[worker.applied]
            await worker.call("update", (text,), self.timeout)
            worker.applied += 1

    async def update(self, text: str) -> int:
        """Apply an update on one worker; if it succeeds, every other worker follows."""
        async with self._update_lock:
            triples: int = await self._on_worker("update", (text,), self.timeout, record=text)
            return triples
