"""TranscriptStore: atomic writes, errors that name the file, and ids that cannot escape the folder."""

from __future__ import annotations

import dataclasses
import json
import os
import signal
import stat
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive import store as store_module
from archive.errors import CorruptTranscript, InvalidVideoId, TranscriptNotFound, WriteFailed
from archive.ids import MAX_STEM, safe_stem
from archive.store import TranscriptStore, atomic_write_bytes, encode_transcript
from tests.support.sample_transcripts import french_transcript, jfk_transcript

REPO = Path(__file__).resolve().parents[1]


@pytest.fixture
def store(tmp_path) -> TranscriptStore:
    return TranscriptStore(tmp_path / "transcripts")


def _leftovers(root: Path) -> list[str]:
    return sorted(p.name for p in root.iterdir() if p.name.startswith("."))


# -- round trip --------------------------------------------------------------------------------


def test_write_then_read_round_trips(store):
    t = jfk_transcript()
    path = store.write(t)
    assert path == store.root / "dQw4w9WgXcQ.json"
    assert store.exists(t.video.id)
    assert store.read(t.video.id) == t
    assert path.read_bytes() == encode_transcript(t)
    assert json.loads(path.read_text("utf-8"))["schema_version"] == 1


def test_files_are_utf8_json_with_text_kept_readable(store):
    path = store.write(french_transcript())
    raw = path.read_bytes()
    assert "situés".encode() in raw  # not \u00e9 escapes: the file is meant to be read and diffed
    assert b"NaN" not in raw


def test_new_file_gets_the_mode_a_plain_open_would_give(store, tmp_path):
    reference = tmp_path / "plain"
    reference.write_bytes(b"x")
    path = store.write(jfk_transcript())
    # mkstemp alone would leave 0600: a UI running as another user could not read the archive.
    assert stat.S_IMODE(path.stat().st_mode) == stat.S_IMODE(reference.stat().st_mode)


def test_overwrite_replaces_and_checksum_changes(store):
    t = jfk_transcript()
    path = store.write(t)
    before = store.checksum(path)
    store.write(dataclasses.replace(t, video=dataclasses.replace(t.video, title="Corrected title")))
    assert store.read(t.video.id).video.title == "Corrected title"
    assert store.checksum(path) != before
    assert _leftovers(store.root) == []


def test_missing_and_deleted_transcripts(store):
    with pytest.raises(TranscriptNotFound, match="no transcript for video 'nope'"):
        store.read("nope")
    assert store.files() == [] and list(store.iter_all()) == []  # a folder that does not exist yet is empty
    store.write(jfk_transcript())
    store.delete("dQw4w9WgXcQ")
    assert not store.exists("dQw4w9WgXcQ")
    with pytest.raises(TranscriptNotFound):
        store.delete("dQw4w9WgXcQ")


def test_files_lists_only_transcripts(store):
    store.write(jfk_transcript())
    (store.root / "README.md").write_text("about this folder")
    (store.root / ".tmp-abc.part").write_text("{")
    (store.root / "folder.json").mkdir()
    assert [p.name for p in store.files()] == ["dQw4w9WgXcQ.json"]


def test_lone_surrogates_from_non_utf8_file_names_round_trip(store):
    # os.fsdecode turns undecodable bytes of a local file name into lone surrogates.
    t = jfk_transcript("caf\udce9.mp4", youtube=False)
    path = store.write(t)
    path.read_bytes().decode("ascii")  # written with \u escapes: still strict UTF-8 JSON
    assert store.read(t.video.id) == t


# -- atomic write ------------------------------------------------------------------------------


def test_failed_replace_keeps_the_old_file_and_leaves_no_temp_file(store, monkeypatch):
    t = jfk_transcript()
    path = store.write(t)
    old = path.read_bytes()

    def crash(src, dst):
        raise OSError(28, "No space left on device")

    monkeypatch.setattr(store_module.os, "replace", crash)
    changed = dataclasses.replace(t, segments=t.segments[:1])
    with pytest.raises(WriteFailed, match=f"cannot write {path}: the disk is full"):
        store.write(changed)
    assert path.read_bytes() == old
    assert store.read(t.video.id) == t
    assert _leftovers(store.root) == []


def test_interrupt_during_the_data_write_keeps_the_old_file(tmp_path, monkeypatch):
    target = tmp_path / "t.json"
    target.write_bytes(b"old")

    def interrupted(fd):
        raise KeyboardInterrupt

    monkeypatch.setattr(store_module.os, "fsync", interrupted)
    with pytest.raises(KeyboardInterrupt):
        atomic_write_bytes(target, b"new" * 1000)
    assert target.read_bytes() == b"old"
    assert sorted(p.name for p in tmp_path.iterdir()) == ["t.json"]


