"""The one yt-dlp wrapper: list a source cheaply, fetch one recording's audio, classify failures.

`list_videos` makes a flat listing (no per-video page fetch) of a channel tab, playlist, RSS feed
or single video, or lists a local folder of recordings. `fetch_audio` downloads the audio of one
listed video and returns it with its full metadata. yt-dlp's exceptions never leave this module:
they become `DownloadFailed` with a stable `reason` word and whether retrying may help.
yt_dlp is imported lazily so that `sessions --help`, `status` and the index start fast.
"""

from __future__ import annotations

import importlib.util
import logging
import re
import shutil
from collections.abc import Callable
from dataclasses import dataclass, replace
from datetime import UTC, datetime
from pathlib import Path
from typing import Any
from urllib.parse import urlparse

from archive.errors import WriteFailed
from archive.ids import safe_stem
from archive.links import youtube_id_from_url
from archive.options import Options
from archive.records import Chapter, Video, within_recording
from archive.settings import setting
from archive.text import printable
from archive.writes import disk_failure, writing
from ingest.errors import DownloadFailed, IngestError, YouTubeRuntimeMissing, kind_of_path

log = logging.getLogger("sessions.ingest")

# Called with (bytes done, total bytes or None).
DownloadProgress = Callable[[int, int | None], None]

LOCAL_MEDIA_SUFFIXES = {".mp4", ".m4a", ".mp3", ".wav", ".flac", ".ogg", ".opus", ".webm", ".mkv", ".mov",
                        ".aac", ".wma", ".avi"}
_YT_HOSTS = {"youtube.com", "www.youtube.com", "m.youtube.com", "music.youtube.com", "youtu.be"}
# /@handle, /channel/UC…, /c/name, /user/name, optionally followed by a tab we replace.
_CHANNEL_PATH = re.compile(r"^/(@[^/]+|channel/[^/]+|c/[^/]+|user/[^/]+)(?:/(featured|home|videos|streams|shorts|"
                           r"live|playlists|community|about))?/?$")
CHANNEL_TABS = ("videos", "streams")
_NOT_YET_RECORDED = {"is_upcoming", "is_live", "post_live"}


@dataclass(frozen=True)
class SourceOptions(Options):
    """How yt-dlp lists and downloads; its keys live in the config's [ingest] section (inline there)."""

    audio_format: str = setting("bestaudio/best", pattern=r"\S+")
    extract_audio: bool = True  # keep only the audio track (stream copy when possible; needs ffmpeg)
    sleep_interval: float = setting(0.0, min=0, max=3600, unit="s")  # between downloads (min of a random range)
    max_sleep_interval: float = setting(0.0, min=0, max=3600, unit="s")
    sleep_requests: float = setting(0.0, min=0, max=3600, unit="s")  # between metadata requests
    rate_limit: str = setting("", pattern=r"(\d+(\.\d+)?[kKmMgGtTpP]?)?")  # bytes/s, e.g. "2M"; "" = unlimited
    cookies_file: str = ""
    socket_timeout: float = setting(30.0, min=1, max=3600, unit="s")
    retries: int = setting(5, min=0, max=100)  # yt-dlp's own retries inside one download
    approximate_dates: bool = True  # YouTube flat listings get upload dates (youtubetab approximate_date)


# -- URLs ----------------------------------------------------------------------------------

def is_youtube(url: str) -> bool:
    try:
        return (urlparse(url).hostname or "").lower() in _YT_HOSTS
    except ValueError:  # "http://[::1": not a URL at all, so not YouTube's
        return False


def url_problem(url: str) -> str | None:
    """Why `url` cannot be fetched (a port out of range, a broken IPv6 host, no host), or None."""
    try:
        parsed = urlparse(url)
        parsed.port  # noqa: B018 - urllib checks the port only when it is read
    except ValueError as exc:
        return str(exc)
    if parsed.port == 0:
        return "port 0 cannot be connected to"
    if parsed.scheme in ("http", "https") and not parsed.hostname:
        return "no host name"
    return None


