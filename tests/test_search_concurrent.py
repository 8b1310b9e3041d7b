"""Searching keeps working while another process adds transcripts to the same index."""

from __future__ import annotations

import subprocess
import sys
import textwrap
import time

import pytest

from index.build import index_transcript
from index.search import SearchIndex
from tests.support.index_data import transcript

pytestmark = pytest.mark.integration

WRITER = textwrap.dedent("""
    import sys
    from index.build import index_transcript
    from tests.support.index_data import transcript
    ix, n = sys.argv[1], int(sys.argv[2])
    for i in range(n):
        t = transcript(f"added{i:05d}", "en", [f"water sanitation report {i}", "more words about housing"])
        index_transcript(ix, t, str(i))
""")


def test_search_while_another_process_indexes(tmp_path):
    ix = tmp_path / "index"
    index_transcript(ix, transcript("seed0000001", "en", ["water sanitation seed"]), "seed")
    si = SearchIndex(ix)
    n = 30
    writer = subprocess.Popen([sys.executable, "-c", WRITER, str(ix), str(n)], cwd=str(_repo()),
                              stderr=subprocess.PIPE, text=True)
    seen = []
    errors = []
    deadline = time.monotonic() + 120
    while writer.poll() is None and time.monotonic() < deadline:
        try:
            r = si.search("sanitation")
            seen.append(r.total_videos)
            assert r.total_hits == r.total_videos  # never doubled by a merge
        except Exception as exc:  # any failure while the writer works is a bug
            errors.append(repr(exc))
    _, err = writer.communicate(timeout=60)
    assert writer.returncode == 0, err
    assert not errors, errors[:3]
    assert len(seen) > 3 and seen == sorted(seen)  # results only grow
    assert si.search("sanitation").total_videos == n + 1


def _repo():
    from pathlib import Path

    return Path(__file__).resolve().parents[1]
