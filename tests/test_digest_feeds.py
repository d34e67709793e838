"""Feed parsing: RSS 2.0 and Atom bytes → FeedItem, broken feeds, engagement counts."""

from __future__ import annotations

from datetime import UTC, datetime

import pytest
from fakes.feed_server import Entry, atom, rss

from bot.digest.feeds import BrokenFeed, parse_feed

PUBLISHED = datetime(2026, 11, 30, 6, 0, tzinfo=UTC)


def test_rss_items_carry_guid_title_link_date_and_plain_summary() -> None:
    """RSS entries become items keyed by GUID, with the description reduced to plain text."""
    body = rss(
        "Example News",
        [
            Entry(
                "Chip &amp; maker ships",
                "https://ex.test/a",
                guid="g-1",
                published=PUBLISHED,
                description="<p>The <b>new</b> chip ships today.</p>",
            )
        ],
    )
    [item] = parse_feed(body, "https://ex.test/feed")
    assert item.key == "g-1"
    assert item.title == "Chip & maker ships"
    assert item.url == "https://ex.test/a"
    assert item.source == "Example News"
    assert item.published == PUBLISHED
    assert item.summary == "The new chip ships today."


def test_atom_entries_use_published_not_updated() -> None:
    """Atom items take their id as key and their published (not updated) date."""
    later = datetime(2026, 11, 30, 9, 0, tzinfo=UTC)
    body = atom("Atom Site", [Entry("Hello", "https://ex.test/h", "urn:1", PUBLISHED, later)])
    [item] = parse_feed(body, "https://ex.test/atom")
    assert (item.key, item.published, item.source) == ("urn:1", PUBLISHED, "Atom Site")


def test_item_without_guid_is_keyed_by_link() -> None:
    """With no GUID, the link is the item's identity."""
    [item] = parse_feed(rss("S", [Entry("T", "https://ex.test/x")]), "https://ex.test/f")
    assert item.key == "https://ex.test/x"


def test_hn_style_points_and_comments_are_read_from_description() -> None:
    """hnrss-style 'Points: N' and '# Comments: N' become points/comments."""
    desc = "<p>Article URL: https://a.test/</p><p>Points: 312</p><p># Comments: 87</p>"
    [item] = parse_feed(rss("HN", [Entry("T", "https://a.test/", description=desc)]), "u")
    assert (item.points, item.comments) == (312, 87)


def test_entries_without_http_link_or_title_are_dropped() -> None:
    """Entries that can't be linked or named are skipped, the rest kept."""
    entries = [Entry("ok", "https://ex.test/ok"), Entry("bad", "javascript:alert(1)")]
    entries.append(Entry("", "https://ex.test/untitled"))
    assert [i.title for i in parse_feed(rss("S", entries), "u")] == ["ok"]


@pytest.mark.parametrize("body", [b"<html><body>not a feed", b"\x00\xff\x00garbage", b""])
def test_broken_feed_raises_broken_feed(body: bytes) -> None:
    """Bytes that are not RSS/Atom raise BrokenFeed (a KeypointsError with a reason)."""
    with pytest.raises(BrokenFeed) as info:
        parse_feed(body, "https://ex.test/broken")
    assert info.value.reason == "broken_feed"


def test_source_falls_back_to_site_name() -> None:
    """A feed without a title is named after its host."""
    body = rss("", [Entry("T", "https://ex.test/x")]).replace(b"<title></title>", b"", 1)
    [item] = parse_feed(body, "https://www.example.org/feed")
    assert item.source == "example.org"
