"""Search over real transcripts of ../shared/media made by the real faster-whisper engine.

Reference times come from the audio, not from Whisper: ffmpeg silencedetect puts speech in
pv_test_fr.wav at 0.85–3.77 s and pv_test_es.wav at 0.78–3.20 s; in jfk.flac "ask not" follows
the pause after "Americans" at ~3.2 s. A jump time must be within ±1.5 s of them.
"""

from __future__ import annotations

from datetime import date

import pytest

from archive.store import TranscriptStore
from index.build import update
from index.results import SearchFilters
from index.schema import analyze
from index.search import SearchIndex
from tests.support.real_transcripts import make_real_transcripts

pytestmark = [pytest.mark.slow, pytest.mark.integration]


@pytest.fixture(scope="module")
def real(tmp_path_factory, tiny_en_model, base_model):
    root = tmp_path_factory.mktemp("real")
    store = TranscriptStore(root / "transcripts")
    transcripts = make_real_transcripts({"tiny_en": tiny_en_model, "base": base_model})
    for t in transcripts.values():
        store.write(t)
    report = update(store, root / "index")
    assert report.videos == 3 and not report.corrupt
    return transcripts, SearchIndex(root / "index")


@pytest.mark.parametrize(("query", "video", "spoken_at"), [
    ('"ask not what your country"', "jfkInaugur1", 3.2),
    ('"Les deux autres"', "pvTestFr001", 0.85),
    ('"más que necesario"', "pvTestEs001", 2.4),  # the last three of nine words; speech ends at 3.20 s
])
def test_known_phrase_found_with_jump_near_when_spoken(real, query, video, spoken_at):
    _, si = real
    r = si.search(query, lead_in=0.0)
    assert [v.video.id for v in r.videos] == [video], (query, r)
    m = r.videos[0].moments[0]
    assert abs(m.play_from - spoken_at) <= 1.5, (query, m)
    assert m.play_from == m.word_time
    assert m.spans and all(m.text[a:b].strip() for a, b in m.spans)
    assert m.link == f"https://www.youtube.com/watch?v={video}&t={int(m.play_from)}s"
    with_lead = si.search(query, lead_in=2.0).videos[0].moments[0]
    assert with_lead.word_time == m.word_time
    assert with_lead.play_from == pytest.approx(max(0.0, m.word_time - 2.0))


def test_phrase_across_the_real_segment_boundary(real):
    transcripts, si = real
    jfk = transcripts["jfk.flac"]
    assert len(jfk.segments) >= 2, "tiny.en is expected to split jfk into two segments"
    # From the last indexed (non stop) word of segment 0 to the first one of segment 1, as Whisper wrote them.
    a, b = jfk.segments[0].text.strip(), jfk.segments[1].text.strip()
    last, first = analyze("en", a)[-1], analyze("en", b)[0]
    phrase = a[last[1]:] + " " + b[:first[2]]
    r = si.search(f'"{phrase}"', lead_in=0.0)
    assert [v.video.id for v in r.videos] == ["jfkInaugur1"], phrase
    m = r.videos[0].moments[0]
    word = next(w for w in jfk.segments[0].words if w.word.strip(" ,.").lower() == a[last[1]:last[2]].lower())
    assert m.word_time == pytest.approx(word.start, abs=0.01)
    assert m.segment_start == pytest.approx(jfk.segments[0].start, abs=0.01)
    assert m.segment_end == pytest.approx(jfk.segments[1].end, abs=0.01)


def test_languages_stemming_fuzzy_and_filters(real):
    _, si = real
    assert [v.video.id for v in si.search("situes").videos] == ["pvTestFr001"]  # "situés", accent folded
    assert [v.video.id for v in si.search("necesaria").videos] == ["pvTestEs001"]  # stem of "necesario"
    assert [v.video.id for v in si.search("Amercans~").videos] == ["jfkInaugur1"]  # misspelled
    assert si.search("contry").suggestions == ("country",)
    both = si.search("autres OR necesario OR country", filters=SearchFilters(languages=("fr", "es")))
    assert {v.video.id for v in both.videos} == {"pvTestFr001", "pvTestEs001"}
    since = si.search("autres OR necesario OR country", filters=SearchFilters(since=date(2024, 1, 1)))
    assert [v.video.id for v in since.videos] == ["pvTestEs001"]
    by_date = si.search("autres OR necesario OR country", sort="date")
    assert [v.video.id for v in by_date.videos] == ["pvTestEs001", "pvTestFr001", "jfkInaugur1"]
    assert si.search("country", filters=SearchFilters(title="inaugural")).total_videos == 1
    jfk = si.search("country").videos[0]
    assert jfk.hit_count >= 1 and jfk.duration == pytest.approx(11.0, abs=0.5)
    assert all(0 <= p.word_time <= jfk.duration for p in jfk.positions)
