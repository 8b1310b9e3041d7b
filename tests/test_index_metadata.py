"""Titles and descriptions are searchable: a real index over hand-written transcripts whose titles and
descriptions hold words nobody says."""

from __future__ import annotations

from dataclasses import replace

import pytest

from index import query as Q
from index.metadata import session_matches
from tests.support.index_data import open_index, transcript


def _sessions() -> list:
    stock = transcript("stock", "en", ["we talk about local finance today", "and about housing"],
                       title="Stocktaking Session on the SDGs", date="2024-03-01")
    forum = transcript("forum", "es", ["la vivienda y el agua en la ciudad"], title="Foro de gobiernos locales",
                       date="2023-05-01")
    forum = replace(forum, video=replace(forum.video, description="Una sesión sobre participación ciudadana."))
    spoken = transcript("spoken", "en", ["the stocktaking of our housing work"], title="Monthly webinar",
                        date="2025-01-01")
    return [stock, forum, spoken]


@pytest.fixture(scope="module")
def index(tmp_path_factory):
    ix = open_index(tmp_path_factory.mktemp("metadata-index"), _sessions())
    yield ix
    ix.close()


def test_a_title_word_finds_its_session_first_and_marked_apart(index):
    result = index.search("Stocktaking")
    assert [h.video.id for h in result.videos] == ["stock", "spoken"]  # the title match ranks first
    stock, spoken = result.videos
    assert stock.matched_in == ("title",) and stock.hit_count == 0 and not stock.moments
    assert spoken.matched_in == () and spoken.hit_count == 1  # a spoken hit, as before
    assert result.total_videos == 2 and result.total_hits == 1


def test_description_words_without_accents_and_operators(index):
    assert [h.video.id for h in index.search("participacion").videos] == ["forum"]
    assert index.search("participación").videos[0].matched_in == ("description",)
    assert [h.video.id for h in index.search('"foro de gobiernos"').videos] == ["forum"]
    assert index.search("Stocktaking NOT SDGs").videos[0].video.id == "spoken"
    assert {h.video.id for h in index.search("Stock*").videos} == {"stock", "spoken"}


def test_filters_apply_to_title_matches(index):
    from datetime import date

    from index.results import SearchFilters

    recent = index.search("Stocktaking", filters=SearchFilters(since=date(2025, 1, 1)))
    assert [h.video.id for h in recent.videos] == ["spoken"]


def test_session_matches_is_plain_python():
    sessions = {"a": {"lang": "fr", "video": {"title": "Apprentissage entre pairs", "description": ""}}}
    node = Q.parse("apprentissages").node
    assert session_matches(node, sessions) == {"a": ("title",)}  # stemmed like speech
    assert session_matches(Q.parse("aprentissage~1").node, sessions) == {"a": ("title",)}  # one typo
    assert session_matches(Q.parse("zebra").node, sessions) == {}


def test_did_you_mean_leaves_stop_words_and_prefixes_alone(index):
    assert index.search("stocktkng des").suggestions == ("stocktaking des",)  # "des" is not "dis"
    assert index.search("stocktak").suggestions == ()  # a word being typed, not a typo
