"""Bullets that read on their own: cut linking openings, and record where a bullet was cut.

A bullet is the article's sentence verbatim, except that an opening which only links it to the
sentence before ("But", "However,", "That said,") is cut off (``bot.text.connectives``). A
reader of the page then finds the bullet's text inside the sentence, not equal to it; the cut
openings are kept, one per bullet, in ``Summary.extras["bullet_openings"]`` (a JSON list of
strings, ``""`` for a bullet given whole) so that anything that matches bullets back to the
page can put them back.
"""

from __future__ import annotations

import json
from collections.abc import Sequence
from dataclasses import replace

from bot.summarize.candidates import Candidate
from bot.text.connectives import drop_linking_opening

OPENINGS_KEY = "bullet_openings"


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
    raw = extras.get(OPENINGS_KEY)
    if not raw:
        return [""] * count
    openings = json.loads(raw)
    return [str(opening) for opening in openings][:count] + [""] * (count - len(openings))