def expand_source(url: str) -> list[str]:
    """A channel's address becomes its uploads and live-stream tabs; anything else is left as is."""
    if not is_youtube(url):
        return [url]
    parsed = urlparse(url)
    m = _CHANNEL_PATH.match(parsed.path)
    if not m:
        return [url]
    tab = m.group(2)
    base = f"https://www.youtube.com/{m.group(1)}"
    if tab in ("videos", "streams", "shorts", "live", "playlists"):
        return [f"{base}/{tab}"]
    return [f"{base}/{t}" for t in CHANNEL_TABS]


def check_youtube_ready(urls: list[str] | tuple[str, ...]) -> None:
    """Raise YouTubeRuntimeMissing when a YouTube source is asked for without what YouTube needs."""
    if not any(is_youtube(u) for u in urls):
        return
    if find_js_runtime() is None:
        raise YouTubeRuntimeMissing(
            "YouTube needs a JavaScript runtime since yt-dlp 2025.11, and 'deno' was not found: "
            "pip install -e . (it depends on the 'deno' package) or install deno on PATH")
    if importlib.util.find_spec("yt_dlp_ejs") is None:
        raise YouTubeRuntimeMissing(
            "yt-dlp's YouTube components are missing: pip install 'yt-dlp[default]' (pip install -e . does it)")


def find_js_runtime() -> str | None:
    """The deno binary: the `deno` PyPI package's, else one on PATH."""
    try:
        from deno import find_deno_bin

        return find_deno_bin()
    except (ImportError, FileNotFoundError):
        return shutil.which("deno")


# -- listing -------------------------------------------------------------------------------

def list_videos(url: str, options: SourceOptions | None = None) -> list[Video]:
    """Every recording of a source, cheaply: one request per listing page, none per video."""
    options = options or SourceOptions()
    folder = Path(url).expanduser()
    if "://" not in url and folder.is_dir():
        return list_folder(folder)
    if "://" not in url and folder.is_file():
        from ingest.transcribe import local_video

        return [local_video(folder)]
    if "://" not in url and folder.exists():  # neither file nor folder: a FIFO, /dev/zero, a socket
        raise DownloadFailed(url, f"is {kind_of_path(folder)}, not a recording, a folder or a URL",
                             reason="undecodable")
    if "://" not in url and not folder.exists():
        raise DownloadFailed(url, "no such file or folder, and not a URL", reason="not-found")
    if (problem := url_problem(url)) is not None:
        raise DownloadFailed(url, f"not a valid URL: {problem}", reason="bad-url")
    videos: list[Video] = []
    seen: set[str] = set()
    for tab in expand_source(url):
        info = _extract(tab, options, flat=True)
        # A feed has no channel field: its title names it.
        for video in _videos_of(info, channel=_channel_name(info) or str(info.get("title") or "")):
            if video.id not in seen:
                seen.add(video.id)
                videos.append(video)
    return videos


def list_folder(folder: Path) -> list[Video]:
    """A local folder's recordings (not recursive), with the ids `sessions transcribe FILE` gives them
    (from the content, so a renamed file is not transcribed twice)."""
    from ingest.transcribe import local_video

    files = sorted(p for p in folder.iterdir() if p.is_file() and p.suffix.lower() in LOCAL_MEDIA_SUFFIXES)
    return [
        replace(local_video(p), channel=folder.name,
                upload_date=datetime.fromtimestamp(p.stat().st_mtime, UTC).date().isoformat())
        for p in files
    ]


def is_local(video: Video) -> bool:
    return bool(video.media_url) and "://" not in video.media_url and not video.webpage_url


def _videos_of(info: dict[str, Any], channel: str) -> list[Video]:
    if info.get("_type") in ("playlist", "multi_video") or "entries" in info:
        out: list[Video] = []
        for entry in info.get("entries") or ():
            if not entry:
                continue
            if entry.get("_type") in ("playlist", "multi_video") or "entries" in entry:
                out.extend(_videos_of(entry, channel=_channel_name(entry) or channel))
                continue
            if entry.get("live_status") in _NOT_YET_RECORDED:
                continue  # an announced or running live stream: its recording comes in a later run
            video = video_from_info(entry, channel=channel)
            if video is not None:
                out.append(video)
        return out
    video = video_from_info(info, channel=channel)
    return [video] if video is not None else []


def _channel_name(info: dict[str, Any]) -> str:
    return info.get("channel") or info.get("uploader") or info.get("playlist_uploader") or ""


