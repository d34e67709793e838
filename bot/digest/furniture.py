"""Feed descriptions that are furniture, not a sentence of the story.

Aggregator feeds (Hacker News, Lobsters, Reddit) put link bookkeeping in an item's
description: "Article URL: https://… Comments URL: https://… Points: 35 # Comments: 12",
"submitted by /u/someone [link] [comments]". Quoted as a key point it tells the reader
nothing, so the digest shows such a story without a line of text.
"""

from __future__ import annotations

import re

_FURNITURE = re.compile(
    r"""(?ix)
    \b(?:article|comments?)\s+url\s*:
  | \bpoints\s*:\s*\d+
  | \#\s*comments\s*:\s*\d+
  | \bsubmitted\s+by\s+/?u/
  | \[link\]\s*\[comments\]
  | ^\s*comments\s*$
  | ^\W*https?://\S+\W*$
    """
)


def is_feed_furniture(text: str) -> bool:
    """Whether a feed description (or a line of it) is link bookkeeping, not prose."""
    return _FURNITURE.search(text) is not None
