"""No network for the processes that run queries from anyone.

The safety check (``g60graph.sparql._safety``) refuses every spelling of
SERVICE, LOAD and FROM <url> it knows; this is the second line, for a spelling
it does not. A process that calls :func:`drop_network` moves into a network
namespace of its own (Linux ``unshare(CLONE_NEWUSER | CLONE_NEWNET)``, no root
needed) holding one loopback interface that is down: every connect fails with
"Network is unreachable", from Python's sockets and from pyoxigraph's Rust
HTTP client alike. Files stay readable as before: the process keeps its own
user and group ids inside the new user namespace.

The query workers of ``g60graph serve`` drop their network before they load
the graph; so does the ``g60graph`` command, unless it was asked to reach the
network (``--endpoint``, ``--allow-service``, ``link``, ``publish``, ...).
Where the OS cannot do this (not Linux, user namespaces disabled, a seccomp
policy), :func:`drop_network` raises ``IsolationError``: the server, which asks
:func:`isolation_problem` before it serves, refuses to start in one line unless
``--i-understand-network-access`` is given, and the command goes on with the
safety check alone.

:func:`die_with_parent` is the other half of containment: a process that must not
outlive the one that started it (a worker holding a runaway query, a second HTTP
process of the server).
"""

from __future__ import annotations

import ctypes
import os
from collections.abc import Callable
from pathlib import Path

from g60graph._errors import G60Error

__all__ = [
    "IsolationError",
    "die_with_parent",
    "drop_network",
    "isolation_problem",
    "never_load_graphs",
    "try_in_child",
]

_CLONE_NEWUSER = 0x10000000
_CLONE_NEWNET = 0x40000000
_PR_SET_PDEATHSIG = 1


class IsolationError(G60Error):
    """This OS cannot take the network away from a process."""


def drop_network() -> None:
    """Leave the network for good: this process (and its children) can reach no host."""
    uid, gid = os.getuid(), os.getgid()
    unshare = getattr(os, "unshare", None)  # Python 3.12+
    try:
        if unshare is not None:
            unshare(_CLONE_NEWUSER | _CLONE_NEWNET)
        else:
            libc = ctypes.CDLL(None, use_errno=True)
            if libc.unshare(_CLONE_NEWUSER | _CLONE_NEWNET) != 0:
                errno = ctypes.get_errno()
                raise OSError(errno, os.strerror(errno))
    except (OSError, AttributeError) as err:
        raise IsolationError(
            f"cannot run queries without network access on this system"
            f" (unshare(CLONE_NEWUSER|CLONE_NEWNET) failed: {err})"
        ) from None
    # Map our own ids into the new user namespace, so files we create (temporary
    # files, semaphores) still belong to us; the kernel allows exactly this mapping.
    try:
        _write("/proc/self/setgroups", "deny")
        _write("/proc/self/uid_map", f"{uid} {uid} 1")
        _write("/proc/self/gid_map", f"{gid} {gid} 1")
    except OSError:
        pass  # unmapped ids still read every file they could read before


def isolation_problem() -> str | None:
    """Why a process here cannot drop its network, or None when it can. Tried in a
    forked child (one thread, as unshare needs), so this process keeps its network;
    call it before threads start."""
    if not hasattr(os, "fork"):  # Windows: no namespaces to move into either
        return "cannot run queries without network access on this system (no unshare)"
    return try_in_child(drop_network, lambda err: str(err) or type(err).__name__) or None


def try_in_child(attempt: Callable[[], object], describe: Callable[[BaseException], str]) -> str:
    """Run ``attempt`` in a forked child, so that this process stays as it was (its
    network, one thread); what ``describe`` says of its failure, or "" if it worked."""
    read, write = os.pipe()
    pid = os.fork()
    if pid == 0:
        message = b""
        try:
            os.close(read)
            attempt()
        except BaseException as err:  # reported to the parent, whatever it is
            message = describe(err).encode("utf-8", "replace")
        finally:
            os.write(write, message)
            os._exit(0)
    os.close(write)
    with os.fdopen(read, "rb") as pipe:
        message = pipe.read()
    os.waitpid(pid, 0)
    return message.decode("utf-8")


def die_with_parent(parent: int, sig: int) -> None:
    """Be sent ``sig`` when the process ``parent`` (ours) dies, even by SIGKILL: Linux's
    PR_SET_PDEATHSIG, set after any credentials change (which clears it); if the parent
    died before it was set, exit now. Elsewhere, nothing."""
    try:
        libc = ctypes.CDLL(None, use_errno=True)
        if libc.prctl(_PR_SET_PDEATHSIG, sig) != 0:
            return
    except (OSError, AttributeError):  # not Linux
        return
    if os.getppid() != parent:
        os._exit(1)


def _write(path: str, text: str) -> None:
    Path(path).write_text(text, encoding="ascii")


def never_load_graphs() -> None:
    """rdflib fetches the IRI of a FROM clause it does not hold, unless told not to."""
    import rdflib.plugins.sparql

    rdflib.plugins.sparql.SPARQL_LOAD_GRAPHS = False