def video_from_info(info: dict[str, Any], channel: str = "") -> Video | None:
    """Our Video from a yt-dlp info dict (a flat entry or a full extraction); None when it has no id."""
    from yt_dlp.utils import unsmuggle_url

    url = info.get("url") or info.get("webpage_url") or ""
    plain_url, smuggled = unsmuggle_url(url, {})
    # Feed entries have no id until fetched: the <guid> travels smuggled in the URL.
    video_id = info.get("id") or (smuggled or {}).get("force_videoid")
    if not video_id:
        return None
    webpage = info.get("webpage_url") or ""
    webpage = unsmuggle_url(webpage, {})[0] if webpage else ""
    yt = youtube_id_from_url(webpage) or youtube_id_from_url(plain_url)
    if yt is None and info.get("ie_key") == "Youtube" and re.fullmatch(r"[A-Za-z0-9_-]{11}", str(video_id)):
        yt = str(video_id)
    if yt:
        webpage = f"https://www.youtube.com/watch?v={yt}"
        media = ""
    else:
        webpage = webpage or plain_url
        media = plain_url or webpage
    return Video(
        id=str(video_id),
        # A feed's text is shown on terminals: no escape sequences (archive.text).
        title=printable(str(info.get("title") or video_id)),
        channel=printable(str(info.get("channel") or info.get("uploader") or channel or "")),
        webpage_url=webpage,
        media_url=media,
        upload_date=_upload_date(info),
        duration=_duration(info.get("duration")),
        description=printable(str(info.get("description") or ""), newlines=True),
        language=info.get("language") if isinstance(info.get("language"), str) else None,
        chapters=chapters_from_info(info.get("chapters"), _duration(info.get("duration"))),
    )


def chapters_from_info(raw: Any, duration: float | None = None) -> tuple[Chapter, ...]:
    """yt-dlp's `chapters` ([{"start_time", "end_time", "title"}], or None) as our records, in time order.

    An entry without a usable start time is left out (a feed's data is hearsay).
    """
    if not isinstance(raw, list):
        return ()
    marks = [(e.get("start_time"), e.get("end_time"), e.get("title")) for e in raw if isinstance(e, dict)]
    return chapters_in_order(marks, duration)


def chapters_in_order(marks: list[tuple[Any, Any, Any]], duration: float | None = None) -> tuple[Chapter, ...]:
    """(start, end, title) marks as Chapters sorted by start; a missing end is the next chapter's start,
    else the recording's length, else unknown."""
    found: list[tuple[float, float | None, str]] = []
    for raw_start, raw_end, raw_title in marks:
        start = _duration(raw_start)
        if start is None:
            continue
        end = _duration(raw_end)
        title = " ".join(printable(str(raw_title or "")).split())
        found.append((start, end if end is not None and end >= start else None, title))
    found.sort(key=lambda c: c[0])
    out = []
    for i, (start, end, title) in enumerate(found):
        if end is None:
            end = found[i + 1][0] if i + 1 < len(found) else duration if duration and duration >= start else None
        out.append(Chapter(title=title, start=start, end=end))
    return tuple(out)


def with_file_chapters(video: Video, path: Path | str, timeout: float | None = None) -> Video:
    """`video` with the chapter marks of its media file when its source gave none (a feed's or a
    local recording: yt-dlp's generic extractor does not read them). `path` may be an http(s) URL:
    PyAV then reads the file's header with range requests, not the whole recording."""
    if video.chapters:
        return video
    from ingest.audio import file_chapters

    chapters = chapters_in_order(file_chapters(path, timeout=timeout), video.duration)
    return replace(video, chapters=chapters) if chapters else video


def _duration(raw: Any) -> float | None:
    # A feed's length is hearsay: one no recording can have (1e308, NaN) is unknown.
    if isinstance(raw, bool) or not isinstance(raw, (int, float)):
        return None
    try:
        seconds = float(raw)
    except OverflowError:  # an int too large for a float
        return None
    return seconds if within_recording(seconds) else None


