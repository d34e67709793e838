"""Extraction on page shapes that broke it on public pages (issue 17), written as small pages."""

from __future__ import annotations

from bot.extract import extract

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
    html = page(sentence * 2 + "<p>" + "政府はこの制度を来年から全国で始める予定です。" * 6 + "</p>")
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
