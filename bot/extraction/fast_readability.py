"""readability-lxml's ``Document``, with its slowest steps done the same way in less time.

readability is our second opinion on the pages where trafilatura's result looks wrong
(``bot.extraction.second_opinion``); on trafilatura's evaluation set it ran on a sixth of the
pages and cost a tenth of ``trafilatura.extract``'s time. Most of that went to four steps,
which ``FastDocument`` replaces with code that gives the same tree (checked against
``Document`` on every benchmark page, ``tests/test_extraction_speed.py``):

* **text length** (``text_length``: an element's text, whitespace collapsed by three regex
  passes, measured): a pass that cannot change the text is skipped (the 255-space cap on a
  shorter text, the newline pass on text without a newline, the space pass without a tab or a
  double space), and the patterns are compiled once;
* **scoring** (``score_paragraphs``): a link's text length is measured once, not again for
  every enclosing candidate (nothing changes the tree while candidates are scored), and the
  debug line naming each candidate is not built (it cost a walk up the tree per candidate
  whether or not debug logging is on);
* **unlikely candidates** (``remove_unlikely_candidates``): only elements with a class or an
  id can match, so only those are looked at (libxml2 finds them), and again no debug line;
* **misused divs** (``transform_misused_divs_into_paragraphs``): readability serialised the
  children of every ``<div>`` (the whole subtree, once per enclosing div) to see whether a tag
  named like a block (``<p…``, ``<div…``, ``<img…``: a prefix match) appears in it. Which
  elements have such a descendant is found in one pass instead; renaming a div to ``p`` in
  that loop keeps it a block, so the pass stays true throughout.

And the page tree is copied once per reading instead of twice: readability's cleaner copies
the tree it cleans, so ``_parse`` copies the pristine tree and cleans that copy in place.
"""

from __future__ import annotations

import re
from bisect import bisect_right
from copy import deepcopy
from itertools import accumulate
from typing import Any

from lxml.etree import XPath, _Element, tounicode
from lxml.html import HtmlElement, fragment_fromstring
from lxml_html_clean import Cleaner
from readability import Document
from readability.readability import REGEXES

# readability's ``clean`` (``readability.readability.clean``), pass by pass: a run of 255 or
# more whitespace characters becomes 255 spaces; a whitespace run holding a newline becomes
# that newline; a tab, or a run of spaces and tabs that starts with a space, becomes a space.
# The same passes, written so that the regex engine tries each position once: the long-run
# pattern only where a run starts (``\s{255,}`` retried at every position inside a run,
# quadratic in its length), the newline pass with ``str`` methods, and the last pattern with
# its alternatives swapped so that it starts with a literal (``\t|[ \t]{2,}`` matches the
# same: a run starting with a tab is taken one tab at a time either way).
_LONG_SPACE = re.compile(r"(?<!\s)\s{255,}")
_SPACE_RUN = re.compile(r" [ \t]+|\t")
LONG_SPACE = 255

# readability's ``divToPElementsRe`` (``<(blockquote|dl|div|img|ol|p|pre|table|ul)``,
# case-insensitive) matched against serialised markup: a tag whose name starts with one of
# these ("p" also matches "param" and "picture").
_BLOCK_PREFIXES = ("blockquote", "dl", "div", "img", "ol", "p", "pre", "table", "ul")
_INLINE_TAGS = frozenset(
    {"a", "b", "cite", "code", "em", "font", "i", "small", "span", "strong", "sub", "sup", "u"}
)
_WITH_CLASS_OR_ID = XPath(".//*[@class or @id]")
_IN_CODE = XPath("ancestor-or-self::pre | ancestor-or-self::code")
_HOLDS_CONTENT = XPath(
    "descendant-or-self::main | descendant-or-self::article | descendant-or-self::math"
)
_UNLIKELY = REGEXES["unlikelyCandidatesRe"]
# The same words, for names in ASCII lower-cased first: case-insensitive matching of a
# Unicode pattern also lets "s" match "ſ" and "k" the Kelvin sign, which ASCII text lacks.
_UNLIKELY_LOWER = re.compile(_UNLIKELY.pattern.lower())
_SEPARATOR = "\x00"  # never in an attribute value: lxml refuses it


