"""Chapter titles are searchable: a real index over hand-written transcripts whose chapters are named
with words nobody says; a chapter hit is a moment at the chapter's start, marked apart."""

from __future__ import annotations

from dataclasses import replace
from datetime import date

import pytest

from archive.links import deep_link
from archive.records import Chapter
from index.results import SearchFilters
from tests.support.index_data import open_index, transcript

LEAD_IN = 2.0


def _sessions() -> list:
    forum = transcript("forum", "en", ["welcome everyone to the forum"] * 20, title="Learning forum", date="2024-03-01")
    forum = replace(forum, video=replace(forum.video, chapters=(
        Chapter("Opening", 0.0, 30.0), Chapter("Stocktaking of the localisation", 42.0, 90.0),
        Chapter("Questions", 90.0, 120.0))))
    webinar = transcript("webinar", "fr", ["nous parlons de financement local"] * 4, title="Webinaire mensuel",
                         date="2025-02-01")
    webinar = replace(webinar, video=replace(webinar.video, chapters=(Chapter("Participación ciudadana", 6.0, 24.0),)))
    spoken = transcript("spoken", "en", ["the stocktaking of our housing work"], title="Monthly webinar",
                        date="2023-01-01")
    return [forum, webinar, spoken]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = open_index(tmp_path_factory.mktemp("chapter-index"), _sessions())
    yield ix
    ix.close()


def test_a_chapter_title_word_finds_the_session_at_the_chapter(index):
    result = index.search("stocktaking", lead_in=LEAD_IN)
    assert [h.video.id for h in result.videos] == ["forum", "spoken"]  # the chapter match ranks first
    forum, spoken = result.videos
    assert forum.matched_in == ("chapter",) and forum.hit_count == 1
    (moment,) = forum.moments
    assert moment.matched == "chapter" and moment.text == "Stocktaking of the localisation"
    assert moment.word_time == 42.0 and moment.play_from == 42.0 - LEAD_IN  # the same lead-in as every moment
    assert moment.text[slice(*moment.spans[0])] == "Stocktaking"
    assert moment.link == deep_link(forum.video, 40.0)
    assert [p.word_time for p in forum.positions] == [42.0]
    assert spoken.matched_in == () and spoken.moments[0].matched == "words"
    assert result.total_hits == 2


def test_chapter_words_are_analysed_like_speech(index):
    assert [h.video.id for h in index.search("participacion").videos] == ["webinar"]  # accent-folded
    assert index.search('"stocktaking of the localisation"').videos[0].video.id == "forum"
    assert index.search("localization~1").videos[0].moments[0].word_time == 42.0  # fuzzy


def test_chapter_moments_come_first_among_spoken_ones(index):
    result = index.search("forum OR stocktaking", hits_per_video=3)
    forum = next(h for h in result.videos if h.video.id == "forum")
    assert [m.matched for m in forum.moments] == ["chapter", "words", "words"]
    assert set(forum.matched_in) == {"title", "chapter"}
    assert forum.hit_count > len(forum.moments)


def test_filters_apply_to_chapter_matches(index):
    assert [h.video.id for h in index.search("stocktaking", filters=SearchFilters(since=date(2024, 1, 1))).videos] == ["forum"]
    assert index.search("stocktaking", filters=SearchFilters(languages=("fr",))).videos == ()
    assert [h.video.id for h in index.search("participacion", filters=SearchFilters(languages=("fr",))).videos] == ["webinar"]
    only = index.search("stocktaking", filters=SearchFilters(video_ids=("spoken",)))
    assert [h.video.id for h in only.videos] == ["spoken"]


def test_meaning_mode_leaves_chapters_to_the_words_search(index):
    result = index.search("stocktaking", mode="words")
    assert result.videos[0].moments[0].matched == "chapter"
    assert "chapters" in result.videos[0].video.to_dict()


def test_chapter_matching_is_plain_python_and_keeps_not_s_meaning():
    from index import query as Q
    from index.metadata import chapter_matches, session_matches

    meta = {"lang": "fr", "video": {"title": "Forum", "description": "", "chapters": [
        {"title": "Ouverture", "start": 0.0, "end": 60.0}, {"title": "Apprentissage entre pairs", "start": 60.0}]}}
    found = chapter_matches(Q.parse("apprentissages").node, meta)  # stemmed like speech
    assert [(c["start"], spans) for c, spans in found] == [(60.0, ((0, 13),))]
    assert session_matches(Q.parse('"entre pairs"').node, {"a": meta}) == {"a": ("chapter",)}
    assert chapter_matches(Q.parse('"ouverture apprentissage"').node, meta) == []  # not across two chapters
    # "x OR NOT y" (the parser refuses it, a library caller may build it) matches a chapter holding none
    # of the query's words: no shortcut may skip it.
    either = Q.Or((Q.Word("zebra"), Q.Not(Q.Word("ouverture"))))
    assert [c["title"] for c, _ in chapter_matches(either, meta)] == [
        "Apprentissage entre pairs"]
    assert chapter_matches(Q.parse("zebra").node, meta) == []
