"""The first run without a network (issue 12, point 18): a host that cannot be resolved or reached
is said once, at once; timeouts, 429 and 5xx keep their backoff."""

from __future__ import annotations

import http.server
import threading
import time

import pytest

from ingest import source
from ingest.errors import DownloadFailed
from ingest.source import SourceOptions
from tests.support.channel import ingest_config

# A name that never resolves (RFC 2606), as every host does on a machine without a network.
NOWHERE = "http://nonexistent.invalid"
# The channel's two tabs on an unresolvable host, like ./run.sh offline (the handle stays the same).
TABS = (f"{NOWHERE}/@UCLGLearning/videos", f"{NOWHERE}/@UCLGLearning/streams")
# Real messages of yt-dlp 2025.x (urllib3 transport), first line only.
RESOLVE = ("ERROR: [youtube:tab] @UCLGLearning/videos: Unable to download API page: "
           "HTTPSConnection(host='www.youtube.com', port=443): Failed to resolve 'www.youtube.com' "
           "([Errno -3] Temporary failure in name resolution) (caused by TransportError(...))")
REFUSED = ("ERROR: [generic] feed: Unable to download webpage: HTTPConnection(host='{host}', port=9): "
           "Failed to establish a new connection: [Errno 111] Connection refused")


@pytest.mark.parametrize(("message", "url", "reason", "transient"), [
    (RESOLVE, "https://www.youtube.com/@UCLGLearning/videos", "unreachable", False),
    ("ERROR: Unable to download webpage: <urlopen error [Errno -2] Name or service not known>", "", "unreachable",
     False),
    ("ERROR: Unable to download webpage: <urlopen error [Errno 8] nodename nor servname provided, or not known>",
     "", "unreachable", False),
    ("ERROR: Unable to download webpage: <urlopen error [Errno 101] Network is unreachable>", "", "unreachable",
     False),
    ("ERROR: Unable to download webpage: <urlopen error [Errno 113] No route to host>", "", "unreachable", False),
    (REFUSED.format(host="www.youtube.com"), "https://www.youtube.com/@x/videos", "unreachable", False),
    (REFUSED.format(host="203.0.113.7"), "http://203.0.113.7:9/feed.xml", "unreachable", False),
    # On this machine a refused connection may be a local server still starting: worth a retry.
    (REFUSED.format(host="127.0.0.1"), "http://127.0.0.1:9/feed.xml", "network", True),
    (REFUSED.format(host="localhost"), "http://localhost:9/feed.xml", "network", True),
    (REFUSED.format(host="::1"), "http://[::1]:9/feed.xml", "network", True),
    # The host answered, or may answer soon: backoff stays.
    ("ERROR: [generic] x: Unable to download webpage: <urlopen error timed out>", "https://a.org/", "network", True),
    ("ERROR: Read timed out. (read timeout=30)", "https://a.org/", "network", True),
    ("ERROR: Connection reset by peer", "https://a.org/", "network", True),
    ("ERROR: [youtube] x: HTTP Error 429: Too Many Requests", "https://www.youtube.com/watch?v=x", "http-429", True),
    ("ERROR: [generic] x: HTTP Error 503: Service Unavailable", "https://a.org/", "http-5xx", True),
])
def test_unreachable_hosts_are_told_apart_from_transient_failures(message, url, reason, transient):
    assert source.classify_error(message, url) == (reason, transient)


@pytest.mark.integration
def test_an_unresolvable_host_fails_once_with_a_short_message():
    with pytest.raises(DownloadFailed) as err:
        source.list_videos(f"{NOWHERE}/feed.xml", SourceOptions(socket_timeout=5))
    assert (err.value.reason, err.value.transient) == ("unreachable", False)
    assert "cannot reach nonexistent.invalid (" in str(err.value) and "caused by" not in str(err.value)


@pytest.mark.integration
def test_a_loopback_port_nothing_listens_on_is_still_retried():
    with pytest.raises(DownloadFailed) as err:
        source.list_videos("http://127.0.0.1:9/feed.xml", SourceOptions(socket_timeout=5))
    assert (err.value.reason, err.value.transient) == ("network", True)



@pytest.mark.integration
@pytest.mark.parametrize("dry_run", [False, True])
def test_ingest_without_a_network_says_once_that_the_channel_cannot_be_reached(tmp_path, tiny_en_model, dry_run, run_cli):
    # Five retries with a 30 s backoff would wait 15 min per tab: the run must not wait at all.
    config = ingest_config(tmp_path, tiny_en_model, retries=5, backoff=30.0, urls=TABS)
    started = time.monotonic()
    result = run_cli(config, "ingest", *(["--dry-run"] if dry_run else []))
    elapsed = time.monotonic() - started
    assert result.exit_code == 1
    assert "retrying" not in result.stderr
    lines = [line for line in result.stderr.splitlines() if "nonexistent.invalid" in line]
    assert len(lines) == 1, result.stderr
    assert lines[0].startswith("cannot reach nonexistent.invalid (") and "2 sources not listed" in lines[0]
    assert elapsed < 60, elapsed  # one name lookup (a few seconds where DNS is slow), never the backoff


class _Always503(http.server.BaseHTTPRequestHandler):
    def do_GET(self):  # noqa: N802 - http.server's naming
        self.send_response(503)
        self.send_header("Content-Length", "0")
        self.end_headers()

    def log_message(self, *args):
        pass


@pytest.mark.integration
def test_a_server_answering_503_keeps_its_backoff(tmp_path, tiny_en_model, run_cli):
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), _Always503)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    try:
        url = f"http://127.0.0.1:{server.server_address[1]}/feed.xml"
        config = ingest_config(tmp_path, tiny_en_model, retries=2, backoff=0.01, urls=(url,))
        result = run_cli(config, "ingest", "--dry-run")
    finally:
        server.shutdown()
        server.server_close()
    assert result.exit_code == 1
    assert f"retrying {url} in 0.0 s (http-5xx, attempt 1)" in result.stderr
    assert "attempt 2" in result.stderr and "attempt 3" not in result.stderr
