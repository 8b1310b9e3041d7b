"""Search results → CSV (unit: the result records are built by hand, no index needed)."""

from __future__ import annotations

import csv
import io

from archive.records import Video
from index.results import HitTime, Moment, SearchResult, VideoHits
from ui.web.results_csv import COLUMNS, results_csv


def _moment(t: float, text: str, link: str) -> Moment:
    return Moment(word_time=t, play_from=max(0.0, t - 2), segment_start=t - 1, segment_end=t + 3, text=text,
                  spans=(), score=1.0, link=link)


def _result() -> SearchResult:
    yt = Video(id="dQw4w9WgXcQ", title="=HYPERLINK(\"http://evil\")", upload_date="2024-03-12")
    local = Video(id="forum-fr", title="Villes côtières, \"mer\"\nsecond line", media_url="/srv/a.m4a")
    return SearchResult(
        query="mer",
        videos=(
            VideoHits(video=yt, language="en", duration=3700.0, hit_count=2,
                      moments=(_moment(3725.4, "the sea\nand more", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=3723s"),
                               _moment(12.0, "-1 sea", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=10s")),
                      positions=(HitTime(12.0, 10.0), HitTime(3725.4, 3723.4)), score=2.0),
            VideoHits(video=local, language="fr", duration=5.0, hit_count=1,
                      moments=(_moment(3.1, "au bord de la mer", "file:///srv/a.m4a#t=1"),),
                      positions=(HitTime(3.1, 1.1),), score=1.0),
        ),
        total_videos=2,
        total_hits=3,
    )


def test_one_row_per_moment_with_time_date_snippet_and_link():
    rows = list(csv.DictReader(io.StringIO(results_csv(_result()))))
    assert tuple(rows[0]) == COLUMNS
    assert len(rows) == 3
    first = rows[0]
    assert first["time"] == "1:02:05"
    assert first["seconds"] == "3725.40"
    assert first["date"] == "2024-03-12"
    assert first["snippet"] == "the sea and more"  # one line per row
    assert first["link"].endswith("&t=3723s")
    third = rows[2]
    assert third["session"] == 'Villes côtières, "mer"\nsecond line'  # quoted by csv, read back intact
    assert third["language"] == "fr"
    assert third["link"] == "file:///srv/a.m4a#t=1"


def test_spreadsheet_formulas_in_outside_text_are_defused():
    rows = list(csv.DictReader(io.StringIO(results_csv(_result()))))
    assert rows[0]["session"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1]["snippet"] == "'-1 sea"


def test_empty_result_gives_the_header_only():
    assert results_csv(SearchResult(query="x")).splitlines() == [",".join(COLUMNS)]
