"""The route `sessions serve` streams local recordings from (ui/web/recordings.py), driven as real
Starlette over ASGI: ranges are streamed from the file, and only files inside the media roots,
registered by the page, are ever answered."""

from __future__ import annotations

import asyncio

import pytest

from tests.support.ui_archive import local_copy
from ui.web import recordings


def _get(token: str, headers: dict[str, str] | None = None, method: str = "GET") -> tuple[int, dict[str, str], bytes]:
    """One request through the route's Starlette app: (status, headers, body)."""
    from starlette.applications import Starlette

    app = Starlette(routes=recordings.routes())
    scope = {"type": "http", "asgi": {"version": "3.0"}, "http_version": "1.1", "method": method, "scheme": "http",
             "path": f"/recording/{token}", "raw_path": f"/recording/{token}".encode(), "query_string": b"",
             "root_path": "", "server": ("127.0.0.1", 8501), "client": ("127.0.0.1", 50000),
             "headers": [(k.lower().encode(), v.encode()) for k, v in (headers or {}).items()]}
    sent: list[dict] = []
    requested = False

    async def receive():  # the request once, then an open connection until the response is over
        nonlocal requested
        if requested:
            await asyncio.Event().wait()
        requested = True
        return {"type": "http.request", "body": b"", "more_body": False}

    async def send(message):
        sent.append(message)

    asyncio.run(app(scope, receive, send))
    start = next(m for m in sent if m["type"] == "http.response.start")
    body = b"".join(m.get("body", b"") for m in sent if m["type"] == "http.response.body")
    return start["status"], {k.decode(): v.decode() for k, v in start["headers"]}, body


@pytest.fixture
def media(tmp_path):
    return local_copy("jfk.flac", tmp_path / "media")


def test_a_range_is_streamed_from_the_file(media):
    token = recordings.token_for(media, (media.parent,), "audio/flac")
    data = media.read_bytes()
    status, headers, body = _get(token, {"Range": "bytes=1000-"})
    assert status == 206 and body == data[1000:]
    assert headers["content-range"] == f"bytes 1000-{len(data) - 1}/{len(data)}"
    assert headers["content-type"] == "audio/flac" and headers["accept-ranges"] == "bytes"
    status, _headers, body = _get(token, {"Range": "bytes=0-99"})
    assert status == 206 and body == data[:100]
    status, _headers, body = _get(token)
    assert status == 200 and body == data


def test_unknown_tokens_and_files_gone_outside_the_roots_get_404(media, tmp_path):
    assert _get("0" * 32)[0] == 404
    assert _get("../../etc/passwd")[0] == 404
    token = recordings.token_for(media, (media.parent,), "audio/flac")
    secret = tmp_path / "secret.flac"
    secret.write_bytes(b"not for visitors")
    media.unlink()
    media.symlink_to(secret)  # swapped for a link to a file outside the media folder after the page checked it
    status, _headers, body = _get(token)
    assert status == 404 and b"visitors" not in body


def test_the_page_streams_only_when_the_route_is_mounted_and_its_address_known(media, monkeypatch):
    monkeypatch.setattr(recordings, "_mounted", False)
    assert recordings.recording_url("http://127.0.0.1:8501/", media, (media.parent,), "audio/flac") is None
    monkeypatch.setattr(recordings, "_mounted", True)
    assert recordings.recording_url(None, media, (media.parent,), "audio/flac") is None
    url = recordings.recording_url("http://127.0.0.1:8501/?q=x", media, (media.parent,), "audio/flac")
    assert url.startswith("http://127.0.0.1:8501/recording/") and len(url.rsplit("/", 1)[1]) == 32
    assert url == recordings.recording_url("http://127.0.0.1:8501/", media, (media.parent,), "audio/flac")
