"""The default ranker: a position prior reweighted by how central a sentence is.

News puts the key facts first, so the first sentences are the strongest baseline ("Lead-3").
Pure centrality (LexRank, TextRank) loses to it. Here each sentence gets

    score = prior(position) × (1 + CENTRALITY_WEIGHT · forward centrality
                                 + TITLE_WEIGHT · similarity to the title)
                            × off-story factor (with a title: unlike headline and lede)
                            × length factor × readability (captions, dangling openings,
                                                           sentences that speak to the reader)

and the best are taken greedily, skipping those that repeat one already taken: by tf·idf
cosine, or by stating the same fact in other words (the same names and numbers and many of
the same stemmed content words). A sentence that refers back ("He was arrested ...") or is a
quotation whose speaker is named only before it is taken only right after the sentence it
leans on, or not at all. Everything is a few numpy operations on a sentence ×
term matrix (at most ``MAX_SENTENCES`` rows), about a millisecond for a typical article. The
weights are global constants, chosen by cross-validation on the CNN/DM sample with a coarse
grid (``bench/tune_default.py``), never per article.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np
import numpy.typing as npt

from bot.summarize.candidates import Candidate

FloatArray = npt.NDArray[np.float64]

POSITION_HALF_LIFE = 12.0  # prior = 1 / (1 + position / this): half at this many sentences in
CENTRALITY_WEIGHT = 1.0
TITLE_WEIGHT = 0.5
PREFERRED_WORDS = (10, 25)  # sentence lengths that read best as a bullet; others are damped
LENGTH_DAMPING = 0.02  # score lost per word outside PREFERRED_WORDS
CAPTION_PENALTY = 0.5  # likely photo captions are kept but ranked down
DANGLING_PENALTY = 0.5  # so are sentences opening "Which ...", "That said, ..."
# and those that speak to the reader ("You might have seen ..."): a hook, seldom a key fact
READER_PENALTY = 0.7
# "He said ...", a quotation alone: taken only right after the sentence it leans on (0: never
# without it); the reader cannot see what "he" is, or who speaks, otherwise.
REFERS_BACK_PENALTY = 0.0
BARE_QUOTE_PENALTY = 0.0
REDUNDANCY_LIMIT = 0.5  # cosine above which a sentence repeats one already chosen
# The same fact in other words: most of the shorter sentence's names and numbers and a good
# share of its stemmed content words recur in a chosen one.
NAME_OVERLAP = 1.0
CONTENT_OVERLAP = 0.5
MIN_NAMES = 2  # with fewer names, only the cosine decides
LEAD_SENTENCES = 2  # with the title, what the story is about
OFF_STORY_SIMILARITY = 0.05  # below this cosine to the story a sentence is about another one
OFF_STORY_PENALTY = 0.5


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


def _facts(
    candidate: Candidate, normalise: Callable[[str], str | None]
) -> tuple[frozenset[str], frozenset[str]]:
    """(names and numbers, stemmed content words) of a sentence, for the repeat test."""
    names: set[str] = set()
    content: set[str] = set()
    for word in candidate.words:
        term = normalise(word)
        if term is None:
            continue
        content.add(term)
        if word[:1].isupper() or word[:1].isdigit():
            names.add(term)
    return frozenset(names), frozenset(content)


def _restates(
    first: tuple[frozenset[str], frozenset[str]], second: tuple[frozenset[str], frozenset[str]]
) -> bool:
    """Whether two sentences state the same fact: shared names/numbers and content words."""
    (names_a, content_a), (names_b, content_b) = first, second
    fewest = min(len(names_a), len(names_b))
    if fewest < MIN_NAMES or len(names_a & names_b) < NAME_OVERLAP * fewest:
        return False
    return len(content_a & content_b) >= CONTENT_OVERLAP * min(len(content_a), len(content_b))


def _story(sentences: FloatArray, title: FloatArray) -> FloatArray:
    """Unit vector of what the story is about: its title and its first sentences.

    Pages drift into other stories (sidebars, "more from us" blocks); a sentence unlike the
    headline and the lede is less likely to be one of this story's key points.
    """
    story: FloatArray = title + sentences[:LEAD_SENTENCES].sum(axis=0)
    norm = float(np.linalg.norm(story))
    return story / norm if norm > 0 else story


def rank(
    candidates: Sequence[Candidate],
    budget: int,
    normalise: Callable[[str], str | None],
    title_words: Sequence[str] = (),
    is_caption: Callable[[str], bool] = lambda _: False,
    leans_on_context: Callable[[str], bool] = lambda _: False,
    refers_back: Callable[[str], bool] = lambda _: False,
    is_bare_quotation: Callable[[str], bool] = lambda _: False,
    lengths: Sequence[float] | None = None,
    addresses_reader: Callable[[str], bool] = lambda _: False,
) -> list[int]:
    """Indices into ``candidates`` of the chosen bullets, in article order. ``lengths`` are
    the sentences' lengths in words when their ``words`` are not words (character n-grams)."""
    if budget <= 0 or not candidates:
        return []
    matrix = _term_matrix([c.words for c in candidates] + [title_words], normalise)
    sentences, title = matrix[:-1], matrix[-1]
    centrality = _forward_centrality(sentences)

    positions = np.array([c.position for c in candidates], dtype=np.float64)
    lengths_array = np.array(
        [len(c.words) for c in candidates] if lengths is None else lengths, dtype=np.float64
    )
    prior = 1.0 / (1.0 + positions / POSITION_HALF_LIFE)
    salience = 1.0 + CENTRALITY_WEIGHT * centrality + TITLE_WEIGHT * (sentences @ title)
    if np.any(title):
        # Web pages drift into other stories (sidebars, "more from us"), whose sentences echo
        # each other and so look central; with a headline to go by, a sentence unlike both it
        # and the lede is ranked down. (Plain text without a title has no sidebars.)
        on_story = sentences @ _story(sentences, title) >= OFF_STORY_SIMILARITY
        salience *= np.where(on_story, 1.0, OFF_STORY_PENALTY)
    # The text checks cost more than the arithmetic: run them on eligible sentences only.
    eligible = np.array([c.eligible for c in candidates], dtype=bool)
    readability = np.ones(len(candidates))
    # Penalty while the previous sentence is not taken (1.0: none).
    without_previous = np.ones(len(candidates))
    for index, candidate in enumerate(candidates):
        if not candidate.eligible:
            continue
        text = candidate.text
        readability[index] = (
            (CAPTION_PENALTY if is_caption(text) else 1.0)
            * (DANGLING_PENALTY if leans_on_context(text) else 1.0)
            * (READER_PENALTY if addresses_reader(text) else 1.0)
        )
        if candidate.position == 0:
            continue  # the article's first sentence has nothing before it to lean on
        if is_bare_quotation(text):
            without_previous[index] = BARE_QUOTE_PENALTY
        elif refers_back(text):
            without_previous[index] = REFERS_BACK_PENALTY
    score = prior * salience * _length_factor(lengths_array) * readability
    score[~eligible] = -np.inf
    return select(candidates, score, sentences, without_previous, budget, normalise)


