"""What `sessions serve` runs: the search page (ui/web/app.py) as an st.App, plus the route that
streams local recordings from disk (ui/web/recordings.py). `streamlit run` finds `app` below."""

import sys
from pathlib import Path

# As in app.py: `streamlit run` puts ui/web/ itself on sys.path; our imports need the project root.
_WEB = Path(__file__).resolve().parent
_ROOT = _WEB.parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _WEB]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

import streamlit as st  # noqa: E402

from ui.web import recordings  # noqa: E402

app = st.App(_WEB / "app.py", routes=recordings.routes())
