"""Trailing attributions that only say who reported a statement (English).

"The man was arrested on Monday, police said." As a key point, ", police said" adds words and
no fact; the reader sees the source's statement either way. ``drop_trailing_attribution``
cuts such a tail and ends the sentence with its own full stop; nothing else changes.

Only a plain tail is cut: a comma, then "<speaker> said/says/told <whom>/added/reported/
announced/confirmed/revealed", "said <speaker>", "according to <source>", "<a study or
survey> found/shows/suggests" or the press's "it emerged" / "it was revealed", optionally
followed by when or where it was said ("on Tuesday", "in a statement"). The tail is left
alone when the attribution is part of the point:
- a quotation ("'We will win,' he said."): without its speaker a quote is anyone's words, and
  its final comma sits inside the quote marks;
- a statement in the first or second person ("We will appeal, the company said."): "we" is
  the speaker the tail names;
- a loaded reporting verb ("admitted", "warned", "denied", "claimed"): it says something;
- a tail that holds a clause of its own ("..., he said, adding that ...", "who ...").
What is left must still be a statement: at least ``MIN_REST_WORDS`` words, balanced quotes
and brackets, ending in a word or a closing bracket.
"""

from __future__ import annotations

import re

from bot.text.quotes import is_balanced

MIN_REST_WORDS = 8  # what is left must say something on its own

_DAY = r"(?:monday|tuesday|wednesday|thursday|friday|saturday|sunday)"
_MONTH = (
    r"(?:jan(?:uary)?|feb(?:ruary)?|march|april|may|june|july|aug(?:ust)?|sept?(?:ember)?|"
    r"oct(?:ober)?|nov(?:ember)?|dec(?:ember)?)"
)
# When or where it was said: "Tuesday", "on Friday night", "last week", "in a statement".
_WHEN = (
    rf"(?:on\s+)?{_DAY}(?:\s+(?:morning|afternoon|evening|night))?"
    rf"|(?:on\s+)?{_MONTH}\.?\s+\d{{1,2}}"
    r"|yesterday|today|tonight|earlier|later|recently"
    r"|(?:last|this|earlier\s+this|late\s+last)\s+(?:week|month|year|weekend|morning|night)"
    r"|in\s+an?\s+(?:statement|interview|email|e-mail|press\s+release|news\s+release|"
    r"news\s+conference|press\s+conference|report|post|tweet|video|letter|note|filing)"
    r"|on\s+(?:twitter|x|facebook|instagram|its\s+website|his\s+website|her\s+website)"
)
_CIRCUMSTANCES = rf"(?:\s+(?:{_WHEN})){{0,3}}"
# A speaker: a pronoun or a short noun phrase without a comma ("police", "a spokesman for the
# company", "County Court Judge Sandra Davis"). Words that open a clause or carry a verb are
# not allowed in it: with them the tail is a statement of its own ("..., was told his cancer
# was terminal.", "..., although anyone can ask, Tourgeman said.").
_NOT_SPEAKER = (
    r"(?:who|whom|whose|which|that|because|if|when|while|although|though|whether|but|and|or|"
    r"adding|as|after|before|including|is|are|was|were|be|been|being|has|have|had|will|would|"
    r"can|could|may|might|must|should|shall|do|does|did|not|never|no|i|me|we|us|you|"
    r"him|her|them|his|their|its)"
)
_WORD = rf"(?!{_NOT_SPEAKER}\b)[\w.'’&-]+"
_NAME = rf"{_WORD}(?:\s+{_WORD}){{0,6}}"
_PRONOUN = r"(?:he|she|they|it)"
_SAID = (
    r"(?:(?:has|have)\s+)?(?:said|says|added|reported|reports|explained|noted|revealed|"
    r"announced|confirmed)"
)
# "a new survey", "an alarming report", "research by YouGov", "a poll for The Times"
_STUDY = (
    rf"(?:(?:an?|the|this|new|latest)\s+)*(?:{_WORD}\s+){{0,2}}"
    r"(?:report|study|survey|poll|research|analysis|review|data|figures|paper)"
    rf"(?:\s+(?:by|from|for)\s+{_NAME})?"
)
_TOLD = rf"told\s+{_WORD}(?:\s+{_WORD}){{0,2}}"
_TAIL = re.compile(
    rf""",\s+(?:
        (?:{_PRONOUN}|{_NAME})\s+(?:{_SAID}|{_TOLD})
      | (?:said|says|added)\s+(?!{_PRONOUN}\b){_WORD}(?:\s+{_WORD}){{0,4}}
      | according\s+to\s+{_NAME}
      | {_STUDY}\s+(?:(?:has|have)\s+)?(?:found|finds|shows?|showed|suggests?|suggested|reveals)
      | it\s+(?:(?:has|had)\s+)?emerged
      | it\s+(?:was|has\s+been|had\s+been)\s+(?:revealed|announced|reported|confirmed)
    ){_CIRCUMSTANCES}\s*\.$""",
    re.IGNORECASE | re.VERBOSE,
)
_FIRST_OR_SECOND_PERSON = re.compile(
    r"\b(?:i|i'm|i've|i'd|i'll|me|my|mine|we|we're|we've|we'd|we'll|us|our|ours|you|you're|"
    r"you've|you'll|your|yours)\b",
    re.IGNORECASE,
)
# "..., Dr. Jane Doe, the zoo's director, told Fox 8.": the speaker's name ends what is left.
_NAMED_LAST = re.compile(
    r",\s+(?:(?:Mr|Mrs|Ms|Dr|Prof)\.?\s+)?[A-Z][\w'’-]*(?:\s+[A-Z][\w'’.-]*){0,3}$"
)
_COMMA = re.compile(r",\s")
_QUOTE_MARKS = re.compile(r"[\"“”‘«»]|(?:^|\s)'|[.,!?]'")


def drop_trailing_attribution(sentence: str) -> tuple[str, str]:
    """(the sentence without a trailing attribution, the tail cut off: ``""`` when none).

    The tail includes the sentence's final full stop (", police said."); the sentence left
    ends with its own full stop instead, so ``kept[:-1] + tail`` is the sentence again.
    """
    stripped = sentence.rstrip()
    # The last comma followed by any space: pages often put a no-break space after it
    # ("...,\xa0the People's Daily Online reported.").
    commas = [found.start() for found in _COMMA.finditer(stripped)]
    comma = commas[-1] if commas else -1
    match = _TAIL.match(stripped, comma) if comma > 0 else None
    if match is None:
        return sentence, ""
    rest = stripped[: match.start()]
    if (
        len(rest.split()) < MIN_REST_WORDS
        or not (rest[-1:].isalnum() or rest[-1:] in ")]%")
        or _QUOTE_MARKS.search(rest)
        or _FIRST_OR_SECOND_PERSON.search(rest)
        or not is_balanced(rest)
        or _NAMED_LAST.search(rest)
    ):
        return sentence, ""
    return rest + ".", stripped[match.start() :]
