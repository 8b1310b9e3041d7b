"""Exceptions of the index layer."""

from __future__ import annotations

from archive.errors import SessionsError


class IndexError_(SessionsError):
    """Base of the index layer's errors (named so as not to shadow the builtin IndexError)."""


class IndexNotBuilt(IndexError_):
    """No index at the configured folder yet: run `sessions index` (or `sessions ingest`)."""


class IndexDamaged(IndexError_):
    """The index folder holds an index that cannot be read (a lost or cut segment file, a garbled TOC).

    The index is derived data: `sessions index` rebuilds it from transcripts/ (index.build.sync).
    """

    def __init__(self, index_dir, detail: str):
        super().__init__(f"the search index is damaged: run `sessions index --rebuild` ({index_dir}: {detail})")
        self.index_dir = index_dir
        self.detail = detail


class IndexBusy(IndexError_):
    """Another process is writing the index and did not finish in time."""


class QueryError(IndexError_):
    """A query that cannot be run as written; the message says what is wrong and how to write it."""


class UnknownVideo(IndexError_):
    """A video id that is not in the index."""
