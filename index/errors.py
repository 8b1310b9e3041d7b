"""Exceptions of the index layer."""

from __future__ import annotations

from archive.errors import SessionsError


class IndexError_(SessionsError):
    """Base of the index layer's errors (named so as not to shadow the builtin IndexError)."""


class IndexNotBuilt(IndexError_):
    """No index at the configured folder yet: run `sessions index` (or `sessions ingest`)."""


class IndexBusy(IndexError_):
    """Another process is writing the index and did not finish in time."""


class QueryError(IndexError_):
    """A query that cannot be run as written; the message says what is wrong and how to write it."""
