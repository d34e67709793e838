"""The trafilatura evaluation set's snippet scorer (bench/snippets.py) follows its README rules."""

from __future__ import annotations

import pytest

from bench.snippets import SnippetCounts, score_snippets, total


def test_present_and_absent_snippets_are_counted_after_space_normalisation() -> None:
    """A `with` snippet found is a TP, missed a FN; a `without` snippet found is a FP."""
    text = "First paragraph of the story.\n\nSecond   paragraph.\n\nSubscribe now"
    counts = score_snippets(
        text, ["of the story. Second paragraph.", "missing"], ["Subscribe", "Ads"]
    )
    assert counts == SnippetCounts(tp=1, fn=1, fp=1, tn=1)


def test_empty_extraction_misses_every_wanted_snippet() -> None:
    """No text: every `with` snippet is a FN and every `without` one a TN."""
    assert score_snippets("", ["a", "b"], ["c"]) == SnippetCounts(fn=2, tn=1)


def test_set_figures_are_micro_averaged() -> None:
    """Precision, recall and F1 come from the summed counts over pages."""
    counts = total([SnippetCounts(tp=3, fn=1, fp=1, tn=3), SnippetCounts(tp=1, fn=1, fp=0, tn=2)])
    assert counts.precision == pytest.approx(4 / 5)
    assert counts.recall == pytest.approx(4 / 6)
    assert counts.f1 == pytest.approx(2 * (4 / 5) * (4 / 6) / (4 / 5 + 4 / 6))
