"""Metadata refresh: the "changed?" rule, what a bad fetch leaves, and the meaning vectors kept.

The source boundary (listing and fetching) is faked here; tests/test_ingest_refresh.py runs the
whole thing over the loopback feed with real yt-dlp.
"""

from __future__ import annotations

import hashlib
import io
import json
from dataclasses import replace

import pytest

from archive.records import Chapter, Video
from archive.store import TranscriptStore
from ingest import refresh, source
from ingest.errors import BadMetadata, DownloadFailed
from ingest.refresh import metadata_changes, refreshed_video, with_metadata
from ingest.run_records import IngestOptions
from tests.support.index_data import transcript

STORED = Video(id="v1", title="Old title", description="About housing", upload_date="2024-03-01",
               chapters=(Chapter("Welcome", 0.0, 5.0),))


def test_nothing_changed_when_the_source_says_the_same():
    assert metadata_changes(STORED, refreshed_video(STORED, STORED)) == ()


def test_each_changed_field_is_named_in_order():
    fetched = replace(STORED, title="New title", upload_date="2024-03-02",
                      chapters=(Chapter("Welcome", 0.0, 4.0), Chapter("Housing", 4.0, 9.0)))
    after = refreshed_video(STORED, fetched)
    assert metadata_changes(STORED, after) == ("title", "upload_date", "chapters")
    assert after.title == "New title" and [c.title for c in after.chapters] == ["Welcome", "Housing"]
    assert metadata_changes(STORED, refreshed_video(STORED, replace(STORED, description="About water"))) == (
        "description",)


def test_what_the_source_no_longer_gives_is_kept():
    # A fetch that knows only the id (a feed's file name as its title), no text, no date, no chapters.
    bare = Video(id="v1", title="v1")
    assert refreshed_video(STORED, bare) == STORED
    assert refreshed_video(STORED, replace(bare, title="")) == STORED


def test_other_fields_are_never_touched():
    fetched = replace(STORED, channel="Another", webpage_url="http://elsewhere/", duration=99.0, title="New")
    after = refreshed_video(STORED, fetched)
    assert (after.channel, after.webpage_url, after.duration) == (STORED.channel, STORED.webpage_url, STORED.duration)


def test_metadata_that_cannot_be_stored_is_refused():
    t = transcript("v1", "en", ["ask not what your country can do"])
    with pytest.raises(BadMetadata, match="cannot be stored"):
        with_metadata(t, replace(t.video, chapters=(Chapter("Broken", float("nan")),)))
    with pytest.raises(BadMetadata):
        with_metadata(t, replace(t.video, chapters=(Chapter("Far", 2e6),)))
    ok = with_metadata(t, replace(t.video, title="Fine"))
    assert ok.segments is t.segments and ok.video.title == "Fine"


# -- a run over a real store, the source faked --------------------------------------------

@pytest.fixture
def archive(tmp_path, monkeypatch):
    store = TranscriptStore(tmp_path / "transcripts")
    talks = {vid: transcript(vid, "en", [f"talk {vid} about housing", "and water"], title=f"Talk {vid}")
             for vid in ("good", "same", "broken", "gone")}
    for t in talks.values():
        store.write(t)
    listed = [t.video for t in talks.values()] + [Video(id="new", title="Not transcribed yet")]
    fetched = {
        "good": replace(talks["good"].video, title="Talk good, renamed", chapters=(Chapter("Water", 6.0),)),
        "same": talks["same"].video,
        "broken": replace(talks["broken"].video, chapters=(Chapter("NaN", float("nan")),)),
    }

    def fetch(video, options=None):
        if video.id == "gone":
            raise DownloadFailed(video.id, "HTTP Error 404: Not Found", reason="not-found")
        return fetched[video.id]

    monkeypatch.setattr(source, "list_videos", lambda url, options=None: listed)
    monkeypatch.setattr(source, "fetch_metadata", fetch)
    options = IngestOptions(state_dir=tmp_path / "state", audio_dir=tmp_path / "audio", retries=0)
    return store, options


def test_a_run_rewrites_only_what_changed_and_a_bad_video_stops_nothing(archive):
    from ui.cli.ingest_progress import Progress

    store, options = archive
    before = {vid: store.path_for(vid).read_bytes() for vid in ("good", "same", "broken", "gone")}
    calls = []
    lines = io.StringIO()
    progress = Progress(plain=True, stream=lines)
    report = refresh.refresh_metadata(["http://feed/"], store=store, options=options,
                                      on_refreshed=lambda t, p, prev: calls.append((t.video.id, p, prev)),
                                      on_event=progress.handle)
    assert report.refreshed == (("good", ("title", "chapters")),)
    assert report.unchanged == 1 and report.not_transcribed == 1 and not report.ok
    assert {(f.id, f.reason) for f in report.failed} == {("broken", "bad-metadata"), ("gone", "not-found")}
    for vid in ("same", "broken", "gone"):
        assert store.path_for(vid).read_bytes() == before[vid]
    assert not store.exists("new")

    good = store.read("good")
    assert good.video.title == "Talk good, renamed" and good.video.chapters == (Chapter("Water", 6.0),)
    old = json.loads(before["good"])
    new = json.loads(store.path_for("good").read_bytes())
    assert new["segments"] == old["segments"] and new["transcription"] == old["transcription"]
    # The segments' bytes too: the file is the old one up to the video record and after it.
    tail = before["good"][before["good"].index(b'"transcription"'):]
    assert store.path_for("good").read_bytes().endswith(tail)
    [(vid, path, previous)] = calls
    assert vid == "good" and path == store.path_for("good")
    assert previous == hashlib.sha256(before["good"]).hexdigest()
    text = lines.getvalue()
    assert "listed: 4 transcribed to check, 1 not transcribed" in text
    assert "[1/4] updated: good (Talk good): title, chapters" in text
    assert "failed: broken (Talk broken): bad-metadata" in text and "failed: gone (Talk gone): not-found" in text

    again = refresh.refresh_metadata(["http://feed/"], store=store, options=options)
    assert again.refreshed == () and again.unchanged == 2


