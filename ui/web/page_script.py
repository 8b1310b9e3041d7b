"""The page's few lines of JavaScript, each with one job Streamlit has no element for.

Inserted with `st.html(..., unsafe_allow_javascript=True)`: only our own constants and element keys
(hex digests) go into them, never outside text.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

# Timeline ticks are links to their moment. Followed as links they reload the whole app (~2 s) and
# lose what the page held (find text, paging); pushing the link and announcing it as a history step
# makes Streamlit rerun with that address instead, which the page reads like Back/Forward.
TICKS_IN_PLACE = """<script>
if (!window.__ssTicks) {
  window.__ssTicks = true;
  document.addEventListener("click", (event) => {
    const tick = event.target.closest && event.target.closest(".ss-timeline a[href]");
    if (!tick || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    window.history.pushState({}, "", tick.getAttribute("href"));
    window.dispatchEvent(new PopStateEvent("popstate"));
  });
}
</script>"""


def bring_into_view(container_key: str) -> str:
    """Scroll the element `.st-key-<container_key>` fully into view as it is drawn (a phone's player
    would otherwise start playing out of sight, below the fold). It keeps looking for two seconds,
    while the video learns its size and the panel fills in, then leaves the scrolling to the user."""
    if not _KEY.match(container_key):
        raise ValueError(f"not an element key: {container_key!r}")
    return f"""<script>
(() => {{
  let tries = 0;
  const look = () => {{
    const el = document.querySelector(".st-key-{container_key}");
    if (el) {{
      const r = el.getBoundingClientRect();
      if (r.height > 40 && (r.top < 0 || r.bottom > window.innerHeight)) {{
        el.scrollIntoView({{block: r.height > window.innerHeight ? "start" : "nearest", behavior: "instant"}});
      }}
    }}
    if (tries++ < 20) setTimeout(look, 100);
  }};
  look();
}})();
</script>"""


def page_language(code: str) -> str:
    """Set <html lang> to the interface language (screen readers pick their voice from it)."""
    if not re.match(r"^[a-z]{2,3}$", code):
        raise ValueError(f"not a language code: {code!r}")
    return f'<script>document.documentElement.lang = "{code}";</script>'
