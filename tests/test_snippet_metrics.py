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


def test_losers_lists_catastrophic_pages_and_the_biggest_deficits_first() -> None:
    """`bench_extraction --losers N` names the catastrophic pages, then the pages where we trail
    trafilatura most, worst first, and stops at pages we do not trail on."""
    from bench.bench_extraction import losers

    per_page = {
        "a": {"keypoints": 0.1, "trafilatura": 0.9},  # catastrophic
        "b": {"keypoints": 0.6, "trafilatura": 0.7},
        "c": {"keypoints": 1.0, "trafilatura": 0.5},
    }
    report = losers({"snippets": {"per_page_f1": per_page}}, 5).splitlines()
    assert report[0] == "snippets: catastrophic 1: a"
    assert [line.split()[0] for line in report[1:]] == ["a", "b"]


def test_f1_by_language_groups_pages_by_their_declared_language() -> None:
    """Pages are grouped by ``<html lang>`` (no attribute: "?"), each group scored on its own."""
    from bench.bench_extraction import by_language, page_language

    languages = [page_language(h) for h in ('<html lang="de-DE">', "<html LANG=en>", "<html>")]
    assert languages == ["de", "en", "?"]
    hit, miss = SnippetCounts(tp=1), SnippetCounts(fn=1)
    counts = {"keypoints": [hit, miss, hit], "trafilatura": [miss, hit, hit]}
    table = by_language(languages, counts)
    assert table["de"] == {"pages": 1, "keypoints": 1.0, "trafilatura": 0.0}
    assert table["en"] == {"pages": 1, "keypoints": 0.0, "trafilatura": 1.0}