def test_match_and_limit_choose_among_the_transcribed(archive):
    store, options = archive
    report = refresh.refresh_metadata(["http://feed/"], store=store,
                                      options=replace(options, match="good|same", limit=1))
    assert report.refreshed == (("good", ("title", "chapters")),) and report.filtered_out == 3


def test_an_index_that_cannot_follow_leaves_the_new_transcript(archive):
    from index.errors import IndexBusy

    store, options = archive

    def busy(t, p, prev):
        raise IndexBusy("another process is writing the index")

    report = refresh.refresh_metadata(["http://feed/"], store=store, options=replace(options, match="good"),
                                      on_refreshed=busy)
    assert report.refreshed == (("good", ("title", "chapters")),)
    assert [(f.id, f.reason) for f in report.failed] == [("good", "index-failed")]
    assert store.read("good").video.title == "Talk good, renamed"


# -- the meaning vectors follow without embedding the segments again -------------------------

def test_a_refreshed_transcript_keeps_its_segment_vectors(tmp_path, monkeypatch):
    from index import vectors as V
    from index.build import index_transcript, indexed_sources, open_index
    from index.encoders import MeaningOptions

    meaning = MeaningOptions()
    store = TranscriptStore(tmp_path / "t")
    ix = tmp_path / "ix"
    t = transcript("vidRefresh1", "en", ["peer learning between cities", "street lighting costs money"],
                   title="Peer learning")
    path = store.write(t)
    first = TranscriptStore.checksum(path)
    index_transcript(ix, t, first, meaning=meaning)
    old = V.read(V.file_for(V.meaning_dir(ix), t.video.id))

    renamed = with_metadata(t, replace(t.video, title="Football results"))
    path = store.write(renamed)
    second = TranscriptStore.checksum(path)
    from index.encoders import cached_encoder

    encoder = cached_encoder(meaning)
    texts: list[list[str]] = []
    real = encoder.encode_passages
    monkeypatch.setattr(encoder, "encode_passages", lambda batch: texts.append(list(batch)) or real(batch))
    index_transcript(ix, renamed, second, meaning=meaning, same_segments_as=first)
    assert texts == [["Football results"]]  # the title only
    new = V.read(V.file_for(V.meaning_dir(ix), t.video.id))
    assert new.checksum == second == dict(indexed_sources(open_index(ix)).values())[t.video.id]
    for key in ("seg_vecs", "seg_ms", "pass_start", "pass_rows", "pass_vecs", "mean"):
        assert (getattr(new, key) == getattr(old, key)).all(), key
    assert not (new.title == old.title).all()

    # Vectors of another version than the one named: everything is embedded again.
    texts.clear()
    index_transcript(ix, renamed, second, meaning=meaning, same_segments_as=first)
    assert texts and len(texts[0]) == 2


def test_a_re_indexed_video_s_meaning_moments_come_from_its_live_passages(tmp_path):
    # Its old documents stay in their Whoosh segment, deleted, until a merge: the old video
    # document (start 0) once passed for the first passage, and the search failed on its payload.
    from index.build import index_transcript
    from index.encoders import MeaningOptions
    from index.search import SearchIndex

    meaning = MeaningOptions()
    ix = tmp_path / "ix"
    t = transcript("vidReindex1", "en", ["public street lighting costs money", "mayors share what worked"])
    index_transcript(ix, t, "a" * 64, meaning=meaning)
    index_transcript(ix, with_metadata(t, replace(t.video, title="Renamed")), "b" * 64, meaning=meaning,
                     same_segments_as="a" * 64)
    [hit] = SearchIndex(ix, meaning=meaning).search("lamps in the streets", mode="meaning").videos
    assert hit.video.title == "Renamed" and hit.moments[0].text.strip() == "public street lighting costs money"


def test_fetching_metadata_asks_yt_dlp_for_no_download():
    params = source.ydl_params(source.SourceOptions(), flat=False)
    assert params["skip_download"] and params["noplaylist"] and params["ignore_no_formats_error"]
    assert "outtmpl" not in params and "postprocessors" not in params and "extract_flat" not in params


def test_a_youtube_video_s_chapters_come_from_its_page(monkeypatch):
    listed = source.video_from_info({"_type": "url", "ie_key": "Youtube", "id": "dQw4w9WgXcQ",
                                     "url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ", "title": "Stocktaking"})
    asked = []
    info = {"id": "dQw4w9WgXcQ", "title": "Stocktaking", "upload_date": "20240312", "duration": 5412,
            "description": "Chapters:\n00:00 Welcome", "ie_key": "Youtube",
            "webpage_url": "https://www.youtube.com/watch?v=dQw4w9WgXcQ",
            "chapters": [{"start_time": 0, "end_time": 725, "title": "Welcome"},
                         {"start_time": 725, "end_time": 5412, "title": "Questions from the floor"}]}
    monkeypatch.setattr(source, "_extract", lambda url, options, **kw: asked.append(kw) or info)
    full = source.fetch_metadata(listed)
    assert asked == [{"flat": False, "what": "dQw4w9WgXcQ"}]  # no dest: nothing is downloaded
    assert [(c.title, c.start) for c in full.chapters] == [("Welcome", 0.0), ("Questions from the floor", 725.0)]
    assert full.title == "Stocktaking" and full.upload_date == "2024-03-12" and full.description.startswith("Chapters:")
