"""A folder of recordings served as an RSS feed on 127.0.0.1 (stdlib http.server).

yt-dlp's generic extractor reads an RSS feed as a playlist (`<guid>` → video id, `<pubDate>` →
upload date, `<enclosure>` → media), so this stands in for a channel: the offline demo serves
../shared/media with it and the tests use it as a controllable fake channel. It supports adding
items while running, an item whose media answers 404, an item that answers 503 a given number of
times before working, range requests, a free port and a clean stop. It counts media requests so
a test can prove that a re-run downloaded nothing.
"""

from __future__ import annotations

import mimetypes
import re
import threading
from collections import Counter
from dataclasses import dataclass, replace
from datetime import UTC, date, datetime, time
from email.utils import format_datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import quote, unquote, urlparse
from xml.sax.saxutils import escape

MEDIA_SUFFIXES = {".mp4", ".m4a", ".mp3", ".wav", ".flac", ".ogg", ".opus", ".webm", ".mkv", ".mov", ".aac"}
_RANGE = re.compile(r"bytes=(\d*)-(\d*)$")


@dataclass(frozen=True)
class FeedItem:
    guid: str
    title: str
    file: Path
    pub_date: date | None = None
    description: str = ""
    missing: bool = False  # the enclosure answers 404 (a removed video)
    fail_times: int = 0  # the enclosure answers 503 this many times, then works (a flaky server)


def items_from_folder(folder: Path) -> list[FeedItem]:
    """One item per recording in `folder` (sorted by name); the guid is the file name."""
    files = sorted(p for p in Path(folder).iterdir() if p.is_file() and p.suffix.lower() in MEDIA_SUFFIXES)
    return [FeedItem(guid=p.name, title=p.stem.replace("_", " "), file=p) for p in files]


class LocalFeed:
    """`with LocalFeed(items) as feed: feed.url` — the feed's URL on a free loopback port."""

    def __init__(self, items: list[FeedItem] | tuple[FeedItem, ...] = (), *, title: str = "Local recordings",
                 host: str = "127.0.0.1", port: int = 0):
        self.title = title
        self._items: list[FeedItem] = list(items)
        self._failures_left: dict[str, int] = {i.guid: i.fail_times for i in self._items}
        self._lock = threading.Lock()
        self.requests: Counter[str] = Counter()  # "feed" and "media:<guid>" → GET/HEAD count
        self._server = _QuietServer((host, port), _handler_for(self))
        self._thread: threading.Thread | None = None

    # -- lifecycle ------------------------------------------------------------------------
    @property
    def base_url(self) -> str:
        host, port = self._server.server_address[:2]
        return f"http://{host}:{port}"

    @property
    def url(self) -> str:
        return f"{self.base_url}/feed.xml"

    def start(self) -> LocalFeed:
        if self._thread is None:
            self._thread = threading.Thread(target=self._server.serve_forever, name="localfeed", daemon=True)
            self._thread.start()
        return self

    def stop(self) -> None:
        if self._thread is not None:
            self._server.shutdown()
            self._thread.join(timeout=5)
            self._thread = None
        self._server.server_close()

    def __enter__(self) -> LocalFeed:
        return self.start()

    def __exit__(self, *exc: object) -> None:
        self.stop()

    # -- items ----------------------------------------------------------------------------
    def add(self, item: FeedItem) -> None:
        with self._lock:
            if any(i.guid == item.guid for i in self._items):
                raise ValueError(f"feed already has an item with guid {item.guid!r}")
            self._items.append(item)
            self._failures_left[item.guid] = item.fail_times

    def update(self, guid: str, **changes: object) -> None:
        """Change an item (e.g. `missing=False` once a removed video is back)."""
        with self._lock:
            for n, item in enumerate(self._items):
                if item.guid == guid:
                    self._items[n] = replace(item, **changes)  # type: ignore[arg-type]
                    if "fail_times" in changes:
                        self._failures_left[guid] = int(changes["fail_times"])  # type: ignore[arg-type]
                    return
        raise KeyError(guid)

    def items(self) -> list[FeedItem]:
        with self._lock:
            return list(self._items)

    def media_url(self, item: FeedItem) -> str:
        return f"{self.base_url}/media/{quote(item.guid, safe='')}{item.file.suffix.lower()}"

    def media_requests(self) -> int:
        return sum(n for key, n in self.requests.items() if key.startswith("media:"))

    # -- rendering ------------------------------------------------------------------------
    def rss(self) -> bytes:
        parts = [
            '<?xml version="1.0" encoding="UTF-8"?>',
            '<rss version="2.0"><channel>',
            f"<title>{escape(self.title)}</title>",
            f"<link>{escape(self.base_url)}/</link>",
            f"<description>{escape(self.title)}</description>",
        ]
        # Newest first, like a channel's listing.
        for item in reversed(self.items()):
            mime = mimetypes.guess_type(item.file.name)[0] or "application/octet-stream"
            size = item.file.stat().st_size if item.file.is_file() else 0
            parts.append("<item>")
            parts.append(f"<title>{escape(item.title)}</title>")
            parts.append(f'<guid isPermaLink="false">{escape(item.guid)}</guid>')
            if item.pub_date:
                stamp = datetime.combine(item.pub_date, time(12), tzinfo=UTC)
                parts.append(f"<pubDate>{format_datetime(stamp)}</pubDate>")
            if item.description:
                parts.append(f"<description>{escape(item.description)}</description>")
            parts.append(f'<enclosure url="{escape(self.media_url(item))}" length="{size}" type="{mime}"/>')
            parts.append("</item>")
        parts.append("</channel></rss>")
        return "\n".join(parts).encode("utf-8")

    def _find(self, name: str) -> FeedItem | None:
        for item in self.items():
            if f"{item.guid}{item.file.suffix.lower()}" == name:
                return item
        return None

    def _take_failure(self, guid: str) -> bool:
        with self._lock:
            left = self._failures_left.get(guid, 0)
            if left > 0:
                self._failures_left[guid] = left - 1
                return True
            return False


