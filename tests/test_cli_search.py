"""`sessions search` through click's CliRunner: readable output, JSON, filters, errors."""

from __future__ import annotations

import json

import pytest
from click.testing import CliRunner

from archive.store import TranscriptStore
from index.build import update
from tests.support.index_data import transcript
from ui.cli import EXIT_FAILED, EXIT_OK, EXIT_USAGE, cli


@pytest.fixture(scope="module")
def config(tmp_path_factory):
    root = tmp_path_factory.mktemp("cli-search")
    path = root / "config.toml"
    path.write_text('[paths]\ntranscripts = "transcripts"\nindex = "index"\n[index]\nlead_in = 1.0\n',
                    encoding="utf-8")
    store = TranscriptStore(root / "transcripts")
    store.write(transcript("cliVideo001", "en", ["intro words here", "peer learning on <b>housing</b>"],
                           title="Housing & peers", date="2024-01-01"))
    store.write(transcript("cliVideo002", "es", ["la vivienda y la participación"], date="2022-01-01"))
    update(store, root / "index")
    return path


def run(config, *args):
    return CliRunner().invoke(cli, ["--config", str(config), "search", *args], catch_exceptions=False)


def test_readable_output(config):
    r = run(config, "housing")
    assert r.exit_code == EXIT_OK, r.output
    assert "1 session(s), 1 passage(s) for 'housing'" in r.stdout
    assert "1. Housing & peers  (2024-01-01 · en · 00:00:12 · 1 hit)" in r.stdout
    # "housing" is the 4th of 4 words in a segment starting at 6 s: 6 + 3 * 5.5 / 4
    assert "[00:00:10] peer learning on <b>«housing»</b>" in r.stdout
    assert "https://www.youtube.com/watch?v=cliVideo001&t=9s" in r.stdout


def test_json_output_and_filters(config):
    r = run(config, "housing OR vivienda", "--json", "--lang", "es", "--since", "2021-06-01")
    data = json.loads(r.stdout)
    assert [v["video"]["id"] for v in data["videos"]] == ["cliVideo002"]
    moment = data["videos"][0]["moments"][0]
    assert moment["text"] == "la vivienda y la participación" and moment["spans"] == [[3, 11]]
    r = run(config, "housing OR vivienda", "--json", "--sort", "date", "--limit", "1")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == ["cliVideo001"]
    r = run(config, "housing OR vivienda", "--json", "--video", "cliVideo002", "--until", "2022-12-31")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == ["cliVideo002"]
    r = run(config, "housing OR vivienda", "--json", "--title", "peers")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == ["cliVideo001"]


def test_notice_and_did_you_mean(config):
    r = run(config, '"peer lerning')
    assert "note: Closed the unterminated quote" in r.stdout
    assert 'did you mean: "peer learning' in r.stdout


def test_errors(config, tmp_path):
    r = run(config, "housing", "--since", "01/02/2024")
    assert r.exit_code == EXIT_USAGE and "--since" in r.stderr
    r = run(config, "AND OR (")
    assert r.exit_code == EXIT_FAILED and r.stderr.startswith("error: nothing to search for")
    other = tmp_path / "c.toml"
    other.write_text('[paths]\nindex = "missing"\n', encoding="utf-8")
    r = run(other, "housing")
    assert r.exit_code == EXIT_FAILED and "run `sessions index`" in r.stderr
