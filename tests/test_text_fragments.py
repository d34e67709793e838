"""Links from each bullet to its sentence in the article: URL text fragments (WICG syntax)."""

from __future__ import annotations

import re
from urllib.parse import unquote, urlsplit

import pytest

from bot.digest.model import DigestStory
from bot.digest.render import render_thread_reply
from bot.errors import KeypointsError
from bot.models import Article, Summary
from bot.pipeline import summarize_html
from bot.slack.render import summary_message
from bot.summarize.links import bullet_links, page_sentences
from bot.summarize.standalone import openings_extra
from bot.text.text_fragments import MAX_DIRECTIVE, search_text, text_directive, with_fragment
from tests.fakes.evaluation_data import HAS_EXTRACTION, NO_EXTRACTION, extraction_pages
from tests.fakes.visible_text import visible_text

# What the syntax reserves, plus what would end or split a URL or a Slack link.
_NEVER_RAW = set("-,&#<>|\"' ") | {":~:"}


def _terms(directive: str) -> list[str]:
    """The decoded terms of ``text=start[,end]`` (as a browser splits and decodes them)."""
    assert directive.startswith("text=")
    return [unquote(term) for term in directive.removeprefix("text=").split(",")]


def _selects(text: str, directive: str) -> bool:
    """Whether the directive's terms occur in ``text`` in order (case-insensitively)."""
    haystack = " ".join(text.split()).casefold()
    terms = [t.casefold() for t in _terms(directive)]
    at = haystack.find(terms[0])
    return at >= 0 and (len(terms) == 1 or haystack.find(terms[1], at + len(terms[0])) >= 0)


@pytest.mark.parametrize(
    "sentence",
    [
        'He said "no - never, & ever" today.',
        "“It’s a state‑of‑the‑art chip—really,” she said.",
        "Prices rose 5%, to $1,200 — on 1/2 & 3/4.",
        "Путин заявил, что переговоры продолжатся в понедельник.",
        "東京都は、新しい条例を発表した。",
        "قال الرئيس إن المحادثات ستستمر يوم الاثنين.",
        "Emoji 👍 and math a+b=c? #hash :~: text=x",
    ],
)
def test_awkward_short_sentences_are_encoded_whole_and_decode_back(sentence: str) -> None:
    """A short sentence becomes one term that hides the reserved characters and decodes back."""
    directive = text_directive(sentence)
    encoded = directive.removeprefix("text=")
    assert not any(raw in encoded for raw in _NEVER_RAW)
    assert directive.isascii() and re.fullmatch(r"(?:[A-Za-z0-9_.~]|%[0-9A-F]{2})+", encoded)
    assert _terms(directive) == [sentence]


def test_long_sentence_gets_a_few_whole_words_at_each_end() -> None:
    """A long sentence is given as start,end: its first and last five words, unsplit."""
    sentence = (
        "Acme Robotics on Tuesday unveiled Foldy, a warehouse robot that assembles and folds "
        "cardboard boxes four times faster than a human packer."
    )
    start, end = _terms(text_directive(sentence))
    assert start == "Acme Robotics on Tuesday unveiled"
    assert end == "faster than a human packer."
    assert _selects(sentence, text_directive(sentence))


def test_commas_and_dashes_inside_end_terms_are_encoded() -> None:
    """A comma or hyphen inside a term is %2C/%2D, so it cannot split the directive."""
    sentence = (
        "The deal, worth $48,000, covers one thing after another for a long time in well-off towns."
    )
    directive = text_directive(sentence)
    assert directive.count(",") == 1 and "-" not in directive
    assert _terms(directive)[1] == "long time in well-off towns."


def test_whitespace_is_collapsed_as_browsers_render_it() -> None:
    """Newlines, tabs and runs of spaces in the bullet become single spaces in the term."""
    assert _terms(text_directive("  Short\n\tsentence   with  spaces. ")) == [
        "Short sentence with spaces."
    ]


def test_start_grows_until_it_points_at_this_sentence() -> None:
    """When the first five words also open an earlier sentence, more words are used."""
    sentence = "The company said on Monday that its new robot will ship to customers in March."
    context = "The company said on Monday that profits fell. " + sentence
    start, end = _terms(text_directive(sentence, search_text(context)))
    assert context.find(start) == context.find(sentence)
    assert len(start.split()) > 5 and len(start.split()) + len(end.split()) <= 15


