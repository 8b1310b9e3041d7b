"""Running the Streamlit app in-process with AppTest, on a given config file."""

from __future__ import annotations

import html
import re
from pathlib import Path

from streamlit.testing.v1 import AppTest

APP = str(Path(__file__).resolve().parents[2] / "ui" / "web" / "app.py")


def run_app(monkeypatch, config: Path, **params: str) -> AppTest:
    """The app after its first run with these URL parameters (?q=…&v=…), SESSIONS_CONFIG=config."""
    monkeypatch.setenv("SESSIONS_CONFIG", str(config))
    at = AppTest.from_file(APP, default_timeout=60)
    for key, value in params.items():
        at.query_params[key] = value
    at.run()
    assert not at.exception, at.exception
    return at


def param(at: AppTest, key: str) -> str | None:
    """A URL parameter as the browser would show it (AppTest keeps lists for values set by the test)."""
    value = at.query_params.get(key)
    return value[0] if isinstance(value, list) else value


def citations(at: AppTest) -> list[str]:
    """The player's citation line(s) as displayed: plain HTML with a copy button (not st.code)."""
    return [html.unescape(t) for h in at.get("html")
            for t in re.findall(r'<code class="ss-cite-text">(.*?)</code>', h.proto.body)]
