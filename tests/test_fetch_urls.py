"""Canonical URLs: one key per article, whatever tracking junk or CMS quirks surround it."""

from __future__ import annotations

import pytest

from bot.fetch import canonicalize_url


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("HTTPS://News.Example.COM:443/a/b?x=1#frag", "https://news.example.com/a/b?x=1"),
        ("http://example.com:80", "http://example.com/"),
        ("http://example.com:8080/p", "http://example.com:8080/p"),
        (
            "https://example.com/p?utm_source=tw&id=7&utm_medium=social&fbclid=abc",
            "https://example.com/p?id=7",
        ),
        ("https://example.com/p?b=2&a=1&gclid=x&ref=hn", "https://example.com/p?b=2&a=1"),
        (
            "https://example.com/p?UTM_Campaign=x&mc_cid=1&mc_eid=2&igshid=3&_hsenc=4&_hsmi=5",
            "https://example.com/p",
        ),
        ("https://example.com/p?q=a%20b&flag&x=", "https://example.com/p?q=a%20b&flag&x="),
        ("https://user:pw@example.com/p", "https://example.com/p"),
        ("https://example.com./a/./b/../c", "https://example.com/a/c"),
        ("https://bücher.example/p", "https://xn--bcher-kva.example/p"),
    ],
)
def test_url_normalisation(url: str, expected: str) -> None:
    """Case, default ports, fragments, credentials, dot segments and tracking params go."""
    assert canonicalize_url(url) == expected


def test_tracking_and_fragment_variants_share_one_key() -> None:
    """Shared links differing only by tracking parameters and fragments get the same key."""
    variants = [
        "https://example.com/story?id=1",
        "https://EXAMPLE.com/story?id=1&utm_source=slack#comments",
        "https://example.com:443/story?fbclid=xyz&id=1",
    ]
    assert len({canonicalize_url(v) for v in variants}) == 1


def head(*tags: str) -> str:
    return f"<html><head>{''.join(tags)}</head><body><p>text</p></body></html>"


def test_rel_canonical_wins_and_is_resolved_against_the_page() -> None:
    """A relative rel=canonical is resolved against the page URL and normalised."""
    html = head('<link rel="canonical" href="/2024/05/story?utm_source=rss">')
    assert canonicalize_url("https://www.example.com/s/123?amp=1", html) == (
        "https://www.example.com/2024/05/story"
    )


def test_og_url_is_used_when_there_is_no_rel_canonical() -> None:
    """og:url is the fallback declaration."""
    html = head('<meta property="og:url" content="https://example.com/story">')
    assert canonicalize_url("https://m.example.com/story?x=1", html) == "https://example.com/story"


def test_rel_canonical_beats_og_url() -> None:
    """rel=canonical is preferred over og:url."""
    html = head(
        '<meta property="og:url" content="https://example.com/og">',
        '<link rel="canonical" href="https://example.com/canon">',
    )
    assert canonicalize_url("https://example.com/x", html) == "https://example.com/canon"


def test_canonical_pointing_to_home_page_is_ignored_for_articles() -> None:
    """A canonical that is the bare home page (common CMS bug) does not replace an article URL."""
    html = head('<link rel="canonical" href="https://example.com/">')
    assert canonicalize_url("https://example.com/news/story", html) == (
        "https://example.com/news/story"
    )


def test_canonical_on_another_site_is_ignored() -> None:
    """A canonical on a different registrable domain is ignored (cache poisoning)."""
    html = head('<link rel="canonical" href="https://victim.example.org/story">')
    assert canonicalize_url("https://attacker.example.net/story", html) == (
        "https://attacker.example.net/story"
    )


def test_canonical_across_subdomains_of_a_public_suffix_site_is_accepted() -> None:
    """amp.site.co.uk may declare www.site.co.uk: same registrable domain."""
    html = head('<link rel="canonical" href="https://www.site.co.uk/story">')
    assert canonicalize_url("https://amp.site.co.uk/story", html) == (
        "https://www.site.co.uk/story"
    )


@pytest.mark.parametrize(
    "href",
    ["javascript:alert(1)", "ftp://example.com/story", "", "https://"],
)
def test_unusable_canonicals_are_ignored(href: str) -> None:
    """Non-http(s), empty or broken canonicals fall back to the page URL."""
    html = head(f'<link rel="canonical" href="{href}">')
    assert canonicalize_url("https://example.com/story?utm_source=x", html) == (
        "https://example.com/story"
    )


def test_canonical_in_body_after_head_is_not_trusted() -> None:
    """Only the head is read: user content in the body cannot declare a canonical."""
    html = (
        '<html><head></head><body><link rel="canonical" href="https://example.com/other">'
        "</body></html>"
    )
    assert canonicalize_url("https://example.com/story", html) == "https://example.com/story"


def test_https_page_is_not_downgraded_by_an_http_canonical() -> None:
    """A stale http:// canonical on an https page keeps the https scheme."""
    html = head('<link rel="canonical" href="http://example.com/story-slug">')
    assert canonicalize_url("https://example.com/story?id=1", html) == (
        "https://example.com/story-slug"
    )
