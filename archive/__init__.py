"""The kernel every layer speaks: records, the transcript store, ids, deep links, errors, export formats.

It imports nothing of ours and no third-party package, so ingest, index and the faces can all
depend on it without pulling each other in.
"""