_KILLED_WRITER = """
import os, sys, time
from archive import store as store_module
from archive.store import TranscriptStore
from tests.support.sample_transcripts import jfk_transcript

def stall(fd):  # the data is in the temp file, not yet renamed: the moment a crash hurts most
    print("writing", flush=True)
    time.sleep(60)

store_module.os.fsync = stall
t = jfk_transcript()
TranscriptStore(sys.argv[1]).write(t.__class__(t.video, t.transcription, t.segments[:1]))
"""


def test_writer_killed_mid_write_leaves_the_old_file_intact(store):
    t = jfk_transcript()
    path = store.write(t)
    old = path.read_bytes()
    writer = subprocess.Popen(
        [sys.executable, "-c", _KILLED_WRITER, str(store.root)],
        cwd=REPO, stdout=subprocess.PIPE, text=True,
    )
    try:
        assert writer.stdout.readline().strip() == "writing"
        writer.send_signal(signal.SIGKILL)  # no cleanup runs: like a power cut or OOM kill
        writer.wait(timeout=30)
    finally:
        if writer.poll() is None:
            writer.kill()
        writer.stdout.close()
    assert path.read_bytes() == old
    assert [t2 for t2 in store.iter_all()] == [t]
    left = _leftovers(store.root)
    assert len(left) == 1 and left[0].startswith(".tmp-")  # a real crash leaves its temp file…
    assert [p.name for p in store.files()] == [path.name]  # …which is never taken for a transcript
    assert store.remove_stale_temp_files() == 1
    assert _leftovers(store.root) == []


def test_remove_stale_temp_files_spares_young_ones_when_asked(store):
    store.root.mkdir(parents=True)
    young = store.root / ".tmp-young.part"
    old = store.root / ".tmp-old.part"
    young.write_bytes(b"{")
    old.write_bytes(b"{")
    an_hour_ago = time.time() - 3600
    os.utime(old, (an_hour_ago, an_hour_ago))
    assert store.remove_stale_temp_files(min_age=600) == 1
    assert young.exists() and not old.exists()
    assert store.remove_stale_temp_files() == 1


# -- corrupt files -----------------------------------------------------------------------------


def _valid_bytes() -> bytes:
    return encode_transcript(jfk_transcript("bad"))


