"""Chapter matches as moments: a chapter whose title holds the query is a moment at the chapter's start.

They come before the spoken moments of their session (a chapter the author named after the topic is
where the topic is), in time order, within the session's moments per video; the timeline and the hit
count take them too. Marked apart: `Moment.matched == "chapter"`, its text the chapter's title.
"""

from __future__ import annotations

from dataclasses import replace

from archive.links import deep_link
from index.results import HitTime, Moment, Span, VideoHits, play_from

Found = tuple[dict, tuple[Span, ...]]  # (stored chapter: title, start, end; the query's words in its title)


def chapter_moments(hits: VideoHits, found: list[Found] | tuple[Found, ...], lead_in: float) -> list[Moment]:
    moments = []
    for chapter, spans in found:
        start = float(chapter["start"])
        begin = play_from(start, lead_in)
        end = chapter.get("end")
        moments.append(Moment(word_time=start, play_from=begin, segment_start=start,
                              segment_end=float(end) if end is not None else start, text=chapter.get("title") or "",
                              spans=spans, score=0.0, link=deep_link(hits.video, begin), matched="chapter"))
    return moments


def with_chapters(hits: VideoHits, found: list[Found] | tuple[Found, ...], per_video: int, lead_in: float) -> VideoHits:
    """`hits` with its matching chapters as moments (first), positions and hit count."""
    if not found:
        return hits
    chapters = chapter_moments(hits, found, lead_in)
    at = {m.word_time for m in chapters}
    spoken = [m for m in hits.moments if m.word_time not in at]
    times = {p.word_time: p for p in hits.positions}
    times.update({m.word_time: HitTime(word_time=m.word_time, play_from=m.play_from) for m in chapters})
    return replace(hits, moments=tuple((chapters + spoken)[:max(1, per_video)]),
                   positions=tuple(times[t] for t in sorted(times)), hit_count=hits.hit_count + len(chapters))