def clean(text: str) -> str:
    """``readability.readability.clean(text)``: whitespace runs collapsed as it does them."""
    if len(text) >= LONG_SPACE:
        text = _LONG_SPACE.sub(" " * LONG_SPACE, text)
    if "\n" in text:
        text = _newline_runs(text)
    if "\t" in text or "  " in text:
        text = _SPACE_RUN.sub(" ", text)
    return text.strip()


def _newline_runs(text: str) -> str:
    """``re.sub(r"\\s*\\n\\s*", "\\n", text)``: each line stripped where it meets a newline,
    and lines of whitespace only dropped (``str.strip`` and ``\\s`` agree on whitespace)."""
    lines = text.split("\n")
    inner = [stripped for line in lines[1:-1] if (stripped := line.strip())]
    return "\n".join([lines[0].rstrip(), *inner, lines[-1].lstrip()])


def text_length(element: HtmlElement) -> int:
    """``readability.readability.text_length(element)``."""
    return len(clean(element.text_content() or ""))


def _unlikely(names: list[str]) -> list[int]:
    """Indices of the names that readability's ``unlikelyCandidatesRe`` finds something in,
    in order; all names are searched as one string (no word of the pattern spans the
    separator), which costs far less than a search per name."""
    joined = _SEPARATOR.join(names)
    if joined.isascii():
        matches = _UNLIKELY_LOWER.finditer(joined.lower())
    else:
        matches = _UNLIKELY.finditer(joined)
    starts = list(accumulate((len(name) + 1 for name in names), initial=0))
    found = dict.fromkeys(bisect_right(starts, match.start()) - 1 for match in matches)
    return list(found)


def _is_block(element: _Element) -> bool:
    tag = element.tag
    return isinstance(tag, str) and tag.lower().startswith(_BLOCK_PREFIXES)


def _with_block_descendant(root: HtmlElement) -> set[HtmlElement]:
    """Elements under ``root`` (or ``root``) that have a descendant tagged like a block."""
    marked: set[HtmlElement] = set()
    for element in root.iterdescendants():
        if not _is_block(element):
            continue
        parent = element.getparent()
        # Stop at a marked ancestor: everything above it was marked with it.
        while parent is not None and parent not in marked:
            marked.add(parent)
            if parent is root:
                break
            parent = parent.getparent()
    return marked


