"""Chapters in the Streamlit app (AppTest over a real index of hand-made transcripts): the session
panel lists them and plays each from its start; a chapter hit is a moment button marked apart."""

from __future__ import annotations

from dataclasses import replace

import pytest

from archive.records import Chapter, Video
from tests.support.app import follow, moment_links, param, run_app
from tests.support.sample_transcripts import YOUTUBE_ID, jfk_transcript
from tests.support.ui_archive import build_archive, local_copy

LOCAL_ID = "jfk-chapters"
LEAD_IN = 2.0  # build_archive's [index] lead_in
CHAPTERS = (Chapter("Opening words", 0.0, 3.2), Chapter("Stocktaking of civic duty", 3.2, 11.0))


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    root = tmp_path_factory.mktemp("ui-chapters")
    jfk = local_copy("jfk.flac", root / "media")
    video = Video(id=LOCAL_ID, title="Inaugural address", channel="UCLG Learning", media_url=str(jfk),
                  upload_date="2024-03-12", duration=11.0, language="en", chapters=CHAPTERS)
    local = replace(jfk_transcript(LOCAL_ID, youtube=False), video=video)
    plain = jfk_transcript(YOUTUBE_ID, youtube=True, title="Peer Learning Webinar")  # no chapters
    many = jfk_transcript("many-chapters", youtube=False, title="A hand-edited file")
    many = replace(many, video=replace(many.video, chapters=tuple(
        Chapter(f"Part {i} <b>*x*</b>" if i else "", i * 0.04) for i in range(250))))
    return build_archive(root, [local, plain, many])


def chapter_buttons(at):
    return [b for b in at.button if b.key and b.key.startswith("chapter-")]


def test_the_session_panel_lists_chapters_and_plays_one_from_its_start(monkeypatch, config):
    at = run_app(monkeypatch, config, v=LOCAL_ID, t="0")
    assert [t.label for t in at.tabs] == ["Transcript", "Chapters", "Download", "About"]
    buttons = chapter_buttons(at)
    assert [b.label for b in buttons] == ["**0:00** · Opening words", "**0:03** · Stocktaking of civic duty"]
    assert [b.proto.type for b in buttons] == ["primary", "tertiary"]  # the chapter being played
    buttons[1].click().run()
    assert not at.exception
    (player,) = at.get("video")
    assert player.proto.start_time == 3 and param(at, "t") == "3"  # in place, like every moment button
    assert [b.proto.type for b in chapter_buttons(at)] == ["tertiary", "primary"]


def test_a_session_without_chapters_has_no_chapters_tab(monkeypatch, config):
    at = run_app(monkeypatch, config, v=YOUTUBE_ID, t="0")
    assert [t.label for t in at.tabs] == ["Transcript", "Download", "About"]
    assert not chapter_buttons(at)


def test_a_file_with_hundreds_of_chapters_draws_a_bounded_list_as_text(monkeypatch, config):
    from ui.web.session_view import MAX_CHAPTERS

    at = run_app(monkeypatch, config, v="many-chapters", t="0")
    buttons = chapter_buttons(at)
    assert len(buttons) == MAX_CHAPTERS
    assert buttons[0].label == "**0:00** · Chapter 1"  # an untitled chapter gets a name
    assert buttons[1].label == r"**0:00** · Part 1 \<b\>\*x\*\<\/b\>"  # outside text: every mark escaped
    assert any(c.value == f"(first {MAX_CHAPTERS} chapters shown)" for c in at.caption)


def test_a_chapter_hit_is_marked_apart_and_plays_a_lead_in_before_it(monkeypatch, config):
    at = run_app(monkeypatch, config, q="stocktaking")
    (moment,) = moment_links(at)
    assert moment.text == "▶ 0:03 · Chapter: Stocktaking of civic duty"
    assert '<span class="ss-about">Chapter:</span> <mark>Stocktaking</mark> of civic duty' in moment.label
    assert any("Matches in a chapter title" in h.proto.body for h in at.get("html"))  # the card's mark
    follow(at, moment)
    (player,) = at.get("video")
    expected = int(CHAPTERS[1].start - LEAD_IN)
    assert player.proto.start_time == expected and param(at, "t") == str(expected)
    # The panel marks the chapter the hit is in (not the one the lead-in starts in).
    assert [b.proto.type for b in chapter_buttons(at)] == ["tertiary", "primary"]


def test_chapter_words_are_translated(monkeypatch, config):
    fr = run_app(monkeypatch, config, q="stocktaking", v=LOCAL_ID, t="1", hl="fr")
    assert "Chapitres" in [t.label for t in fr.tabs]
    assert any(m.text.startswith("▶ 0:03 · Chapitre : ") for m in moment_links(fr))
    es = run_app(monkeypatch, config, q="stocktaking", hl="es")
    assert any(m.text.startswith("▶ 0:03 · Capítulo: ") for m in moment_links(es))
