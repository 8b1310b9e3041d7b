"""The page's few lines of JavaScript, each with one job Streamlit has no element for.

Inserted with `st.html(..., unsafe_allow_javascript=True)`: only our own constants and element keys
(hex digests) go into them, never outside text.
"""

from __future__ import annotations

import re

_KEY = re.compile(r"^[A-Za-z0-9_-]+$")

# A result card's moments, its "Also in" languages and the reader's line times are links to their
# moment (plain HTML: a button per moment made a result page slow to draw). Followed as links they
# reload the whole app (~2 s) and lose what the page held (find text, paging); pushing the link and
# announcing it as a history step makes Streamlit rerun with that address instead, which the page
# reads like Back/Forward. Ctrl/Cmd/Shift-click still opens the moment in a new tab or window.
LINKS_IN_PLACE = """<script>
if (!window.__ssLinks) {
  window.__ssLinks = true;
  window.__ssGo = (href) => {
    window.history.pushState({}, "", href);
    window.dispatchEvent(new PopStateEvent("popstate"));
  };
  document.addEventListener("click", (event) => {
    const link = event.target.closest && event.target.closest("a.ss-inplace[href]");
    if (!link || event.ctrlKey || event.metaKey || event.shiftKey || event.button !== 0) return;
    event.preventDefault();
    window.__ssGo(link.getAttribute("href"));
  });
}
</script>"""

# The hit timeline (ui/web/timeline.py) is one element: an image of its ticks and their list in
# data-ticks ([left %, seconds, time label] each). A click or a tap plays the tick nearest to it
# (within 12 px, 24 px for a finger), in place like a link; the pointer shows the tick it would
# play and its time; as a slider, the arrow keys (Home, End, Page Up/Down) choose a tick and Enter
# or Space plays it.
TIMELINE = """<script>
if (!window.__ssTimeline) {
  window.__ssTimeline = true;
  const stripOf = (el) => el && el.closest ? el.closest(".ss-timeline[data-ticks]") : null;
  const ticksOf = (s) => s.__ticks || (s.__ticks = JSON.parse(s.dataset.ticks));
  const nearest = (s, clientX) => {
    const r = s.getBoundingClientRect(), reach = matchMedia("(pointer: coarse)").matches ? 24 : 12;
    let best = -1, gap = Infinity;
    ticksOf(s).forEach((t, i) => {
      const d = Math.abs(r.left + t[0] / 100 * r.width + 1.5 - clientX);
      if (d < gap) { gap = d; best = i; }
    });
    return gap <= reach ? best : -1;
  };
  const chosen = (s) => {
    if (s.__at === undefined) {
      const now = s.getAttribute("aria-valuenow");
      s.__at = Math.max(0, ticksOf(s).findIndex((t) => String(t[1]) === now));
    }
    return s.__at;
  };
  const show = (s, i) => {
    if (i < 0) { s.classList.remove("ss-at"); return; }
    const t = ticksOf(s)[i];
    s.__at = i;
    s.style.setProperty("--at", t[0] + "%");
    s.dataset.tip = t[2];
    s.setAttribute("aria-valuenow", t[1]);
    s.setAttribute("aria-valuetext", t[2]);
    s.classList.add("ss-at");
  };
  const play = (s, i, newTab) => {
    const href = s.dataset.href + ticksOf(s)[i][1];
    if (newTab) window.open(href, "_blank");
    else window.__ssGo(href);
  };
  document.addEventListener("click", (event) => {
    const s = stripOf(event.target);
    if (!s || event.button !== 0) return;
    const i = nearest(s, event.clientX);
    if (i < 0) return;
    event.preventDefault();
    play(s, i, event.ctrlKey || event.metaKey || event.shiftKey);
  });
  document.addEventListener("mousemove", (event) => {
    const s = stripOf(event.target);
    if (s) show(s, nearest(s, event.clientX));
  }, {passive: true});
  document.addEventListener("mouseout", (event) => {
    const s = stripOf(event.target);
    if (s && !s.contains(event.relatedTarget) && document.activeElement !== s) show(s, -1);
  });
  document.addEventListener("focusin", (event) => {
    if (stripOf(event.target) === event.target) show(event.target, chosen(event.target));
  });
  document.addEventListener("focusout", (event) => {
    if (stripOf(event.target) === event.target) show(event.target, -1);
  });
  document.addEventListener("keydown", (event) => {
    const s = stripOf(event.target);
    if (!s || s !== event.target) return;
    const last = ticksOf(s).length - 1, i = chosen(s);
    const step = {ArrowRight: 1, ArrowUp: 1, ArrowLeft: -1, ArrowDown: -1, PageUp: 10, PageDown: -10}[event.key];
    if (event.key === "Enter" || event.key === " ") play(s, i, false);
    else if (step !== undefined) show(s, Math.min(last, Math.max(0, i + step)));
    else if (event.key === "Home") show(s, 0);
    else if (event.key === "End") show(s, last);
    else return;
    event.preventDefault();
  });
}
</script>"""

