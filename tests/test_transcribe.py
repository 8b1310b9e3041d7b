"""ingest.transcribe: local video ids, one file → Transcript; and the one skip rule (planning.is_done)."""

from __future__ import annotations

import json
import shutil

import pytest

from archive.records import Transcript, TranscriptionInfo, Video
from archive.store import TranscriptStore
from ingest.engines import TranscribeOptions, load_engine
from ingest.errors import DamagedMedia, MediaNotFound
from ingest.planning import is_done
from ingest.transcribe import local_video, transcribe_file
from tests.support.media import media


def test_local_video_id_follows_content_not_name(tmp_path):
    a = tmp_path / "Stocktaking session 3.flac"
    shutil.copy(media("jfk.flac"), a)
    renamed = tmp_path / "renamed.flac"
    shutil.copy(a, renamed)
    other = tmp_path / "other.wav"
    shutil.copy(media("pv_test_en.wav"), other)
    va, vr, vo = local_video(a), local_video(renamed), local_video(other)
    assert va.id == vr.id != vo.id
    assert va.id.startswith("local-") and len(va.id) == len("local-") + 12
    assert va.title == "Stocktaking session 3"
    assert va.media_url == str(a.resolve())


def test_local_video_of_a_missing_file(tmp_path):
    with pytest.raises(MediaNotFound, match="gone.mp4"):
        local_video(tmp_path / "gone.mp4")


def _stored(store: TranscriptStore, engine: str, model: str) -> str:
    video = Video(id="local-abc", title="t")
    info = TranscriptionInfo(engine=engine, engine_version="1", model=model, language="en")
    store.write(Transcript(video=video, transcription=info))
    return video.id


def test_skip_only_when_same_engine_and_model(tmp_path):
    store = TranscriptStore(tmp_path)
    options = TranscribeOptions(engine="faster-whisper", model="small")
    assert not is_done(store, "local-abc", options)  # nothing stored yet
    vid = _stored(store, "faster-whisper", "small")
    assert is_done(store, vid, options)
    assert is_done(store, vid, TranscribeOptions(engine="faster-whisper", model="small", beam_size=1))
    assert not is_done(store, vid, TranscribeOptions(engine="faster-whisper", model="medium"))
    assert not is_done(store, vid, TranscribeOptions(engine="openai-whisper", model="small"))


def test_corrupt_stored_transcript_counts_as_missing(tmp_path):
    store = TranscriptStore(tmp_path)
    vid = _stored(store, "faster-whisper", "small")
    store.path_for(vid).write_text("{ half a file")
    assert not is_done(store, vid, TranscribeOptions(model="small"))


@pytest.fixture(scope="module")
def tiny(tiny_en_model):
    return load_engine(TranscribeOptions(model=str(tiny_en_model), beam_size=1))


@pytest.mark.slow
def test_transcribe_file_builds_a_complete_transcript(tiny, tmp_path):
    store = TranscriptStore(tmp_path / "transcripts")
    transcript = transcribe_file(media("jfk.flac"), tiny)
    assert transcript.video.id == local_video(media("jfk.flac")).id
    assert transcript.video.duration == 11.0
    info = transcript.transcription
    assert info.engine == "faster-whisper" and info.model == tiny.options.model
    assert info.created.endswith("+00:00") and info.audio_duration == 11.0
    assert "ask not what your country" in transcript.text.lower()
    path = store.write(transcript)
    assert TranscriptStore.read_path(path) == transcript  # survives the file format round trip
    assert json.loads(path.read_text())["transcription"]["options"]["beam_size"] == 1
    assert is_done(store, transcript.video.id, tiny.options)


@pytest.mark.slow
def test_given_video_record_is_kept(tiny):
    video = Video(id="dQw4w9WgXcQ", title="Learning Forum", duration=11.5, webpage_url="https://youtu.be/x")
    transcript = transcribe_file(media("pv_test_en.wav"), tiny, video=video)
    assert transcript.video == video  # metadata from the source wins over the decoded length


@pytest.mark.slow
def test_silence_gives_an_empty_transcript_that_is_stored(tiny, tmp_path):
    store = TranscriptStore(tmp_path)
    transcript = transcribe_file(media("silence_8s.wav"), tiny)
    assert transcript.segments == () and transcript.transcription.audio_duration == 8.0
    store.write(transcript)
    assert is_done(store, transcript.video.id, tiny.options)  # a re-run skips it


@pytest.mark.slow
def test_damaged_recording_raises_and_stores_nothing(tiny, tmp_path):
    with pytest.raises(DamagedMedia):
        transcribe_file(media("corrupt.mp4"), tiny)
