"""Where an article's date comes from when the page declares none in its meta tags (issue 17).

The cheap sources (``<time datetime>``, a dated address) are always read; htmldate's search of
the page text only when the caller asks (``guess_date``), since it cost a twentieth of
``trafilatura.extract``'s time and nothing in the bot reads the date yet.
"""

from __future__ import annotations

from bot.extract import extract
from bot.extraction.metadata import read_metadata
from bot.extraction.page import parse_html

_BODY = (
    "<p>The council voted on Tuesday to extend the night bus network to three more districts, "
    "after a year in which late-evening ridership grew faster than on any daytime route.</p>"
    "<p>Officials said the extra lines would run every thirty minutes from midnight until "
    "five in the morning, and that fares would stay the same as on daytime buses.</p>"
    "<p>Residents of the outer districts had asked for the change for several years, saying "
    "that shift workers had no way home after the last train.</p>"
)


def _page(head: str = "", before_body: str = "") -> str:
    return (
        f"<html><head><title>Night buses</title>{head}</head><body><article>"
        f"<h1>Night buses reach three more districts</h1>{before_body}{_BODY}"
        "</article></body></html>"
    )


def test_a_time_element_gives_the_date_when_none_is_declared() -> None:
    """With no date meta tag, the earliest <time datetime> date is the article's."""
    html = _page(
        before_body="<p class='byline'>By Ana Ruiz, <time datetime='2024-03-05T08:00:00Z'>"
        "5 March</time> (updated <time datetime='2024-03-06'>6 March</time>)</p>"
    )
    assert extract(html).published == "2024-03-05"


def test_a_declared_date_wins_over_time_elements() -> None:
    """A date meta tag is the publisher's statement: a <time> element does not override it."""
    html = _page(
        head="<meta property='article:published_time' content='2024-02-01T10:00:00Z'>",
        before_body="<p><time datetime='2024-03-05'>5 March</time></p>",
    )
    assert extract(html).published == "2024-02-01"


def test_a_dated_address_gives_the_date() -> None:
    """A /YYYY/MM/DD/ path gives the date; an id that only looks like one in the query does not."""
    assert extract(_page(), "https://news.example/2023/11/20/night-buses").published == (
        "2023-11-20"
    )
    assert extract(_page(), "https://news.example/story?id=2023/11/20").published is None
    assert extract(_page(), "https://news.example/2023/13/40/x").published is None


def test_the_text_search_runs_only_when_asked() -> None:
    """A date written only in the text is found by htmldate with guess_date, and not without."""
    html = _page(before_body="<p class='date'>Published 14 January 2022</p>")
    assert extract(html).published is None
    assert extract(html, guess_date=True).published == "2022-01-14"
    tree = parse_html(html)
    assert tree is not None
    assert read_metadata(tree, guess_date=True).published == "2022-01-14"