def test_long_unspaced_sentence_is_cut_only_after_its_own_punctuation() -> None:
    """A long Japanese sentence is cut after its commas (word boundaries), never mid-word."""
    sentence = "、".join(["東京都は新しい条例を発表した"] * 12) + "。"
    terms = _terms(text_directive(sentence))
    assert len(terms) == 2
    assert all(t.endswith("、") or t.endswith("。") for t in terms)
    assert _selects(sentence, text_directive(sentence))


def test_no_fragment_for_an_unusable_giant_term() -> None:
    """A 5,000-character unbroken word gives no directive, so the link opens the page."""
    assert text_directive("B" * 5000) == ""
    assert len(text_directive("word " * 5000)) <= MAX_DIRECTIVE


def test_fragment_keeps_an_existing_anchor_and_replaces_an_old_directive() -> None:
    """`#anchor` stays before `:~:`; a directive already in the URL is replaced."""
    assert with_fragment("https://a.example/x", "text=a") == "https://a.example/x#:~:text=a"
    assert with_fragment("https://a.example/x#s2", "text=a") == "https://a.example/x#s2:~:text=a"
    old = "https://a.example/x#s2:~:text=old"
    assert with_fragment(old, "text=a") == "https://a.example/x#s2:~:text=a"


def _article(*paragraphs: str, url: str | None = "https://a.example/x") -> Article:
    return Article(paragraphs=paragraphs, title="Title", url=url, canonical_url=url)


def test_a_cut_opening_is_put_back_so_the_link_covers_the_page_sentence() -> None:
    """A bullet whose "But" was cut links to "But the …" as the page shows it."""
    page = "But the robot ships in March to its very first customers in Ohio."
    summary = Summary(
        article=_article(page),
        bullets=("The robot ships in March to its very first customers in Ohio.",),
        extras=openings_extra(["But "]),
    )
    assert page_sentences(summary) == [
        "But The robot ships in March to its very first customers in Ohio."
    ]
    (link,) = bullet_links(summary)
    assert link is not None
    start, _end = _terms(link.split("#:~:")[1])
    assert start == "But The robot ships in"  # browsers match case-insensitively
    assert _selects(page, link.split("#:~:")[1])


def test_text_input_without_a_url_gets_no_links() -> None:
    """A summary of plain text (no URL) has a None link per bullet."""
    summary = Summary(article=_article("One two three four five.", url=None), bullets=("A b c.",))
    assert bullet_links(summary) == [None]


def test_slack_reply_shows_a_small_link_after_each_bullet() -> None:
    """Each rich_text bullet is its text, a space and a small `↗` link element."""
    sentence = "The robot ships in March to its very first customers."
    summary = Summary(article=_article(sentence), bullets=(sentence,))
    message = summary_message(summary, "https://a.example/x")
    (item,) = message.blocks[1]["elements"][0]["elements"]
    text, space, link = item["elements"]
    assert text == {"type": "text", "text": sentence}
    assert space["text"] == " " and link["type"] == "link" and link["text"] == "↗"
    assert link["url"].startswith("https://a.example/x#:~:text=The%20robot%20ships")
    assert message.text.splitlines()[1] == f"• {sentence}"  # the fallback stays plain


def test_digest_thread_reply_links_each_key_point() -> None:
    """The digest's thread reply ends each key point with a `↗` link to its sentence."""
    story = DigestStory(
        title="T", url="https://a.example/x", site="a", best_line="B.", bullets=("A & b, c.",)
    )
    bullet_line = render_thread_reply(story, 1).splitlines()[1]
    assert bullet_line == "• A &amp; b, c. <https://a.example/x#:~:text=A%20%26%20b%2C%20c.|↗>"


@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_every_fragment_occurs_in_the_benchmark_pages_visible_text() -> None:
    """On each benchmark page, every bullet's fragment terms occur, in order, in the page's
    visible text (scripts, styles and head removed, whitespace collapsed)."""
    checked = 0
    misses: list[str] = []
    for page in extraction_pages():
        try:
            summary = summarize_html(page.html, page.url)
        except KeypointsError:
            continue
        shown = visible_text(page.html)
        for link in bullet_links(summary, page.url):
            assert link is not None and urlsplit(link).fragment.startswith(":~:text=")
            checked += 1
            if not _selects(shown, link.split("#:~:", 1)[1]):
                misses.append(f"{page.page_id}: {link}")
    assert checked > 300
    assert not misses, misses[:5]
