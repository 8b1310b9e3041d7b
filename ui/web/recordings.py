"""Local recordings streamed from disk by `sessions serve` (route /recording/<token>, ui/web/server.py).

Given bytes, st.video keeps the whole file in Streamlit's in-memory media store and answers each range
request with a copy of everything up to the end of the file: a 1.5 h talk is ~130 MB, so every click
on a moment copied and pushed ~100 MB while the browser only wanted the frames around it. This route
streams the asked range from the file itself (Starlette's FileResponse), as the browser reads it.

Only files the page has checked against archive.media_roots are served: the page registers each
one (`recording_url`) under an unguessable token, and the route re-checks the file against the same
media roots before every answer. Without the route (AppTest, or `streamlit run ui/web/app.py`) the
page falls back to handing st.video the file's bytes.
"""

from __future__ import annotations

import hashlib
import logging
import secrets
from pathlib import Path

from archive.media_roots import check_local_media

log = logging.getLogger("sessions.ui")
PATH = "/recording/{token}"
_SALT = secrets.token_hex(16)  # per server process: a token names a file only for this server's life
_allowed: dict[str, tuple[Path, tuple[Path, ...], str]] = {}
_mounted = False


def routes() -> list:
    """The Starlette route(s) for st.App (ui/web/server.py); importing Starlette only here."""
    from starlette.routing import Route

    global _mounted
    _mounted = True
    return [Route(PATH, _serve, methods=["GET", "HEAD"])]


def mounted() -> bool:
    return _mounted


def token_for(path: Path, media_roots: tuple[Path, ...], mimetype: str) -> str:
    """Register `path` (already checked by ui.web.player) and return its token. The token changes
    with the file's version, so a replaced recording is never answered from a browser's cache."""
    try:
        info = path.stat()
        version = f"{info.st_mtime_ns}:{info.st_size}"
    except OSError:
        version = "gone"
    token = hashlib.sha256(f"{_SALT}\0{path}\0{version}".encode()).hexdigest()[:32]
    _allowed[token] = (path, tuple(media_roots), mimetype)
    return token


def recording_url(app_url: str | None, path: Path, media_roots: tuple[Path, ...], mimetype: str) -> str | None:
    """The address the browser streams `path` from, or None when this server has no such route or the
    page's own address is unknown (then st.video is given the bytes)."""
    if not _mounted or not app_url or not app_url.startswith(("http://", "https://")):
        return None
    base = app_url.split("?", 1)[0].split("#", 1)[0].rstrip("/")
    return f"{base}/recording/{token_for(path, media_roots, mimetype)}"


async def _serve(request):
    from starlette.responses import FileResponse, PlainTextResponse

    entry = _allowed.get(request.path_params["token"])
    if entry is None:
        return PlainTextResponse("Not found", status_code=404)
    path, roots, mimetype = entry
    verdict = check_local_media(path, roots)  # again: the file may have been swapped since the page checked it
    if verdict.path is None:
        log.warning("recording no longer served: %s", verdict.reason)
        return PlainTextResponse("Not found", status_code=404)
    # FileResponse answers Range requests (206) by streaming the range from disk, 64 KiB at a time.
    return FileResponse(verdict.path, media_type=mimetype, headers={"Cache-Control": "private, max-age=3600"})
