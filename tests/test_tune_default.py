"""The tuning script's pieces (bench/tune_default.py) on small fixtures, without the CNN/DM data."""

from __future__ import annotations

import numpy as np

from bench.tune_default import (
    FEATURES,
    Choice,
    cross_validate,
    features,
    fit_logistic,
    oracle_labels,
    partitions,
    patched_select,
)
from bot.models import Article
from bot.summarize import default, summarize

TEXT = (
    "Acme recalled its Sol solar phone on Monday after batteries overheated in many homes. "
    "Weather forecasters expect heavy rain across northern valleys during the coming weekend. "
    "Owners of the recalled Sol phone can return it to any Acme shop for a full refund. "
    "A local bakery won a regional prize for its sourdough bread and fruit cakes this year."
)
ARTICLE = Article(paragraphs=(TEXT,), language="en")


def _choice() -> Choice:
    seen: list[Choice] = []
    with patched_select(None, seen):
        summarize(ARTICLE)
    assert default.select is not None and len(seen) == 1
    return seen[0]


def test_patched_select_records_the_choice_and_restores_select() -> None:
    """The recorder sees every candidate and the hand-set scores; select is put back after."""
    original = default.select
    choice = _choice()
    assert default.select is original
    assert len(choice.candidates) == 4 and np.isfinite(choice.score).all()
    assert features(choice).shape == (4, len(FEATURES))


def test_oracle_labels_pick_the_sentences_the_highlights_repeat() -> None:
    """Greedy oracle labels mark the sentences whose words the reference uses."""
    reference = "Acme recalled its Sol solar phone.\nOwners can return the phone for a refund."
    labels = oracle_labels(_choice(), reference, budget=2)
    assert labels.tolist() == [1.0, 0.0, 1.0, 0.0]


def test_rescored_choice_follows_the_new_scores() -> None:
    """With a rescorer, the greedy choice follows its scores, not the hand-set ones."""
    backwards = np.array([1.0, 2.0, 3.0, 4.0])
    with patched_select(lambda choice: backwards, []):
        bullets = summarize(ARTICLE, bullets=2).bullets
    assert bullets == tuple(c.text for c in _choice().candidates[2:])


def test_logistic_weight_follows_the_predictive_feature() -> None:
    """A feature that predicts the label gets a positive weight, noise one near zero."""
    rng = np.random.default_rng(1)
    signal, noise = rng.normal(size=400), rng.normal(size=400)
    labels = (signal + 0.3 * rng.normal(size=400) > 0).astype(float)
    weights = fit_logistic(np.column_stack([signal, noise]), labels, l2=1.0)
    assert weights[0] > 2 and abs(weights[1]) < 0.5


def test_cross_validation_scores_each_fold_with_points_chosen_elsewhere() -> None:
    """Each fold is scored with the point best on the other folds, never on itself."""
    scores = np.zeros((2, 4, 2))
    scores[0, [0, 2]] = 10.0  # point 0: perfect on articles 0 and 2, useless on 1 and 3
    scores[1] = 5.0  # point 1: steady
    fold_of = partitions(4, 2, 1)[0]
    held_out, chosen = cross_validate(scores, fold_of)
    assert fold_of.tolist() == [0, 1, 0, 1]
    # fold 0 (articles 0, 2) gets point 1, chosen on articles 1, 3; fold 1 gets point 0
    assert held_out[:, 0].tolist() == [5.0, 0.0, 5.0, 0.0]
    assert chosen == {0: 1, 1: 1}
