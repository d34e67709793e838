"""The summarisation methods' names and one-line descriptions, without importing them.

``bot.summarize`` pulls in numpy, sumy and NLTK (a few hundred milliseconds); the command line
needs only the names for ``--help`` and for checking ``--method``/``KEYPOINTS_METHOD``. A test
checks that these names match ``bot.summarize.METHODS``, the real registry.
"""

from __future__ import annotations

METHOD_HELP: dict[str, str] = {
    "default": "ours: early sentences that the rest of the article echoes (best ROUGE)",
    "lead": "the first sentences of the article (Lead-3)",
    "lexrank": "sumy LexRank: the most central sentences in a similarity graph",
    "textrank": "sumy TextRank: PageRank over sentence similarity",
    "lsa": "sumy LSA: sentences that carry the main latent topics",
    "luhn": "sumy Luhn: sentences dense in the article's frequent words",
    "sumbasic": "sumy SumBasic: sentences made of the most probable words",
    "kl": "sumy KL-Sum: keeps the word distribution closest to the article's",
    "reduction": "sumy Reduction: sentences with the most similarity to all others",
}

METHOD_NAMES: tuple[str, ...] = tuple(METHOD_HELP)
DEFAULT_METHOD = "default"
