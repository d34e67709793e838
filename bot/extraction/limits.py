"""Caps on how much of a parsed page the extractors look at (issue 16).

The fetcher stops a body at 5 MB, but within that a page can be shaped to make trafilatura,
htmldate and readability slow or hungry: 200,000 tiny paragraphs, one 5 MB text node, a 4.8 MB
attribute, a 5 MB run of dots (their regexes backtrack over it). One linear pass over the tree,
right after parsing, bounds each of these; the worker budget (``bot.workers``) stops anything
the caps miss. Each cap is far above what the 121 evaluation pages need (largest: 1,596
elements, a 21,865-character attribute, an 835,801-character script, 53,372 characters of
article text), so real pages pass through unchanged.
"""

from __future__ import annotations

from lxml.etree import XPath
from lxml.html import HtmlElement

MAX_ELEMENTS = 20_000  # elements kept, in document order; the article comes early
MAX_TEXT_NODE = 100_000  # characters of one text or tail outside scripts and styles
MAX_SCRIPT = 1_000_000  # characters of a script or style; a longer one is dropped
MAX_ATTRIBUTE = 50_000  # characters of an attribute value; a longer one is dropped
MAX_TEXT = 2_000_000  # characters of text in all, scripts and styles excluded
MAX_META = 1_000  # <meta> tags kept (evaluation pages: at most 134); they do not count above

_CODE = frozenset({"script", "style"})


# Whether a tree is within every cap, asked of libxml2's XPath engine in one expression (no
# Python object per node): the full pass below then only runs when it says no. It counts every
# element (meta tags too) and all text, scripts and styles included, against the caps, so it
# errs only towards the full pass. Text nodes are looked at one by one only when all the text
# together is over the text-node cap; then a text node right after another (lxml reads such a
# run as one ``text`` or ``tail``; a parser never leaves one) takes the full pass too.
# Comments and processing instructions, whose text the full pass counts, take it as well
# (trafilatura's parser drops them; and an HTML parser makes no entity references).
_WITHIN_CAPS = XPath(
    f"count(descendant-or-self::*) <= {MAX_ELEMENTS}"
    f" and count(descendant-or-self::meta) <= {MAX_META}"
    f" and string-length() < {MAX_TEXT}"
    f" and (string-length() <= {MAX_TEXT_NODE}"
    f"  or not(descendant::text()[string-length() > {MAX_TEXT_NODE}]"
    f"    [not(parent::script or parent::style) or string-length() > {MAX_SCRIPT}]"
    "    | descendant::text()[following-sibling::node()[1][self::text()]]))"
    f" and not(descendant-or-self::*/@*[string-length() > {MAX_ATTRIBUTE}])"
    " and not(descendant::comment() | descendant::processing-instruction())"
)


def within_caps(tree: HtmlElement) -> bool:
    """``tree`` is certainly within every cap: ``bound_tree`` would change nothing (a root
    with a tail, which is a subtree and not a page, is not looked at: it takes the full pass)."""
    return not tree.tail and bool(_WITHIN_CAPS(tree))


def bound_tree(tree: HtmlElement) -> bool:
    """Cut ``tree`` down to the caps, in place; whether anything was cut."""
    if within_caps(tree):
        return False  # the common case: a real page, checked in C
    cut = False
    kept = metas = 0
    text_left = MAX_TEXT
    doomed: list[HtmlElement] = []
    for element in tree.iter():
        if element.tag == "meta":
            metas += 1
            if metas > MAX_META:
                doomed.append(element)
                continue
        else:
            kept += 1
        if kept > MAX_ELEMENTS or text_left <= 0:
            doomed.append(element)
            continue
        for name, value in element.attrib.items():
            if len(value) > MAX_ATTRIBUTE:
                del element.attrib[name]
                cut = True
        if element.tag in _CODE:
            if len(element.text or "") > MAX_SCRIPT:
                doomed.append(element)
            continue  # code is not article text: it does not use up MAX_TEXT
        for field in ("text", "tail"):
            value = getattr(element, field)
            if value is None:
                continue
            if len(value) > min(MAX_TEXT_NODE, text_left):
                value = value[: max(0, min(MAX_TEXT_NODE, text_left))]
                setattr(element, field, value)
                cut = True
            text_left -= len(value)
    # Latest first, so each removal detaches an element whose descendants are already gone.
    for element in reversed(doomed):
        parent = element.getparent()
        if parent is not None:
            parent.remove(element)
    return cut or bool(doomed)


MAX_PLAIN_TEXT = 200_000  # characters of plain text read (the summariser uses ~30,000)


def bound_text(text: str) -> str:
    """Plain text cut to ``MAX_PLAIN_TEXT`` characters: cleaning a million tiny paragraphs or
    lines took seconds, and the summariser stops at ``MAX_WORDS`` words long before the cut."""
    return text[:MAX_PLAIN_TEXT]
