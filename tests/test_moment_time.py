"""Every face shows the same moment: the time the word is said, and plays/links a lead-in earlier.

"country" is said at 32.4 s and the lead-in is 2 s, so every face must show 0:32 and start at
30 s: the CLI's text and JSON, the results CSV, the web app's button, player, URL and citation.
"""

from __future__ import annotations

import csv
import io
import json
from pathlib import Path

import pytest

from archive.records import Segment, Transcript, Video, Word
from archive.store import TranscriptStore
from index.build import rebuild
from index.search import SearchIndex
from tests.support.app import citations, follow, moment_links, param, run_app
from tests.support.configs import ARCHIVE, write_config
from tests.support.sample_transcripts import YOUTUBE_ID, info
from ui.config import load_config
from ui.web.results_csv import results_csv

SAID_AT = 32.4
LEAD_IN = 2.0
PLAY_FROM = 30  # whole seconds, as links and the player take them


def _transcript() -> Transcript:
    said = [(30.0, 30.5, " So"), (30.5, 31.0, " ask"), (31.0, 31.6, " what"), (31.6, 32.4, " your"),
            (SAID_AT, 33.0, " country"), (33.0, 33.6, " can"), (33.6, 34.0, " do.")]
    words = tuple(Word(s, e, w) for s, e, w in said)
    video = Video(id=YOUTUBE_ID, title="Civic duty", channel="UCLG Learning", upload_date="2024-03-12",
                  webpage_url=f"https://www.youtube.com/watch?v={YOUTUBE_ID}", duration=60.0, language="en")
    segments = (Segment(0, 0.0, 29.0, " Welcome everyone."), Segment(1, 30.0, 34.0, "".join(w.word for w in words), words))
    return Transcript(video=video, transcription=info("en"), segments=segments)


@pytest.fixture(scope="module")
def config(tmp_path_factory) -> Path:
    root = tmp_path_factory.mktemp("moment-time")
    store = TranscriptStore(root / "transcripts")
    store.write(_transcript())
    rebuild(store, root / "index")
    return write_config(root, paths=ARCHIVE, index={"lead_in": LEAD_IN})


def test_cli_json_csv_citation_and_app_agree_on_the_moment(config, run_cli, monkeypatch):
    link = f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t={PLAY_FROM}s"

    text = run_cli(config, "search", "country")
    assert text.exit_code == 0, text.output
    assert f"[00:00:32] So ask what your «country» can do.\n              {link}\n" in text.stdout

    moment = json.loads(run_cli(config, "search", "country", "--json").stdout)["videos"][0]["moments"][0]
    assert (moment["word_time"], moment["play_from"], moment["link"]) == (SAID_AT, SAID_AT - LEAD_IN, link)

    cfg = load_config(config)
    result = SearchIndex(cfg.paths.index).search("country", lead_in=cfg.index.lead_in)
    (row,) = csv.DictReader(io.StringIO(results_csv(result)))
    assert (row["time"], row["seconds"], row["link"]) == ("0:32", "32.40", link)

    at = run_app(monkeypatch, config, q="country")
    (moment_link,) = moment_links(at)
    assert moment_link.text.startswith("▶ 0:32 · ") and moment_link.href.endswith(f"&t={PLAY_FROM}")
    follow(at, moment_link)
    (video,) = at.get("video")
    assert video.proto.start_time == PLAY_FROM
    assert param(at, "t") == str(PLAY_FROM)
    (citation,) = citations(at)
    assert citation == f"“Civic duty”, UCLG Learning, recorded session, 2024-03-12, at 0:32. {link}"
    strip = next(h.proto.body for h in at.get("html") if 'class="ss-timeline"' in h.proto.body)
    assert f',{PLAY_FROM},&quot;0:32&quot;]' in strip  # the timeline's tick: shown at the word, played from PLAY_FROM