def _upload_date(info: dict[str, Any]) -> str | None:
    raw = info.get("upload_date") or info.get("release_date")
    if isinstance(raw, str) and re.fullmatch(r"\d{8}", raw):
        return f"{raw[:4]}-{raw[4:6]}-{raw[6:]}"
    stamp = info.get("timestamp") or info.get("release_timestamp")
    if isinstance(stamp, (int, float)):
        return datetime.fromtimestamp(stamp, UTC).date().isoformat()
    return None


# -- fetching ------------------------------------------------------------------------------

def fetch_audio(video: Video, dest_dir: Path, options: SourceOptions | None = None,
                on_progress: DownloadProgress | None = None) -> tuple[Path, Video]:
    """Download `video`'s audio into `dest_dir`; returns the file and the video with full metadata.

    A local recording is not copied: its own path is returned (the caller must not delete it).
    """
    options = options or SourceOptions()
    if is_local(video):
        path = Path(video.media_url)
        if not path.is_file():
            raise DownloadFailed(video.id, f"{path}: no such file", reason="not-found")
        return path, with_file_chapters(video, path)
    dest_dir = Path(dest_dir)
    with writing(dest_dir):
        dest_dir.mkdir(parents=True, exist_ok=True)
    stem = safe_stem(video.id)
    url = video.webpage_url or video.media_url
    info = _extract(url, options, flat=False, dest=dest_dir / stem, on_progress=on_progress, what=video.id)
    path = _downloaded_path(info, dest_dir, stem)
    fetched = video_from_info(info, channel=video.channel)
    return path, with_file_chapters(merge_metadata(video, fetched), path)


def fetch_metadata(video: Video, options: SourceOptions | None = None) -> Video:
    """`video` with its full metadata (description, upload date, chapters), nothing downloaded.

    For refreshing a transcribed video: YouTube's page gives its chapters; a feed's or a local
    recording's chapter marks are read from the media file's header.
    """
    options = options or SourceOptions()
    if is_local(video):
        path = Path(video.media_url)
        if not path.is_file():
            raise DownloadFailed(video.id, f"{path}: no such file", reason="not-found")
        return with_file_chapters(video, path)
    url = video.webpage_url or video.media_url
    info = _extract(url, options, flat=False, what=video.id)
    fetched = merge_metadata(video, video_from_info(info, channel=video.channel))
    if fetched.media_url and not is_youtube(url):
        fetched = with_file_chapters(fetched, fetched.media_url, timeout=options.socket_timeout)
    return fetched


def merge_metadata(listed: Video, fetched: Video | None) -> Video:
    """The listing's id and title (a feed's fetch only knows the file name), the fetch's details."""
    if fetched is None:
        return listed
    return replace(
        listed,
        title=listed.title if listed.title and listed.title != listed.id else fetched.title,
        channel=fetched.channel or listed.channel,
        webpage_url=listed.webpage_url or fetched.webpage_url,
        media_url=listed.media_url or fetched.media_url,
        upload_date=fetched.upload_date or listed.upload_date,
        duration=fetched.duration or listed.duration,
        description=max(listed.description, fetched.description, key=len),
        language=listed.language or fetched.language,
        chapters=fetched.chapters or listed.chapters,
    )


def _downloaded_path(info: dict[str, Any], dest_dir: Path, stem: str) -> Path:
    for item in info.get("requested_downloads") or ():
        p = item.get("filepath")
        if p and Path(p).is_file():
            return Path(p)
    candidates = [p for p in dest_dir.glob(stem + ".*") if not p.name.endswith((".part", ".ytdl", ".temp"))]
    if not candidates:
        raise DownloadFailed(str(info.get("id") or stem), "yt-dlp reported success but wrote no file",
                             reason="no-file")
    return candidates[0]


# -- yt-dlp calls and error classification -------------------------------------------------

