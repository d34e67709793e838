"""Bullets that read on their own: cut linking openings and trailing attributions, and record
where a bullet was cut.

A bullet is the article's sentence verbatim, except that an opening which only links it to the
sentence before ("But", "However,", "That said,") is cut off (``bot.text.connectives``), and so
is a tail that only names who reported it (", police said.", ``bot.text.attributions``; the
bullet then ends with its own full stop). A reader of the page then finds the bullet's text
inside the sentence, not equal to it; the cut openings are kept, one per bullet, in
``Summary.extras["bullet_openings"]`` and the cut tails in ``Summary.extras["bullet_endings"]``
(JSON lists of strings, ``""`` for a bullet given whole; a tail includes the sentence's final
stop, so ``opening + bullet[:-1] + ending`` is the page's sentence) so that anything that
matches bullets back to the page can put them back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from bot.summarize.candidates import Candidate
from bot.text.attributions import drop_trailing_attribution
from bot.text.connectives import drop_linking_opening

OPENINGS_KEY = "bullet_openings"
ENDINGS_KEY = "bullet_endings"
# Attributions are recognised in English only ("said", "according to").
_ATTRIBUTION_LANGUAGES = ("en",)


def without_linking_openings(candidates: Sequence[Candidate]) -> tuple[list[Candidate], list[str]]:
    """The candidates with linking openings cut off, and the opening cut from each (or ``""``)."""
    trimmed: list[Candidate] = []
    openings: list[str] = []
    for candidate in candidates:
        if not candidate.eligible:  # never a bullet: nothing to cut
            trimmed.append(candidate)
            openings.append("")
            continue
        text, opening = drop_linking_opening(candidate.text)
        trimmed.append(replace(candidate, text=text) if opening else candidate)
        openings.append(opening)
    return trimmed, openings


def openings_extra(openings: Sequence[str]) -> dict[str, str]:
    """``extras`` entry for the chosen bullets' cut openings; empty when none was cut."""
    if not any(openings):
        return {}
    return {OPENINGS_KEY: json.dumps(list(openings), ensure_ascii=False)}


def bullet_openings(extras: dict[str, str], count: int) -> list[str]:
    """The opening cut from each of ``count`` bullets (``""`` for those given whole)."""
    return _per_bullet(extras.get(OPENINGS_KEY), count)


def _per_bullet(raw: str | None, count: int) -> list[str]:
    if not raw:
        return [""] * count
    values = [str(value) for value in json.loads(raw)][:count]
    return values + [""] * (count - len(values))


def without_trailing_attributions(
    candidates: Sequence[Candidate], language: str | None
) -> tuple[list[Candidate], list[str]]:
    """The candidates with trailing attributions cut off, and the tail cut from each (or ``""``).

    The words the ranker compares are left whole: what a sentence is about does not change.
    """
    if (language or "en")[:2].lower() not in _ATTRIBUTION_LANGUAGES:
        return list(candidates), [""] * len(candidates)
    trimmed: list[Candidate] = []
    endings: list[str] = []
    for candidate in candidates:
        text, ending = drop_trailing_attribution(candidate.text) if candidate.eligible else ("", "")
        trimmed.append(replace(candidate, text=text) if ending else candidate)
        endings.append(ending)
    return trimmed, endings


def restore_ending(text: str, ending: str) -> str:
    """``text`` (a bullet whose tail was cut) with ``ending`` put back."""
    return text[:-1] + ending if ending else text


def endings_extra(endings: Sequence[str]) -> dict[str, str]:
    """``extras`` entry for the chosen bullets' cut tails; empty when none was cut."""
    if not any(endings):
        return {}
    return {ENDINGS_KEY: json.dumps(list(endings), ensure_ascii=False)}


def bullet_endings(extras: dict[str, str], count: int) -> list[str]:
    """The tail cut from each of ``count`` bullets (``""`` for those given whole)."""
    return _per_bullet(extras.get(ENDINGS_KEY), count)
