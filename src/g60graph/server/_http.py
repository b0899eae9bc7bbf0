"""uvicorn's HTTP/1.1 protocol (httptools) with a deadline per request and a connection limit.

uvicorn has no header or body read timeout: a client that sends its request a
byte at a time holds a socket (and a file descriptor) forever, and enough of
them (slowloris) stop the server. Here every request must arrive whole, headers
and body, within ``request_timeout`` seconds of its first byte (or of the
connection, or of the previous answer); a slower one is dropped. Connections
past ``max_connections`` are closed at once, so the server keeps descriptors
for its own work. Behind a reverse proxy (nginx, Caddy) the proxy buffers
requests and these limits rarely bite; see docs/server.md.

The parser is httptools (llhttp, in C): h11, in pure Python, cost about half
of the server's time per small query.
"""

from __future__ import annotations

import asyncio

from uvicorn.protocols.http.httptools_impl import HttpToolsProtocol

__all__ = ["guarded_protocol"]


def guarded_protocol(request_timeout: float, max_connections: int) -> type[asyncio.Protocol]:
    """An HttpToolsProtocol class with these limits, to pass as ``uvicorn.Config(http=...)``."""

    class Guarded(HttpToolsProtocol):
        _deadline: asyncio.TimerHandle | None = None
        _answering = False  # a whole request is in and its answer is not yet sent

        def connection_made(self, transport: asyncio.Transport) -> None:  # type: ignore[override]
            super().connection_made(transport)
            if len(self.connections) > max_connections:
                transport.close()
                return
            self._arm()

        def data_received(self, data: bytes) -> None:
            self._arm()
            super().data_received(data)

        def on_message_complete(self) -> None:
            super().on_message_complete()
            self._answering = True
            self._disarm()  # the request is in: the query's own time limit applies now

        def on_response_complete(self) -> None:
            self._answering = bool(self.pipeline)  # a pipelined request is answered next
            super().on_response_complete()
            self._disarm()  # uvicorn's keep-alive timer covers the idle wait that follows

        def connection_lost(self, exc: Exception | None) -> None:
            self._disarm()
            super().connection_lost(exc)

        def _arm(self) -> None:
            if self._deadline is None and not self._answering:
                self._deadline = self.loop.call_later(request_timeout, self._too_slow)

        def _disarm(self) -> None:
            if self._deadline is not None:
                self._deadline.cancel()
                self._deadline = None

        def _too_slow(self) -> None:
            self._deadline = None
            if not self.transport.is_closing():
                self.transport.close()

    return Guarded
