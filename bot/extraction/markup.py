"""Inline markup whose text an extractor would misread, rewritten before anyone reads the page.

* **Ruby annotations** (``<ruby>漢字<rt>かんじ</rt></ruby>``): the reading in ``<rt>`` (and the
  fallback brackets in ``<rp>``) is shown above the base text, not after it; read as text it
  runs into the sentence (漢字かんじ). The annotations go, the base text stays.
* **Form controls** (``<label>``, ``<select>``, ``<option>``, ``<button>``, ``<textarea>``): a
  consent checkbox's label or a country list reads like text but is never the article; and a
  small form asking for an e-mail address or a password (a newsletter sign-up, a login) goes
  whole, with its prompts and error messages. A large form stays: some sites wrap the whole
  page in one.
* **Overlays** (a ``<dialog>``, an element with ``role="dialog"`` or ``aria-modal``, or one
  whose class or id names it a modal, dialog or popup): log-in and registration
  boxes, their error messages, newsletter pop-ups and age checks. They are hidden until
  something opens them and are never the article, but their short notices read like
  paragraphs, so an extractor that finds little else takes them. One goes whole when it is
  small or asks for an e-mail address or a password; one holding the page's ``<h1>`` or
  ``<main>``, or half of its text, stays: some frameworks name the whole page's wrapper a
  "dialog canvas".
* **MathJax source** (``<script type="math/tex">x^2</script>``): the formula lives in a script,
  which every extractor drops, so "a set of N objects" reads "a set of objects". The script
  becomes an inline span holding its TeX, and MathJax's own rendering of it (preview and
  output spans, whose glyphs are spread over dozens of elements) goes, so the formula is kept
  once.
"""

from __future__ import annotations

import re

from lxml.html import HtmlElement

_RUBY_ANNOTATIONS = ("rt", "rp")
_FORM_CONTROLS = ("label", "select", "option", "button", "textarea")
_SIGN_UP_INPUTS = frozenset({"email", "password"})
# A form with less text than this is a sign-up or login box, not a page wrapped in a form.
SMALL_FORM_CHARS = 1_500
# Words of a class name or id ("password-modal", "loginDialog", "newsletter_popup").
_NAME_WORDS = re.compile(r"[-_\s]+|(?<=[a-z])(?=[A-Z])")
# Not "lightbox": a gallery in the story is often named so for the viewer that opens it.
_OVERLAY_WORDS = frozenset({"modal", "dialog", "popup"})
# Containers only: an inline <a class="popup"> may be a link in a sentence.
_OVERLAY_TAGS = frozenset({"div", "section", "aside", "article", "dialog", "form", "ul", "nav"})
_PAGE_PARTS = ("h1", "main")
# An overlay with more text than this, and no sign-up field, may be content named so.
SMALL_OVERLAY_CHARS = 3_000
# MathJax 2 renders next to the source script in elements with these classes.
_MATHJAX_RENDERED = frozenset(
    {"MathJax_Preview", "MathJax", "MathJax_Display", "MathJax_SVG", "MathJax_CHTML"}
)


def _is_tex(script: HtmlElement) -> bool:
    return (script.get("type") or "").startswith("math/tex")


def _asks_to_sign_up(element: HtmlElement) -> bool:
    """It has a field for an e-mail address or a password."""
    return any(
        (field.get("type") or "").lower() in _SIGN_UP_INPUTS for field in element.iter("input")
    )


def _sign_up(form: HtmlElement) -> bool:
    """A small form that asks for an e-mail address or a password."""
    return _asks_to_sign_up(form) and len(form.text_content()) < SMALL_FORM_CHARS


def _named_overlay(element: HtmlElement) -> bool:
    """Its class or id has the word modal, dialog or popup."""
    names = f"{element.get('class') or ''} {element.get('id') or ''}"
    return any(word.lower() in _OVERLAY_WORDS for word in _NAME_WORDS.split(names))


def _overlay(element: HtmlElement, page_chars: int) -> bool:
    """An overlay (see the module doc) that holds no part of the page's frame."""
    if element.tag not in _OVERLAY_TAGS:
        return False
    marked = (
        element.tag == "dialog"
        or element.get("role") in ("dialog", "alertdialog")
        or element.get("aria-modal") == "true"
        or _named_overlay(element)
    )
    if not marked or next(element.iterdescendants(*_PAGE_PARTS), None) is not None:
        return False
    chars = len(element.text_content())
    return chars * 2 <= page_chars and (chars <= SMALL_OVERLAY_CHARS or _asks_to_sign_up(element))


def _overlay_candidates(tree: HtmlElement) -> list[HtmlElement]:
    """Containers that may be overlays, in document order: marked as a dialog, or with one of
    the overlay words anywhere in their class or id (``_overlay`` then checks word by word).
    A Python scan of the containers: an XPath testing every element's class and id cost
    several times as much (a sixth of trafilatura's own time on its evaluation set)."""
    found: list[HtmlElement] = []
    for element in tree.iter(*_OVERLAY_TAGS):
        get = element.get
        names = f"{get('class') or ''} {get('id') or ''}".lower()
        if (
            element.tag == "dialog"
            or get("role") in ("dialog", "alertdialog")
            or get("aria-modal") == "true"
            or any(word in names for word in _OVERLAY_WORDS)
        ):
            found.append(element)
    return found


def _overlays(tree: HtmlElement) -> list[HtmlElement]:
    """The outermost overlays of ``tree`` to drop, in document order."""
    candidates = _overlay_candidates(tree)
    if not candidates:
        return []
    page_chars = len(tree.text_content())
    found: list[HtmlElement] = []
    for element in candidates:
        outermost = not (found and _inside(element, found[-1]))
        if isinstance(element, HtmlElement) and outermost and _overlay(element, page_chars):
            found.append(element)
    return found


def _inside(element: HtmlElement, container: HtmlElement) -> bool:
    return any(ancestor is container for ancestor in element.iterancestors())


def normalize_markup(tree: HtmlElement) -> None:
    """Drop ruby annotations, form controls, small sign-up forms and overlays, and turn MathJax
    source scripts into text, in place."""
    doomed: list[HtmlElement] = _overlays(tree)
    tex: list[HtmlElement] = []
    for element in tree.iter(*_RUBY_ANNOTATIONS, *_FORM_CONTROLS, "form", "script", "span", "div"):
        tag = element.tag
        if (
            tag in _RUBY_ANNOTATIONS
            or tag in _FORM_CONTROLS
            or (tag == "form" and _sign_up(element))
        ):
            doomed.append(element)
        elif tag == "script":
            if _is_tex(element):
                tex.append(element)
        elif "MathJax" in (classes := element.get("class") or "") and (
            set(classes.split()) & _MATHJAX_RENDERED
        ):
            doomed.append(element)
    for script in tex:
        formula = (script.text or "").strip()
        script.tag = "span"
        script.attrib.clear()
        script.text = formula
    # Latest first, so a removal never detaches an element that is still to be handled (an
    # overlay may hold form controls found again above: removing one twice is harmless).
    for element in reversed(doomed):
        _remove_keep_tail(element)


def _remove_keep_tail(element: HtmlElement) -> None:
    """Remove ``element`` and its content, leaving its tail text in place."""
    parent = element.getparent()
    if parent is None:
        return
    tail = element.tail
    previous = element.getprevious()
    if tail:
        if previous is not None:
            previous.tail = (previous.tail or "") + tail
        else:
            parent.text = (parent.text or "") + tail
    parent.remove(element)
