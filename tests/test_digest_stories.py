"""Choosing stories: new items only, grouping the same story, ranking, top N (pure)."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta

from bot.digest.feeds import FeedItem
from bot.digest.stories import choose_stories, group_stories, title_similarity, url_key

NOW = datetime(2026, 11, 30, 7, 0, tzinfo=UTC)


def item(
    key: str, title: str, url: str, source: str = "A", hours: float = 1, **counts: int
) -> FeedItem:
    published = NOW - timedelta(hours=hours)
    return FeedItem(key, title, url, source, published, **counts)  # type: ignore[arg-type]


def choose(items: list[FeedItem], seen: set[str] | None = None, top_n: int = 5):  # type: ignore[no-untyped-def]
    return choose_stories(
        items, seen=seen or set(), now=NOW, top_n=top_n, max_age=timedelta(hours=48), threshold=0.75
    )


def test_url_key_ignores_scheme_www_tracking_fragment_and_slash() -> None:
    """Spellings of one page compare equal; a different page does not."""
    a = url_key("https://www.ex.test/story/?utm_source=rss&id=7#comments")
    assert a == url_key("http://ex.test/story?id=7")
    assert a != url_key("https://ex.test/story?id=8")


def test_near_duplicate_titles_are_similar_and_different_ones_are_not() -> None:
    """Token-set Jaccard is high for reworded headlines and low for unrelated ones."""
    a = "Apple releases macOS 27 with new AI features for developers"
    b = "Apple releases macOS 27, with AI features for developers"
    assert title_similarity(a, b) >= 0.75
    assert title_similarity(a, "Google fined by EU regulators over adtech practices") < 0.2
    assert title_similarity("Show HN", "Show HN") == 0.0  # too short to judge
    assert title_similarity("Apple ships iOS 18 to iPhones", "Apple ships iOS 17 to iPhones") == 0
    # one different word among few is a different product, not a rewording
    assert title_similarity("Apple unveils new iPad Pro", "Apple unveils new MacBook Pro") < 0.75


def test_same_story_from_two_sources_is_one_group() -> None:
    """Same URL (modulo tracking) or near-identical headline groups items into one story."""
    items = [
        item("1", "Apple releases macOS 27 with new AI features", "https://a.test/mac", "Ars"),
        item("2", "Apple releases macOS 27 with AI features", "https://v.test/apple", "Verge"),
        item("3", "Rust 2.0 announced", "https://a.test/mac?utm_medium=x", "HN"),
        item("4", "Unrelated Kernel patch merged today", "https://k.test/", "LWN"),
    ]
    groups = group_stories(items, 0.75)
    assert sorted(len(g) for g in groups) == [1, 3]


def test_story_in_more_sources_ranks_first_and_lists_others_as_also_in() -> None:
    """Ranking puts multi-source stories first; the group keeps every source."""
    items = [
        item("1", "Small single-source story about databases", "https://x.test/1", "X", hours=0),
        item("2", "Big chip launch shakes the industry today", "https://a.test/c", "Ars", hours=3),
        item("3", "Big chip launch shakes the industry", "https://v.test/c", "Verge", hours=2),
    ]
    top, ranked = choose(items)
    assert len(ranked) == 2
    assert top[0].lead.title.startswith("Big chip launch")
    assert set(top[0].sources) == {"Ars", "Verge"}


def test_engagement_breaks_ties_between_single_source_stories() -> None:
    """With equal sources and age, more points/comments rank higher."""
    items = [
        item("1", "Quiet story about compilers", "https://x.test/1", hours=1, comments=2),
        item("2", "Busy story about browsers", "https://x.test/2", hours=1, points=500),
    ]
    top, _ = choose(items)
    assert top[0].lead.key == "2"


def test_seen_items_are_dropped_by_guid_or_url() -> None:
    """An item already posted (by GUID or URL key) is not new, even if its date changed."""
    items = [
        item("guid-1", "Updated story about a thing", "https://x.test/1", hours=0),
        item("guid-2", "Other story about another thing", "https://x.test/2?utm_source=a"),
        item("guid-3", "Fresh story about a third thing", "https://x.test/3"),
    ]
    _, ranked = choose(items, seen={"guid-1", url_key("https://x.test/2")})
    assert [g.lead.key for g in ranked] == ["guid-3"]


def test_top_n_and_max_age() -> None:
    """Only the N best are taken, and items older than the age limit are ignored."""
    words = ["alpha", "bravo", "charlie", "delta", "echo", "foxtrot", "golf", "hotel"]
    items = [item(w, f"{w} {w}x {w}y news", f"https://x.test/{w}") for w in words]
    items.append(item("old", "Ancient story about old things", "https://x.test/old", hours=72))
    top, ranked = choose(items, top_n=3)
    assert len(top) == 3 and len(ranked) == 8
    assert all(g.lead.key != "old" for g in ranked)


def test_group_keys_include_guids_and_url_keys() -> None:
    """A group remembers every GUID and URL key so none of its items comes back."""
    items = [
        item("g1", "Same story here on both feeds", "https://a.test/s", "A"),
        item("g2", "Same story here on both feeds", "https://b.test/s", "B"),
    ]
    top, _ = choose(items)
    assert set(top[0].keys) >= {
        "g1",
        "g2",
        url_key("https://a.test/s"),
        url_key("https://b.test/s"),
    }


def test_shared_links_from_one_site_are_not_one_story() -> None:
    """Shared links carry a placeholder title (the site), so they group by URL only."""
    a = FeedItem("u1", "example.com", "https://example.com/a", "shared", NOW, shared=True)
    b = FeedItem("u2", "example.com", "https://example.com/b", "shared", NOW, shared=True)
    again = FeedItem(
        "u3", "example.com", "https://example.com/a?utm_source=x", "shared", NOW, shared=True
    )
    groups = group_stories([a, b, again], 0.75)
    assert sorted(len(g) for g in groups) == [1, 2]
