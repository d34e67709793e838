"""Recognise sentences that are page furniture rather than article content.

Extractors leave some of it in the body: bylines, datelines, photo captions, calls to action
("Scroll down for video", "Sign up for our newsletter"), share/follow lines. None of it can
stand on its own as a key point, so the summariser drops it (``is_boilerplate``), strips a
leading dateline (``strip_dateline``) and ranks down likely captions and sentences that
open by leaning on the previous one (``looks_like_caption``, ``leans_on_context``). All
patterns are generic web/news furniture, not tuned to one site.
"""

from __future__ import annotations

import re

# "LONDON (CNN) -- ", "(CNN)", "WASHINGTON (Reuters) - ", "NEW YORK, March 3 (AP) — ",
# and a bare upper-case place dateline "PARIS — ".
_DATELINE = re.compile(
    r"""^\s*(?:
        (?:[A-Z][A-Z.'’\-]+(?:[ ,]+[\w.'’\-]+){0,4}\s*)?
            \((?:CNN|AP|AFP|Reuters|UPI|Bloomberg|EW\.com|[A-Z][\w.]{1,14}\s?(?:News|Wire))\)
            \s*(?:--|—|–|-|:)?\s*
      | [A-Z][A-Z.'’\-]+(?:[ ,]+[A-Z][A-Za-z.'’\-]*){0,3}\s+(?:--|—|–)\s+
    )""",
    re.VERBOSE,
)

# Whole sentences that are navigation, calls to action or metadata.
_BOILERPLATE = re.compile(
    r"""(?ix)
    ^\W*(?:
        scroll\s+down\b | click\s+here\b | advertisement\b | sponsored\b
      | (?:sign|subscribe)\s+(?:up\s+)?(?:to|for)\s+(?:our|the|my)\b.*(?:newsletter|updates|email)
      | (?:subscribe|sign\s+up)\b.{0,40}\bnewsletter
      | related\s*(?:articles?|stories|links?|coverage|content)?\s*: | read\s+more\b
      | see\s+also\s*: | more\s*: | watch\s*: | video\s*: | listen\s*: | also\s+read\b
      | (?:share|tweet|email|print)\s+(?:this|on)\b | share\s*$
      | follow\s+(?:us|me|@|\w+(?:\s+\w+){0,3}\s+on\s+(?:twitter|facebook|instagram|x)\b)
      | like\s+us\s+on\b | join\s+us\s+on\b | find\s+us\s+on\b
      | by\s*[.:]?\s+[A-Z.\s]{0,3}\w+(?:\s+\w+){0,3}\s*[.,]?\s*(?:$|published|updated|\|)
      | (?:published|updated|last\s+updated)\s*(?::|at\s+\d|on\s+\d)
      | (?:posted|written|reporting)\s+by\s+\w+(?:\s+\w+){0,3}\s*\W*$
      | (?:photo|image|picture|video|credit|source|caption)s?\s*(?:credit)?\s*:
      | (?:copyright|©|all\s+rights\s+reserved)
      | (?:do|have)\s+you\s+(?:have|got)\s+a\s+(?:story|tip|news)
      | (?:what\s+do\s+you\s+think|tell\s+us|let\s+us\s+know|share\s+your\s+(?:thoughts|views))\b
      | we\s+use\s+cookies\b | accept\s+(?:all\s+)?cookies\b | this\s+(?:web)?site\s+uses\s+cookies
      | getty\s+images\s*\.?$
    )
    """
)
# A byline: "By Jane Doe", "By Jane Doe and John Roe", "By Jane Doe, Technology Reporter".
# Case-sensitive on purpose: names are capitalised, "By the time ..." is prose.
_BYLINE = re.compile(
    r"^\W*(?:By|BY)\s+(?:[A-Z][\w.'’\-]*\s*(?:and\s+)?){1,6}"
    r"(?:[,|\-–—]\s*[\w .'’\-]{0,40}(?i:reporter|editor|correspondent|writer|staff|"
    r"contributor|columnist|press|news|agency)\w*)?\s*\W*$"
)
# A trailing "(Photo by ... / Getty Images)"-style credit, or a lone "Pictured posed by model."
_CREDIT = re.compile(
    r"(?i)(?:getty\s+images|/\s*(?:ap|afp|reuters)\b|posed\s+by\s+model|file\s+(?:photo|picture))"
)
# Caption cues: "(pictured)", "(left)", "(above)", "(file photo)", "pictured right".
_CAPTION_CUE = re.compile(
    r"(?i)\((?:pictured|pictures?|shown|left|right|centre|center|above|below|top|bottom|inset|"
    r"file|main|front|back|second\s+\w+|far\s+\w+|[^()]{0,30}pictured[^()]{0,30})\)|"
    r"\bpictured\b|\bin\s+(?:the\s+)?(?:photo|picture|image)\b"
)


# Openings that only make sense after the previous sentence: "Which is ...", "That said,
# ...", "Instead, ...". ("But" and "And" are left alone: news ledes use them for new facts.)
_DANGLING_OPENING = re.compile(
    r"^\W*(?:which|instead|otherwise|likewise|similarly|moreover|furthermore|besides|"
    r"nonetheless|nevertheless|conversely|consequently|that\s+said|even\s+so|or\s+so|"
    r"in\s+(?:addition|contrast|turn|fact)|by\s+contrast|on\s+the\s+other\s+hand|"
    r"as\s+a\s+result|then\s+there|not\s+only\s+that|this\s+is\s+why|that\s+is\s+why)\b",
    re.IGNORECASE,
)


def strip_dateline(sentence: str) -> str:
    """The sentence without a leading dateline such as ``"LONDON (CNN) -- "``.

    The result is a suffix of the input, so it stays verbatim article text.
    """
    match = _DATELINE.match(sentence)
    if match is None or match.end() >= len(sentence):
        return sentence
    return sentence[match.end() :]


def is_boilerplate(sentence: str) -> bool:
    """Whether the sentence is page furniture (byline, call to action, credit, ...)."""
    text = sentence.strip()
    if _BOILERPLATE.search(text) or _BYLINE.match(text):
        return True
    # Short lines that only credit a photo; a long sentence mentioning Getty is real content.
    return len(text.split()) <= 8 and _CREDIT.search(text) is not None


def looks_like_caption(sentence: str) -> bool:
    """Whether the sentence reads like a photo caption ("Smith (pictured) ...")."""
    return _CAPTION_CUE.search(sentence) is not None


def leans_on_context(sentence: str) -> bool:
    """Whether the sentence opens with a connective that needs the sentence before it."""
    return _DANGLING_OPENING.match(sentence) is not None
