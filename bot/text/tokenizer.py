"""A sumy-compatible tokenizer backed by our offline splitter.

sumy's own ``Tokenizer`` loads NLTK's punkt model, which needs a download; sumy only ever
calls ``to_sentences``, ``to_words`` and reads ``language``, so this duck-typed object is
enough to keep every sumy summariser offline.
"""

from __future__ import annotations

from bot.text.sentences import split_sentences, tokenize_words


class OfflineTokenizer:
    """Duck-typed replacement for ``sumy.nlp.tokenizers.Tokenizer``."""

    def __init__(self, language: str = "english") -> None:
        self.language = language

    def to_sentences(self, paragraph: str) -> tuple[str, ...]:
        """The sentences of ``paragraph`` (see ``split_sentences``)."""
        return tuple(split_sentences(paragraph, self.language))

    def to_words(self, sentence: str) -> tuple[str, ...]:
        """The word tokens of ``sentence``, punctuation dropped."""
        return tuple(tokenize_words(sentence))
