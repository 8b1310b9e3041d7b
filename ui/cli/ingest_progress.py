"""How `sessions ingest` shows its progress events (ingest/run_records.py), the same for a sequential run,
`--jobs N` and `--scheduler`.

On a terminal: an overall bar (videos, ETA) and one bar per video in flight, its line naming the video
and the worker that has it (bytes while it downloads, seconds of audio while it is transcribed).
Elsewhere (a log file, cron, a pipe) no bars: one plain line when a video starts and one when it is
stored or fails (with its realtime factor and worker), and one when a dead worker's video is retried,
so a log never falls silent for minutes and several videos at once stay readable.
Events come from several threads (download thread, worker-report relays), hence the lock.
"""

from __future__ import annotations

import sys
import threading
import time
from dataclasses import dataclass
from typing import Any, TextIO

from ui.cli.amounts import audio_length, elapsed

TITLE_WIDTH = 40


@dataclass
class _InFlight:
    position: int
    total: int
    since: float  # monotonic, first seen
    transcribing_since: float | None = None
    worker: str = ""
    bar: Any = None
    slot: int = 0  # the bar's line (0 is the overall bar)


class Progress:
    def __init__(self, plain: bool | None = None, stream: TextIO | None = None) -> None:
        self._lock = threading.Lock()
        self.stream = stream if stream is not None else sys.stderr
        self.plain = not _is_terminal(self.stream) if plain is None else plain
        self.overall: Any = None
        self._videos: dict[str, _InFlight] = {}

    def handle(self, event: Any) -> None:
        from ingest import run_records as p

        with self._lock:
            if isinstance(event, p.Listed):
                self._listed(event.plan)
            elif isinstance(event, (p.DownloadStarted, p.TranscribeStarted)):
                self._started(event, downloading=isinstance(event, p.DownloadStarted))
            elif isinstance(event, (p.DownloadProgressed, p.TranscribeProgressed)):
                self._progressed(event, downloading=isinstance(event, p.DownloadProgressed))
            elif isinstance(event, p.Retrying):
                self._write(f"retrying {event.what} in {event.delay:.1f} s ({event.reason}, attempt {event.attempt})")
            elif isinstance(event, p.VideoRetried):
                self._retried(event)
            elif isinstance(event, (p.VideoStored, p.VideoFailed)):
                self._ended(event, stored=isinstance(event, p.VideoStored))
            elif isinstance(event, p.RefreshListed):
                self._refresh_listed(event)
            elif isinstance(event, p.MetadataChecked):
                self._checked(event)

    # -- events ------------------------------------------------------------------------------
    def _listed(self, plan: Any) -> None:
        self._write(f"listed: {len(plan.new)} new, {len(plan.retries)} to retry, {len(plan.done)} already done"
                    + (f", {plan.filtered_out} left out" if plan.filtered_out else ""))
        if plan.todo and not self.plain:
            self.overall = self._bar(total=len(plan.todo), desc="videos", unit="video", position=0, leave=True)

    def _started(self, event: Any, downloading: bool) -> None:
        video = event.video
        state = self._videos.get(video.id)
        if state is None:
            state = self._videos[video.id] = _InFlight(event.position, event.total, time.monotonic())
            if self.plain:
                length = f", {audio_length(video.duration)} of audio" if video.duration else ""
                self._write(f"{_where(state)}started: {video.id} ({video.title}){length}{_on(event.worker)}")
        state.worker = event.worker or state.worker
        if not downloading:
            state.transcribing_since = time.monotonic()
        if not self.plain:
            verb = "download" if downloading else "transcribe"
            kwargs = dict(unit="B", unit_scale=True, unit_divisor=1024) if downloading else \
                dict(unit="s", total=video.duration)
            self._reset_bar(state, f"{_where(state)}{verb} {_short(video.title)}{_on(state.worker)}", **kwargs)

    def _progressed(self, event: Any, downloading: bool) -> None:
        state = self._videos.get(event.video.id)
        if state is None or state.bar is None or (state.transcribing_since is None) != downloading:
            return  # a late tick of a step already over
        bar = state.bar
        done, total = (event.done, event.total) if downloading else \
            (round(event.done, 1), round(event.total, 1) if event.total else event.total)
        if total and bar.total != total:
            bar.total = total
        bar.n = done
        bar.refresh()

    def _retried(self, event: Any) -> None:
        lost = f" (lost: {event.worker})" if event.worker else ""
        where = f"[{event.position}/{event.total}] " if event.position else ""
        self._write(f"{where}retrying: {event.video.id} ({event.video.title}), attempt {event.attempt}: "
                    f"{event.reason}{lost}")
        state = self._videos.get(event.video.id)
        if state is not None:
            state.transcribing_since, state.worker = None, ""
            if not self.plain:
                self._reset_bar(state, f"{_where(state)}waiting {_short(event.video.title)} (attempt {event.attempt})")

    def _ended(self, event: Any, stored: bool) -> None:
        video = event.video
        state = self._videos.pop(video.id, None) or _InFlight(0, 0, time.monotonic())
        if state.bar is not None:
            state.bar.close()
        now = time.monotonic()
        took = elapsed(now - state.since)
        worker = getattr(event, "worker", "") or state.worker
        if stored and self.plain:
            said = f", {event.language}" if event.language else ", nothing said"
            speed = ""
            if state.transcribing_since is not None and now > state.transcribing_since and event.audio_seconds:
                speed = f", {event.audio_seconds / (now - state.transcribing_since):.1f}x realtime"
            self._write(f"{_where(state)}done: {video.id} ({video.title}): {audio_length(event.audio_seconds)} of "
                        f"audio, {event.segments} segments{said}, in {took}{speed}{_on(worker)}")
        elif not stored:
            first = (event.message.splitlines() or [""])[0]
            self._write(f"{_where(state)}failed: {video.id} ({video.title}): {event.reason}: {first}, after {took}"
                        if self.plain else f"failed: {video.id} ({video.title}): {event.reason}")
        if self.overall is not None:
            self.overall.update(1)

    def _refresh_listed(self, event: Any) -> None:
        self._write(f"listed: {len(event.todo)} transcribed to check, {event.not_transcribed} not transcribed"
                    + (f", {event.filtered_out} left out" if event.filtered_out else ""))
        if event.todo and not self.plain:
            self.overall = self._bar(total=len(event.todo), desc="videos", unit="video", position=0, leave=True)

    def _checked(self, event: Any) -> None:
        """A metadata refresh: a line for each transcript rewritten (the unchanged only move the bar)."""
        if event.changes:
            self._write(f"[{event.position}/{event.total}] updated: {event.video.id} ({event.video.title}): "
                        + ", ".join(c.replace("_", " ") for c in event.changes))
        if self.overall is not None:
            self.overall.update(1)

    # -- bars ----------------------------------------------------------------------------------
    def _reset_bar(self, state: _InFlight, desc: str, **kwargs: Any) -> None:
        if state.bar is not None:
            state.bar.close()
        if not state.slot:
            taken = {s.slot for s in self._videos.values()}
            state.slot = next(i for i in range(1, len(self._videos) + 2) if i not in taken)
        state.bar = self._bar(desc=desc, position=state.slot, leave=False, **kwargs)

    def _bar(self, **kwargs: Any) -> Any:
        from tqdm import tqdm

        return tqdm(file=self.stream, dynamic_ncols=True, disable=self.plain, **kwargs)

    def _write(self, text: str) -> None:
        from tqdm import tqdm

        tqdm.write(text, file=self.stream)

    def close(self) -> None:
        with self._lock:
            for state in self._videos.values():
                if state.bar is not None:
                    state.bar.close()
            if self.overall is not None:
                self.overall.close()


def _is_terminal(stream: Any) -> bool:
    try:
        return bool(stream.isatty())
    except (AttributeError, ValueError):
        return False


def _where(state: _InFlight) -> str:
    return f"[{state.position}/{state.total}] " if state.position else ""


def _on(worker: str) -> str:
    return f" on {worker}" if worker else ""


def _short(title: str) -> str:
    return title if len(title) <= TITLE_WIDTH else title[:TITLE_WIDTH - 1] + "…"
