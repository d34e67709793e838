"""Strip what news pages put before the first word of a sentence: datelines and glued headers.

The result is always a suffix of the input, so a bullet stays verbatim article text. Strict
forms (an agency in brackets, an upper-case place) are stripped anywhere; looser ones (a
mixed-case place before a dash or colon, a heading and byline glued to the first sentence
by a missing line break) only from the article's first sentence, where a dateline lives.
"""

from __future__ import annotations

import re

_AGENCY = (
    r"\((?:CNN(?:\s[A-Z]\w+)?|AP|AFP|Reuters|UPI|Bloomberg|EW\.com"
    r"|[A-Z][\w.]{1,14}\s?(?:News|Wire))\)"
)
_DASH = r"(?:--|—|–)"
# A sentence starts right after a dateline: a capital, a digit or an opening quote.
_STARTS = r"(?=[\"“‘'«A-Z0-9À-ÖØ-Þ])"

# "LONDON (CNN) -- ", "(CNN)", "Hong Kong (CNN Business)", "NEW YORK, March 3 (AP) — ",
# an upper-case place "PARIS — ", and a stray leading dash or bullet. (An upper-case word and
# a colon is a dateline only at the very start, "NEW DELHI: "; later it is a label, "CLAIMS: ".)
_DATELINE = re.compile(
    rf"""^\s*(?:
        (?:[A-Z][\w.'’\-]*(?:[ ,]+[\w.'’\-]+){{0,4}}\s*)? {_AGENCY} \s*(?:{_DASH}|-|:)?\s*{_STARTS}
      | [A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]*){{0,3}}\s+{_DASH}\s+{_STARTS}
      | (?:{_DASH}|-|•|·)\s+{_STARTS}
    )""",
    re.VERBOSE,
)
# Only in the first sentence: "Indianapolis – ", "New York, NY – ", "NEW DELHI: ",
# "Washington, DC, United States: " (up to four capitalised words, commas allowed, then a
# dash or colon).
_LOOSE_DATELINE = re.compile(
    rf"^\s*[A-Z][\w.'’\-]*(?:,?\s+[A-Z][\w.'’\-]*){{0,3}}\s*(?:\s{_DASH}|:)\s+{_STARTS}"
)
# Only in the first sentence: a source's name in brackets glued to the first word, with no
# space ("(The Hollywood Reporter)Stan Freberg, ..."): the page's credit line, not prose.
_GLUED_SOURCE = re.compile(r"^\s*\((?:[A-Z][\w.&'’\-]*\s+){0,4}[A-Z][\w.&'’\-]*\)(?=[A-Z])")
_MONTH = (
    r"(?:Jan(?:uary)?|Feb(?:ruary)?|Mar(?:ch)?|Apr(?:il)?|May|June?|July?|Aug(?:ust)?|"
    r"Sep(?:t(?:ember)?)?|Oct(?:ober)?|Nov(?:ember)?|Dec(?:ember)?)\.?"
)
# A heading/byline/date run glued to the text: "... by Jeff Foust Monday, November 18, 2019
# Earlier this month, ...". A full date followed directly by a capitalised word (no
# punctuation in between) is not prose; everything up to the date is page furniture.
_GLUED_DATE = re.compile(
    rf"^(?:\S+\s+){{0,25}}?(?:{_MONTH}\s+\d{{1,2}},?\s+\d{{4}}|\d{{1,2}}\s+{_MONTH}\s+\d{{4}})"
    rf"(?:\s+\d{{1,2}}[:.]\d{{2}}\s*(?:[ap]\.?m\.?|[AP]M)?(?:\s+[A-Z]{{2,4}})?)?\s+(?=[A-Z][a-z])"
)


def strip_dateline(sentence: str, *, first: bool = False) -> str:
    """The sentence without a leading dateline such as ``"LONDON (CNN) -- "``.

    With ``first`` (the article's first sentence) looser forms are stripped too: a
    mixed-case place before a dash or colon, a source's name in brackets glued to the first
    word, and a heading/byline glued on before a date.
    """
    patterns = (_DATELINE, _LOOSE_DATELINE, _GLUED_SOURCE, _GLUED_DATE) if first else (_DATELINE,)
    for pattern in patterns:
        match = pattern.match(sentence)
        if match is not None and match.end() < len(sentence):
            return sentence[match.end() :]
    return sentence
