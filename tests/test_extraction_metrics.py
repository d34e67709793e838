"""The benchmark's shingle F1 scorer (bench/metrics.py) matches the upstream definition."""

from __future__ import annotations

import pytest

from bench.metrics import evaluate, score_page, shingles, tokens

TEXT = "The harbour city switched on its first tidal power plant on Wednesday morning."


def test_identical_texts_score_one() -> None:
    """A perfect prediction has precision, recall and F1 of 1."""
    page = score_page(TEXT, TEXT)
    assert (page.precision, page.recall, page.f1) == (1.0, 1.0, 1.0)


def test_disjoint_texts_score_zero() -> None:
    """A prediction sharing no 4-gram with the truth scores 0."""
    page = score_page(TEXT, "Completely unrelated words about football scores and weather.")
    assert (page.precision, page.recall, page.f1) == (0.0, 0.0, 0.0)


def test_extra_text_lowers_precision_only() -> None:
    """Predicting the truth plus as much again halves precision and keeps recall at 1."""
    extra = "Sign up for our newsletter to get the briefing in your inbox every day."
    page = score_page(TEXT, f"{TEXT} {extra}")
    assert page.recall == 1.0
    assert 0.4 < page.precision < 0.6


def test_tokens_and_shingles_follow_upstream_rules() -> None:
    """Tokens are \\w+ matches; texts shorter than four tokens are one short shingle."""
    assert tokens("It's 9:30, Zürich!") == ["It", "s", "9", "30", "Zürich"]
    assert list(shingles("a b c d e").elements()) == [("a", "b", "c", "d"), ("b", "c", "d", "e")]
    assert list(shingles("a b").elements()) == [("a", "b")]
    assert not shingles("")


def test_averages_are_over_pages_and_f1_is_their_harmonic_mean() -> None:
    """Precision/recall average per page (empty predictions skip precision); F1 combines them."""
    truths = {"a": TEXT, "b": TEXT}
    scores = evaluate(truths, {"a": TEXT, "b": ""})
    assert scores.precision == 1.0  # page b predicted nothing: not counted in precision
    assert scores.recall == 0.5
    assert scores.f1 == pytest.approx(2 * 1.0 * 0.5 / 1.5)
    assert scores.accuracy == 0.5


def test_both_empty_counts_as_perfect() -> None:
    """An empty prediction for an empty truth is right."""
    page = score_page("", "")
    assert (page.precision, page.recall) == (1.0, 1.0)
