"""The quality gate: walls, stubs and error pages are refused; real articles pass untouched."""

from __future__ import annotations

from pathlib import Path

import pytest
from fakes.evaluation_data import HAS_EXTRACTION, NO_EXTRACTION, extraction_pages

from bot.errors import NoArticle, Paywalled
from bot.extract import extract
from bot.models import Article
from bot.quality import (
    check_article,
    count_words,
    explain_empty,
    is_marked_not_free,
    prose_share,
)

FIXTURES = Path(__file__).parent / "fixtures" / "extract"

SENTENCE = "The council approved the new harbour budget after a long debate on Monday evening."
LONG_TEXT = tuple(SENTENCE for _ in range(12))  # 168 words of prose


def fixture(name: str) -> str:
    return (FIXTURES / name).read_text(encoding="utf-8")


def gate(name: str) -> Article:
    html = fixture(name)
    return check_article(html, extract(html, "https://news.example/a"))


def test_real_article_passes_unchanged() -> None:
    """A normal news article passes and is not marked as a preview."""
    html = fixture("news_article.html")
    article = extract(html)
    assert check_article(html, article) == article


@pytest.mark.parametrize("name", ["cloudflare_challenge.html", "paywalled.html"])
def test_challenge_and_paywall_pages_raise_paywalled(name: str) -> None:
    """A Cloudflare challenge and a short not-free teaser are reported as blocked."""
    with pytest.raises(Paywalled):
        gate(name)


@pytest.mark.parametrize("name", ["cookie_wall.html", "not_found.html", "js_stub.html"])
def test_walls_and_error_pages_raise_no_article(name: str) -> None:
    """A cookie wall, a 404 page and a JavaScript-app stub have no article."""
    with pytest.raises(NoArticle):
        gate(name)


def test_error_messages_say_what_the_page_was() -> None:
    """The user is told which kind of non-article it was, in one short sentence."""
    with pytest.raises(NoArticle, match="cookie"):
        gate("cookie_wall.html")
    with pytest.raises(NoArticle, match="does not exist"):
        gate("not_found.html")
    with pytest.raises(Paywalled, match="bot check"):
        gate("cloudflare_challenge.html")


def test_not_free_article_with_text_is_a_preview() -> None:
    """isAccessibleForFree=false with a long readable teaser passes, marked is_preview."""
    html = '<script type="application/ld+json">{"isAccessibleForFree": false}</script>'
    article = check_article(html, Article(paragraphs=LONG_TEXT))
    assert article.is_preview
    assert article.paragraphs == LONG_TEXT


def test_microdata_not_free_marker_is_recognised() -> None:
    """The microdata form of isAccessibleForFree=false counts, in either attribute order."""
    assert is_marked_not_free('<meta itemprop="isAccessibleForFree" content="false">')
    assert is_marked_not_free("<meta content='False' itemprop='isAccessibleForFree'>")
    assert not is_marked_not_free('<meta itemprop="isAccessibleForFree" content="true">')
    assert not is_marked_not_free('{"isAccessibleForFree": true}')


def test_login_wall_raises_paywalled() -> None:
    """A short 'sign in to continue reading' page is a paywall."""
    article = Article(paragraphs=("Sign in to continue reading this story.", SENTENCE))
    with pytest.raises(Paywalled):
        check_article("<html></html>", article)


def test_long_article_mentioning_wall_words_passes() -> None:
    """Vocabulary checks ignore long texts: an article about 'access denied' errors is fine."""
    paragraphs = (
        "Users saw 'Access denied' and 'page not found' errors; accept all cookies.",
        *LONG_TEXT,
    )
    article = Article(paragraphs=paragraphs)
    assert check_article("<title>Outage report</title>", article) == article


def test_short_text_raises_no_article() -> None:
    """Fewer than fifteen words, or a short text that is not all sentences, is too little."""
    with pytest.raises(NoArticle, match="too little"):
        check_article("", Article(paragraphs=("The council met on Monday.",)))
    with pytest.raises(NoArticle, match="too little"):
        check_article("", Article(paragraphs=(SENTENCE, "Home", "News", "Sport", "Weather")))


def test_short_brief_made_of_sentences_passes() -> None:
    """A news brief under forty words that is all sentences is an article, not a refusal."""
    article = Article(paragraphs=(SENTENCE, SENTENCE.replace("Monday", "Tuesday")))
    assert check_article("", article) == article


def test_menu_like_text_raises_no_article() -> None:
    """Text made of short labels (a menu that survived extraction) is not an article."""
    labels = tuple(f"Section number {i}" for i in range(40))
    with pytest.raises(NoArticle, match="menus"):
        check_article("", Article(paragraphs=(SENTENCE, *labels)))


def test_prose_share_counts_sentences_and_long_paragraphs() -> None:
    """Short paragraphs count as prose only when they end like a sentence."""
    assert prose_share(("Yes.", "Home", "News")) == pytest.approx(1 / 3)
    assert prose_share((SENTENCE,)) == 1.0
    assert prose_share(()) == 0.0


def test_cjk_words_are_counted_by_characters() -> None:
    """Japanese text, written without spaces, counts one word per two characters."""
    assert count_words("港町で水曜日") == 3
    assert count_words("Kindle for PCの話") == 4  # 3 Latin words + 2 kana/kanji // 2


def test_explain_empty_distinguishes_challenges_paywalls_and_blank_pages() -> None:
    """An empty extraction is explained by the page's title and markup."""
    assert isinstance(explain_empty("<title>Just a moment...</title>"), Paywalled)
    assert isinstance(explain_empty("<script>var _cf_chl_opt = {}</script>"), Paywalled)
    assert isinstance(explain_empty('{"isAccessibleForFree": "False"}'), Paywalled)
    assert "JavaScript" in explain_empty("<noscript>Please enable JavaScript</noscript>").message
    assert type(explain_empty("<html><body></body></html>")) is NoArticle


@pytest.mark.slow
@pytest.mark.skipif(not HAS_EXTRACTION, reason=NO_EXTRACTION)
def test_no_benchmark_article_is_rejected() -> None:
    """All 121 real articles pass the gate, except those declared not free and short."""
    rejected = []
    for page in extraction_pages():
        try:
            check_article(page.html, extract(page.html, page.url))
        except (NoArticle, Paywalled) as error:
            if not (isinstance(error, Paywalled) and is_marked_not_free(page.html)):
                rejected.append((page.page_id, error.message))
    assert rejected == []
