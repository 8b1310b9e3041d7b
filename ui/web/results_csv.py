"""Search results as CSV for researchers' spreadsheets: one row per moment found.

Written with a UTF-8 byte-order mark (as the transcript CSV), so Excel opens accented titles cleanly;
each row links the moment in the video and, when the caller knows the app's address, in this app.
"""

from __future__ import annotations

import csv
import io
import re
from collections.abc import Callable
from datetime import date

from index.results import SearchResult
from ui.web.timefmt import clock

# time/seconds: when the matched word is said; link: opens a lead-in earlier, like the app's player;
# app_link: this app's URL of the moment (same start as link); matched: what matched there ("words": said
# there, "meaning": close in meaning, "chapter": the chapter starting there is named so; the snippet is its title).
COLUMNS = ("session", "video_id", "date", "language", "time", "seconds", "snippet", "link", "app_link", "matched")
BOM = "\ufeff"
# A cell starting with one of these is run as a formula by spreadsheet programs.
_FORMULA_START = ("=", "+", "-", "@", "\t", "\r")
MomentUrl = Callable[[str, float], str]  # (video id, seconds) -> the app's URL of that moment


def results_csv(result: SearchResult, moment_url: MomentUrl | None = None) -> str:
    out = io.StringIO()
    out.write(BOM)
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
                _cell(moment_url(video.id, moment.play_from)) if moment_url else "",
                moment.matched,
            ])
    return out.getvalue()


def results_filename(query: str, today: date | None = None) -> str:
    """`session-search-<query words>-<YYYY-MM-DD>.csv`: safe on every file system, still readable."""
    words = re.sub(r"[^\w]+", "-", query.casefold(), flags=re.UNICODE).strip("-_")[:60].strip("-_")
    day = (today or date.today()).isoformat()
    return f"session-search-{words or 'results'}-{day}.csv"


def _cell(text: str) -> str:
    """Outside text, defused: a title like `=HYPERLINK(...)` stays text in Excel/LibreOffice."""
    return "'" + text if text.startswith(_FORMULA_START) else text
