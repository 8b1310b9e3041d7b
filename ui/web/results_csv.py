"""The current search results as CSV: one row per moment shown, for researchers' spreadsheets."""

from __future__ import annotations

import csv
import io

from index.results import SearchResult
from ui.web.timefmt import clock

# time/seconds: when the matched word is said; link: opens a lead-in earlier, like the app's player.
COLUMNS = ("session", "video_id", "date", "language", "time", "seconds", "snippet", "link")
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")


def results_csv(result: SearchResult) -> str:
    out = io.StringIO()
    writer = csv.writer(out, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    for hits in result.videos:
        video = hits.video
        for moment in hits.moments:
            writer.writerow([
                _cell(video.title),
                _cell(video.id),
                video.upload_date or "",
                hits.language or "",
                clock(moment.word_time),
                f"{moment.word_time:.2f}",
                _cell(" ".join(moment.text.split())),
                _cell(moment.link),
            ])
    return out.getvalue()


def _cell(text: str) -> str:
    """Outside text, defused: a title like `=HYPERLINK(...)` stays text in Excel/LibreOffice."""
    return "'" + text if text.startswith(_FORMULA_START) else text
