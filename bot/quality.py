"""Is the extracted text an article we can summarise? Content-level checks, pure functions.

Called after extraction with the raw page and the ``Article``. Each rule pairs what a page
*says* with how *little* it says: a challenge page, a login wall or an error page holds a few
sentences about itself, while a real article that mentions "access denied" or "404" is long.
Vocabulary checks therefore only apply to short texts (or to the page ``<title>``).

* bot check / challenge, login wall (short)       → ``Paywalled`` (we cannot get past it)
* schema.org ``isAccessibleForFree: false``       → ``Paywalled`` if short, else ``is_preview``
* cookie wall, error page, JavaScript-app stub    → ``NoArticle``
* too few words, or mostly labels (menus, link lists) rather than sentences → ``NoArticle``;
  a short text (15–39 words) passes when it is all sentences: a news brief, one or two points

Thresholds are in words: ``\\w+`` tokens, except that Chinese and Japanese, written without
spaces, count one word per two characters (their average word length). The length limits sit
well below the shortest of the 121 real articles in the extraction benchmark
(``tests/test_quality.py`` checks that none of them is rejected) and well above what the walls
and stubs we know of contain.
"""

from __future__ import annotations

import dataclasses
import re

from bot.errors import KeypointsError, NoArticle, Paywalled
from bot.models import Article

# Fewer words than this cannot give three key points (about three short sentences).
MIN_ARTICLE_WORDS = 40
# A news brief shorter than that still gives one or two key points when it is all prose: at
# least this many words, and BRIEF_PROSE_SHARE of them in sentences (labels would be a menu).
MIN_BRIEF_WORDS = 15
BRIEF_PROSE_SHARE = 0.8
# A challenge, login wall or error page says what it is in fewer words than this.
SHORT_PAGE_WORDS = 150
# Consent dialogs with their partner lists run longer; still far shorter than articles.
COOKIE_WALL_MAX_WORDS = 400
# A cookie wall repeats its vocabulary (cookies, consent, partners, ...) at least this often.
COOKIE_TERMS_MIN = 3
# A not-free article showing fewer words than this is a paywall with a teaser line.
MIN_PREVIEW_WORDS = 100
# A paragraph of this many words, or ending like a sentence, is prose; shorter ones are labels.
PROSE_MIN_WORDS = 8
# Below this share of words in prose paragraphs, the text is a menu or a list of links.
MIN_PROSE_SHARE = 0.4
# How much of the raw page to scan for <title> and markup markers (they sit near the top).
HEAD_CHARS = 200_000

_WORD = re.compile(r"\w+")
# Han, kana and CJK compatibility ideographs: scripts written without spaces between words.
_CJK = re.compile(r"[\u3040-\u30ff\u3400-\u4dbf\u4e00-\u9fff\uf900-\ufaff]")
CJK_CHARS_PER_WORD = 2
_SENTENCE_END = re.compile(r"[.!?。！？…:]['\"”’»)\]]*$")
_TITLE = re.compile(r"<title[^>]*>(.*?)</title>", re.IGNORECASE | re.DOTALL)

_BOT_CHECK_MESSAGE = "The site showed a bot check instead of the article, so I can't read it."
_CHALLENGE = re.compile(
    r"just a moment\.\.\.|checking (if the site connection is secure|your browser)"
    r"|verify(ing)? (that )?you are (a )?human|are you a robot|attention required!"
    r"|ddos protection by|enable javascript and cookies to continue|access denied"
    r"|access to this page has been denied|request blocked|pardon our interruption"
    r"|unusual traffic from your computer",
    re.IGNORECASE,
)
# Markup only challenge pages carry (Cloudflare's challenge options and verification form).
_CHALLENGE_MARKUP = re.compile(r"_cf_chl_opt|cf-browser-verification|id=\"challenge-form\"")
_LOGIN_WALL = re.compile(
    r"(sign|log) ?in to (continue|read|view|access)|subscribe to (continue|keep) reading"
    r"|(for|available to) (paying )?subscribers only|create a free account to (continue|read)"
    r"|already a subscriber\?|to continue reading,? (please )?(sign|log|subscribe)",
    re.IGNORECASE,
)
_COOKIE_TERMS = re.compile(
    r"cookies?|consent|privacy|partners|legitimate interest|personali[sz]ed|tracking",
    re.IGNORECASE,
)
_COOKIE_ACTION = re.compile(
    r"accept (all|cookies)|reject all|allow all|i (agree|accept)|agree and (continue|close)"
    r"|manage (options|preferences|settings|cookies)|cookie (settings|preferences)",
    re.IGNORECASE,
)
_ERROR_TITLE = re.compile(r"\b(404|410)\b|not found|error", re.IGNORECASE)
_ERROR_TEXT = re.compile(
    r"page not found|could not be found|can(no|')t be found|no longer (available|exists)"
    r"|page (you requested |you are looking for )?(does not|doesn'?t) exist"
    r"|seite nicht gefunden|página no encontrada|page introuvable|pagina non trovata",
    re.IGNORECASE,
)
_JS_STUB = re.compile(
    r"(enable|turn on|activate) javascript|javascript (is )?(required|disabled)"
    r"|requires javascript|needs? javascript",
    re.IGNORECASE,
)
# The (case-sensitive) schema.org property, found by a fast literal scan (``str.find``: a
# case-insensitive regex walks every character of a megabyte page); the patterns run near it.
_NOT_FREE_NAME = "sAccessibleForFree"
NOT_FREE_WINDOW = 300  # characters around the name that hold its value (JSON or attributes)
_NOT_FREE = re.compile(
    r"""["']isAccessibleForFree["']\s*:\s*["']?false\b"""
    r"""|itemprop\s*=\s*["']?isAccessibleForFree["']?[^>]*?content\s*=\s*["']?false\b"""
    r"""|content\s*=\s*["']?false["']?[^>]*?itemprop\s*=\s*["']?isAccessibleForFree\b""",
    re.IGNORECASE,
)


