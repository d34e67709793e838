"""arXiv links (issue 14): every form of a paper's address is read from its abstract page,
and the reply carries the title, the authors and the abstract's key points."""

from __future__ import annotations

import pytest

from bot.fetch import FetchedPage
from bot.pdf import arxiv_abstract_url, arxiv_article
from bot.pipeline import summarize_page, summarize_url
from bot.slack.render import authors_line, context_line

ABSTRACT = (
    "Large language models are costly to serve because every token needs a full pass over "
    "the weights. We introduce Skipper, a method that lets a small draft model propose "
    "several tokens at once. The large model then checks the proposals in a single pass. "
    "On three benchmarks Skipper serves text 2.4 times faster without changing the output. "
    "We release the code and the trained draft models under an open licence."
)
ABS_PAGE = f"""<!doctype html><html lang="en"><head>
<title>[2401.01234] Skipper: Faster Decoding</title>
<meta name="citation_title" content="Skipper: Faster Decoding with Draft Models">
<meta name="citation_author" content="Doe, Jane">
<meta name="citation_author" content="Roe, John">
<meta name="citation_author" content="Poe, Ann">
<meta name="citation_author" content="Moe, Bob">
<meta name="citation_date" content="2024/01/03">
<meta name="citation_abstract" content="{ABSTRACT}">
</head><body><div id="abs"><h1 class="title">Skipper</h1>
<blockquote class="abstract">Abstract: {ABSTRACT}</blockquote></div></body></html>"""


@pytest.mark.parametrize(
    ("url", "expected"),
    [
        ("https://arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01234"),
        ("https://arxiv.org/pdf/2401.01234v2", "https://arxiv.org/abs/2401.01234v2"),
        ("https://arxiv.org/pdf/2401.01234.pdf", "https://arxiv.org/abs/2401.01234"),
        ("http://www.arxiv.org/html/2401.01234v1/", "https://arxiv.org/abs/2401.01234v1"),
        ("https://arxiv.org/abs/hep-th/9901001", "https://arxiv.org/abs/hep-th/9901001"),
        ("https://export.arxiv.org/abs/2401.01234", "https://arxiv.org/abs/2401.01234"),
        ("https://arxiv.org/list/cs.AI/recent", None),
        ("https://example.com/abs/2401.01234", None),
        ("https://arxiv.org.evil.example/abs/2401.01234", None),
    ],
)
def test_arxiv_links_resolve_to_the_abstract_page(url: str, expected: str | None) -> None:
    """/abs/, /pdf/ (with or without .pdf) and /html/ name one abstract page; others none."""
    assert arxiv_abstract_url(url) == expected


def test_the_abstract_page_gives_title_authors_and_abstract() -> None:
    """citation_* meta tags: title, each author in order, the abstract as the text."""
    article = arxiv_article(ABS_PAGE, "https://arxiv.org/abs/2401.01234")
    assert article is not None
    assert article.title == "Skipper: Faster Decoding with Draft Models"
    assert article.authors == ("Doe, Jane", "Roe, John", "Poe, Ann", "Moe, Bob")
    assert article.paragraphs == (ABSTRACT,) and article.published == "2024-01-03"


def test_a_changed_abstract_page_falls_back_to_the_extractor() -> None:
    """Without the citation tags arxiv_article gives None (the generic extractor reads it)."""
    assert arxiv_article("<html><body><p>Hi.</p></body></html>", "https://arxiv.org/abs/1") is None


def test_a_paper_summary_shows_authors_and_abstract_key_points() -> None:
    """The summary's bullets come from the abstract; the context line names the authors."""
    summary, _, _ = summarize_page(ABS_PAGE, "https://arxiv.org/abs/2401.01234", 3, "default")
    assert summary.bullets and all(b in ABSTRACT for b in summary.bullets)
    assert summary.article.canonical_url == "https://arxiv.org/abs/2401.01234"
    assert "Doe, Jane, Roe, John, Poe, Ann et al." in context_line(summary)


def test_authors_line_names_up_to_three() -> None:
    """One, two or three authors by name; more end in "et al."."""
    assert authors_line(("A",)) == "A"
    assert authors_line(("A", "B", "C")) == "A, B and C"
    assert authors_line(("A", "B", "C", "D")) == "A, B, C et al."


class _RecordingFetcher:
    """Answers every fetch with the abstract page and records the URLs asked for."""

    def __init__(self) -> None:
        self.asked: list[str] = []

    async def fetch(self, url: str, *, kind: str = "page", pdf: bool = False) -> FetchedPage:
        self.asked.append(url)
        return FetchedPage(url, url, 200, "text/html", ABS_PAGE.encode(), ABS_PAGE, None, None)


async def test_a_pdf_link_to_arxiv_fetches_the_abstract_page_instead() -> None:
    """summarize_url on /pdf/ID fetches /abs/ID, never the PDF."""
    fetcher = _RecordingFetcher()
    summary = await summarize_url("https://arxiv.org/pdf/2401.01234v2", fetcher)  # type: ignore[arg-type]
    assert fetcher.asked == ["https://arxiv.org/abs/2401.01234v2"]
    assert summary.article.authors[0] == "Doe, Jane"
