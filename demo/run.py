"""The offline demo: `python -m demo.run` (or `./run.sh demo`).

Runs the real pipeline on the speech recordings in ../shared/media, with no internet:
1. makes a few "session" files (mp4 video / m4a audio, via ffmpeg) under data/demo/media/;
2. serves them as an RSS feed on 127.0.0.1 (demo.localfeed), standing in for the channel;
3. `sessions ingest <feed>` with the multilingual base model from the offline-models packages
   (yt-dlp lists and downloads, faster-whisper transcribes, each transcript is indexed);
4. `sessions serve`, and prints the URL. The feed keeps running so the player can stream the media.
Everything lives in data/demo/ (its own config.toml); a second run reuses what is already done.
"""

from __future__ import annotations

import argparse
import os
import shutil
import signal
import subprocess
import sys
import time
from dataclasses import dataclass
from datetime import date
from pathlib import Path

from demo.bundled import base_dir
from demo.localfeed import FeedItem, LocalFeed
from ui.config import REPO_ROOT

DEMO_DIR = REPO_ROOT / "data" / "demo"
MEDIA_DIR = Path(os.environ.get("SESSIONS_TEST_MEDIA", REPO_ROOT.parent / "shared" / "media"))
FEED_PORT = 8765  # fixed: stored media URLs point at it, so a later run can still play them


@dataclass(frozen=True)
class DemoSession:
    guid: str
    source: str  # file in ../shared/media
    title: str
    published: date
    description: str
    video: bool = False  # mp4 with a picture; otherwise an m4a audio recording


SESSIONS = (
    DemoSession("lf2024-opening", "ta_video.mp4", "Learning Forum 2024 — Opening: setting up the room",
                date(2024, 5, 14), "Opening of the Learning Forum; the facilitator checks lights and microphones.",
                video=True),
    DemoSession("peer-learning-civic", "jfk.flac", "Peer Learning Webinar: Citizens and the public good",
                date(2023, 11, 8), "A classic call to civic engagement, discussed as a case for local democracy.",
                video=True),
    DemoSession("stocktaking-12-libraries", "ami_meeting.wav",
                "Stocktaking Session #12: Public libraries, reading rooms and reception hours",
                date(2024, 2, 20), "Team meeting on opening hours and the reading room of a municipal library."),
    DemoSession("session-villes-cotieres", "pv_test_fr.wav", "Session d'apprentissage : les villes côtières",
                date(2024, 3, 12), "Session en français sur les territoires côtiers."),
    DemoSession("sesion-homenaje", "pv_test_es.wav", "Sesión de aprendizaje: homenaje a los gobiernos locales",
                date(2024, 4, 3), "Sesión en español."),
    DemoSession("transport-platforms", "pv_test_en.wav", "Transport Webinar: Platforms and public space",
                date(2023, 9, 19), "Short briefing on station platforms in use."),
    DemoSession("storytelling-leaders", "stereo_diarization.wav", "Storytelling for Local Leaders",
                date(2024, 6, 1), "Two readers, one per channel."),
    DemoSession("open-licences", "multilingual.mp3", "Open Licences for Municipal Knowledge",
                date(2024, 7, 9), "Reading of the MIT licence, then a switch of language."),
)


def make_media(target: Path) -> list[FeedItem]:
    """The demo's recordings, converted once with ffmpeg (skipped when already there)."""
    if shutil.which("ffmpeg") is None:
        raise SystemExit("the demo needs ffmpeg: sudo apt-get install ffmpeg")
    target.mkdir(parents=True, exist_ok=True)
    items = []
    for s in SESSIONS:
        source = MEDIA_DIR / s.source
        if not source.is_file():
            raise SystemExit(f"missing recording {source} (the demo reads ../shared/media)")
        out = target / (s.guid + (".mp4" if s.video else ".m4a"))
        if not out.is_file():
            _convert(source, out, s.video)
        items.append(FeedItem(guid=s.guid, title=s.title, file=out, pub_date=s.published, description=s.description))
    return items


