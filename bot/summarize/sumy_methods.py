"""sumy's summarisers, run offline on our capped candidate sentences.

The document is built directly from our sentences (with ``OfflineTokenizer`` for words), so
sumy's NLTK-punkt tokenizer is never loaded and every method sees the same bounded input.
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

from sumy.models.dom import ObjectDocumentModel, Paragraph, Sentence
from sumy.summarizers.kl import KLSummarizer
from sumy.summarizers.lex_rank import LexRankSummarizer
from sumy.summarizers.lsa import LsaSummarizer
from sumy.summarizers.luhn import LuhnSummarizer
from sumy.summarizers.reduction import ReductionSummarizer
from sumy.summarizers.sum_basic import SumBasicSummarizer
from sumy.summarizers.text_rank import TextRankSummarizer

from bot.summarize.candidates import Candidate
from bot.summarize.language import language_name, stemmer, stop_words
from bot.text import OfflineTokenizer

SUMY_METHODS: dict[str, Any] = {
    "lexrank": LexRankSummarizer,
    "textrank": TextRankSummarizer,
    "lsa": LsaSummarizer,
    "luhn": LuhnSummarizer,
    "sumbasic": SumBasicSummarizer,
    "kl": KLSummarizer,
    "reduction": ReductionSummarizer,
}


def rank_with_sumy(
    method: str, candidates: Sequence[Candidate], budget: int, language: str | None
) -> list[int]:
    """Indices into ``candidates`` chosen by sumy's ``method``, in article order.

    Only eligible sentences are offered, so sumy cannot pick boilerplate or over-long ones.
    """
    eligible = [i for i, c in enumerate(candidates) if c.eligible]
    if budget <= 0 or not eligible:
        return []
    tokenizer = OfflineTokenizer(language_name(language))
    sentences = [Sentence(candidates[i].text, tokenizer) for i in eligible]
    document = ObjectDocumentModel([Paragraph(sentences)])
    summarizer = SUMY_METHODS[method](stemmer(language))
    summarizer.stop_words = stop_words(language)
    picked = {id(sentence) for sentence in summarizer(document, budget)}
    return [i for i, sentence in zip(eligible, sentences, strict=True) if id(sentence) in picked]
