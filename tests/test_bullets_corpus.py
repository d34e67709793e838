"""On real news (the CNN/DM sample), no bullet is broken in any of the ways the rules target."""

from __future__ import annotations

import json

import pytest
from fakes.evaluation_data import CNNDM, HAS_CNNDM, NO_CNNDM

from bot.models import Article
from bot.summarize import summarize
from bot.text import is_balanced, is_boilerplate, looks_like_fragment, split_glued


@pytest.fixture(scope="module")
def bullets() -> list[str]:
    if not HAS_CNNDM:
        pytest.skip(NO_CNNDM)
    found: list[str] = []
    with CNNDM.open(encoding="utf-8") as lines:
        for line in lines:
            article = Article(paragraphs=(json.loads(line)["article"],), language="en")
            found.extend(summarize(article).bullets)
    return found


def test_real_bullets_are_whole_statements(bullets: list[str]) -> None:
    """Every bullet is balanced, not furniture, not a fragment, not glued, not a teaser."""
    assert len(bullets) > 600  # about three per article: the rules did not starve the output
    assert [b for b in bullets if not is_balanced(b)] == []
    assert [b for b in bullets if is_boilerplate(b) or looks_like_fragment(b)] == []
    assert [b for b in bullets if len(split_glued(b)) > 1] == []
    assert [b for b in bullets if b.rstrip("'\"’” ").endswith(("...", "…"))] == []
