"""A throwaway Virtuoso server on loopback, for the remote-store tests.

Debian's ``virtuoso-opensource`` provides ``virtuoso-t``; scripts/test.sh
installs it on CI, and :func:`ensure_installed` installs it here when missing
(as root, through apt-get), so these tests never skip. The database lives in a
temporary folder, both ports are free loopback ports, and readiness is a
real condition (``/sparql`` answers a query), polled with a deadline.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import socket
import subprocess
import time
import urllib.error
import urllib.parse
import urllib.request
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

BINARY = "virtuoso-t"
USER, PASSWORD = "dba", "dba"  # a fresh database's administrator, on loopback only

_INI = """\
[Database]
DatabaseFile = {db}/virtuoso.db
ErrorLogFile = {db}/virtuoso.log
LockFile = {db}/virtuoso.lck
TransactionFile = {db}/virtuoso.trx
xa_persistent_file = {db}/virtuoso.pxa
ErrorLogLevel = 7
FileExtend = 200
MaxCheckpointRemap = 2000
Striping = 0
TempStorage = TempDatabase

[TempDatabase]
DatabaseFile = {db}/virtuoso-temp.db
TransactionFile = {db}/virtuoso-temp.trx
MaxCheckpointRemap = 2000
Striping = 0

[Parameters]
ServerPort = 127.0.0.1:{sql_port}
LiteMode = 0
DisableUnixSocket = 1
DisableTcpSocket = 0
MaxClientConnections = 10
CheckpointInterval = 60
O_DIRECT = 0
CaseMode = 2
MaxStaticCursorRows = 5000
CheckpointAuditTrail = 0
AllowOSCalls = 0
SchedulerInterval = 10
DirsAllowed = ., {db}
ThreadCleanupInterval = 0
ThreadThreshold = 10
ResourcesCleanupInterval = 0
FreeTextBatchSize = 100000
SingleCPU = 0
PrefixResultNames = 0
RdfFreeTextRulesSize = 100
IndexTreeMaps = 64
MaxQueryMem = 2G
VectorSize = 1000
MaxVectorSize = 1000000
AdjustVectorSize = 0
ThreadsPerQuery = 2
AsyncQueueMaxThreads = 10
NumberOfBuffers = {buffers}
MaxDirtyBuffers = {dirty}

[HTTPServer]
ServerPort = 127.0.0.1:{http_port}
ServerRoot = {db}
MaxClientConnections = 10
DavRoot = DAV
EnabledDavVSP = 0
HTTPProxyEnabled = 0
TempASPXDir = 0
ServerThreads = 10
MaxKeepAlives = 10
KeepAliveTimeout = 10
MaxCachedProxyConnections = 10
ProxyConnectionCacheTimeout = 15
HTTPThreadSize = 280000
HttpPrintWarningsInOutput = 0
Charset = UTF-8
EnabledGzipContent = 0

[Client]
SQL_PREFETCH_ROWS = 100
SQL_PREFETCH_BYTES = 16000
SQL_QUERY_TIMEOUT = 0
SQL_TXN_TIMEOUT = 0

[SPARQL]
ResultSetMaxRows = 10000000
; a FROM per source graph (about 150) inflates the estimate of a few named queries
; far above their real time; MaxQueryExecutionTime still stops a slow one
MaxQueryCostEstimationTime = 100000
MaxQueryExecutionTime = 600
"""


@dataclass
class Virtuoso:
    """A running server: its endpoints, credentials and process."""

    http_port: int
    sql_port: int
    directory: Path
    process: subprocess.Popen[bytes]

    @property
    def base(self) -> str:
        return f"http://127.0.0.1:{self.http_port}"

    @property
    def sparql(self) -> str:
        """Anonymous, read-only SPARQL endpoint."""
        return f"{self.base}/sparql"

    @property
    def sparql_auth(self) -> str:
        """Authenticated (digest) endpoint that accepts SPARQL Update."""
        return f"{self.base}/sparql-auth"

    @property
    def graph_store(self) -> str:
        """Authenticated (digest) SPARQL 1.1 Graph Store Protocol endpoint."""
        return f"{self.base}/sparql-graph-crud-auth"

    def env(self) -> dict[str, str]:
        """Environment that gives g60graph the server's credentials."""
        return {"G60GRAPH_USER": USER, "G60GRAPH_PASSWORD": PASSWORD, "G60GRAPH_AUTH": "digest"}

    def stop(self) -> None:
        if self.process.poll() is None:
            self.process.terminate()
            try:
                self.process.wait(timeout=60)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=30)


def ensure_installed() -> str:
    """The path of virtuoso-t, installing Debian's package if it is missing."""
    found = shutil.which(BINARY)
    if found:
        return found
    if os.geteuid() != 0:
        raise RuntimeError("virtuoso-t is missing; run scripts/test.sh (installs it) or as root")
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    subprocess.run(["apt-get", "update", "-qq"], check=True, env=env, timeout=600)
    subprocess.run(
        ["apt-get", "install", "-y", "-qq", "--no-install-recommends", "virtuoso-opensource"],
        check=True, env=env, timeout=900,
    )
    found = shutil.which(BINARY)
    if not found:
        raise RuntimeError("virtuoso-opensource installed but virtuoso-t is not on PATH")
    return found


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        return int(sock.getsockname()[1])


def _answers(url: str) -> bool:
    query = urllib.parse.urlencode(
        {"query": "ASK { }", "format": "application/sparql-results+json"}
    )
    try:
        with urllib.request.urlopen(f"{url}?{query}", timeout=5) as response:
            return response.status == 200 and b"boolean" in response.read()
    except (urllib.error.URLError, ConnectionError, TimeoutError, OSError):
        return False


def start(directory: Path, *, memory_mb: int = 400, deadline: float = 120.0) -> Virtuoso:
    """Start virtuoso-t on free loopback ports with its database in ``directory``."""
    binary = ensure_installed()
    directory.mkdir(parents=True, exist_ok=True)
    buffers = max(memory_mb * 1024 * 1024 // 8700 * 2 // 3, 2000)
    sql_port, http_port = free_port(), free_port()
    ini = directory / "virtuoso.ini"
    ini.write_text(
        _INI.format(
            db=directory, sql_port=sql_port, http_port=http_port,
            buffers=buffers, dirty=buffers * 3 // 4,
        ),
        encoding="utf-8",
    )
    with (directory / "stdout.log").open("wb") as log:  # the child keeps its own copy
        process = subprocess.Popen(
            [binary, "-f", "+configfile", str(ini)],
            cwd=directory, stdout=log, stderr=subprocess.STDOUT, stdin=subprocess.DEVNULL,
        )
    server = Virtuoso(http_port, sql_port, directory, process)
    until = time.monotonic() + deadline
    while not _answers(server.sparql):
        if process.poll() is not None:
            raise RuntimeError(f"virtuoso-t exited ({process.returncode}): {_tail(directory)}")
        if time.monotonic() > until:
            server.stop()
            raise RuntimeError(f"virtuoso-t not ready after {deadline:.0f}s: {_tail(directory)}")
        with contextlib.suppress(subprocess.TimeoutExpired):
            process.wait(timeout=0.2)  # wakes early if the server dies
    return server


def _tail(directory: Path) -> str:
    log = directory / "virtuoso.log"
    text = log.read_text(encoding="utf-8", errors="replace") if log.exists() else ""
    return " | ".join(text.strip().splitlines()[-5:])


@contextlib.contextmanager
def running(directory: Path, **options: float) -> Iterator[Virtuoso]:
    server = start(directory, **options)  # type: ignore[arg-type]
    try:
        yield server
    finally:
        server.stop()
