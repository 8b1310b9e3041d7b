"""SearchIndex reopening an index another process is committing to (the race of
tests/test_search_concurrent.py, made certain by failing the first opens)."""

from __future__ import annotations

import pytest

import index.search as search_module
from index.build import index_transcript
from index.errors import IndexDamaged
from index.search import SearchIndex
from tests.support.index_data import transcript


def lost_toc(index_dir):
    try:
        raise FileNotFoundError(2, "No such file or directory", str(index_dir / "_MAIN_23.toc"))
    except FileNotFoundError as exc:
        raise IndexDamaged(index_dir, f"FileNotFoundError: {exc}") from exc


@pytest.fixture
def index_dir(tmp_path):
    ix = tmp_path / "index"
    index_transcript(ix, transcript("seed0000001", "en", ["water sanitation seed"]), "seed")
    return ix


def test_a_generation_deleted_while_it_opens_is_replaced_by_the_new_one(index_dir, monkeypatch):
    real, calls = search_module.open_index, []

    def open_index(path, *a, **kw):
        calls.append(path)
        if len(calls) <= 2:
            lost_toc(path)
        return real(path, *a, **kw)

    monkeypatch.setattr(search_module, "open_index", open_index)
    assert SearchIndex(index_dir).search("sanitation").total_videos == 1
    assert len(calls) == 3


def test_a_file_that_stays_missing_is_damage(index_dir, monkeypatch):
    monkeypatch.setattr(search_module, "open_index", lambda path, *a, **kw: lost_toc(path))
    with pytest.raises(IndexDamaged, match="_MAIN_23.toc"):
        SearchIndex(index_dir)


def test_other_damage_is_not_retried(index_dir, monkeypatch):
    calls = []

    def garbled(path, *a, **kw):
        calls.append(path)
        raise IndexDamaged(path, "EOFError: Ran out of input")

    monkeypatch.setattr(search_module, "open_index", garbled)
    with pytest.raises(IndexDamaged, match="EOFError"):
        SearchIndex(index_dir)
    assert len(calls) == 1
