"""Batched windows (up to 30 s, one segment each) are cut into sentence-sized runs."""

from archive.records import Word
from ingest.engines.timing import split_long


def words(spec):
    """'text@start-end …' → Words."""
    out = []
    for item in spec.split():
        text, times = item.rsplit("@", 1)
        start, end = times.split("-")
        out.append(Word(start=float(start), end=float(end), word=text))
    return tuple(out)


def texts(runs):
    return [" ".join(w.word for w in run) for run in runs]


def test_a_window_is_cut_after_each_sentence_of_two_seconds_or_more():
    ws = words("Yes.@0-0.5 Welcome@0.6-1 everyone.@1-2.5 Today@3-4 we@4-4.5 talk@4.5-5 housing.@5-6 Thanks.@6.5-7")
    assert texts(split_long(ws, max_seconds=12)) == ["Yes. Welcome everyone.", "Today we talk housing.", "Thanks."]


def test_a_long_sentence_is_cut_at_its_last_clause_mark_before_the_limit():
    ws = words("a@0-1 b,@1-2 c@2-3 d,@3-4 e@4-5 f@5-6 g@6-7 h.@7-8")
    assert texts(split_long(ws, max_seconds=6)) == ["a b, c d,", "e f g h."]


def test_without_punctuation_the_cut_falls_in_the_widest_pause():
    ws = words("a@0-1 b@1-2 c@2-3 d@4.5-5 e@5-6 f@6-7")
    assert texts(split_long(ws, max_seconds=6)) == ["a b c", "d e f"]


def test_no_word_is_lost_or_doubled_and_times_stay_in_order():
    ws = tuple(Word(start=i * 0.4, end=i * 0.4 + 0.3, word=f"w{i}" + ("." if i % 17 == 16 else ""))
               for i in range(200))
    runs = split_long(ws, max_seconds=10)
    assert [w for run in runs for w in run] == list(ws)
    assert all(run[-1].end - run[0].start <= 10.3 for run in runs)
