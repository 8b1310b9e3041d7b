"""Streamlit entry point (`sessions serve` runs `streamlit run ui/app.py`)."""

import sys
from pathlib import Path

# `streamlit run` puts ui/ itself on sys.path, where modules like ui/config.py would shadow
# top-level names; the project root is what our imports (`ui.…`, `index.…`) need.
_UI = Path(__file__).resolve().parent
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _UI]
if str(_UI.parent) not in sys.path:
    sys.path.insert(0, str(_UI.parent))

from ui.search_page import main  # noqa: E402

main()
