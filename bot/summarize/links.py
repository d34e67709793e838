"""Each bullet's link to its sentence in the article (a URL text fragment). Pure.

A bullet is the page's sentence, except that a linking opening may have been cut and the rest
capitalised (``bot.summarize.standalone``). Browsers match fragments case-insensitively, so
putting the recorded opening back gives the sentence as the page shows it, and the link
highlights all of it.
"""

from __future__ import annotations

from bot.models import Summary
from bot.summarize.standalone import bullet_openings
from bot.text.text_fragments import text_directive, with_fragment


def page_sentences(summary: Summary) -> list[str]:
    """Each bullet as the page says it: with its cut opening (if any) put back."""
    openings = bullet_openings(summary.extras, len(summary.bullets))
    return [opening + bullet for opening, bullet in zip(openings, summary.bullets, strict=True)]


def bullet_links(summary: Summary, url: str | None = None) -> list[str | None]:
    """One link per bullet to the article scrolled to its sentence; ``None`` for each when
    there is no article URL (text input). ``url`` is used when the article has none."""
    article = summary.article
    target = article.canonical_url or article.url or url
    if not target:
        return [None] * len(summary.bullets)
    # Where a short start could match before the sentence: the headline (pages show it above
    # the text) and the body; the publisher's own points are not in ``paragraphs``.
    body = "\n".join(summary.bullets) if summary.from_publisher else article.text
    context = f"{article.title or ''}\n{body}"
    return [
        with_fragment(target, text_directive(sentence, context))
        for sentence in page_sentences(summary)
    ]
