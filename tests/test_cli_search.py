"""`sessions search` through click's CliRunner: readable output, JSON, filters, errors."""

from __future__ import annotations

import json

import pytest

from archive.store import TranscriptStore
from index.build import update
from tests.support.configs import ARCHIVE, write_config
from tests.support.index_data import transcript
from ui.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-search")
    path = write_config(root, paths=ARCHIVE, index={"lead_in": 1.0})
    store = TranscriptStore(root / "transcripts")
    store.write(transcript("cliVideo001", "en", ["intro words here", "peer learning on <b>housing</b>"],
                           title="Housing & peers", date="2024-01-01"))
    store.write(transcript("cliVideo002", "es", ["la vivienda y la participación"], date="2022-01-01"))
    update(store, root / "index")
    return path


def test_readable_output(config, run_cli):
    r = run_cli(config, "search", "housing")
    assert r.exit_code == EXIT_OK, r.output
    assert "1 session(s), 1 passage(s) for 'housing'" in r.stdout
    assert "1. Housing & peers  (2024-01-01 · en · 00:00:12 · 1 hit)" in r.stdout
    # "housing" is the 4th of 4 words in a segment starting at 6 s: 6 + 3 * 5.5 / 4
    assert "[00:00:10] peer learning on <b>«housing»</b>" in r.stdout
    assert "https://www.youtube.com/watch?v=cliVideo001&t=9s" in r.stdout


def test_json_output_and_filters(config, run_cli):
    r = run_cli(config, "search", "housing OR vivienda", "--json", "--lang", "es", "--since", "2021-06-01")
    data = json.loads(r.stdout)
    assert [v["video"]["id"] for v in data["videos"]] == ["cliVideo002"]
    moment = data["videos"][0]["moments"][0]
    assert moment["text"] == "la vivienda y la participación" and moment["spans"] == [[3, 11]]
    r = run_cli(config, "search", "housing OR vivienda", "--json", "--sort", "date", "--limit", "1")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == ["cliVideo001"]
    r = run_cli(config, "search", "housing OR vivienda", "--json", "--video", "cliVideo002", "--until", "2022-12-31")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == ["cliVideo002"]
    r = run_cli(config, "search", "housing OR vivienda", "--json", "--title", "peers")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == ["cliVideo001"]


def test_notice_and_did_you_mean(config, run_cli):
    r = run_cli(config, "search", '"peer lerning')
    assert "note: Closed the unterminated quote" in r.stdout
    assert 'did you mean: "peer learning' in r.stdout


def test_errors(config, tmp_path, run_cli):
    r = run_cli(config, "search", "housing", "--since", "01/02/2024")
    assert r.exit_code == EXIT_USAGE and "--since" in r.stderr
    r = run_cli(config, "search", "AND OR (")
    assert r.exit_code == EXIT_FAILED and r.stderr.startswith("error: nothing to search for")
    other = write_config(tmp_path, paths={"index": "missing"})
    r = run_cli(other, "search", "housing")
    assert r.exit_code == EXIT_FAILED and "run `sessions index`" in r.stderr


def test_a_chapter_hit_is_shown_apart_in_text_and_json(tmp_path, run_cli):
    from dataclasses import replace

    from archive.records import Chapter

    path = write_config(tmp_path, paths=ARCHIVE, index={"lead_in": 1.0})
    store = TranscriptStore(tmp_path / "transcripts")
    talk = transcript("chapVideo01", "en", ["welcome to the forum", "we talk about stocktaking", "questions"],
                      title="Learning forum", date="2024-05-14")
    store.write(replace(talk, video=replace(talk.video, chapters=(
        Chapter("Welcome", 0.0, 6.0), Chapter("Stocktaking of the SDGs", 6.0, 12.0), Chapter("Questions", 12.0, 18.0)))))
    update(store, tmp_path / "index")

    r = run_cli(path, "search", "stocktaking")
    assert r.exit_code == EXIT_OK, r.output
    assert "1. Learning forum  (2024-05-14 · en · 00:00:18 · 2 hits)" in r.stdout
    assert "   [00:00:06] (chapter) «Stocktaking» of the SDGs" in r.stdout  # first: the chapter, at its start
    assert "https://www.youtube.com/watch?v=chapVideo01&t=5s" in r.stdout  # a lead-in earlier, like every moment
    assert "[00:00:10] we talk about «stocktaking»" in r.stdout  # and the spoken hit, unmarked

    data = json.loads(run_cli(path, "search", "stocktaking", "--json").stdout)
    (hits,) = data["videos"]
    assert hits["matched_in"] == ["chapter"]
    chapter, spoken = hits["moments"]
    assert (chapter["matched"], chapter["text"], chapter["word_time"], chapter["play_from"]) == (
        "chapter", "Stocktaking of the SDGs", 6.0, 5.0)
    assert spoken["matched"] == "words"
    assert [c["title"] for c in hits["video"]["chapters"]] == ["Welcome", "Stocktaking of the SDGs", "Questions"]
    assert run_cli(path, "search", "stocktaking", "--json", "--lang", "fr").stdout.count('"moments"') == 0

    listed = json.loads(run_cli(path, "list", "--json").stdout)
    assert listed[0]["chapters"][1] == {"title": "Stocktaking of the SDGs", "start": 6.0, "end": 12.0}
