"""trafilatura's extraction in two stages: fast mode first, its full path only when asked.

``trafilatura.bare_extraction(tree, fast=False)`` starts with everything fast mode does to the
page: it copies the tree, prunes it, cleans it (``tree_cleaning``) and keeps a copy of the
cleaned tree before converting its tags. None of that depends on ``fast`` (only the main
extractor's last-resort pass and the comparison with readability and jusText do), so when a
doubt sends a page down the full path (``bot.extract``) the work is done once: ``FastRun``
keeps the pruned tree and the cleaned copy that fast mode left untouched, and ``full()`` takes
up from there. Both results are exactly ``bare_extraction``'s (with our options: no comments,
no metadata, text output); ``tests/test_extraction_speed.py`` checks it on every fixture page.

This follows ``trafilatura.core.trafilatura_sequence`` of the pinned trafilatura step for step
(with comments off, which drops its comment and forum branches), and uses its private helpers.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from copy import copy

from lxml.etree import XPath, _Element, strip_tags
from lxml.html import HtmlElement
from trafilatura.baseline import _BLOCK_ELEMS, _spaced_text, baseline
from trafilatura.core import (
    ESCALATION_ACCEPT_RATIO,
    ESCALATION_JUSTEXT_RATIO,
    ESCALATION_MAX_LENGTH,
    ESCALATION_PAGE_SHARE,
    LOGGER,
    _extract_and_compare,
    _forum_thread_page,
    _prepare_tree,
    _recall_retry,
)
from trafilatura.external import justext_rescue
from trafilatura.htmlprocessing import convert_tags, prune_unwanted_nodes
from trafilatura.settings import _COOKIE_CONSENT_RE, BASIC_CLEAN_XPATH, Extractor
from trafilatura.xml import delete_element
from trafilatura.xpaths import RAW_TREE_PRUNE_XPATH, REMOVE_COMMENTS_AND_LISTS_XPATH

__all__ = ["FastRun", "basic_cleaning", "cleaned_page"]


def _options(url: str | None, fast: bool) -> Extractor:
    """The options ``bare_extraction`` builds from the arguments ``bot.extract`` passes."""
    return Extractor(output_format="txt", fast=fast, comments=False, url=url)


class FastRun:
    """trafilatura's fast-mode body of a page (``body``), and its full path on demand."""

    def __init__(self, page: HtmlElement, url: str | None) -> None:
        self._url = url
        options = _options(url, fast=True)
        tree = copy(page)  # trafilatura works on a copy of a tree it is given
        is_forum = _forum_thread_page(tree)
        tree = prune_unwanted_nodes(tree, RAW_TREE_PRUNE_XPATH)
        if options.focus == "precision" or not is_forum:  # comments are off
            tree = prune_unwanted_nodes(tree, REMOVE_COMMENTS_AND_LISTS_XPATH)
        cleaned, self._backup = _prepare_tree(tree, options, url)
        # Neither ``tree`` nor the backup is changed by fast mode below (the baseline and
        # html2txt copy what they read; the backup is read only by the full path's jusText).
        self._tree = tree
        self._page_text: tuple[int, int, HtmlElement] | None = None
        self._page_length: int | None = None
        body, text = _extract_and_compare(cleaned, self._backup, tree, options)
        self.body = _finish(*_rescue(body, text, tree, options, url, self._covers_little), options)

    def full(self) -> _Element | None:
        """The body ``bare_extraction(fast=False)`` returns, from the stages fast mode shared.
        Call it at most once: its jusText pass reads the kept cleaned tree, and may change it."""
        options = _options(self._url, fast=False)
        cleaned = convert_tags(copy(self._backup), options, self._url)
        body, text = _extract_and_compare(cleaned, self._backup, self._tree, options)
        rescued = _rescue(body, text, self._tree, options, self._url, self._covers_little)
        return _finish(*rescued, options)

    def _covers_little(self, length: int) -> bool:
        """``length < ESCALATION_PAGE_SHARE * len(html2txt(tree))``, trafilatura's test of a
        result that covers little of the page, mostly without html2txt: its text is the page's
        text less some boxes, with spaces put around block elements, which can only make it
        longer by one character per space, and control characters taken out of some of it,
        which can only make it shorter. The bounds settle most pages; and the page's text is
        the same on the full path, so it is measured once."""
        if self._page_length is None:
            if self._page_text is None:
                self._page_text = _page_text_bounds(self._tree)
            low, high, cleaned = self._page_text
            if length < ESCALATION_PAGE_SHARE * low:
                return True
            if length >= ESCALATION_PAGE_SHARE * high:
                return False
            self._page_length = len(_spaced_text(cleaned))  # changes ``cleaned``: once only
        return length < ESCALATION_PAGE_SHARE * self._page_length


