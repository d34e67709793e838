"""The default ranker: a position prior reweighted by how central a sentence is.

News puts the key facts first, so the first sentences are the strongest baseline ("Lead-3").
Pure centrality (LexRank, TextRank) loses to it. Here each sentence gets

    score = prior(position) × (1 + CENTRALITY_WEIGHT · similarity to the document centroid
                                 + TITLE_WEIGHT · similarity to the title) × length factor

and the best are taken greedily, skipping near-duplicates of ones already taken. Everything is
a few numpy operations on a sentence × term matrix, so it takes well under a millisecond for a
typical article. The weights are global constants, set once on a news benchmark (see
``bench/bench_summaries.py``), never per article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.summarize.candidates import Candidate

FloatArray = npt.NDArray[np.float64]

POSITION_HALF_LIFE = 2.0  # the prior halves every this many sentences (hyperbolic decay)
CENTRALITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
PREFERRED_WORDS = (10, 30)  # sentence lengths that read best as a bullet; others are damped
LENGTH_DAMPING = 0.02  # score lost per word outside PREFERRED_WORDS
CAPTION_PENALTY = 0.5  # likely photo captions are kept but ranked down
REDUNDANCY_LIMIT = 0.5  # cosine above which a sentence repeats one already chosen


def _term_matrix(
    texts: Sequence[Sequence[str]], normalise: Callable[[str], str | None]
) -> FloatArray:
    """Rows: texts; columns: normalised terms; values: tf·idf, rows scaled to unit length."""
    vocabulary: dict[str, int] = {}
    rows: list[int] = []
    columns: list[int] = []
    for row, words in enumerate(texts):
        for word in words:
            term = normalise(word)
            if term is not None:
                rows.append(row)
                columns.append(vocabulary.setdefault(term, len(vocabulary)))
    matrix = np.zeros((len(texts), max(1, len(vocabulary))))
    np.add.at(matrix, (rows, columns), 1.0)
    # idf over sentences of this document: words in every sentence carry no signal
    document_frequency = np.count_nonzero(matrix, axis=0)
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    return np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)


def _length_factor(lengths: FloatArray) -> FloatArray:
    low, high = PREFERRED_WORDS
    outside = np.maximum(low - lengths, 0) + np.maximum(lengths - high, 0)
    return np.clip(1.0 - LENGTH_DAMPING * outside, 0.1, 1.0)


def rank(
    candidates: Sequence[Candidate],
    budget: int,
    normalise: Callable[[str], str | None],
    title_words: Sequence[str] = (),
    is_caption: Callable[[str], bool] = lambda _: False,
) -> list[int]:
    """Indices into ``candidates`` of the chosen bullets, in article order."""
    if budget <= 0 or not candidates:
        return []
    matrix = _term_matrix([c.words for c in candidates] + [title_words], normalise)
    sentences, title = matrix[:-1], matrix[-1]
    centroid = sentences.sum(axis=0)
    centroid /= max(float(np.linalg.norm(centroid)), 1e-9)

    positions = np.array([c.position for c in candidates], dtype=np.float64)
    lengths = np.array([len(c.words) for c in candidates], dtype=np.float64)
    prior = 1.0 / (1.0 + positions / POSITION_HALF_LIFE)
    salience = 1.0 + CENTRALITY_WEIGHT * (sentences @ centroid) + TITLE_WEIGHT * (sentences @ title)
    caption = np.array([CAPTION_PENALTY if is_caption(c.text) else 1.0 for c in candidates])
    score = prior * salience * _length_factor(lengths) * caption
    score[[not c.eligible for c in candidates]] = -np.inf

    chosen: list[int] = []
    for index in np.argsort(-score, kind="stable"):
        if len(chosen) == budget or score[index] == -np.inf:
            break
        if chosen and float(np.max(sentences[chosen] @ sentences[index])) > REDUNDANCY_LIMIT:
            continue
        chosen.append(int(index))
    return sorted(chosen)
