"""What `sessions ingest` writes on stderr when it is not a terminal, checked the same way for a
sequential run, --jobs N and --scheduler (ui/cli/ingest_progress.py)."""

from __future__ import annotations

import re


def assert_a_line_per_video(stderr: str, titles: dict[str, str], worker: str, retried: tuple[str, ...] = ()) -> None:
    """Each video: one "started" line, then one "done" line naming its title, realtime factor and a
    worker matching the regex `worker` ("": the ingest itself, not named); each id of `retried` a "retrying" line between the two."""
    assert "\r" not in stderr and "\x1b" not in stderr, stderr  # no bars, no cursor moves
    lines = stderr.splitlines()
    total = len(titles)
    on = rf" on {worker}" if worker else ""
    for vid, title in titles.items():
        head = rf"\[\d+/{total}\] "
        started = [i for i, line in enumerate(lines) if re.match(rf"{head}started: {vid} \({re.escape(title)}\)", line)]
        done = [i for i, line in enumerate(lines)
                if re.fullmatch(rf"{head}done: {vid} \({re.escape(title)}\): \d+ (s|min) of audio, \d+ segments, "
                                rf"\w+, in .+, \d+\.\dx realtime{on}", line)]
        assert len(started) == 1 and len(done) == 1 and started[0] < done[0], (vid, stderr)
        retries = [i for i, line in enumerate(lines) if re.match(rf"{head}retrying: {vid} \(.*attempt 2", line)]
        if vid in retried:
            assert len(retries) >= 1 and started[0] < retries[0] < done[0], (vid, stderr)
        else:
            assert not retries, (vid, stderr)
