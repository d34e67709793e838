"""The default ranker: a position prior reweighted by how central a sentence is.

News puts the key facts first, so the first sentences are the strongest baseline ("Lead-3").
Pure centrality (LexRank, TextRank) loses to it. Here each sentence gets

    score = prior(position) × (1 + CENTRALITY_WEIGHT · forward centrality
                                 + TITLE_WEIGHT · similarity to the title)
                            × length factor × readability (captions, dangling openings)

and the best are taken greedily, skipping near-duplicates of ones already taken. A sentence
that refers back ("He was arrested ...") or is a quotation whose speaker is named only before
it is ranked down only while the sentence before it is not taken: right after it, it reads
fine. Everything is
a few numpy operations on a sentence × term matrix (at most ``MAX_SENTENCES`` rows), about a
millisecond for a typical article. The weights are global constants, chosen once on the CNN/DM
sample with a coarse grid (see ``bench/bench_summaries.py``), never per article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.summarize.candidates import Candidate

FloatArray = npt.NDArray[np.float64]

POSITION_HALF_LIFE = 8.0  # prior = 1 / (1 + position / this): half at this many sentences in
CENTRALITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
PREFERRED_WORDS = (10, 30)  # sentence lengths that read best as a bullet; others are damped
LENGTH_DAMPING = 0.02  # score lost per word outside PREFERRED_WORDS
CAPTION_PENALTY = 0.5  # likely photo captions are kept but ranked down
DANGLING_PENALTY = 0.5  # so are sentences opening "Which ...", "That said, ..."
REFERS_BACK_PENALTY = 0.85  # "He said ...", unless the sentence before it is also a bullet
BARE_QUOTE_PENALTY = 0.5  # a quotation alone: who speaks is only said before it
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
    width = max(1, len(vocabulary))
    flat = np.asarray(rows, dtype=np.intp) * width + np.asarray(columns, dtype=np.intp)
    counts = np.bincount(flat, minlength=len(texts) * width)
    matrix = counts.reshape(len(texts), width).astype(np.float64)
    # idf over sentences of this document: words in every sentence carry no signal
    document_frequency = np.count_nonzero(matrix, axis=0)
    idf = np.log((1 + len(texts)) / (1 + document_frequency)) + 1.0
    matrix *= idf
    norms = np.linalg.norm(matrix, axis=1, keepdims=True)
    unit: FloatArray = np.divide(matrix, norms, out=np.zeros_like(matrix), where=norms > 0)
    return unit


def _length_factor(lengths: FloatArray) -> FloatArray:
    low, high = PREFERRED_WORDS
    outside = np.maximum(low - lengths, 0) + np.maximum(lengths - high, 0)
    factor: FloatArray = np.clip(1.0 - LENGTH_DAMPING * outside, 0.1, 1.0)
    return factor


def _forward_centrality(sentences: FloatArray) -> FloatArray:
    """How much of what follows each sentence echoes it, scaled to [0, 1].

    News introduces a point and then elaborates on it, so a key sentence is one that later
    sentences are similar to (the "directed centrality" of PacSum, Zheng & Lapata 2019);
    plain, undirected centrality rewards background sentences deep in the text.
    """
    similarity = sentences @ sentences.T
    forward: FloatArray = np.triu(similarity, 1).sum(axis=1)
    return forward / max(float(forward.max()), 1e-9)


def rank(
    candidates: Sequence[Candidate],
    budget: int,
    normalise: Callable[[str], str | None],
    title_words: Sequence[str] = (),
    is_caption: Callable[[str], bool] = lambda _: False,
    leans_on_context: Callable[[str], bool] = lambda _: False,
    refers_back: Callable[[str], bool] = lambda _: False,
    is_bare_quotation: Callable[[str], bool] = lambda _: False,
) -> list[int]:
    """Indices into ``candidates`` of the chosen bullets, in article order."""
    if budget <= 0 or not candidates:
        return []
    matrix = _term_matrix([c.words for c in candidates] + [title_words], normalise)
    sentences, title = matrix[:-1], matrix[-1]
    centrality = _forward_centrality(sentences)

    positions = np.array([c.position for c in candidates], dtype=np.float64)
    lengths = np.array([len(c.words) for c in candidates], dtype=np.float64)
    prior = 1.0 / (1.0 + positions / POSITION_HALF_LIFE)
    salience = 1.0 + CENTRALITY_WEIGHT * centrality + TITLE_WEIGHT * (sentences @ title)
    # The text checks cost more than the arithmetic: run them on eligible sentences only.
    eligible = np.array([c.eligible for c in candidates], dtype=bool)
    readability = np.ones(len(candidates))
    # Penalty while the previous sentence is not taken (1.0: none).
    without_previous = np.ones(len(candidates))
    for index, candidate in enumerate(candidates):
        if not candidate.eligible:
            continue
        text = candidate.text
        readability[index] = (CAPTION_PENALTY if is_caption(text) else 1.0) * (
            DANGLING_PENALTY if leans_on_context(text) else 1.0
        )
        if is_bare_quotation(text):
            without_previous[index] = BARE_QUOTE_PENALTY
        elif refers_back(text):
            without_previous[index] = REFERS_BACK_PENALTY
    score = prior * salience * _length_factor(lengths) * readability
    score[~eligible] = -np.inf

    chosen: list[int] = []
    taken = np.zeros(len(candidates), dtype=bool)
    while len(chosen) < budget:
        previous_taken = np.concatenate(([False], taken[:-1]))
        effective = np.where(previous_taken, 1.0, without_previous) * score
        index = int(np.argmax(effective))  # the first of equal scores, as a stable sort would
        if effective[index] == -np.inf:
            break
        score[index] = -np.inf  # considered: taken now or skipped for good
        if chosen and float(np.max(sentences[chosen] @ sentences[index])) > REDUNDANCY_LIMIT:
            continue
        chosen.append(index)
        taken[index] = True
    return sorted(chosen)
