"""config.toml loader: typed sections, errors naming file + section + key, paths relative to the file."""

from __future__ import annotations

from pathlib import Path

import pytest

from ui.config import DEFAULT_PATH, ENV_VAR, ConfigError, load_config


def _write(folder: Path, text: str, name: str = "config.toml") -> Path:
    path = folder / name
    path.write_text(text, encoding="utf-8")
    return path


def test_the_repository_config_loads():
    config = load_config(DEFAULT_PATH)
    assert config.path == DEFAULT_PATH.resolve()
    assert config.paths.transcripts == DEFAULT_PATH.parent / "transcripts"
    assert config.transcribe.engine == "faster-whisper"
    assert config.transcribe.language is None  # "" means detect
    assert all(u.startswith("https://www.youtube.com/") for u in config.channel.urls)


def test_an_empty_file_gives_the_defaults_with_paths_beside_it(tmp_path, monkeypatch):
    monkeypatch.chdir("/")
    config = load_config(_write(tmp_path, ""))
    assert config.paths.transcripts == tmp_path / "transcripts"
    assert config.paths.index == tmp_path / "data" / "index"
    assert config.index.results_limit == 20 and config.ui.port == 8501


def test_relative_paths_resolve_against_the_config_file_not_the_working_directory(tmp_path, monkeypatch):
    conf_dir = tmp_path / "conf"
    conf_dir.mkdir()
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    monkeypatch.chdir(elsewhere)
    path = _write(conf_dir, f"""
[paths]
transcripts = "archive/transcripts"
index = "../shared-index"
audio = "{tmp_path / 'abs-audio'}"
state = "~/sessions-state"

[transcribe]
model = "models/base"
""")
    config = load_config(path)
    assert config.paths.transcripts == conf_dir / "archive" / "transcripts"
    assert config.paths.index == tmp_path / "shared-index"
    assert config.paths.audio == tmp_path / "abs-audio"
    assert config.paths.state == Path.home() / "sessions-state"
    assert config.transcribe.model == str(conf_dir / "models" / "base")  # a folder, resolved like a path


def test_a_model_name_is_not_taken_for_a_path(tmp_path):
    assert load_config(_write(tmp_path, '[transcribe]\nmodel = "small"\n')).transcribe.model == "small"


def test_values_get_their_types(tmp_path):
    config = load_config(_write(tmp_path, """
[ingest]
sleep_interval = 3        # an integer where seconds (float) are expected is fine
keep_audio = true
[channel]
urls = ["https://example.org/feed.xml"]
[transcribe]
language = "fr"
threads = 2
"""))
    assert config.ingest.source.sleep_interval == 3.0 and isinstance(config.ingest.source.sleep_interval, float)
    assert config.ingest.keep_audio is True
    assert config.channel.urls == ("https://example.org/feed.xml",)
    assert config.transcribe.language == "fr" and config.transcribe.threads == 2


@pytest.mark.parametrize(
    ("text", "expected"),
    [
        ("[search]\nlimit = 3\n", "unknown section [search]"),
        ("[ui]\nprot = 80\n", "[ui] prot: unknown key"),
        ('[ui]\nport = "8501"\n', "[ui] port: expected a whole number"),
        ("[ui]\nport = 85.01\n", "[ui] port: expected a whole number"),
        ("[ui]\nport = true\n", "[ui] port: expected a whole number"),
        ('[ingest]\nkeep_audio = "yes"\n', "[ingest] keep_audio: expected true or false"),
        ('[ingest]\nsleep_interval = "2s"\n', "[ingest] sleep_interval: expected a number"),
        ("[ingest]\nretries = 2.5\n", "[ingest] retries: expected a whole number"),
        ('[channel]\nurls = "https://example.org"\n', "[channel] urls: expected a list of strings"),
        ("[channel]\nurls = [1, 2]\n", "[channel] urls: expected a list of strings"),
        ("[paths]\ntranscripts = 5\n", "[paths] transcripts: expected a path"),
        ('[paths]\ntranscripts = ""\n', "[paths] transcripts: expected a path"),
        ("[transcribe]\nlanguage = 3\n", "[transcribe] language: expected text"),
        ("paths = 3\n", "'paths' must be a table"),
        ("[paths.extra]\nx = 1\n", "[paths] extra: unknown key"),
    ],
)
def test_bad_settings_are_named_with_file_section_and_key(tmp_path, text, expected):
    path = _write(tmp_path, text)
    with pytest.raises(ConfigError) as info:
        load_config(path)
    message = str(info.value)
    assert message.startswith(str(path.resolve()) + ": ")
    assert expected in message


def test_not_toml_missing_or_unreadable_files_are_config_errors(tmp_path):
    with pytest.raises(ConfigError, match="not valid TOML"):
        load_config(_write(tmp_path, "[paths\n"))
    with pytest.raises(ConfigError, match=f"config file not found \\(set {ENV_VAR}"):
        load_config(tmp_path / "missing.toml")
    with pytest.raises(ConfigError, match="cannot read the config file"):
        load_config(tmp_path)  # a folder


def test_sessions_config_points_at_another_file_and_an_explicit_path_wins(tmp_path, monkeypatch):
    env_file = _write(tmp_path, "[ui]\nport = 9000\n", "env.toml")
    explicit = _write(tmp_path, "[ui]\nport = 9100\n", "explicit.toml")
    monkeypatch.setenv(ENV_VAR, str(env_file))
    assert load_config().ui.port == 9000
    assert load_config().path == env_file.resolve()
    assert load_config(explicit).ui.port == 9100
    monkeypatch.delenv(ENV_VAR)
    assert load_config().path == DEFAULT_PATH.resolve()