class FastDocument(Document):  # type: ignore[misc]
    """readability-lxml's ``Document`` for a parsed page tree (left unchanged), with
    ``cleaner`` and the faster steps of the module doc."""

    def __init__(self, tree: HtmlElement, cleaner: Cleaner) -> None:
        super().__init__(tree)
        self._cleaner = cleaner

    def _parse(self, tree: HtmlElement) -> HtmlElement:
        """readability's ``_parse`` for a tree: hidden elements go, then the cleaner, then
        ``<base>``; on a copy (one per reading: ``summary`` may read the page twice)."""
        doc: HtmlElement = deepcopy(tree)
        for element in doc.xpath("//*[@hidden]"):
            element.drop_tree()
        for element in doc.xpath("//*[@style]"):
            if REGEXES["displayNoneRe"].search(element.get("style")):
                element.drop_tree()
        self.encoding = "utf-8"
        self._cleaner(doc)  # in place: ``clean_html`` would copy the copy
        doc.resolve_base_href(handle_failures=self.handle_failures)
        return doc

    def get_link_density(self, elem: HtmlElement) -> float:
        """Share of ``elem``'s text that is link text (readability's measure)."""
        link_length = sum(text_length(link) for link in elem.findall(".//a"))
        return float(link_length) / max(text_length(elem), 1)

    def score_paragraphs(self) -> dict[HtmlElement, dict[str, Any]]:
        """readability's ``score_paragraphs``, each link measured once."""
        min_length = self.min_text_length
        candidates: dict[HtmlElement, dict[str, Any]] = {}
        ordered: list[HtmlElement] = []
        for elem in self.tags(self._html(), "p", "pre", "td", "blockquote"):
            parent_node = elem.getparent()
            if parent_node is None:
                continue
            grand_parent_node = parent_node.getparent()
            inner_text = clean(elem.text_content() or "")
            inner_text_len = len(inner_text)
            if inner_text_len < min_length:
                continue
            if parent_node not in candidates:
                candidates[parent_node] = self.score_node(parent_node)
                ordered.append(parent_node)
            if grand_parent_node is not None and grand_parent_node not in candidates:
                candidates[grand_parent_node] = self.score_node(grand_parent_node)
                ordered.append(grand_parent_node)
            content_score = 1 + len(inner_text.split(",")) + min(inner_text_len / 100, 3)
            candidates[parent_node]["content_score"] += content_score
            if grand_parent_node is not None:
                candidates[grand_parent_node]["content_score"] += content_score / 2.0
        link_lengths: dict[HtmlElement, int] = {}
        for elem in ordered:
            link_length = 0
            for link in elem.findall(".//a"):
                length = link_lengths.get(link)
                if length is None:
                    length = link_lengths[link] = text_length(link)
                link_length += length
            density = float(link_length) / max(text_length(elem), 1)
            candidates[elem]["content_score"] *= 1 - density
        return candidates

    def remove_unlikely_candidates(self) -> None:
        """readability's ``remove_unlikely_candidates``: an element whose class or id names
        page furniture ("sidebar", "comment", "menu") and not content goes, unless it is in
        code or holds the article. Only elements with a class or an id can match (for the
        others readability tests " ", which never does), so only those are looked at, their
        names matched in one pass (``_unlikely``); the rest of the test is readability's."""
        elements = _WITH_CLASS_OR_ID(self.html)
        names = ["{} {}".format(e.get("class", ""), e.get("id", "")) for e in elements]
        maybe = REGEXES["okMaybeItsACandidateRe"]
        for i in _unlikely(names):
            elem = elements[i]
            if (
                not maybe.search(names[i])
                and elem.tag not in ("html", "body")
                and not _IN_CODE(elem)
                and not _HOLDS_CONTENT(elem)
            ):
                elem.drop_tree()

    def transform_misused_divs_into_paragraphs(self) -> None:
        """readability's ``transform_misused_divs_into_paragraphs``; its first loop (a div
        without a block-like descendant becomes a ``p``) from one pass over the tree."""
        has_block = _with_block_descendant(self.html)
        for elem in self.tags(self.html, "div"):
            if elem not in has_block:
                elem.tag = "p"
        self._wrap_inline_runs()

    def _wrap_inline_runs(self) -> None:
        """The second loop of readability's ``transform_misused_divs_into_paragraphs``,
        unchanged: runs of inline children and loose text of a div are put in ``p``s."""
        block_markup = REGEXES["divToPElementsRe"]
        for elem in self.tags(self.html, "div"):
            children = list(elem)
            paragraph = None
            if elem.text and elem.text.strip():
                p = _new_paragraph()
                p.text = elem.text
                elem.text = None
                elem.insert(0, p)
                paragraph = p
            for child in children:
                if child.tag == "br":
                    paragraph = None
                    continue
                if child.tag not in _INLINE_TAGS or block_markup.search(_tounicode_html(child)):
                    paragraph = None
                    continue
                if paragraph is None:
                    paragraph = _new_paragraph()
                    child.addprevious(paragraph)
                paragraph.append(child)
            for pos, child in reversed(list(enumerate(elem))):
                if child.tail and child.tail.strip():
                    p = _new_paragraph()
                    p.text = child.tail
                    child.tail = None
                    elem.insert(pos + 1, p)
                if child.tag == "br":
                    child.drop_tree()


def _new_paragraph() -> HtmlElement:
    element: HtmlElement = fragment_fromstring("<p/>")
    return element


def _tounicode_html(element: HtmlElement) -> str:
    return str(tounicode(element, method="html"))
