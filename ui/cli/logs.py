"""Where the library's log records go when the `sessions` command runs (-v/--verbose, --log-file).

Library code only logs (loggers "sessions.ingest", "sessions.index", "sessions.ui", ...); this is
the one place handlers are attached. Without -v nothing is written to stderr (progress, results and
`error:` lines are the command's own output, and cron wants silence); -v shows INFO and up, -vv
DEBUG too (yt-dlp's own chatter among it). --log-file appends the same records, INFO and up (DEBUG
with -vv), with times, whatever -v says.
"""

from __future__ import annotations

import logging
import sys
from pathlib import Path

ROOT_LOGGER = "sessions"
STDERR_FORMAT = "%(levelname)s %(name)s: %(message)s"
FILE_FORMAT = "%(asctime)s %(levelname)s %(name)s: %(message)s"

_ours: list[logging.Handler] = []  # handlers this module attached (replaced on every invocation)


def setup_logging(verbose: int = 0, log_file: Path | None = None) -> None:
    """Route the "sessions" loggers for this invocation. Raises OSError when `log_file` cannot be opened."""
    stop_logging()
    logger = logging.getLogger(ROOT_LOGGER)
    level = logging.DEBUG if verbose >= 2 else logging.INFO
    handlers: list[logging.Handler] = []
    if log_file is not None:
        file_handler = logging.FileHandler(log_file, encoding="utf-8")
        file_handler.setFormatter(logging.Formatter(FILE_FORMAT))
        file_handler.setLevel(level)
        handlers.append(file_handler)
    if verbose:
        stream = logging.StreamHandler(sys.stderr)  # the stderr of now (click's test runner swaps it)
        stream.setFormatter(logging.Formatter(STDERR_FORMAT))
        stream.setLevel(level)
        handlers.append(stream)
    if not handlers:
        handlers.append(logging.NullHandler())  # no "last resort" printing of warnings to stderr
    for h in handlers:
        logger.addHandler(h)
        _ours.append(h)
    logger.setLevel(level)
    logger.propagate = False


def stop_logging() -> None:
    """Detach what setup_logging attached and hand the loggers back as they were (tests run many commands)."""
    logger = logging.getLogger(ROOT_LOGGER)
    while _ours:
        h = _ours.pop()
        logger.removeHandler(h)
        h.close()
    logger.setLevel(logging.NOTSET)
    logger.propagate = True
