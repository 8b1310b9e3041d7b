"""The one place an OSError on a write path becomes WriteFailed, naming the path and the cause.

Every writer (transcripts, exports, the index, the ingest log and lock, downloads) wraps its
writing in `writing(path)`, so a full disk, a read-only folder, a path under /proc or a file
where a folder should be is one line for the user instead of a traceback.
"""

from __future__ import annotations

import errno
import functools
import inspect
import os
import stat
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any, TypeVar

from archive.errors import WriteFailed

F = TypeVar("F", bound=Callable[..., Any])

# What the user can do about it, where strerror alone is unclear.
_HINTS = {
    errno.ENOSPC: "the disk is full",
    errno.EDQUOT: "the disk quota is exhausted",
    errno.EFBIG: "the file is larger than this system allows (file size limit)",
    errno.EROFS: "the file system is read-only",
    errno.EACCES: "permission denied",
    errno.EPERM: "permission denied",
}

# The errors only a write gets: what `writing(path, reads_too=True)` converts (reads go wrong otherwise).
WRITE_ERRNOS = frozenset({errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS, errno.EACCES, errno.EPERM,
                          errno.ENOTDIR, errno.EISDIR, errno.EEXIST})


@contextmanager
def writing(path: Path | str, reads_too: bool = False) -> Iterator[None]:
    """Run a write to `path`; an OSError becomes WriteFailed(path, cause).

    `reads_too`: the block also reads (the index updating itself), so only the errors of a write
    (WRITE_ERRNOS) are converted; a missing file stays the reader's business.
    """
    try:
        yield
    except WriteFailed:
        raise
    except OSError as exc:
        if reads_too and exc.errno not in WRITE_ERRNOS:
            raise
        raise WriteFailed(Path(path), cause_of(exc, Path(path))) from exc


def writes_to(param: str, reads_too: bool = False) -> Callable[[F], F]:
    """Decorator: the function writes under its argument `param` (a path): see `writing`."""

    def wrap(fn: F) -> F:
        signature = inspect.signature(fn)

        @functools.wraps(fn)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            target = signature.bind(*args, **kwargs).arguments[param]
            with writing(target, reads_too=reads_too):
                return fn(*args, **kwargs)

        return wrapper  # type: ignore[return-value]

    return wrap


# A write that fails with one of these fails for every file after it: the run should stop.
_DISK_ERRNOS = (errno.ENOSPC, errno.EDQUOT, errno.EFBIG, errno.EROFS)


def disk_failure(exc: BaseException) -> str | None:
    """The cause, when `exc` (or what it wraps, or its message: yt-dlp flattens errors into text)
    is a full disk, a file-size limit or a read-only file system; else None."""
    seen: set[int] = set()
    current: BaseException | None = exc
    while current is not None and id(current) not in seen:
        seen.add(id(current))
        if isinstance(current, OSError) and current.errno in _DISK_ERRNOS:
            return _HINTS[current.errno]
        wrapped = getattr(current, "exc_info", None)  # yt-dlp's DownloadError keeps the original here
        inner = wrapped[1] if isinstance(wrapped, tuple) and len(wrapped) > 1 else None
        current = inner if isinstance(inner, BaseException) else (current.__cause__ or current.__context__)
    for code in _DISK_ERRNOS:
        if f"[Errno {code}]" in str(exc) or os.strerror(code) in str(exc):
            return _HINTS[code]
    return None


def cause_of(exc: OSError, path: Path) -> str:
    """`exc` in words, naming the file it happened on when that is not `path` (a parent folder, say)."""
    if exc.errno in (errno.ENOTDIR, errno.EEXIST) and (blocker := _file_in_the_way(path)) is not None:
        return f"{blocker} is {kind_of_path(blocker)}, not a folder"
    if exc.errno == errno.EISDIR and path.is_dir():
        return "a folder of that name is in the way"
    cause = _HINTS.get(exc.errno) or exc.strerror or str(exc) or type(exc).__name__
    culprit = Path(os.fsdecode(exc.filename)) if isinstance(exc.filename, (str, bytes, os.PathLike)) else None
    if culprit is not None and culprit != path and not culprit.name.startswith(".tmp-"):
        return f"{culprit}: {cause}"
    return cause


def kind_of_path(path: Path) -> str:
    """What a path that is not a regular file is, in words ("a named pipe (FIFO)" for a mkfifo)."""
    try:
        mode = os.stat(path).st_mode
    except OSError:
        return "not readable"
    if stat.S_ISDIR(mode):
        return "a folder"
    if stat.S_ISFIFO(mode):
        return "a named pipe (FIFO)"
    if stat.S_ISCHR(mode):
        return "a character device (like /dev/null or /dev/zero)"
    if stat.S_ISBLK(mode):
        return "a block device (a disk)"
    if stat.S_ISSOCK(mode):
        return "a socket"
    return "a file" if stat.S_ISREG(mode) else "not a regular file"


def _file_in_the_way(path: Path) -> Path | None:
    for folder in (path, *path.parents):
        if folder.exists() and not folder.is_dir():
            return folder
    return None