class YtDlpLog:
    """yt-dlp's messages go to the "sessions.ingest" log, never straight to the terminal.

    Its warnings (a format fallback, a throttled request, a missing JS runtime) are warnings there;
    its errors come back as exceptions too, so they are logged at debug level, like its chatter.
    """

    def debug(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def info(self, msg: str) -> None:
        log.debug("yt-dlp: %s", msg)

    def warning(self, msg: str) -> None:
        log.warning("yt-dlp: %s", _clean_message(msg.removeprefix("WARNING: ")))

    def error(self, msg: str) -> None:
        log.debug("yt-dlp error (raised as an exception too): %s", msg)


def ydl_params(options: SourceOptions, *, flat: bool, dest: Path | None = None,
               hook: Callable[[dict[str, Any]], None] | None = None) -> dict[str, Any]:
    """The yt-dlp parameters for a listing (`flat`), a download into `dest`.<ext>, or (neither) one
    video's full metadata without a download."""
    from yt_dlp.utils import parse_bytes

    params: dict[str, Any] = {
        "quiet": True,
        "no_warnings": True,
        "noprogress": True,
        "logger": YtDlpLog(),
        "socket_timeout": options.socket_timeout,
        "retries": options.retries,
        "fragment_retries": options.retries,
        "ignoreerrors": False,
    }
    if options.cookies_file:
        params["cookiefile"] = str(Path(options.cookies_file).expanduser())
    if options.sleep_requests:
        params["sleep_interval_requests"] = options.sleep_requests
    if options.approximate_dates:
        params["extractor_args"] = {"youtubetab": {"approximate_date": [""]}}
    runtime = find_js_runtime()
    if runtime:
        # An explicit path: cron and `.venv/bin/sessions` run without the venv's bin on PATH.
        params["js_runtimes"] = {"deno": {"path": runtime}}
    if flat:
        params["extract_flat"] = "in_playlist"
        params["skip_download"] = True
        return params
    params["noplaylist"] = True
    if dest is None:  # one video's full metadata, no download
        params["skip_download"] = True
        params["ignore_no_formats_error"] = True  # the page's metadata is wanted, not a playable format
        return params
    params["format"] = options.audio_format
    params["outtmpl"] = {"default": str(dest).replace("%", "%%") + ".%(ext)s"}
    params["paths"] = {"home": str(dest.parent), "temp": str(dest.parent)}
    params["overwrites"] = True
    params["continuedl"] = False
    if options.extract_audio:
        params["postprocessors"] = [{"key": "FFmpegExtractAudio", "preferredcodec": "best"}]
    if options.sleep_interval:
        params["sleep_interval"] = options.sleep_interval
        params["max_sleep_interval"] = max(options.max_sleep_interval, options.sleep_interval)
    if options.rate_limit:
        rate = parse_bytes(options.rate_limit)
        if rate is None:
            raise IngestError(f"rate_limit {options.rate_limit!r} is not a rate like '2M' or '500K'")
        params["ratelimit"] = rate
    if hook:
        params["progress_hooks"] = [hook]
    return params


def _extract(url: str, options: SourceOptions, *, flat: bool, dest: Path | None = None,
             on_progress: DownloadProgress | None = None, what: str | None = None) -> dict[str, Any]:
    import yt_dlp

    def hook(d: dict[str, Any]) -> None:
        if on_progress and d.get("status") in ("downloading", "finished"):
            total = d.get("total_bytes") or d.get("total_bytes_estimate")
            on_progress(int(d.get("downloaded_bytes") or 0), int(total) if total else None)

    params = ydl_params(options, flat=flat, dest=dest, hook=hook if on_progress else None)
    try:
        with yt_dlp.YoutubeDL(params) as ydl:
            info = ydl.extract_info(url, download=not flat and dest is not None)
            if info is None:
                raise DownloadFailed(what or url, "yt-dlp returned nothing", reason="unavailable")
            return ydl.sanitize_info(info)
    except DownloadFailed:
        raise
    except (yt_dlp.utils.YoutubeDLError, OSError) as exc:
        if dest is not None and (cause := disk_failure(exc)) is not None:
            # Every later download would fail the same way: WriteFailed stops the run.
            raise WriteFailed(dest.parent, cause) from exc
        reason, transient = classify_error(str(exc), url)
        message = _unreachable_message(str(exc), url) if reason == UNREACHABLE else _clean_message(str(exc))
        raise DownloadFailed(what or url, message, reason=reason, transient=transient) from exc
    except ValueError as exc:
        # urllib inside yt-dlp, on an address a feed or a user gave: "Port out of range 0-65535".
        raise DownloadFailed(what or url, f"not a valid URL: {exc}", reason="bad-url") from exc


def _unreachable_message(message: str, url: str) -> str:
    """"cannot reach HOST (the system's words)" instead of yt-dlp's three nested exceptions."""
    cause = re.search(r"\[Errno -?\d+\] [^)\"']+", message)
    why = cause.group(0).strip() if cause else _clean_message(message)
    return f"cannot reach {host_of(url) or url} ({why})"


def _clean_message(message: str) -> str:
    message = re.sub(r"^ERROR:\s*", "", message.strip())
    message = re.sub(r"\x1b\[[0-9;]*m", "", message)  # colour codes
    return message.splitlines()[0] if message else "unknown error"


UNREACHABLE = "unreachable"
# getaddrinfo's words on Linux, macOS, Windows and musl (EAI_AGAIN, "temporary failure", is what a
# machine without a network gets), then routing failures.
_NO_ROUTE = (r"Name or service not known|nodename nor servname|No address associated with hostname|"
             r"temporary failure in name resolution|getaddrinfo failed|Name does not resolve|Failed to resolve|"
             r"Network is unreachable|No route to host")
_LOOPBACK_HOSTS = {"localhost", "ip6-localhost"}

# (pattern, reason, transient). First match wins: specific YouTube states before HTTP codes.
_RULES: tuple[tuple[str, str, bool], ...] = (
    (r"confirm you.?re not a bot|not a bot", "bot-check", False),
    (r"confirm your age|age[- ]restricted|inappropriate for some users", "age-restricted", False),
    (r"private video|video is private|this playlist is private", "private", False),
    (r"members[- ]only|join this channel", "members-only", False),
    (r"removed by the uploader|has been removed|account .* terminated|no longer available|"
     r"copyright claim", "removed", False),
    (r"premieres in|live event will begin|this live event|scheduled", "upcoming", False),
    (r"is not available in your country|geo.?restrict", "geo-blocked", False),
    (r"HTTP Error 404|404: Not Found|does not exist|Unable to recognize|not found", "not-found", False),
    (r"HTTP Error 410", "removed", False),
    (r"HTTP Error 429|Too Many Requests|rate.?limit", "http-429", True),
    (r"HTTP Error 5\d\d", "http-5xx", True),
    (r"HTTP Error 403|Forbidden", "forbidden", False),
    (r"HTTP Error 401", "forbidden", False),
    # The host cannot be found or no route leads to it (offline, no DNS, a typo in the host name):
    # retrying in a few seconds will not change that, the next run will.
    (_NO_ROUTE, UNREACHABLE, False),
    (r"timed out|timeout|Connection (refused|reset|aborted)|Remote end closed|IncompleteRead|EOF occurred|"
     r"got only \d+ bytes", "network", True),
    (r"ffmpeg|ffprobe|postprocess|Invalid data found|codec|Conversion failed|audio conversion failed",
     "undecodable", False),
    (r"Requested format is not available|no video formats|No media found", "no-media", False),
    (r"unsupported url", "unsupported", False),
    (r"video unavailable|unavailable", "unavailable", False),
)


def is_loopback(url: str) -> bool:
    """`url` names this machine (127.0.0.0/8, ::1, localhost)."""
    import ipaddress

    host = host_of(url)
    if host in _LOOPBACK_HOSTS or host.endswith(".localhost"):
        return True
    try:
        return ipaddress.ip_address(host).is_loopback
    except ValueError:
        return False


def host_of(url: str) -> str:
    """The host part of a URL, lower case ("" for a folder)."""
    try:
        return (urlparse(url).hostname or "").lower() if "://" in url else ""
    except ValueError:  # "http://[::1" and friends: no host to speak of
        return ""


def classify_error(message: str, url: str = "") -> tuple[str, bool]:
    """A stable reason word for a yt-dlp error message about `url`, and whether a retry may succeed.

    A refused connection means nothing listens there: for a remote host (a firewall, no network)
    that is "unreachable"; on this machine it may be a local server still starting, worth retrying.
    """
    if re.search(r"Connection refused", message, re.IGNORECASE) and url and not is_loopback(url):
        return UNREACHABLE, False
    for pattern, reason, transient in _RULES:
        if re.search(pattern, message, re.IGNORECASE):
            return reason, transient
    return "error", False