CORRUPT = {
    "empty": (b"", "invalid JSON"),
    "truncated": (_valid_bytes()[: len(_valid_bytes()) // 2], "invalid JSON"),
    "not-json": (b"<html>502 Bad Gateway</html>", "invalid JSON"),
    "not-utf8": (b'{"title": "caf\xe9"}', "not UTF-8"),
    "foreign": (json.dumps({"name": "package.json", "version": "1.0"}).encode(), "not a Session Search transcript"),
    "list": (b"[1, 2, 3]", "top level must be a JSON object"),
    "newer-schema": (_valid_bytes().replace(b'"schema_version": 1', b'"schema_version": 7'), "schema_version 7"),
    "wrong-type": (_valid_bytes().replace(b'"start": 0.0', b'"start": "zero"', 1), "field 'start' must be a number"),
    "nested": (b"[" * 200_000 + b"]" * 200_000, "JSON nested too deeply"),
    "huge-number": (b'{"schema_version": ' + b"9" * 5000 + b"}", "invalid JSON: Exceeds the limit"),
}


@pytest.mark.parametrize("kind", sorted(CORRUPT))
def test_corrupt_file_names_the_file_and_the_others_stay_readable(store, kind):
    good = jfk_transcript()
    store.write(good)
    store.write(french_transcript())
    content, reason = CORRUPT[kind]
    bad_path = store.path_for("bad")
    bad_path.write_bytes(content)

    with pytest.raises(CorruptTranscript) as info:
        store.read("bad")
    assert info.value.path == bad_path
    assert str(bad_path) in str(info.value) and reason in str(info.value)

    reported: list[CorruptTranscript] = []
    readable = list(store.iter_all(on_error=reported.append))
    assert sorted(t.video.id for t in readable) == sorted([good.video.id, "forum-2024-fr"])
    assert [e.path for e in reported] == [bad_path]
    assert bad_path.read_bytes() == content  # reported, never rewritten or deleted

    with pytest.raises(CorruptTranscript):
        list(store.iter_all())  # without on_error the caller hears about it


def test_a_renamed_or_copied_file_is_reported_not_indexed_twice(store):
    path = store.write(jfk_transcript())
    copy = store.root / "other-video.json"
    copy.write_bytes(path.read_bytes())
    with pytest.raises(CorruptTranscript, match="holds video 'dQw4w9WgXcQ'.*dQw4w9WgXcQ.json"):
        store.read("other-video")
    reported = []
    assert [t.video.id for t in store.iter_all(on_error=reported.append)] == ["dQw4w9WgXcQ"]
    assert [e.path for e in reported] == [copy]
    # read_path reads any transcript file wherever it lies (e.g. one handed over by a user).
    assert store.read_path(copy).video.id == "dQw4w9WgXcQ"


@pytest.mark.skipif(os.geteuid() == 0, reason="root reads files whatever their mode")
def test_unreadable_file_is_reported_with_its_name(store):
    store.write(jfk_transcript())
    path = store.write(french_transcript())
    path.chmod(0)
    try:
        reported = []
        assert [t.video.id for t in store.iter_all(on_error=reported.append)] == ["dQw4w9WgXcQ"]
        assert "cannot read the file" in str(reported[0]) and str(path) in str(reported[0])
    finally:
        path.chmod(0o644)


def test_a_path_that_cannot_be_read_is_reported_with_its_name(tmp_path):
    with pytest.raises(CorruptTranscript, match="cannot read the file") as info:
        TranscriptStore.read_path(tmp_path)  # a folder: read_bytes raises IsADirectoryError
    assert info.value.path == tmp_path


# -- hostile ids -------------------------------------------------------------------------------

HOSTILE_IDS = [
    "../../etc/passwd", "..", ".", "../", "/etc/passwd", "a/b", "a\\b", "CON", "con", "nul", "COM1", "LPT9",
    "CON~", "con.txt", "a b", "a~2Fb", "~", "~~", "a\x00b", "\x00", "é", "e\u0301", "日本語のセッション",
    "\U0001f600", "x" * 300, "x" * 299 + "y", "é" * 200, "-rf", ".hidden", "id.json", "a\nb", "caf\udce9",
]


def test_hostile_ids_stay_inside_the_root_and_round_trip(store):
    root = store.root.resolve()
    for video_id in HOSTILE_IDS:
        path = store.write(jfk_transcript(video_id, youtube=False))
        assert path.resolve().parent == root, video_id
        assert len(path.name.encode()) <= 255
        assert path.name.isascii() and not path.name.startswith(".")
        assert set(path.stem) <= set("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789_-~"), video_id
        assert store.read(video_id).video.id == video_id
    assert len(store.files()) == len(HOSTILE_IDS)  # one file each: nothing overwrote anything
    assert sorted(t.video.id for t in store.iter_all()) == sorted(HOSTILE_IDS)
    assert not (store.root.parent / "etc").exists()


def test_stems_are_injective_and_bounded():
    stems = [safe_stem(i) for i in HOSTILE_IDS]
    assert len(set(stems)) == len(stems)
    assert all(len(s) <= MAX_STEM for s in stems)
    # Long ids that differ only after the cut still get different names.
    assert safe_stem("x" * 300) != safe_stem("x" * 299 + "y")
    assert safe_stem("x" * 300).startswith("x" * 50) and "~h" in safe_stem("x" * 300)


def test_youtube_ids_pass_through_and_reserved_names_are_marked():
    assert safe_stem("dQw4w9WgXcQ") == "dQw4w9WgXcQ"
    assert safe_stem("_-aZ09") == "_-aZ09"
    assert safe_stem("CON") == "CON~" and safe_stem("com1") == "com1~"
    assert safe_stem("CONX") == "CONX"
    assert safe_stem("a/b") == "a~2Fb" and safe_stem("a~2Fb") == "a~7E2Fb"
    assert safe_stem("..") == "~2E~2E"


@pytest.mark.parametrize("bad", ["", "   ", None, 42])
def test_empty_or_non_text_ids_are_refused(store, bad):
    with pytest.raises(InvalidVideoId):
        store.path_for(bad)


def test_header_says_how_a_transcript_was_made_without_reading_it_all(store):
    transcript = jfk_transcript()
    path = store.write(transcript)
    info = transcript.transcription
    header = store.header(transcript.video.id)
    assert header is not None and header.made_by == (info.engine, info.model)
    assert store.header("nothingHere") is None
    path.write_text('{"format": "something else", "transcription": {"engine": "e", "model": "m"}}')
    assert store.header(transcript.video.id) is None  # not ours: made again
    path.write_bytes(b"\xff\xfe not json")
    assert store.header(transcript.video.id) is None
