"""Extraction on page shapes that broke it on public pages (issue 17), written as small pages."""

from __future__ import annotations

import pytest

from bot.errors import NoArticle
from bot.extract import extract
from bot.pipeline import summarize_html

FILLER = (
    "The council said the new timetable would add four trains an hour at peak times, and that "
    "the extra services would be paid for from the regional transport budget this year."
)


def page(body: str, title: str = "Regional rail timetable changes") -> str:
    """A minimal news page around ``body``."""
    return (
        f"<html><head><title>{title}</title></head><body><header><nav><a href='/'>Home</a>"
        f"<a href='/news'>News</a></nav></header><main><article><h1>{title}</h1>{body}"
        "</article></main><footer><p>© 2026 The Courier</p></footer></body></html>"
    )


def paragraphs(n: int) -> str:
    """``n`` distinct article paragraphs."""
    return "".join(f"<p>Paragraph {i}: {FILLER}</p>" for i in range(n))


def test_soft_hyphens_are_removed_from_the_text() -> None:
    """A soft hyphen (U+00AD, ``&shy;``) is a hyphenation hint: the word reads without it."""
    html = page(
        "<p>Die Bundes&shy;regierung hat am Dienstag ein neues Gesetz zur Energie\u00adwende "
        "beschlossen, das im kommenden Jahr in Kraft treten soll und viele Haushalte betrifft.</p>"
        + paragraphs(3)
    )
    text = extract(html).text
    assert "Bundesregierung" in text and "Energiewende" in text
    assert "\u00ad" not in text


def test_furigana_readings_do_not_run_into_the_text() -> None:
    """Ruby readings (``<rt>``, ``<rp>``) are dropped; the base text and what follows stay."""
    sentence = (
        "<p>新しい<ruby>法律<rp>(</rp><rt>ほうりつ</rt><rp>)</rp></ruby>では、"
        "<ruby>虐待<rt>ぎゃくたい</rt></ruby>をした親に専門家が子どもの育て方を教えます。</p>"
    )
    more = "政府はこの制度を来年から全国で始める予定です。" * 6
    html = page(f"{sentence * 2}<p>{more}</p>")
    text = extract(html).text
    assert "新しい法律では、虐待をした親に専門家が子どもの育て方を教えます。" in text
    assert "ほうりつ" not in text and "ぎゃくたい" not in text


def test_mathjax_formula_source_is_kept_once() -> None:
    """A MathJax formula keeps its TeX in the sentence; MathJax's rendered copy is dropped."""
    html = page(
        "<p>Given a set of <span class='MathJax_Preview'>N</span><span class='MathJax' "
        "id='MathJax-Element-1-Frame'><span class='math'><span class='mi'>N</span></span></span>"
        "<script type='math/tex'>N</script> high-dimensional objects, the method first "
        "computes probabilities that are proportional to the similarity of the objects.</p>"
        + paragraphs(3)
    )
    text = extract(html).text
    assert "Given a set of N high-dimensional objects" in text


BRIEF = (
    "<p>The regional rail operator will add four trains an hour on the coast line from May.</p>"
    "<p>The change was approved by the council on Tuesday after a short debate.</p>"
)


def test_short_news_brief_gets_a_bullet_not_a_refusal() -> None:
    """A real article of under forty words gets one or two key points."""
    summary = summarize_html(page(BRIEF), "https://news.example/brief")
    assert 1 <= len(summary.bullets) <= 2
    assert summary.bullets[0].startswith("The regional rail operator will add")


def test_short_error_page_and_link_list_keep_their_replies() -> None:
    """An error page and a short list of links are still refused with their own reasons."""
    error = page("<p>Sorry, the page you are looking for does not exist any more.</p>", "404")
    with pytest.raises(NoArticle, match="does not exist"):
        summarize_html(error, "https://news.example/missing")
    links = page(
        "<ul>"
        + "".join(f"<li><a href='/s{i}'>Council story number {i}</a></li>" for i in range(6))
        + "</ul>"
    )
    with pytest.raises(NoArticle):
        summarize_html(links, "https://news.example/list")
