"""archive.options: option dataclasses that build themselves from config tables (the config IS the options)."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

import pytest

from archive.options import ConfigError, InvalidOption, Options, inline, name_or_path, not_a_key
from index.options import SearchOptions
from ingest.engines import TranscribeOptions
from ingest.run_records import IngestOptions
from tests.support.configs import write_config
from ui.config import load_config


@dataclass(frozen=True)
class Part(Options):
    retries: int = 1
    rate: str = ""


@dataclass(frozen=True)
class Whole(Options):
    part: Part = inline(Part)
    retries: int = 3
    jobs: int = 1
    folder: Path = Path("data")
    model: str = name_or_path("small")
    language: str | None = None
    run_choice: bool = not_a_key(False)

    def validate(self) -> None:
        if self.jobs < 1:
            raise InvalidOption("jobs", f"must be at least 1, got {self.jobs}")


def test_a_table_builds_the_dataclass_with_inline_parts_and_paths_beside_the_file(tmp_path):
    w = Whole.from_dict({"retries": 7, "rate": "2M", "jobs": 2, "model": "./models/base", "language": ""},
                        where="f.toml: [s]", base=tmp_path)
    assert w.part == Part(retries=7, rate="2M")  # a key both name sets both
    assert w.retries == 7 and w.jobs == 2 and w.language is None
    assert w.folder == tmp_path / "data" and w.model == str(tmp_path / "models" / "base")
    assert Whole.from_dict({"model": "small"}).model == "small"  # a name is not a path
    assert Whole.from_dict({}, run_choice=True).run_choice is True  # set by the program


@pytest.mark.parametrize(("table", "expected"), [
    ({"run_choice": True}, "f.toml: [s] run_choice: unknown key"),
    ({"jobz": 2}, "f.toml: [s] jobz: unknown key (known: folder, jobs, language, model, rate, retries)"),
    ({"jobs": "2"}, "f.toml: [s] jobs: expected a whole number"),
    ({"rate": 2}, "f.toml: [s] rate: expected text"),
    ({"jobs": 0}, "f.toml: [s] jobs: must be at least 1, got 0"),  # validate(), named like a type error
])
def test_bad_values_name_the_section_and_key(table, expected):
    with pytest.raises(ConfigError) as info:
        Whole.from_dict(table, where="f.toml: [s]")
    assert str(info.value).startswith(expected)


def test_validate_runs_on_direct_construction_too():
    with pytest.raises(InvalidOption, match="jobs"):
        Whole(jobs=0)
    with pytest.raises(InvalidOption, match="unknown sort 'best'"):
        SearchOptions(query="x", sort="best")


def test_config_sections_are_the_library_options(tmp_path):
    path = write_config(tmp_path, paths={"state": "st"}, transcribe={"model": "base"},
                        ingest={"retries": 2, "rate_limit": "1M", "overlap": False}, index={"lead_in": 0.5})
    config = load_config(path)
    assert isinstance(config.transcribe, TranscribeOptions)
    assert isinstance(config.ingest, IngestOptions) and isinstance(config.index, SearchOptions)
    ingest = config.ingest
    assert ingest.retries == 2 and ingest.source.retries == 2 and ingest.source.rate_limit == "1M"
    assert ingest.overlap is False
    assert ingest.transcribe is config.transcribe and ingest.state_dir == tmp_path / "st"
    assert ingest.audio_dir == config.paths.audio
    assert config.index.lead_in == 0.5 and config.index.query == ""
