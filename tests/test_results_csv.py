"""Search results → CSV (unit: the result records are built by hand, no index needed)."""

from __future__ import annotations

import csv
import io
from datetime import date

from archive.records import Video
from index.results import HitTime, Moment, SearchResult, VideoHits
from ui.web.results_csv import BOM, COLUMNS, results_csv, results_filename


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


def _rows(text: str) -> list[dict]:
    assert text.startswith(BOM)  # Excel reads UTF-8 only with it
    return list(csv.DictReader(io.StringIO(text.removeprefix(BOM))))


def test_one_row_per_moment_with_time_date_snippet_and_link():
    rows = _rows(results_csv(_result(), moment_url=lambda vid, t: f"http://app/?v={vid}&t={int(t)}"))
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
    assert third["app_link"] == "http://app/?v=forum-fr&t=1"


def test_a_chapter_match_is_marked_apart():
    from dataclasses import replace

    result = _result()
    chapter = replace(_moment(600.0, "Stocktaking of the SDGs", "https://www.youtube.com/watch?v=dQw4w9WgXcQ&t=598s"),
                      matched="chapter")
    first = replace(result.videos[0], moments=(chapter, *result.videos[0].moments))
    rows = _rows(results_csv(replace(result, videos=(first, *result.videos[1:]))))
    assert [r["matched"] for r in rows] == ["chapter", "words", "words", "words"]
    assert rows[0]["snippet"] == "Stocktaking of the SDGs" and rows[0]["seconds"] == "600.00"


def test_spreadsheet_formulas_in_outside_text_are_defused():
    rows = _rows(results_csv(_result()))
    assert rows[0]["session"] == "'=HYPERLINK(\"http://evil\")"
    assert rows[1]["snippet"] == "'-1 sea"


def test_empty_result_gives_the_header_only():
    assert results_csv(SearchResult(query="x")).splitlines() == [BOM + ",".join(COLUMNS)]


def test_the_file_is_named_after_the_query_and_the_day():
    day = date(2024, 7, 9)
    assert results_filename('"Gestión" del agua / OR x', day) == "session-search-gestión-del-agua-or-x-2024-07-09.csv"
    assert results_filename("***", day) == "session-search-results-2024-07-09.csv"
