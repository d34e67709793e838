"""Offline text utilities: sentence splitting, word tokenising and boilerplate detection."""

from bot.text.boilerplate import (
    is_boilerplate,
    leans_on_context,
    looks_like_caption,
    strip_dateline,
)
from bot.text.sentences import split_sentences, tokenize_words
from bot.text.tokenizer import OfflineTokenizer

__all__ = [
    "OfflineTokenizer",
    "is_boilerplate",
    "leans_on_context",
    "looks_like_caption",
    "split_sentences",
    "strip_dateline",
    "tokenize_words",
]
