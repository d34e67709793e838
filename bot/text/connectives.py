"""Leading connectives that only link a sentence to the one before it.

"But Sherwood underlined ...", "That said, Ferrari are stronger ...": as a bullet, on its own,
the connective points at a sentence the reader has not seen, while the rest of the sentence
states its fact fine. ``drop_linking_opening`` cuts such an opening off (and capitalises what
follows); nothing else of the sentence changes. Words that also start ordinary phrases
("Still" in "Still images", "Yet" in "Yet another", "Instead of") are cut only when a comma
follows them, which makes them connectives. So are a few comment adverbs ("Incredibly,",
"Sadly,", "Worryingly,"): they give the writer's view of the fact, not a fact, and read as a
link to the story around the sentence.
"""

from __future__ import annotations

import re

# Always connectives at the very start of a sentence (an optional comma may follow).
_ALWAYS = r"and|but|meanwhile|moreover|furthermore|additionally|nevertheless|nonetheless|plus"
# Connectives only when a comma follows them.
_WITH_COMMA = (
    r"however|that\s+said|even\s+so|still|yet|also|indeed|instead|besides|then|now|so|"
    r"in\s+addition|in\s+fact|of\s+course|after\s+all|as\s+such|at\s+the\s+same\s+time|"
    r"by\s+contrast|in\s+contrast|on\s+the\s+other\s+hand|as\s+a\s+result|in\s+turn|"
    r"likewise|similarly|consequently|regardless|again|too|separately|elsewhere|finally|"
    r"afterwards|for\s+(?:his|her|its|their)\s+part|by\s+comparison|in\s+comparison|"
    # The writer's comment on the fact, not a fact: "Incredibly, the man survived."
    r"incredibly|remarkably|surprisingly|unsurprisingly|interestingly(?:\s+enough)?|"
    r"intriguingly|ironically|sadly|tragically|fortunately|unfortunately|worryingly|"
    r"crucially|importantly|notably"
)
_LINKING_OPENING = re.compile(
    rf"^(?:(?:{_ALWAYS})\b,?|(?:{_WITH_COMMA}),)\s+(?=[\"“‘'(]?\w)", re.IGNORECASE
)


def drop_linking_opening(sentence: str) -> tuple[str, str]:
    """(the sentence without a linking opening, the opening cut off: ``""`` when none).

    The rest is kept verbatim except its first letter, which is capitalised.
    """
    match = _LINKING_OPENING.match(sentence)
    if match is None:
        return sentence, ""
    rest = sentence[match.end() :]
    index = next((i for i, char in enumerate(rest) if char.isalpha()), None)
    if index is None or len(rest.split()) < 3:
        return sentence, ""  # too little left to be a statement: leave the sentence alone
    first_word = rest[index:].split(maxsplit=1)[0]
    if not any(char.isupper() for char in first_word[1:]):  # "iPhone", "eBay" keep their case
        rest = rest[:index] + rest[index].upper() + rest[index + 1 :]
    return rest, sentence[: match.end()]
