"""Article → key-point bullets: verbatim sentences, in article order.

``summarize(article, bullets=3, method="default")`` is the one entry point. Methods:
``default`` (position prior × centrality, see ``default.py``), ``lead`` (the first eligible
sentences) and sumy's ``lexrank``, ``textrank``, ``lsa``, ``luhn``, ``sumbasic``, ``kl`` and
``reduction``. All run on the same capped, boilerplate-free candidates and never download
anything.
"""

from __future__ import annotations

from dataclasses import replace

from bot.models import Article, Summary
from bot.summarize import default
from bot.summarize.candidates import Candidate, bullet_budget, content_sentences, mark_repeats
from bot.summarize.language import (
    CHARACTER_LANGUAGES,
    ranking_words,
    term_normaliser,
    word_units,
)
from bot.summarize.publisher import publisher_summary
from bot.summarize.standalone import (
    endings_extra,
    openings_extra,
    restore_ending,
    without_linking_openings,
    without_trailing_attributions,
)
from bot.summarize.sumy_methods import SUMY_METHODS, rank_with_sumy
from bot.text import (
    addresses_reader,
    is_bare_quotation,
    leans_on_context,
    looks_like_caption,
    refers_back,
    tokenize_words,
)

METHODS: tuple[str, ...] = ("default", "lead", *SUMY_METHODS)

__all__ = ["METHODS", "shortfall_note", "summarize"]


def _rank_lead(candidates: list[Candidate], budget: int) -> list[int]:
    return [i for i, c in enumerate(candidates) if c.eligible][:budget]


def _rank_default(candidates: list[Candidate], budget: int, article: Article) -> list[int]:
    normalise = term_normaliser(article.language)
    title_words = ranking_words(tokenize_words(article.title or ""), article.language)
    lengths = [word_units(c.words) for c in candidates]
    # Chinese and Japanese are compared by character bigrams (``ranking_words``)
    terms = candidates
    english = (article.language or "en")[:2].lower() == "en"  # "you" is an English word
    if (article.language or "")[:2] in CHARACTER_LANGUAGES:
        terms = [replace(c, words=ranking_words(c.words, article.language)) for c in candidates]
    return default.rank(
        terms,
        budget,
        normalise,
        title_words,
        is_caption=looks_like_caption,
        leans_on_context=leans_on_context,
        refers_back=refers_back,
        is_bare_quotation=is_bare_quotation,
        lengths=lengths,
        addresses_reader=addresses_reader if english else lambda _: False,
    )


def summarize(article: Article, bullets: int = 3, method: str = "default") -> Summary:
    """The ``bullets`` key points of ``article`` (fewer for short texts), in article order.

    Raises ``ValueError`` for an unknown ``method``; never raises on odd text.
    """
    if method not in METHODS:
        raise ValueError(f"unknown summary method {method!r}; choose one of {', '.join(METHODS)}")
    if method == "default" and article.publisher_points:
        return publisher_summary(article, bullets)
    candidates = mark_repeats(content_sentences(article))
    budget = bullet_budget(bullets, len(candidates))
    openings = [""] * len(candidates)
    endings = [""] * len(candidates)
    if method == "default":  # the reference methods keep their sentences whole
        candidates, openings = without_linking_openings(candidates)
        candidates, endings = without_trailing_attributions(candidates, article.language)
        chosen = _rank_default(candidates, budget, article)
        candidates, endings = _keep_named_speakers(candidates, chosen, endings)
    elif method == "lead":
        chosen = _rank_lead(candidates, budget)
    else:
        chosen = rank_with_sumy(method, candidates, budget, article.language)
    extras = {"sentences_considered": str(len(candidates)), "bullets_requested": str(bullets)}
    eligible = sum(c.eligible for c in candidates)
    note = shortfall_note(bullets, len(chosen), len(candidates), eligible)
    if note:
        extras["bullets_note"] = note
    extras.update(openings_extra([openings[i] for i in chosen]))
    extras.update(endings_extra([endings[i] for i in chosen]))
    return Summary(
        article=article,
        bullets=tuple(candidates[i].text for i in chosen),
        method=method,
        extras=extras,
    )


def _keep_named_speakers(
    candidates: list[Candidate], chosen: list[int], endings: list[str]
) -> tuple[list[Candidate], list[str]]:
    """The candidates and their cut tails, with the tail put back on each chosen bullet that
    the next bullet leans on (its ending then ``""``).

    "The plan was approved, Mayor Jane Doe said." then "She called it a turning point.": the
    second bullet's "she" is the speaker the first one's tail names, so that tail stays.
    """
    candidates, endings = list(candidates), list(endings)
    taken = set(chosen)
    for index in chosen:
        following = index + 1
        if endings[index] and following in taken:
            text = candidates[following].text
            if refers_back(text) or is_bare_quotation(text):
                whole = restore_ending(candidates[index].text, endings[index])
                candidates[index] = replace(candidates[index], text=whole)
                endings[index] = ""
    return candidates, endings


def shortfall_note(requested: int, given: int, sentences: int, eligible: int) -> str | None:
    """Why ``given`` bullets instead of the ``requested`` ones (``None`` when none are missing).

    The rules, in the order they bite: at most half of the article's content sentences
    (rounded up) become key points; only sentences that can stand alone as one are used; and
    the ranker skips a sentence that repeats a chosen one, or (``default``) that leans on a
    sentence before it that was not chosen.
    """
    if given >= requested:
        return None
    reasons = []
    cap = bullet_budget(requested, sentences)
    if cap < requested:
        reasons.append(
            f"the text has {sentences} sentences and at most half of them (rounded up: {cap}) "
            "are given as key points"
        )
    if eligible < cap:
        reasons.append(
            f"only {eligible} can stand alone as a key point (not a question, heading, caption, "
            "fragment, over-long sentence or repeat)"
        )
    skipped = min(cap, eligible) - given
    if skipped > 0:
        reasons.append(
            f"{skipped} more {'was' if skipped == 1 else 'were'} skipped for repeating a chosen "
            "sentence or leaning on one that was not chosen"
        )
    return f"{given} of {requested} key points: " + "; ".join(reasons) + "."