# Every script the search page needs in all its states, inserted once per page run.
PAGE_SCRIPTS = LINKS_IN_PLACE + TIMELINE


# The citation's copy button (ui/web/session_view.py): one listener for the page. The citation is
# plain HTML: st.code would load a 1.5 MB syntax-highlighting bundle when the first moment opens
# (~0.2–0.7 s of the browser's time before the player could start).
COPY_CITATION = """<script>
if (!window.__ssCopy) {
  window.__ssCopy = true;
  document.addEventListener("click", (event) => {
    const button = event.target.closest && event.target.closest(".ss-cite button.ss-copy");
    if (!button) return;
    const text = button.parentElement.querySelector(".ss-cite-text").innerText;
    const done = () => { button.textContent = button.dataset.done; };
    const select = () => {
      const range = document.createRange();
      range.selectNodeContents(button.parentElement.querySelector(".ss-cite-text"));
      const sel = window.getSelection(); sel.removeAllRanges(); sel.addRange(range);
      if (document.execCommand && document.execCommand("copy")) done();
    };
    if (navigator.clipboard && window.isSecureContext) navigator.clipboard.writeText(text).then(done, select);
    else select();
  });
}
</script>"""

# The transcript reader follows playback: the line being played is marked (.ss-playing) and kept in
# view inside the reader's own scrolling panel, unless the reader scrolled it in the last 4 s. Only a
# <video> element reports its time to the page; a YouTube embed is a cross-origin iframe whose time
# needs the IFrame API (enablejsapi, which Streamlit's embed does not set), so there the reader stays
# on the chosen moment. `timeupdate` does not bubble: one capturing listener catches every player.
FOLLOW_PLAYBACK = """<script>
if (!window.__ssFollow) {
  window.__ssFollow = true;
  let touched = 0;
  const scroller = (el) => {
    for (let p = el.parentElement; p; p = p.parentElement) {
      const y = getComputedStyle(p).overflowY;
      if ((y === "auto" || y === "scroll") && p.scrollHeight > p.clientHeight) return p;
    }
    return null;
  };
  for (const kind of ["wheel", "touchmove", "keydown"]) {
    document.addEventListener(kind, (e) => {
      if (e.target.closest && e.target.closest(".st-key-reader")) touched = Date.now();
    }, {capture: true, passive: true});
  }
  document.addEventListener("timeupdate", (event) => {
    const video = event.target;
    if (!(video instanceof HTMLMediaElement) || !video.closest(".st-key-session-panel")) return;
    let line = null;
    for (const el of document.querySelectorAll(".st-key-reader .ss-line[data-start]")) {
      if (parseFloat(el.dataset.start) <= video.currentTime + 0.2) line = el; else break;
    }
    const before = document.querySelector(".st-key-reader .ss-line.ss-playing");
    if (line === before) return;
    if (before) before.classList.remove("ss-playing");
    if (!line) return;
    line.classList.add("ss-playing");
    const box = scroller(line);
    if (!box || Date.now() - touched < 4000) return;
    const r = line.getBoundingClientRect(), b = box.getBoundingClientRect();
    if (r.top < b.top || r.bottom > b.bottom) box.scrollTop += r.top - b.top - box.clientHeight / 3;
  }, true);
}
</script>"""


def bring_into_view(container_key: str, moment: int = 0) -> str:
    """Scroll the element `.st-key-<container_key>` fully into view as it is drawn (a phone's player
    would otherwise start playing out of sight, below the fold). It keeps looking for two seconds,
    while the video learns its size and the panel fills in, then leaves the scrolling to the user.

    It also plays the player's <video> from `moment` (whole seconds), once per moment: the page gives
    st.video no autoplay flag, so that another moment of the same recording seeks the <video> already
    loaded (Streamlit sets its currentTime) instead of re-creating it; a click means "play from here"
    even when the video was paused. The markup differs per moment, so Streamlit runs it once each."""
    if not _KEY.match(container_key):
        raise ValueError(f"not an element key: {container_key!r}")
    moment = int(moment)
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
      const v = el.querySelector("video");
      if (v && v.__ssMoment !== {moment}) {{
        v.__ssMoment = {moment};
        if (v.paused) v.play().catch(() => {{}});
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
