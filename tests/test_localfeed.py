"""The loopback RSS feed: what yt-dlp reads as a channel in the offline demo and the tests."""

from __future__ import annotations

import urllib.error
import urllib.request
import xml.etree.ElementTree as ET

import pytest

from demo.localfeed import LocalFeed, items_from_folder
from tests.support.channel import channel_file, item
from tests.support.media import MEDIA


def _get(url: str, headers: dict[str, str] | None = None):
    req = urllib.request.Request(url, headers=headers or {})
    return urllib.request.urlopen(req, timeout=10)


def test_rss_lists_items_newest_first_with_guid_date_and_escaped_text(feed):
    f = feed([item("a", "jfk.m4a", "First <one> & co", 1, description="<b>bold</b>"),
              item("b", "platforms.mp4", "Second", 2)])
    root = ET.fromstring(_get(f.url).read())
    items = root.findall("./channel/item")
    assert [i.findtext("guid") for i in items] == ["b", "a"]
    first = items[1]
    assert first.findtext("title") == "First <one> & co"
    assert first.findtext("description") == "<b>bold</b>"
    assert first.findtext("pubDate").startswith("Fri, 01 Mar 2024")
    enclosure = first.find("enclosure")
    assert enclosure.get("url") == f.media_url(f.items()[0])
    assert enclosure.get("type") == "audio/mp4"
    assert int(enclosure.get("length")) == channel_file("jfk.m4a").stat().st_size


def test_media_whole_and_ranges(feed):
    f = feed([item("a", "jfk.m4a", "A")])
    url = f.media_url(f.items()[0])
    data = channel_file("jfk.m4a").read_bytes()
    with _get(url) as r:
        assert r.status == 200 and r.read() == data
    with _get(url, {"Range": "bytes=10-19"}) as r:
        assert r.status == 206
        assert r.headers["Content-Range"] == f"bytes 10-19/{len(data)}"
        assert r.read() == data[10:20]
    with _get(url, {"Range": "bytes=-5"}) as r:
        assert r.read() == data[-5:]
    with pytest.raises(urllib.error.HTTPError) as exc:
        _get(url, {"Range": f"bytes={len(data) + 5}-"})
    assert exc.value.code == 416
    assert f.requests["media:a"] == 4


def test_missing_item_404_and_flaky_item_503_then_200(feed):
    f = feed([item("gone", "jfk.m4a", "Gone", missing=True), item("flaky", "jfk.m4a", "Flaky", fail_times=2)])
    gone, flaky = f.items()
    with pytest.raises(urllib.error.HTTPError) as exc:
        _get(f.media_url(gone))
    assert exc.value.code == 404
    for _ in range(2):
        with pytest.raises(urllib.error.HTTPError) as exc:
            _get(f.media_url(flaky))
        assert exc.value.code == 503
    with _get(f.media_url(flaky)) as r:
        assert r.status == 200
    f.update("gone", missing=False)
    with _get(f.media_url(gone)) as r:
        assert r.status == 200


def test_adding_items_while_running(feed):
    f = feed([item("a", "jfk.m4a", "A")])
    f.add(item("b", "jfk.m4a", "B", 2))
    guids = [i.findtext("guid") for i in ET.fromstring(_get(f.url).read()).findall("./channel/item")]
    assert guids == ["b", "a"]
    with pytest.raises(ValueError):
        f.add(item("a", "jfk.m4a", "again"))


def test_free_port_and_clean_stop():
    with LocalFeed([]) as one, LocalFeed([]) as two:
        assert one.base_url != two.base_url
        assert one.base_url.startswith("http://127.0.0.1:")
        url = one.url
    with pytest.raises(urllib.error.URLError):
        _get(url)


def test_items_from_folder_takes_recordings_only():
    items = items_from_folder(MEDIA)
    names = {i.file.name for i in items}
    assert "jfk.flac" in names and "README.md" not in names
    assert all(i.guid == i.file.name for i in items)
