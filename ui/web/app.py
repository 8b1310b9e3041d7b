"""Streamlit entry point (`sessions serve` runs `streamlit run ui/web/app.py`)."""

import sys
from pathlib import Path

# `streamlit run` puts ui/web/ itself on sys.path, where modules like ui/web/state.py would shadow
# top-level names; the project root is what our imports (`ui.…`, `index.…`) need.
_WEB = Path(__file__).resolve().parent
_ROOT = _WEB.parents[1]
sys.path[:] = [p for p in sys.path if Path(p or ".").resolve() != _WEB]
if str(_ROOT) not in sys.path:
    sys.path.insert(0, str(_ROOT))

from ui.web.search_page import main  # noqa: E402

main()