def _convert(source: Path, out: Path, video: bool) -> None:
    part = out.with_name(out.stem + ".part" + out.suffix)
    if source.suffix == ".mp4":
        cmd = ["ffmpeg", "-y", "-v", "error", "-i", str(source), "-c", "copy", str(part)]
    elif video:
        # A plain coloured picture under the audio: a real H.264/AAC video file, small and quick to make.
        cmd = ["ffmpeg", "-y", "-v", "error", "-f", "lavfi", "-i", "color=c=0x1f3a5f:s=640x360:r=10",
               "-i", str(source), "-shortest", "-c:v", "libx264", "-tune", "stillimage", "-pix_fmt", "yuv420p",
               "-c:a", "aac", "-b:a", "96k", "-movflags", "+faststart", str(part)]
    else:
        cmd = ["ffmpeg", "-y", "-v", "error", "-i", str(source), "-vn", "-c:a", "aac", "-b:a", "96k",
               "-movflags", "+faststart", str(part)]
    subprocess.run(cmd, check=True)
    part.replace(out)


def write_config(demo: Path, model: Path, port: int) -> Path:
    config = demo / "config.toml"
    config.write_text(
        "# The offline demo's own settings (written by `python -m demo.run`).\n"
        "[paths]\n"
        'transcripts = "transcripts"\nindex = "index"\naudio = "audio"\nstate = "state"\n\n'
        "[transcribe]\n"
        f'model = "{model.as_posix()}"  # multilingual base, from the offline-models packages\n'
        'language = ""\nbeam_size = 1\nvad = true\nword_timestamps = true\n'
        '# multilingual.mp3 switches to German: the demo archive expects it beside the channel\'s three.\n'
        'languages = ["en", "fr", "es", "de"]\n\n'
        "[ingest]\nsleep_interval = 0.0\nmax_sleep_interval = 0.0\nsleep_requests = 0.0\n\n"
        f'[ui]\nhost = "127.0.0.1"\nport = {port}\ntitle = "UCLG Learning — Session Search (offline demo)"\n',
        encoding="utf-8",
    )
    return config


def _interrupt(signum: int, frame: object) -> None:
    raise KeyboardInterrupt


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m demo.run", description=__doc__.splitlines()[0])
    parser.add_argument("--port", type=int, default=8501, help="UI port (default 8501)")
    parser.add_argument("--feed-port", type=int, default=FEED_PORT, help=f"loopback feed port (default {FEED_PORT})")
    parser.add_argument("--no-serve", action="store_true", help="build the demo archive, then stop")
    args = parser.parse_args(argv)

    os.environ.setdefault("HF_HUB_OFFLINE", "1")
    # A plain `kill` must stop the UI server and the feed too, like Ctrl+C does.
    signal.signal(signal.SIGTERM, _interrupt)
    DEMO_DIR.mkdir(parents=True, exist_ok=True)
    print("==> preparing the demo recordings (ffmpeg)", flush=True)
    items = make_media(DEMO_DIR / "media")
    print("==> assembling the offline Whisper base model", flush=True)
    model = base_dir(REPO_ROOT / ".cache" / "models")
    config = write_config(DEMO_DIR, model, args.port)
    env = dict(os.environ, SESSIONS_CONFIG=str(config))
    sessions = [sys.executable, "-c", "from ui.cli import main; main()"]

    try:
        feed = LocalFeed(items, title="UCLG Learning (offline demo)", port=args.feed_port).start()
    except OSError as exc:
        raise SystemExit(f"cannot serve the demo feed on 127.0.0.1:{args.feed_port} ({exc}); "
                         "stop what uses it or pass --feed-port") from exc
    try:
        print(f"==> ingesting the feed {feed.url} (yt-dlp → faster-whisper base → index)", flush=True)
        started = time.monotonic()
        code = subprocess.call([*sessions, "ingest", feed.url], env=env, cwd=REPO_ROOT)
        print(f"==> ingest finished in {time.monotonic() - started:.0f} s (exit code {code})", flush=True)
        if args.no_serve:
            return code
        print(f"==> Session Search demo: open http://127.0.0.1:{args.port}  (Ctrl+C to stop)", flush=True)
        server = subprocess.Popen([*sessions, "serve", "--port", str(args.port)], env=env, cwd=REPO_ROOT)
        try:
            return server.wait()
        except KeyboardInterrupt:
            server.terminate()
            try:
                server.wait(timeout=10)
            except subprocess.TimeoutExpired:
                server.kill()
            return 0
    finally:
        feed.stop()


if __name__ == "__main__":
    sys.exit(main())