def select(
    candidates: Sequence[Candidate],
    score: FloatArray,
    sentences: FloatArray,
    without_previous: FloatArray,
    budget: int,
    normalise: Callable[[str], str | None],
) -> list[int]:
    """The greedy choice: the best-scoring sentences (``-inf``: never), skipping one that
    repeats a chosen one, and one whose ``without_previous`` factor is 0 unless the sentence
    before it is chosen. ``sentences`` are the unit tf·idf rows; returns article order."""
    score = score.copy()
    chosen: list[int] = []
    chosen_facts: dict[int, tuple[frozenset[str], frozenset[str]]] = {}
    taken = np.zeros(len(candidates), dtype=bool)
    while len(chosen) < budget:
        previous_taken = np.concatenate(([False], taken[:-1]))
        factor = np.where(previous_taken, 1.0, without_previous)
        effective = np.where(factor > 0, factor * score, -np.inf)  # 0 × -inf would be NaN
        index = int(np.argmax(effective))  # the first of equal scores, as a stable sort would
        if effective[index] == -np.inf:
            break  # nothing left, or only sentences that lean on one not taken
        score[index] = -np.inf  # considered: taken now or skipped for good
        if chosen and float(np.max(sentences[chosen] @ sentences[index])) > REDUNDANCY_LIMIT:
            continue
        facts = _facts(candidates[index], normalise)
        if any(_restates(facts, chosen_facts[other]) for other in chosen):
            continue
        chosen_facts[index] = facts
        chosen.append(index)
        taken[index] = True
    return sorted(chosen)
