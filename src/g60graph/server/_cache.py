"""Answers kept in the server process, so a repeated query needs no worker.

The graph only changes by an update through this server, so an answer stays
right until the next update, which clears the cache. A key is everything the
answer depends on: the query text (or the named query and its parameters), the
base IRI, the protocol's dataset and the format. The worker says whether an
answer may be kept (not when the query calls RAND(), NOW(), UUID(), STRUUID()
or BNODE(), whose values differ on every run). Not used with ``--endpoint``:
a remote store changes without telling us.
"""

from __future__ import annotations

from collections import OrderedDict
from collections.abc import Hashable
from dataclasses import dataclass

__all__ = [
    "CACHE_HEADER",
    "AnswerCache",
    "Kept",
]

CACHE_HEADER = "X-G60-Cache"  # "hit" for a kept answer, "miss" for one just computed


@dataclass(frozen=True)
class Kept:
    body: bytes
    media_type: str
    truncated: bool


class AnswerCache:
    """A least-recently-used map from request keys to answers, at most ``max_bytes`` of
    bodies in all; one answer may take at most an eighth of it."""

    def __init__(self, max_bytes: int) -> None:
        self.max_bytes = max_bytes
        self._entries: OrderedDict[Hashable, Kept] = OrderedDict()
        self._bytes = 0
        self.generation = 0  # bumped by clear(): an answer computed before it is not kept

    def get(self, key: Hashable) -> Kept | None:
        kept = self._entries.get(key)
        if kept is not None:
            self._entries.move_to_end(key)
        return kept

    def put(self, key: Hashable, kept: Kept, generation: int) -> None:
        size = len(kept.body)
        if generation != self.generation or size > self.max_bytes // 8:
            return
        old = self._entries.pop(key, None)
        if old is not None:
            self._bytes -= len(old.body)
        self._entries[key] = kept
        self._bytes += size
        while self._bytes > self.max_bytes:
            _, dropped = self._entries.popitem(last=False)
            self._bytes -= len(dropped.body)

    def clear(self) -> None:
        self._entries.clear()
        self._bytes = 0
        self.generation += 1

    def __len__(self) -> int:
        return len(self._entries)
