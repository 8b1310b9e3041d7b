"""Hand-written transcripts for index/search edge cases: word times spread evenly per segment."""

from __future__ import annotations

from archive.records import Segment, Transcript, TranscriptionInfo, Video, Word


def transcript(video_id: str, lang: str | None, texts: list[str], *, title: str = "", date: str | None = None,
               seg_len: float = 6.0, youtube: bool = True, words: bool = True) -> Transcript:
    """Segment i spans [i*seg_len, (i+1)*seg_len - 0.5]; its words share that span evenly."""
    segments = []
    for i, text in enumerate(texts):
        start, end = i * seg_len, (i + 1) * seg_len - 0.5
        parts = text.split()
        step = (end - start) / max(len(parts), 1)
        ws = tuple(Word(start=round(start + k * step, 3), end=round(start + (k + 1) * step, 3), word=" " + p)
                   for k, p in enumerate(parts)) if words else ()
        segments.append(Segment(id=i, start=start, end=end, text=" " + text, words=ws))
    video = Video(
        id=video_id, title=title or f"Recording {video_id}", channel="UCLG Learning",
        webpage_url=f"https://www.youtube.com/watch?v={video_id}" if youtube else "",
        media_url="" if youtube else f"/srv/media/{video_id}.mp4",
        upload_date=date, duration=len(texts) * seg_len, language=lang,
    )
    info = TranscriptionInfo(engine="hand-written", engine_version="0", model="none", language=lang)
    return Transcript(video=video, transcription=info, segments=tuple(segments))


def word_time(t: Transcript, segment: int, word: int) -> float:
    return t.segments[segment].words[word].start


def open_index(root, transcripts):
    """Store `transcripts` under root/transcripts, build root/index from them, open it (SearchIndex)."""
    from archive.store import TranscriptStore
    from index.build import rebuild
    from index.search import SearchIndex

    store = TranscriptStore(root / "transcripts")
    for t in transcripts:
        store.write(t)
    rebuild(store, root / "index")
    return SearchIndex(root / "index")
