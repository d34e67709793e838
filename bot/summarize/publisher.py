"""The publisher's own key points, when the page has them (``Article.publisher_points``).

An editor's "Key Points" box is the very thing Keypoints imitates, written by someone who read
the story; quoting it beats any sentence ranking. The bullets are its items verbatim, and the
summary says where they come from (``extras["key_points_source"] == "publisher"``) so the
reply can say "the publisher's key points".
"""

from __future__ import annotations

from bot.models import Article, Summary

SOURCE_KEY = "key_points_source"


def publisher_summary(article: Article, bullets: int) -> Summary:
    """The first ``bullets`` of the publisher's key points of ``article``."""
    points = article.publisher_points[: max(0, bullets)]
    extras = {
        SOURCE_KEY: "publisher",
        "sentences_considered": "0",
        "bullets_requested": str(bullets),
    }
    if len(points) < bullets:
        extras["bullets_note"] = (
            f"{len(points)} of {bullets} key points: the publisher gives {len(points)}."
        )
    return Summary(article=article, bullets=points, method="default", extras=extras)
