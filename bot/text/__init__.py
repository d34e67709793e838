"""Offline text utilities: sentence splitting, word tokenising and telling prose from furniture."""

from bot.text.boilerplate import is_boilerplate, looks_like_caption
from bot.text.context import (
    addresses_reader,
    is_bare_quotation,
    leans_on_context,
    refers_back,
)
from bot.text.datelines import strip_dateline
from bot.text.fragments import looks_like_fragment, split_glued
from bot.text.quotes import is_balanced, join_quotations
from bot.text.sentences import ends_with_abbreviation, split_sentences, tokenize_words
from bot.text.tokenizer import OfflineTokenizer

__all__ = [
    "OfflineTokenizer",
    "addresses_reader",
    "ends_with_abbreviation",
    "is_balanced",
    "is_bare_quotation",
    "is_boilerplate",
    "join_quotations",
    "leans_on_context",
    "looks_like_caption",
    "looks_like_fragment",
    "refers_back",
    "split_glued",
    "split_sentences",
    "strip_dateline",
    "tokenize_words",
]
