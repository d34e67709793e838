"""Characters that change what a reader sees without being seen: removed from page text.

Bidirectional overrides, embeddings and isolates (U+202A–U+202E, U+2066–U+2069) reorder the
text after them, so a bullet can display words in another order than it holds; zero-width
spaces, word joiners, soft hyphens (a hyphenation hint: ``Bundes\u00adregierung`` must match
"Bundesregierung") and the byte-order mark hide inside words (``pay\u200bpal``); Unicode tag
characters carry invisible ASCII. None of them belongs in a quoted sentence. The zero-width
(non-)joiners U+200C/U+200D stay: Persian, Hindi and emoji sequences need them, and they
neither reorder nor hide text. Other control characters (C0/C1 except whitespace) go too.
"""

from __future__ import annotations

_INVISIBLE = (
    [0x00AD, 0x061C, 0x180E, 0x200B, 0x200E, 0x200F, 0xFEFF]  # soft hyphen, marks, ZWSP, BOM
    + list(range(0x202A, 0x202F))  # LRE RLE PDF LRO RLO
    + list(range(0x2060, 0x2065))  # word joiner, invisible operators
    + list(range(0x2066, 0x206A))  # LRI RLI FSI PDI
    + list(range(0xE0000, 0xE0080))  # tag characters
    + [c for c in range(0x00, 0x20) if chr(c) not in "\t\n\r\f\v"]
    + list(range(0x7F, 0xA0))
)
_TABLE: dict[int, str | None] = dict.fromkeys(_INVISIBLE)
_TABLE[0x85] = " "  # NEXT LINE separates words: a space, not nothing


def strip_invisible(text: str) -> str:
    """``text`` without bidi controls, zero-width spaces, tags and other control characters."""
    if text.isprintable():
        return text  # the common case (every character above is unprintable): no copy
    return text.translate(_TABLE)