def _rescue(
    body: _Element,
    text: str,
    tree: HtmlElement,
    options: Extractor,
    url: str | None,
    covers_little: Callable[[int], bool],
) -> tuple[_Element, str]:
    """Stages 3 and 4 of ``trafilatura_sequence`` (comments off): the baseline on the pruned
    page when too little was found, then the recall retry when the result covers little of it."""
    if len(text) < options.min_extracted_size and options.focus != "precision":
        b_body, b_text, b_len = baseline(tree)
        if b_len > len(text):
            body, text = b_body, b_text
    if (
        options.focus == "balanced"
        and 0 < len(text) < ESCALATION_MAX_LENGTH
        and covers_little(len(text))
    ):
        r_options = copy(options)
        r_options.focus = "recall"
        r_text = j_text = ""
        try:
            r_body, r_text = _recall_retry(tree, r_options, url)
        except Exception as error:  # as trafilatura: a failed retry keeps the result
            LOGGER.warning("recall retry failed: %s %s", error, url)
        if not options.fast:
            try:
                j_body, j_text = justext_rescue(copy(tree), options)
            except Exception as error:
                LOGGER.warning("justext candidate failed: %s %s", error, url)
        len_text, r_len, j_len = len(text), len(r_text), len(j_text)
        if j_len > r_len and j_len > ESCALATION_JUSTEXT_RATIO * len_text:
            body, text = j_body, j_text
        elif r_len >= options.min_extracted_size and r_len > ESCALATION_ACCEPT_RATIO * len_text:
            body, text = r_body, r_text
    return body, text


def _finish(body: _Element, text: str, options: Extractor) -> _Element | None:
    """``bare_extraction``'s checks on the result (no comments, so only the text counts)."""
    if options.max_tree_size and len(body) > options.max_tree_size:
        strip_tags(body, "hi")
        if len(body) > options.max_tree_size:
            return None
    if len(text) < options.min_output_size and options.min_output_comm_size > 0:
        return None
    return body


# ``trafilatura.baseline.basic_cleaning``'s XPath, whose cookie-notice test runs lxml's EXSLT
# regular expressions, a Python call for each element (most of html2txt's time): the same
# elements, in the same order, with the regular expression run here only on elements that
# have a class or an id. Used only when trafilatura's XPath is exactly the one known here.
_FIXED_PATH = BASIC_CLEAN_XPATH.path.partition("|.//*[re:test(")[0]
_KNOWN_CLEANING = BASIC_CLEAN_XPATH.path == (
    f"{_FIXED_PATH}|.//*[re:test(@class, '{_COOKIE_CONSENT_RE}', 'i')"
    f" or re:test(@id, '{_COOKIE_CONSENT_RE}', 'i')]"
)
_FIXED = XPath(_FIXED_PATH)
_NAMED = XPath(f"{_FIXED_PATH}|.//*[@class or @id]")
_CONSENT = re.compile(_COOKIE_CONSENT_RE, re.IGNORECASE)  # as EXSLT's re:test with "i"


def basic_cleaning(tree: HtmlElement) -> HtmlElement:
    """``trafilatura.baseline.basic_cleaning(tree)``, faster: the same elements removed."""
    if not _KNOWN_CLEANING:
        for element in BASIC_CLEAN_XPATH(tree):
            delete_element(element)
        return tree
    fixed = set(_FIXED(tree))
    search = _CONSENT.search
    doomed = [
        element
        for element in _NAMED(tree)
        if element in fixed or search(element.get("class") or "") or search(element.get("id") or "")
    ]
    for element in doomed:
        delete_element(element)
    return tree


def cleaned_page(tree: HtmlElement) -> HtmlElement:
    """The element ``trafilatura.html2txt(tree)`` takes its text from (with ``_spaced_text``):
    a copy of the page's body, cleaned by the faster ``basic_cleaning``."""
    page = copy(tree)
    body = page.find(".//body")
    return basic_cleaning(page if body is None else body)


def _page_text_bounds(tree: HtmlElement) -> tuple[int, int, HtmlElement]:
    """Bounds on ``len(html2txt(tree))``, and the cleaned body it measures: its text before
    spaces go around block elements (one more character at most per space) and before
    control characters are taken out of some of it (one or two fewer per character: the
    lower bound is 0 when there are any)."""
    body = cleaned_page(tree)
    words = body.text_content().split()
    length = len(" ".join(words))
    spaces = 2 * sum(1 for _ in body.iter(*_BLOCK_ELEMS))
    return (length if "".join(words).isprintable() else 0), length + spaces, body
