"""Inline markup whose text an extractor would misread, rewritten before anyone reads the page.

* **Ruby annotations** (``<ruby>漢字<rt>かんじ</rt></ruby>``): the reading in ``<rt>`` (and the
  fallback brackets in ``<rp>``) is shown above the base text, not after it; read as text it
  runs into the sentence (漢字かんじ). The annotations go, the base text stays.
* **Form controls** (``<label>``, ``<select>``, ``<option>``, ``<button>``, ``<textarea>``): a
  consent checkbox's label or a country list reads like text but is never the article; and a
  small form asking for an e-mail address or a password (a newsletter sign-up, a login) goes
  whole, with its prompts and error messages. A large form stays: some sites wrap the whole
  page in one.
* **MathJax source** (``<script type="math/tex">x^2</script>``): the formula lives in a script,
  which every extractor drops, so "a set of N objects" reads "a set of objects". The script
  becomes an inline span holding its TeX, and MathJax's own rendering of it (preview and
  output spans, whose glyphs are spread over dozens of elements) goes, so the formula is kept
  once.
"""

from __future__ import annotations

from lxml.html import HtmlElement

_RUBY_ANNOTATIONS = ("rt", "rp")
_FORM_CONTROLS = ("label", "select", "option", "button", "textarea")
_SIGN_UP_INPUTS = frozenset({"email", "password"})
# A form with less text than this is a sign-up or login box, not a page wrapped in a form.
SMALL_FORM_CHARS = 1_500
# MathJax 2 renders next to the source script in elements with these classes.
_MATHJAX_RENDERED = frozenset(
    {"MathJax_Preview", "MathJax", "MathJax_Display", "MathJax_SVG", "MathJax_CHTML"}
)


def _is_tex(script: HtmlElement) -> bool:
    return (script.get("type") or "").startswith("math/tex")


def _sign_up(form: HtmlElement) -> bool:
    """A small form that asks for an e-mail address or a password."""
    return (
        any((field.get("type") or "").lower() in _SIGN_UP_INPUTS for field in form.iter("input"))
        and len(form.text_content()) < SMALL_FORM_CHARS
    )


def normalize_markup(tree: HtmlElement) -> None:
    """Drop ruby annotations and turn MathJax source scripts into text, in place."""
    doomed: list[HtmlElement] = []
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
    # Latest first, so a removal never detaches an element that is still to be handled.
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
