"""Recognise sentences that are page furniture rather than article content.

Extractors leave some of it in the body: bylines, photo captions, calls to action ("Scroll
down for video", "Sign up for our newsletter"), share/follow lines, disclosures ("This post
was sponsored by ...", "All opinions are my own"), reprint and comment-policy notices, notes
under a label ("Editor's note:", "UPDATE:"), footnotes ("*Prices may vary"). None of it can
stand on its own as a key point, so the summariser drops it (``is_boilerplate``) and ranks
down likely captions (``looks_like_caption``). All patterns are generic web/news furniture,
not tuned to one site.
"""

from __future__ import annotations

import re

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
      | \*+\s*\w                                     # a footnote: "*Only the top 12 ..."
      | (?:editor'?s?\s+)?note\s*: | update[ds]?\s*: | correction\s*: | disclaimer\s*:
      | disclosure\s*: | attention\s*: | aten[çc][ãa]o\s*: | achtung\s*: | hinweis\s*:
      | anzeige\s*: | aviso\s*: | avviso\s*: | nota\s*: | p\.?s\.?\s*: | warning\s*:
      # the same furniture in de, fr, es, pt, it, nl, ru, ja, zh: ad labels, "read also"
      # links, photo credits
      | (?:anzeige|werbung|publicit[ée]|publicidad|publicidade|pubblicit[àa]|advertentie
         |реклама|広告|广告)\s*\W*$
      | lesen\s+sie\s+(?:auch|mehr)\b | mehr\s+zum\s+thema\b | (?:[àa]\s+)?lire\s+aussi\b
      | voir\s+aussi\b | lea\s+también\b | lee\s+(?:también|más)\b | leia\s+(?:também|mais)\b
      | veja\s+também\b | leggi\s+anche\b | lees\s+(?:ook|meer)\b | читайте\s+также
      | (?:foto|bild|fotos|crédit|crédito|credito|fonte|fuente|bron|фото)\s*: | 写真\s*[:：]
      | 関連記事 | 関連ニュース | 相关阅读 | 相关新闻 | 延伸阅读 | 图片来源
    )
    """
)
# Notices that can sit anywhere in a sentence: disclosures, reprint terms, comment policy.
_NOTICE = re.compile(
    r"""(?ix)
        \b(?:this|the)\s+(?:post|shop|article|page|review|video|content|episode|giveaway)
            \s+(?:has\s+been|was|is)\s+(?:compensated|sponsored|paid)\b
      | \ball\s+opinions\s+(?:are|expressed)\b.{0,30}\b(?:mine|my\s+own|our\s+own|own)\b
      | \baffiliate\s+links?\b | \bas\s+an\s+amazon\s+associate\b
      | \bwe\s+(?:may\s+)?(?:earn|receive|get)\s+(?:a\s+)?(?:small\s+)?(?:commission|share\s+of)
      | \bnon-?commercial\s+use\s+only\b | \bpresentation-ready\s+copies\b
      | \bcomments?\s+(?:are|is|will\s+be)\s+(?:moderated|reviewed)\b
      | \bbookmark\s+(?:this|our|us)\b
    """
)
# Words one of the notices must contain; checked first (plain substring tests are far
# cheaper than the pattern) because most sentences contain none of them.
_NOTICE_WORDS = (
    *("compensated", "sponsored", "paid", "opinions", "affiliate", "associate", "commission"),
    *("share", "commercial", "presentation", "moderated", "reviewed", "bookmark"),
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
# A short label before a colon, as in captions and list entries: "Evicted: Jane Doe ...",
# "Fighter ace: ...". Not a speaker introducing a quote ("Smith said: ..."), not a pronoun.
_LABEL = re.compile(r"^[\"“‘']?([A-Z][\w'’.\-]*(?:\s+[\w'’.\-]+){0,2}):\s+[A-Z0-9\"“‘']")
_SPEECH = re.compile(
    r"(?i)\b(?:said|says|told|tells|added|adds|explained|wrote|writes|tweeted|posted|stated|"
    r"states|insisted|declared|warned|continued|replied|asked|agreed|reads|read|saying|adding|"
    r"according|recalled|admitted|noted)\b|^(?:he|she|they|it|i|we|you)\b"
)
# A person doing something in the present tense, as picture captions are written:
# "Jane Doe celebrates after ...", "John Smith addresses his players ahead of ...".
_ACTION_CAPTION = re.compile(
    r"^(?:[A-Z][\w'’.\-]*\s+){2,4}(?:celebrates|reacts|attempts|addresses|looks\s+on|waves|"
    r"winces|poses|arrives|leaves|walks|smiles|shakes|holds|gestures|watches|greets|applauds|"
    r"salutes|trains|competes|battles|jumps|kisses|hugs|sits|stands|speaks|shows\s+off|"
    r"lifts|fires|heads|clears|controls|runs|scores|looks\s+to|takes\s+part|smashes|stretches|"
    r"strikes|volleys|dives|leaps|slides|grimaces|sprays|holds\s+off|closes\s+down)\b"
    r".{0,160}\b(?:during|ahead\s+of|after|at|on|in)\b"
)


def is_boilerplate(sentence: str) -> bool:
    """Whether the sentence is page furniture (byline, call to action, credit, ...)."""
    text = sentence.strip()
    if _BOILERPLATE.search(text) or _BYLINE.match(text):
        return True
    lowered = text.lower()
    if any(word in lowered for word in _NOTICE_WORDS) and _NOTICE.search(text):
        return True
    # Short lines that only credit a photo; a long sentence mentioning Getty is real content.
    return len(text.split()) <= 8 and _CREDIT.search(text) is not None


def looks_like_caption(sentence: str) -> bool:
    """Whether the sentence reads like a photo caption or a labelled entry ("Pictured: ...")."""
    if _CAPTION_CUE.search(sentence) or _ACTION_CAPTION.match(sentence):
        return True
    label = _LABEL.match(sentence)
    return label is not None and _SPEECH.search(label.group(1)) is None
