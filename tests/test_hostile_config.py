"""Hostile config values: every key is type- and range-checked, the error names file, section and key."""

from __future__ import annotations

import dataclasses
import math
from pathlib import Path

import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

from ui.config import _SECTIONS, Config, ConfigError, config_from_dict, load_config


def _load(tmp_path: Path, text: str) -> Config:
    path = tmp_path / "config.toml"
    path.write_text(text, encoding="utf-8")
    return load_config(path)


@pytest.mark.parametrize(("section", "key", "value", "says"), [
    ("transcribe", "beam_size", "0", "must be from 1 to 32, got 0"),
    ("transcribe", "beam_size", str(2**63 - 1), "got 9223372036854775807"),
    ("transcribe", "threads", "-1", "must be from 0 to 256"),
    ("transcribe", "batch_size", "100000", "must be from 0 to 256"),
    ("transcribe", "chunk_seconds", "inf", "must be a finite number"),
    ("transcribe", "device", '"gpu"', "must be one of 'auto', 'cpu', 'cuda'"),
    ("transcribe", "compute_type", '"int3"', "must be one of"),
    ("transcribe", "language", '"English"', "'English' is not allowed here"),
    ("transcribe", "model", '"  "', "must not be empty"),
    ("ui", "port", "99999", "must be from 1 to 65535, got 99999"),
    ("ui", "port", "0", "must be from 1 to 65535"),
    ("ui", "host", '"not a host!"', "'not a host!' is not an IP address or a host name"),
    ("ui", "title", '""', "must not be empty"),
    ("ingest", "retry_backoff", "1e308", "must be from 0 to 3600 s, got 1e+308"),
    ("ingest", "retry_backoff", "nan", "must be a finite number"),
    ("ingest", "sleep_interval", "-1.0", "must be from 0 to 3600 s"),
    ("ingest", "retries", "-3", "must be from 0 to 100"),
    ("ingest", "rate_limit", '"fast"', "'fast' is not allowed here"),
    ("index", "lead_in", "-500", "must be from 0 to 60 s, got -500"),
    ("index", "hits_per_video", "0", "must be from 1 to 100"),
    ("index", "results_limit", "10000000", "must be from 1 to 1000"),
    ("channel", "urls", '["http://u:p@127.0.0.1:99999/"]', "not a valid URL: Port out of range 0-65535"),
    ("channel", "urls", '[""]', "an empty entry"),
])
def test_out_of_range_values_are_named(tmp_path, section, key, value, says):
    with pytest.raises(ConfigError) as caught:
        _load(tmp_path, f"[{section}]\n{key} = {value}\n")
    message = str(caught.value)
    assert message.startswith(f"{tmp_path / 'config.toml'}: [{section}] {key}: "), message
    assert says in message


@pytest.mark.parametrize("key", ["transcripts", "index", "audio", "state"])
def test_a_folder_setting_that_is_a_file_is_named(tmp_path, key):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match=rf"\[paths\] {key}: .*afile is a file, not a folder"):
        _load(tmp_path, f'[paths]\n{key} = "afile"\n')


def test_a_default_folder_that_is_a_file_is_named(tmp_path):
    (tmp_path / "transcripts").write_text("x")
    with pytest.raises(ConfigError, match=r"\[paths\] transcripts: .* is a file, not a folder"):
        _load(tmp_path, "")


def test_media_roots_entries_are_folders(tmp_path):
    (tmp_path / "afile").write_text("x")
    with pytest.raises(ConfigError, match=r"\[paths\] media_roots: .*afile is a file, not a folder"):
        _load(tmp_path, '[paths]\nmedia_roots = ["afile"]\n')


@pytest.mark.parametrize("host", ["127.0.0.1", "::1", "localhost", "0.0.0.0", "archive.example.org"])
def test_real_hosts_are_accepted(tmp_path, host):
    assert _load(tmp_path, f'[ui]\nhost = "{host}"\n').ui.host == host


def test_the_edges_of_each_range_are_accepted(tmp_path):
    config = _load(tmp_path, "[transcribe]\nbeam_size = 32\nthreads = 0\n[ui]\nport = 65535\n"
                             "[index]\nlead_in = 0\nresults_limit = 1000\n[ingest]\nretry_backoff = 3600\n")
    assert config.transcribe.beam_size == 32 and config.ui.port == 65535 and config.index.lead_in == 0


VALUES = st.one_of(st.none(), st.booleans(), st.integers(min_value=-(2**63), max_value=2**63 - 1),
                   st.floats(allow_nan=True, allow_infinity=True), st.text(max_size=20),
                   st.lists(st.text(max_size=10), max_size=3), st.dictionaries(st.text(max_size=5), st.integers(), max_size=2))
KEYS = [(name, f.name) for name, cls in _SECTIONS.items() for f in dataclasses.fields(cls)]


@settings(max_examples=300, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])
@given(st.lists(st.tuples(st.sampled_from(KEYS), VALUES), max_size=4))
def test_any_values_give_a_config_or_a_config_error(tmp_path, entries):
    raw: dict = {}
    for (section, key), value in entries:
        if value is not None:  # TOML has no null
            raw.setdefault(section, {})[key] = value
    try:
        config = config_from_dict(raw, tmp_path / "config.toml")
    except ConfigError as exc:
        assert str(exc).startswith(f"{tmp_path / 'config.toml'}: ")
        return
    for name in _SECTIONS:
        for f in dataclasses.fields(getattr(config, name)):
            value = getattr(getattr(config, name), f.name)
            assert not (isinstance(value, float) and not math.isfinite(value)), (name, f.name, value)
    assert 1 <= config.ui.port <= 65535 and config.index.lead_in >= 0


def test_serve_refuses_a_host_that_is_no_address(tmp_path):
    from click.testing import CliRunner

    from ui.cli import EXIT_USAGE, cli

    config = tmp_path / "config.toml"
    config.write_text("", encoding="utf-8")
    result = CliRunner().invoke(cli, ["--config", str(config), "serve", "--host", "not a host!"])
    assert result.exit_code == EXIT_USAGE and "is not an IP address or a host name" in result.output


def test_library_callers_get_the_same_checks():
    from archive.options import InvalidOption
    from index.options import SearchOptions
    from ingest.engines import TranscribeOptions
    from ingest.run_records import IngestOptions

    with pytest.raises(InvalidOption, match="beam_size: must be from 1 to 32, got 0"):
        TranscribeOptions(beam_size=0)
    with pytest.raises(InvalidOption, match="lead_in: must be from 0 to 60 s, got -500"):
        SearchOptions(lead_in=-500)
    with pytest.raises(InvalidOption, match="retry_backoff: must be from 0 to 3600 s"):
        IngestOptions(retry_backoff=1e308)


@pytest.mark.parametrize(("section", "key", "value"), [("paths", "transcripts", "a\x00b"), ("paths", "media_roots", ["\x00"]),
                                                       ("transcribe", "model", "./models/\x00")])
def test_a_nul_in_a_path_is_named(tmp_path, section, key, value):
    # Found by the property test above: ValueError("embedded null byte") from the OS before.
    with pytest.raises(ConfigError, match=rf"\[{section}\] {key}: a path cannot contain a NUL character"):
        config_from_dict({section: {key: value}}, tmp_path / "config.toml")


def test_a_config_nested_too_deep_is_named(tmp_path):
    path = tmp_path / "config.toml"
    path.write_text("a = " + "[" * 100_000 + "]" * 100_000 + "\n", encoding="utf-8")
    with pytest.raises(ConfigError, match="not valid TOML: nested too deeply"):  # a RecursionError before
        load_config(path)