def count_words(text: str) -> int:
    """Words in ``text``; runs of Chinese/Japanese characters count one word per two characters."""
    cjk = len(_CJK.findall(text))
    if not cjk:
        return len(_WORD.findall(text))
    return len(_WORD.findall(_CJK.sub(" ", text))) + cjk // CJK_CHARS_PER_WORD


def page_title(html: str) -> str:
    """Text of the page's ``<title>`` ("" when there is none)."""
    start = html.find("<title", 0, HEAD_CHARS)  # literal scans first: see _NOT_FREE_NAME
    if start == -1:
        start = html.find("<TITLE", 0, HEAD_CHARS)
    match = _TITLE.match(html, start, start + HEAD_CHARS) if start != -1 else None
    return " ".join(match.group(1).split()) if match else ""


def is_marked_not_free(html: str) -> bool:
    """The page declares schema.org ``isAccessibleForFree: false`` (JSON-LD or microdata)."""
    found = html.find(_NOT_FREE_NAME)
    while found != -1:
        start = max(0, found - NOT_FREE_WINDOW)
        if _NOT_FREE.search(html, start, found + NOT_FREE_WINDOW):
            return True
        found = html.find(_NOT_FREE_NAME, found + 1)
    return False


def _prose_share(paragraphs: tuple[str, ...], counts: list[int]) -> float:
    total = prose = 0
    for paragraph, words in zip(paragraphs, counts, strict=True):
        total += words
        if words >= PROSE_MIN_WORDS or _SENTENCE_END.search(paragraph.strip()):
            prose += words
    return prose / total if total else 0.0


def _is_brief(paragraphs: tuple[str, ...], counts: list[int]) -> bool:
    """A short text that is a news brief: enough words, nearly all of them in sentences, and
    at least one full sentence (a paragraph that is long enough *and* ends like one)."""
    return (
        sum(counts) >= MIN_BRIEF_WORDS
        and _prose_share(paragraphs, counts) >= BRIEF_PROSE_SHARE
        and any(
            words >= PROSE_MIN_WORDS and _SENTENCE_END.search(paragraph.strip())
            for paragraph, words in zip(paragraphs, counts, strict=True)
        )
    )


def prose_share(paragraphs: tuple[str, ...]) -> float:
    """Share of words in paragraphs that read as prose (long enough, or ending a sentence)."""
    return _prose_share(paragraphs, [count_words(p) for p in paragraphs])


def is_cookie_wall(text: str, words: int | None = None) -> bool:
    """Short text that asks for consent and keeps talking about cookies and partners."""
    return (
        (count_words(text) if words is None else words) < COOKIE_WALL_MAX_WORDS
        and bool(_COOKIE_ACTION.search(text))
        and len(_COOKIE_TERMS.findall(text)) >= COOKIE_TERMS_MIN
    )


def _wall(title: str, text: str, words: int) -> KeypointsError | None:
    """The failure a page stands for, judged by its title and its text of ``words`` words."""
    short = words < SHORT_PAGE_WORDS
    if _CHALLENGE.search(title) or (short and _CHALLENGE.search(text)):
        return Paywalled(_BOT_CHECK_MESSAGE)
    if short and _LOGIN_WALL.search(text):
        return Paywalled()
    if is_cookie_wall(text, words):
        return NoArticle("The page only showed a cookie notice, not the article.")
    if short and (_ERROR_TITLE.search(title) and _ERROR_TEXT.search(f"{title}\n{text}")):
        return NoArticle("The page says it does not exist (an error page).")
    if short and _ERROR_TEXT.search(title):
        return NoArticle("The page says it does not exist (an error page).")
    if short and _JS_STUB.search(text):
        return NoArticle("The page needs JavaScript to show its text, so I can't read it.")
    return None


def explain_empty(html: str) -> KeypointsError:
    """The most specific error for a page where no article text was found at all."""
    title = page_title(html)
    head = html[:HEAD_CHARS]
    if _CHALLENGE.search(title) or _CHALLENGE_MARKUP.search(head):
        return Paywalled(_BOT_CHECK_MESSAGE)
    if is_marked_not_free(html):
        return Paywalled()
    wall = _wall(title, "", 0)
    if wall is not None:
        return wall
    if _JS_STUB.search(head):
        return NoArticle("The page needs JavaScript to show its text, so I can't read it.")
    return NoArticle()


def check_article(html: str, article: Article) -> Article:
    """``article`` if it is a readable article (maybe marked a preview); raises otherwise."""
    counts = [count_words(p) for p in article.paragraphs]
    words = sum(counts)
    wall = _wall(page_title(html), article.text, words)
    if wall is not None:
        raise wall
    if is_marked_not_free(html):
        if words < MIN_PREVIEW_WORDS:
            raise Paywalled()
        article = dataclasses.replace(article, is_preview=True)
    if words < MIN_ARTICLE_WORDS and not _is_brief(article.paragraphs, counts):
        raise NoArticle("The page has too little text to summarise.")
    if _prose_share(article.paragraphs, counts) < MIN_PROSE_SHARE:
        raise NoArticle("The page is mostly menus or lists of links, not an article.")
    return article
