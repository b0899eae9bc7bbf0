"""Writing output files: atomically, with the umask, and one clear line when it can't.

A regular file is written beside itself and renamed into place, so a crash or a bad
input never leaves half a file. A symlink is followed (the file it points to is
replaced, the link stays); a device or a pipe (``/dev/stdout``, ``/dev/full``) is
written to directly, since it cannot be renamed over. New files get
``0666 & ~umask``, as ``open()`` gives; a replaced file keeps its mode.
"""

from __future__ import annotations

import os
import secrets
import stat
from pathlib import Path

from g60graph._errors import InputError

__all__ = [
    "OutputError",
    "write_atomic",
]


class OutputError(InputError):
    """An output path cannot be written (exit 2, one line naming the path)."""


def write_atomic(path: Path, data: str | bytes, *, make_parents: bool = False) -> None:
    """Write ``data`` to ``path``; ``make_parents`` creates missing folders (caches,
    state folders), otherwise a missing folder is refused."""
    payload = data.encode("utf-8") if isinstance(data, str) else data
    try:
        info: os.stat_result | None = path.stat()  # follows symlinks
    except FileNotFoundError:
        info = None
    except OSError as err:
        raise _refused(path, err) from None
    if info is not None and stat.S_ISDIR(info.st_mode):
        raise OutputError(f"cannot write {path}: it is a directory")
    if info is not None and not stat.S_ISREG(info.st_mode):
        _stream(path, payload)
        return
    target = Path(os.path.realpath(path))  # through symlinks: replace the file, keep the link
    if not target.parent.is_dir():
        if not make_parents:
            raise OutputError(
                f"cannot write {path}: the folder {path.parent} does not exist (create it first)"
            )
        try:
            target.parent.mkdir(parents=True, exist_ok=True)
        except OSError as err:
            raise _refused(path, err) from None
    tmp = target.with_name(f".{target.name}.{secrets.token_hex(4)}.tmp")
    try:
        # 0o666 with O_CREAT: the kernel applies the umask, as open() would.
        fd = os.open(tmp, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o666)
    except OSError as err:
        raise _refused(path, err) from None
    try:
        with os.fdopen(fd, "wb") as handle:
            if info is not None:
                os.fchmod(handle.fileno(), stat.S_IMODE(info.st_mode))
            handle.write(payload)
            handle.flush()
            os.fsync(handle.fileno())
        tmp.replace(target)
    except OSError as err:
        tmp.unlink(missing_ok=True)
        raise _refused(path, err) from None
    except BaseException:
        tmp.unlink(missing_ok=True)
        raise


def _stream(path: Path, payload: bytes) -> None:
    """Write to a device or pipe as it is (it cannot be replaced)."""
    try:
        with path.open("wb") as handle:
            handle.write(payload)
            handle.flush()
    except BrokenPipeError:
        raise  # the reader went away (`-o /dev/stdout | head`): the CLI treats it as done
    except OSError as err:
        raise _refused(path, err) from None


def _refused(path: Path, err: OSError) -> OutputError:
    return OutputError(f"cannot write {path}: {err.strerror or err}")
