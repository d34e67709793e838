"""Each bullet's link to its sentence in the article (a URL text fragment). Pure.

A bullet is the page's sentence, except that a linking opening may have been cut and the rest
capitalised, and a trailing attribution (", police said.") cut (``bot.summarize.standalone``).
Browsers match fragments case-insensitively, so putting the recorded opening and tail back
gives the sentence as the page shows it, and the link highlights all of it.
"""

from __future__ import annotations

from bot.models import Summary
from bot.summarize.standalone import bullet_endings, bullet_openings, restore_ending
from bot.text.text_fragments import search_text, text_directive, with_fragment

# The summariser reads at most 5,000 words (``bot.summarize.candidates``): bullets are within
# about this many characters of the start.
_MAX_SEARCH_CHARS = 200_000


def page_sentences(summary: Summary) -> list[str]:
    """Each bullet as the page says it: with its cut opening and tail (if any) put back."""
    count = len(summary.bullets)
    openings = bullet_openings(summary.extras, count)
    endings = bullet_endings(summary.extras, count)
    return [
        opening + restore_ending(bullet, ending)
        for opening, bullet, ending in zip(openings, summary.bullets, endings, strict=True)
    ]


def bullet_links(summary: Summary, url: str | None = None) -> list[str | None]:
    """One link per bullet to the article scrolled to its sentence; ``None`` for each when
    there is no article URL (text input). ``url`` is used when the article has none."""
    article = summary.article
    target = article.canonical_url or article.url or url
    if not target:
        return [None] * len(summary.bullets)
    sentences = page_sentences(summary)
    # Where a short start could match before the sentence: the headline (pages show it above
    # the text) and the body; the publisher's own points are not in ``paragraphs``.
    body = summary.bullets if summary.from_publisher else article.paragraphs
    haystack = _text_up_to(sentences[-1] if sentences else "", (article.title or "", *body))
    return [with_fragment(target, text_directive(sentence, haystack)) for sentence in sentences]


def _text_up_to(last: str, paragraphs: tuple[str, ...]) -> str:
    """``search_text`` of the paragraphs up to the one holding ``last`` (bullets keep article
    order, so the rest cannot come before any of them): a long article is not folded whole
    on the event loop. All of them when ``last`` is in none (a cap bounds the work)."""
    wanted = search_text(last)
    parts: list[str] = []
    size = 0
    for paragraph in paragraphs:
        parts.append(search_text(paragraph))
        size += len(parts[-1])
        if (wanted and wanted in parts[-1]) or size > _MAX_SEARCH_CHARS:
            break
    return "\n".join(parts)