class _QuietServer(ThreadingHTTPServer):
    daemon_threads = True

    def handle_error(self, request: object, client_address: object) -> None:
        pass  # clients that hang up (yt-dlp probing, a killed ingest) are normal here


def _handler_for(feed: LocalFeed) -> type[BaseHTTPRequestHandler]:
    class Handler(BaseHTTPRequestHandler):
        protocol_version = "HTTP/1.1"

        def log_message(self, format: str, *args: object) -> None:  # noqa: A002 - quiet server
            pass

        def do_HEAD(self) -> None:  # noqa: N802 - http.server's naming
            self._serve(body=False)

        def do_GET(self) -> None:  # noqa: N802
            self._serve(body=True)

        def _serve(self, body: bool) -> None:
            path = unquote(urlparse(self.path).path)
            if path in ("/feed.xml", "/", "/feed"):
                feed.requests["feed"] += 1
                self._send(200, feed.rss(), "application/rss+xml; charset=utf-8", body)
                return
            if path.startswith("/media/"):
                item = feed._find(path[len("/media/"):])
                if item is not None:
                    feed.requests[f"media:{item.guid}"] += 1
                    if item.missing or not item.file.is_file():
                        self._send(404, b"not found", "text/plain", body)
                    elif feed._take_failure(item.guid):
                        self._send(503, b"try again later", "text/plain", body, extra={"Retry-After": "1"})
                    else:
                        self._send_file(item.file, body)
                    return
            self._send(404, b"not found", "text/plain", body)

        def _send(self, code: int, data: bytes, ctype: str, body: bool, extra: dict[str, str] | None = None) -> None:
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Content-Length", str(len(data)))
            for k, v in (extra or {}).items():
                self.send_header(k, v)
            self.end_headers()
            if body:
                self.wfile.write(data)

        def _send_file(self, file: Path, body: bool) -> None:
            size = file.stat().st_size
            ctype = mimetypes.guess_type(file.name)[0] or "application/octet-stream"
            start, end, code = 0, size - 1, 200
            m = _RANGE.match(self.headers.get("Range", "").strip())
            if m and (m.group(1) or m.group(2)):
                if m.group(1):
                    start = int(m.group(1))
                    end = min(int(m.group(2)), size - 1) if m.group(2) else size - 1
                else:  # suffix range: the last N bytes
                    start = max(0, size - int(m.group(2)))
                if start >= size or start > end:
                    self._send(416, b"", "text/plain", body, extra={"Content-Range": f"bytes */{size}"})
                    return
                code = 206
            self.send_response(code)
            self.send_header("Content-Type", ctype)
            self.send_header("Accept-Ranges", "bytes")
            self.send_header("Content-Length", str(end - start + 1))
            if code == 206:
                self.send_header("Content-Range", f"bytes {start}-{end}/{size}")
            self.end_headers()
            if not body:
                return
            with file.open("rb") as f:
                f.seek(start)
                left = end - start + 1
                try:
                    while left > 0:
                        chunk = f.read(min(65536, left))
                        if not chunk:
                            break
                        self.wfile.write(chunk)
                        left -= len(chunk)
                except (BrokenPipeError, ConnectionResetError):
                    pass  # the client went away (a killed ingest): nothing to clean up

    return Handler
