"""The search index is derived data: damage, copies and leftovers never break or double it
(issue 12, points 3, 5 and 6). Real Whoosh indexes, real CLI commands, real Streamlit AppTest."""

from __future__ import annotations

import fcntl
import os
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.store import TranscriptStore
from index.build import REBUILD_LOCK, rebuild, remove_leftovers, sync, update
from index.errors import IndexDamaged
from index.search import SearchIndex
from tests.support.sample_transcripts import french_transcript, jfk_transcript

DAMAGED = "the search index is damaged: run `sessions index --rebuild`"


@pytest.fixture
def archive(tmp_path) -> Path:
    """transcripts/ + an index of two commits (two segments) + config.toml; returns the config path."""
    from tests.support.ui_archive import build_archive

    config = build_archive(tmp_path, [jfk_transcript("a"), jfk_transcript("b")])
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(french_transcript("c"))
    update(store, tmp_path / "index")  # a second segment file
    return config


def _segments(index_dir: Path) -> list[Path]:
    return sorted(index_dir.glob("*.seg"))


def _toc(index_dir: Path) -> Path:
    return next(index_dir.glob("_MAIN_*.toc"))


DAMAGE = {
    "deleted-segment": lambda d: _segments(d)[0].unlink(),
    "truncated-segment": lambda d: os.truncate(_segments(d)[-1], _segments(d)[-1].stat().st_size // 2),
    "segment-cut-to-nothing": lambda d: os.truncate(_segments(d)[0], 0),
    "truncated-toc": lambda d: os.truncate(_toc(d), _toc(d).stat().st_size // 2),
    "garbled-toc": lambda d: _toc(d).write_bytes(b"\x80\x04 not a table of contents" * 8),
    "empty-toc": lambda d: _toc(d).write_bytes(b""),
}


@pytest.mark.parametrize("kind", sorted(DAMAGE))
def test_a_damaged_index_is_named_by_search_and_status_and_repaired_by_index(archive, kind, run_cli):
    index_dir = archive.parent / "index"
    assert run_cli(archive, "search", "country").exit_code == 0
    DAMAGE[kind](index_dir)

    with pytest.raises(IndexDamaged, match="damaged"):
        SearchIndex(index_dir)
    result = run_cli(archive, "search", "country")
    assert result.exit_code == 1 and DAMAGED in result.stderr, result.output
    assert "Traceback" not in result.output

    result = run_cli(archive, "status")
    assert result.exit_code == 0 and DAMAGED in result.stdout, result.output

    result = run_cli(archive, "index")
    assert result.exit_code == 0, result.output
    assert "the search index was damaged" in result.stderr and "rebuilt index: 3 added" in result.stdout
    result = run_cli(archive, "search", "country", "--mode", "words")
    assert result.exit_code == 0 and "2 session(s)" in result.stdout, result.output
    assert "indexed:     3" in run_cli(archive, "status").stdout


def test_damage_found_mid_search_is_named_too(archive):
    index_dir = archive.parent / "index"
    index = SearchIndex(index_dir)  # opened while whole
    assert index.search("country").total_videos == 2
    for seg in _segments(index_dir):
        os.truncate(seg, 0)
    index.close()
    with pytest.raises(IndexDamaged):
        index.search("country")


def test_the_ui_says_the_index_is_damaged_instead_of_a_traceback(archive, monkeypatch):
    from streamlit.testing.v1 import AppTest

    DAMAGE["truncated-toc"](archive.parent / "index")
    monkeypatch.setenv("SESSIONS_CONFIG", str(archive))
    at = AppTest.from_file(str(Path(__file__).resolve().parents[1] / "ui" / "web" / "app.py"), default_timeout=60)
    at.query_params["q"] = "country"
    at.run()
    assert not at.exception, at.exception
    assert any(DAMAGED.replace("`", "") in e.value.replace("\\", "").replace("`", "") for e in at.error)
    assert any("sessions index --rebuild" in c.value for c in at.code)
    assert any("3 transcript(s) are stored" in m.value for m in at.markdown)
    # the overview keeps listing the sessions, read from the transcripts themselves
    assert any("3 sessions" in c.value for c in at.caption), [c.value for c in at.caption]


def test_sync_repairs_and_update_refuses(archive):
    index_dir = archive.parent / "index"
    store = TranscriptStore(archive.parent / "transcripts")
    DAMAGE["deleted-segment"](index_dir)
    with pytest.raises(IndexDamaged):
        update(store, index_dir)
    report = sync(store, index_dir)
    assert report.repaired and report.videos == 3
    assert not sync(store, index_dir).repaired


# -- point 5: a copied transcript is not indexed twice ----------------------------------------------


@pytest.mark.parametrize("build", ["rebuild", "update"])
def test_a_copied_transcript_is_reported_not_indexed_twice(archive, build):
    index_dir = archive.parent / "index"
    transcripts = archive.parent / "transcripts"
    (transcripts / "other.json").write_bytes((transcripts / "a.json").read_bytes())
    store = TranscriptStore(transcripts)
    report = (rebuild if build == "rebuild" else update)(store, index_dir)
    assert [name for name, _ in report.corrupt] == ["other.json"]
    assert "holds video 'a', whose transcript file is named a.json" in report.corrupt[0][1]
    result = SearchIndex(index_dir).search("country")
    assert result.total_videos == 2 and result.total_hits == 2  # a and b once each, not doubled
    assert report.videos == 3


# -- point 6: leftovers of killed rebuilds ---------------------------------------------------------------


def _dead_pid() -> int:
    proc = subprocess.Popen([sys.executable, "-c", "pass"])
    proc.wait()
    return proc.pid


def test_a_killed_rebuilds_folder_is_removed_by_the_next_run(archive, run_cli):
    index_dir = archive.parent / "index"
    leftover = index_dir.with_name(f"index.rebuild-{_dead_pid()}")
    leftover.mkdir()
    (leftover / "MAIN_x.seg").write_bytes(b"\0" * 1000)
    (leftover / REBUILD_LOCK).write_bytes(b"")
    old = index_dir.with_name(f"index.old-{_dead_pid()}")
    old.mkdir()
    result = run_cli(archive, "index")
    assert result.exit_code == 0, result.output
    assert not leftover.exists() and not old.exists()
    assert index_dir.is_dir() and "3 unchanged" in result.stdout


def test_a_rebuild_still_at_work_is_left_alone(archive, tmp_path):
    index_dir = archive.parent / "index"
    # Another process rebuilding: it holds the flock on its lock file (a live process, not this one).
    busy = index_dir.with_name("index.rebuild-999999")
    busy.mkdir()
    holder = subprocess.Popen([sys.executable, "-c", (
        "import fcntl, os, sys, time\n"
        f"fd = os.open({str(busy / REBUILD_LOCK)!r}, os.O_RDWR | os.O_CREAT)\n"
        "fcntl.flock(fd, fcntl.LOCK_EX)\nprint('locked', flush=True)\ntime.sleep(60)\n")],
        stdout=subprocess.PIPE, text=True)
    try:
        assert holder.stdout.readline().strip() == "locked"
        assert remove_leftovers(index_dir) == []
        assert busy.is_dir()
    finally:
        holder.kill()
        holder.wait()
    assert remove_leftovers(index_dir) == [busy]  # the kernel dropped the lock with the process


def test_an_interrupted_swap_puts_the_old_index_back(archive):
    index_dir = archive.parent / "index"
    moved = index_dir.with_name(f"index.old-{_dead_pid()}")
    os.rename(index_dir, moved)  # killed between the two renames of rebuild()
    assert remove_leftovers(index_dir) == []
    assert index_dir.is_dir() and not moved.exists()
    assert SearchIndex(index_dir).search("country").total_videos == 2


def test_our_own_rebuild_holds_its_lock_while_it_runs(archive, monkeypatch):
    import index.build as build

    seen = {}
    real_sync = build._sync

    def spying_sync(ix, store, on_progress, batch):
        folder = Path(ix.storage.folder)
        fd = os.open(folder / REBUILD_LOCK, os.O_RDWR)
        try:
            fcntl.flock(fd, fcntl.LOCK_EX | fcntl.LOCK_NB)
            seen["locked"] = False
        except OSError:
            seen["locked"] = True
        finally:
            os.close(fd)
        return real_sync(ix, store, on_progress, batch)

    monkeypatch.setattr(build, "_sync", spying_sync)
    rebuild(TranscriptStore(archive.parent / "transcripts"), archive.parent / "index")
    assert seen == {"locked": True}
    assert not (archive.parent / "index" / REBUILD_LOCK).exists()
    assert not list(archive.parent.glob("index.*"))


def test_temp_files_dated_in_the_future_are_stale_too(tmp_path):
    store = TranscriptStore(tmp_path / "transcripts")
    store.write(jfk_transcript("a"))
    future = store.root / ".tmp-future.part"
    young = store.root / ".tmp-young.part"
    future.write_bytes(b"{")
    young.write_bytes(b"{")
    next_year = time.time() + 365 * 86400  # written before the clock was set back a year
    os.utime(future, (next_year, next_year))
    assert store.remove_stale_temp_files(min_age=60) == 1
    assert not future.exists() and young.exists()


def test_update_hashes_only_files_whose_size_or_mtime_changed(archive, monkeypatch):
    index_dir = archive.parent / "index"
    store = TranscriptStore(archive.parent / "transcripts")
    update(store, index_dir)  # records every file's stamp
    hashed = []
    real = TranscriptStore.checksum
    monkeypatch.setattr(TranscriptStore, "checksum", staticmethod(lambda p: hashed.append(p.name) or real(p)))
    report = update(store, index_dir)
    assert hashed == [] and len(report.unchanged) == 3
    path = store.path_for("b")
    path.write_bytes(path.read_bytes().replace(b"country", b"kountry"))  # same size, new mtime
    report = update(store, index_dir)
    assert hashed == ["b.json"] and report.updated == ("b.json",)
    assert SearchIndex(index_dir).search("kountry").total_videos == 1


def test_a_rebuild_whose_process_lives_is_left_alone_even_before_it_locks(archive):
    index_dir = archive.parent / "index"
    sleeper = subprocess.Popen([sys.executable, "-c", "import time; time.sleep(60)"])
    try:
        starting = index_dir.with_name(f"index.rebuild-{sleeper.pid}")
        starting.mkdir()  # created, lock not taken yet
        assert remove_leftovers(index_dir) == [] and starting.is_dir()
    finally:
        sleeper.kill()
        sleeper.wait()
    assert remove_leftovers(index_dir) == [starting]
