"""A pool of worker processes that run queries with a real time limit.

Neither pyoxigraph nor rdflib can cancel a running query, so each query runs
in a worker process that holds its own copy of the graph. A query that runs
past the limit has its worker killed (the work really stops) and a fresh
worker started in its place; the server keeps answering meanwhile.
Updates (when enabled) go to every worker and are replayed by new ones.

Each worker holds up to ``PIPELINE`` jobs and runs them in turn; a job queued behind
another gets Busy if its turn does not come within the queue wait, and is sent to
another worker if the one ahead of it runs past the limit (it never ran). A job that
was slow last time, or an update, is never queued behind.

Some workers are reserved for cheap jobs, so that a flood of slow queries
cannot starve a trivial one: a job runs on a reserved worker only when it is
known to be cheap (one of the server's own page jobs, or a job, by name and
arguments, that last finished within ``CHEAP_SECONDS``) and no other worker is
free, and then under the shorter ``RESERVED_LIMIT``, so that a job that was
cheap once but is slow now cannot hold the reserve for long either. A query's
cost is remembered by its shape (``jobs.query_shape``: its text, variables
renamed), so the same query with other variable names is known too.

With ``inline``, the server process holds a copy of the graph too, and a query
whose shape last ran on a worker within ``INLINE_SECONDS`` runs there, without
the hop to a worker, if it cannot make the engine fetch or write: the same work
on the same read-only data takes the same time, so no time limit is needed to
stop it. A shape never seen, or one that ran longer, goes to a worker as before;
so does anything when updates are enabled (the data could change under it).
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
INLINE_SECONDS = 0.01  # a query shape that last ran within this may run inline
_REMEMBERED = 10_000  # job keys whose cost is remembered (the least recent go first)
# Jobs a worker holds at once: while it runs one, the next is already on its socket, so
# it never idles through the round trip to the server process between two jobs.
PIPELINE = 2


class QueryTimeout(errors.ExecutionError):
    """The query ran past the time limit and was stopped."""


class Busy(errors.ExecutionError):
    """Every worker stayed busy for longer than the queue wait limit."""

    def __init__(self, message: str, retry_after: int) -> None:
        super().__init__(message)
        self.retry_after = retry_after


class WorkerCrashed(errors.ExecutionError):
    """The worker died while answering (for example, out of memory)."""


class _RequeueError(Exception):
    """The job never ran: it was queued behind one that ran past the limit or crashed the
    worker, so it goes to another worker."""


class _Pending:
    """One job sent to a worker and not answered yet. Jobs run in the order sent; only
    the first (the head) is running, and only its timer is the time limit."""

    __slots__ = ("exclusive", "future", "timeout", "timer")

    def __init__(self, future: asyncio.Future[Any], timeout: float, exclusive: bool) -> None:
        self.future = future
        self.timeout = timeout
        self.exclusive = exclusive  # no job may be queued behind this one
        self.timer: asyncio.TimerHandle | None = None


class _Link(asyncio.Protocol):
    """The server's end of a worker's socket, in the event loop's thread: sends jobs,
    reads length-framed replies as they arrive and hands each to its job, in order.

    A job sent while others are in flight waits at most ``turn_wait`` seconds for its
    turn; then its caller gets _NoTurnError and its reply, when it comes, is dropped. A head
    job that runs past its limit, or a closed socket, is reported to ``lost``, which must
    kill and replace the worker; the jobs behind the head never ran and get _RequeueError.
    ``replied`` is told when jobs finish (the worker may take more)."""

    def __init__(self, lost: Callable[[], None] = lambda: None,
                 replied: Callable[[], None] = lambda: None) -> None:
        self.transport: asyncio.Transport | None = None
        self.pending: deque[_Pending] = deque()
        self._lost = lost
        self._replied = replied
        self._buffer = bytearray()
        self._early: deque[Any] = deque()  # arrived with no job waiting ("ready")
        self._ready: asyncio.Future[Any] | None = None

    def connection_made(self, transport: asyncio.BaseTransport) -> None:
        self.transport = transport  # type: ignore[assignment]

    def data_received(self, data: bytes) -> None:
        buffer = self._buffer
        buffer += data
        replied = False
        while len(buffer) >= jobs.HEADER.size:
            (size,) = jobs.HEADER.unpack_from(buffer)
            end = jobs.HEADER.size + size
            if len(buffer) < end:
                break
            message = pickle.loads(memoryview(buffer)[jobs.HEADER.size : end])
            del buffer[:end]
            if not self.pending:
                if self._ready is not None and not self._ready.done():
                    self._ready.set_result(message)
                else:
                    self._early.append(message)
                continue
            head = self.pending.popleft()
            if head.timer is not None:
                head.timer.cancel()
            if not head.future.done():  # else: Busy already, or its caller went away
                # (reply, seconds): the worker's own timing of the job, not counting the
                # hop back nor this loop's lag, which grow with load while the work does not
                head.future.set_result(message)
            if self.pending:
                self._start(self.pending[0])
            replied = True
        if replied:
            self._replied()

    def connection_lost(self, exc: Exception | None) -> None:
        self._fail(ConnectionResetError("the worker closed its socket"))
        if self._ready is not None and not self._ready.done():
            self._ready.set_exception(ConnectionResetError("the worker closed its socket"))
        self._lost()

    def _fail(self, error: BaseException) -> None:
        """The head gets ``error``; the jobs behind it never ran."""
        for number, job in enumerate(self.pending):
            if job.timer is not None:
                job.timer.cancel()
            if not job.future.done():
                job.future.set_exception(error if number == 0 else _RequeueError())
        self.pending.clear()

    def _start(self, job: _Pending) -> None:
        """``job`` is the head now: the worker is running it, and its limit runs."""
        if job.timer is not None:  # its turn came within the wait
            job.timer.cancel()
        job.timer = asyncio.get_running_loop().call_later(job.timeout, self._expire)

    def _expire(self) -> None:
        self._fail(TimeoutError())
        self._lost()

    def send(self, message: Any, timeout: float, *, exclusive: bool = False,
             turn_wait: float | None = None) -> asyncio.Future[Any]:
        """Send a job; the future gives (reply, seconds it ran) or raises. With no
        ``turn_wait`` it waits for its turn however long (an update must not be answered
        "busy" while it stays on the worker's socket, to be applied later)."""
        if self.transport is None or self.transport.is_closing():
            raise ConnectionResetError("the worker's socket is closed")
        loop = asyncio.get_running_loop()
        job = _Pending(loop.create_future(), timeout, exclusive)
        self.pending.append(job)
        self.transport.write(jobs.frame(message))
        if len(self.pending) == 1:
            self._start(job)
        elif turn_wait is not None:
            job.timer = loop.call_later(turn_wait, _no_turn, job.future)
        return job.future

    def can_queue(self, depth: int) -> bool:
        """Whether one more job may be sent now, to be run after those in flight."""
        return len(self.pending) < depth and not any(job.exclusive for job in self.pending)

    async def receive(self, timeout: float) -> Any:
        """The next message sent with no job waiting ("ready"), or TimeoutError."""
        if self._early:
            return self._early.popleft()
        loop = asyncio.get_running_loop()
        waiting = self._ready = loop.create_future()
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


class _NoTurnError(Exception):
    """A job queued behind others did not get its turn within the queue wait."""


def _no_turn(waiting: asyncio.Future[Any]) -> None:
    if not waiting.done():
        waiting.set_exception(_NoTurnError())


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
        # The pool's bookkeeping: in an idle queue; taken by a call that has not sent yet;
        # past use (ran past the limit or died), being replaced.
        self.listed = self.claimed = self.lost = False
        self.on_lost: Callable[[], None] = lambda: None
        self.on_reply: Callable[[], None] = lambda: None

    async def wait_ready(self, timeout: float) -> None:
        loop = asyncio.get_running_loop()
        _, self._link = await loop.create_unix_connection(
            lambda: _Link(lambda: self.on_lost(), lambda: self.on_reply()), sock=self.sock
        )
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

    @property
    def free(self) -> bool:
        """Nothing in flight."""
        return self._link is None or not self._link.pending

    def can_queue(self) -> bool:
        return self._link is not None and self._link.can_queue(PIPELINE)

    def send(self, name: str, args: tuple[Any, ...], timeout: float, *,
             exclusive: bool, turn_wait: float | None) -> asyncio.Future[Any]:
        """Send a job at once (OSError if the worker is gone); ``result`` awaits it."""
        assert self._link is not None
        return self._link.send((name, args), timeout, exclusive=exclusive, turn_wait=turn_wait)

    async def result(self, sent: asyncio.Future[Any], timeout: float) -> tuple[Any, float]:
        """A job's value and the seconds it ran. QueryTimeout or WorkerCrashed: this
        worker is gone; _RequeueError: the job never ran; _NoTurnError: it did not start in time."""
        try:
            reply, seconds = await sent
        except TimeoutError:
            raise QueryTimeout(
                f"the query ran past the server's time limit of {timeout:g} s and was stopped"
            ) from None
        except OSError:
            death = await asyncio.get_running_loop().run_in_executor(None, self._death)
            raise WorkerCrashed(f"the worker crashed while answering ({death});"
                                " it is being replaced") from None
        if reply[0] == "ok":
            return reply[1], seconds
        if reply[1] == "MemoryError":
            raise WorkerCrashed(
                "the query was stopped: it needed more memory than the server allows"
            )
        kind = getattr(errors, reply[1], errors.ExecutionError)
        if not (isinstance(kind, type) and issubclass(kind, errors.G60Error)):
            kind = errors.ExecutionError
        raise kind(reply[2])

    def _death(self) -> str:
        # The pool may be reaping it in another thread (its replacement started on the
        # socket's close): then this join finds no child, and the exit code comes from
        # that thread a moment later.
        end = time.monotonic() + 2
        while self.process.exitcode is None and time.monotonic() < end:
            self.process.join(0.05)
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
    """Workers that can take a job, and the calls waiting for one, first come first
    served. A worker with nothing in flight is handed out before one that would run the
    job after those it holds."""

    def __init__(self) -> None:
        self._workers: deque[_Worker] = deque()
        self._waiting: deque[asyncio.Future[_Worker]] = deque()

    def has_free(self) -> bool:
        return any(worker.free and not worker.lost for worker in self._workers)

    def put(self, worker: _Worker) -> None:
        while self._waiting:
            waiting = self._waiting.popleft()
            if not waiting.done():
                worker.listed, worker.claimed = False, True
                waiting.set_result(worker)
                return
        worker.listed, worker.claimed = True, False
        self._workers.append(worker)

    def _take(self) -> _Worker:
        workers = self._workers
        worker = next((w for w in workers if w.free), workers[0])
        workers.remove(worker)
        worker.listed, worker.claimed = False, True
        return worker

    async def get(self, timeout: float) -> _Worker:
        """A worker, or TimeoutError after ``timeout`` seconds."""
        if self._workers:
            return self._take()
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
        inline: bool = False,
    ) -> None:
        self._factory = kg_factory
        self._inline = inline
        self._local: KnowledgeGraph | None = None  # the server process's copy (inline)
        self._quick: OrderedDict[str, None] = OrderedDict()  # shapes that may run inline
        self.inline_runs = 0
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
        self._stopping = False

    async def _blocking(self, func: Callable[..., Any], *args: Any) -> Any:
        loop = asyncio.get_running_loop()
        return await loop.run_in_executor(self._threads, functools.partial(func, *args))

    async def start(self) -> None:
        # Workers are not daemons, so make sure none outlives the server process.
        atexit.register(self._kill_all)
        general = self._size - self.reserved
        started = await asyncio.gather(*(self._spawn(i >= general) for i in range(self._size)))
        for worker in started:
            self._offer(worker)
        if self._inline:
            local: KnowledgeGraph = await self._blocking(self._factory)
            if local.backend.name in ("oxigraph", "disk"):  # pyoxigraph: fetches only for
                self._local = local                          # SERVICE (see query_shape)

    async def stop(self) -> None:
        self._stopping = True
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
        worker.on_lost = functools.partial(self._replace, worker)
        worker.on_reply = functools.partial(self._offer, worker)
        return worker

    def _replace(self, worker: _Worker) -> None:
        """Kill a worker and start a fresh one in the background (once per worker)."""
        if worker.lost or self._stopping:
            return
        worker.lost = True
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
                self._offer(fresh)
                return

        task = asyncio.get_running_loop().create_task(renew())
        self._tasks.add(task)
        task.add_done_callback(self._tasks.discard)

    async def run(self, name: str, *args: Any, timeout: float | None = None,
                  shape: jobs.Shape | None = None) -> Any:
        """``shape``: the key the job's cost is remembered by, and whether it may run
        inline (``jobs.query_shape``); by default its name and arguments, never inline."""
        key, may_inline, tokens = shape or (repr((name, args)), False, None)
        if may_inline and self._local is not None and key in self._quick:
            return self._run_inline(name, args, key, tokens)
        cheap = self._cheap.get(key, name in _CHEAP_JOBS)
        reserve = cheap and self.reserved > 0 and not self._idle.has_free()
        limit = min(timeout or self.timeout, RESERVED_LIMIT) if reserve else timeout or self.timeout
        return await self._on_worker(name, args, limit, key=key, reserve=reserve,
                                     quick=may_inline)

    def _run_inline(self, name: str, args: tuple[Any, ...], key: str,
                    tokens: tuple[Any, ...] | None) -> Any:
        """The job in this process (with the tokens its shape read), its errors as a
        worker reports them."""
        self._quick.move_to_end(key)
        start = time.monotonic()
        try:
            result = jobs.JOBS[name](self._local, *args, tokens=tokens)
        except errors.G60Error:
            raise
        except Exception as err:  # a bug or a store failure, as the worker words it
            raise errors.ExecutionError(f"query failed: {type(err).__name__}: {err}") from None
        finally:
            if time.monotonic() - start > 4 * INLINE_SECONDS:  # slower now: to the workers
                self._quick.pop(key, None)
        self.inline_runs += 1
        return result

    async def _on_worker(self, name: str, args: tuple[Any, ...], timeout: float,
                         record: str | None = None, key: str | None = None,
                         reserve: bool = False, quick: bool = False) -> Any:
        """Run one job on a worker (a reserved one if ``reserve``), after the updates it
        has not applied yet. With ``key``, remember whether the job was cheap (one that
        was not is not pipelined: no job is sent to its worker until it is done) and, with
        ``quick``, whether it may run inline next time."""
        exclusive = record is not None or (key is not None and self._cheap.get(key) is False)
        while True:
            worker = await self._next_idle(self._reserve if reserve else self._idle)
            if worker.lost or not worker.process.is_alive():  # died while idle (OOM, kill -9)
                worker.claimed = False
                if not worker.lost:
                    log.warning("a query worker died while idle; replacing it")
                    self._replace(worker)
                continue
            try:  # no await from taking the worker to sending: no update can slip between
                updates = []
                while worker.applied < len(self._updates):
                    text = self._updates[worker.applied]
                    updates.append(worker.send("update", (text,), self.timeout,
                                               exclusive=True, turn_wait=None))
                    worker.applied += 1
                sent = worker.send(name, args, timeout, exclusive=exclusive,
                                   turn_wait=None if record is not None else self.queue_wait)
            except OSError:  # its socket closed: it is being replaced
                worker.claimed = False
                continue
            worker.claimed = False
            self._offer(worker)  # it may take the next job, run after this one
            try:
                for update in updates:
                    await worker.result(update, self.timeout)
                result, seconds = await worker.result(sent, timeout)
            except _RequeueError:  # queued behind a job that failed the worker: never ran
                continue
            except _NoTurnError:
                raise self._busy() from None
            except (QueryTimeout, WorkerCrashed):
                self._remember(key, False)
                self._replace(worker)  # done already where the worker's socket closed
                raise
            self._remember(key, seconds <= CHEAP_SECONDS)
            if quick and key is not None and seconds <= INLINE_SECONDS:
                self._quick[key] = None
                if len(self._quick) > _REMEMBERED:
                    self._quick.popitem(last=False)
            if record is not None:  # an update that succeeded: the others catch up later
                self._updates.append(record)
                worker.applied = len(self._updates)
            return result

    def _offer(self, worker: _Worker) -> None:
        """List a worker as able to take a job, if it is."""
        if worker.listed or worker.claimed or worker.lost or not worker.can_queue():
            return
        (self._reserve if worker.reserved else self._idle).put(worker)

    def _remember(self, key: str | None, cheap: bool) -> None:
        if key is None:
            return
        self._cheap[key] = cheap
        self._cheap.move_to_end(key)
        if len(self._cheap) > _REMEMBERED:
            self._cheap.popitem(last=False)

    def _busy(self) -> Busy:
        return Busy(
            f"every query worker stayed busy for {self.queue_wait:g} s; try again later",
            retry_after=max(1, round(min(self.timeout, 60))),
        )

    async def _next_idle(self, idle: _Idle) -> _Worker:
        """A worker that can take a job, waiting at most ``queue_wait`` seconds (then
        Busy: 503)."""
        try:
            return await idle.get(self.queue_wait)
        except TimeoutError:
            raise self._busy() from None

    async def update(self, text: str) -> int:
        """Apply an update on one worker; if it succeeds, every other worker follows."""
        self._quick.clear()  # not used with updates (see inline), but never stale
        async with self._update_lock:
            triples: int = await self._on_worker("update", (text,), self.timeout, record=text)
            return triples
