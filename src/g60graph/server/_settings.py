"""Server settings: one frozen record, filled by ``g60graph serve``."""

from __future__ import annotations

from dataclasses import dataclass

__all__ = [
    "DEFAULT_BASE_IRI",
    "Settings",
]

DEFAULT_BASE_IRI = "https://w3id.org/g60graph/"
MIN_TOKEN_LENGTH = 16


@dataclass(frozen=True)
class Settings:
    """What a server may do and how much; the defaults are the safe ones."""

    timeout: float = 30.0  # seconds per query, enforced by killing the worker
    max_rows: int = 10_000  # rows (or triples) per answer; more sets X-G60-Truncated
    workers: int = 2  # query worker processes, each holding the graph (per HTTP process)
    processes: int = 1  # HTTP processes sharing the listening socket (read-only data only)
    base_iri: str = DEFAULT_BASE_IRI  # the IRI space served under /id/ and /def
    enable_updates: bool = False
    update_token: str | None = None  # from G60GRAPH_UPDATE_TOKEN, never the command line
    max_request_bytes: int = 512 * 1024  # request bodies above this get 413
    startup_timeout: float = 300.0  # loading the graph in a worker (reasoning can be slow)
    worker_memory_mb: int | None = 2048  # data-memory cap per worker; None: no cap
    isolate_workers: bool = True  # workers drop their network (False: they query --endpoint)
    allow_network: bool = False  # serve even where the OS cannot take the network away
    queue_wait: float = 10.0  # seconds a request may wait for a free worker (then 503)
    reserved_workers: int = 1  # of --workers, kept for cheap queries (none with one worker)
    request_timeout: float = 20.0  # seconds to receive a whole request, headers and body
    max_connections: int = 512  # open connections; more are closed at once
    max_answer_bytes: int = 64 * 1024 * 1024  # a larger serialised answer is a 503
    answer_cache_mb: int = 32  # answers kept for repeated queries, cleared by updates; 0: none
    inline_queries: bool = True  # known-quick read-only queries skip the worker (no updates)

    def __post_init__(self) -> None:
        from g60graph._errors import InputError

        if self.enable_updates and not self.update_token:
            raise InputError("--enable-updates needs a token in G60GRAPH_UPDATE_TOKEN")
        if self.enable_updates and len(self.update_token or "") < MIN_TOKEN_LENGTH:
            raise InputError(
                f"G60GRAPH_UPDATE_TOKEN must be at least {MIN_TOKEN_LENGTH} characters"
                " (for example: python -c 'import secrets; print(secrets.token_urlsafe())')"
            )
        if self.enable_updates and self.processes > 1:
            # each process has its own workers and cache: an update would reach one of them
            raise InputError(f"--processes {self.processes} cannot be used with --enable-updates"
                             " (an update would change one process's data only); use --processes 1")
        if not self.base_iri.endswith("/"):
            object.__setattr__(self, "base_iri", self.base_iri + "/")

    @property
    def id_base(self) -> str:
        return self.base_iri + "id/"

    @property
    def def_base(self) -> str:
        return self.base_iri + "def"
