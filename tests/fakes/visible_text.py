"""A page's visible text as a browser lays it out, for checking text fragments against: no
``<script>``/``<style>``/``<head>``/hidden markup, inline elements run together, blocks
separated, whitespace collapsed."""

from __future__ import annotations

from lxml import etree, html

_HIDDEN = {"script", "style", "noscript", "template", "head", "svg", "iframe", "object"}
# Elements a browser lays out as blocks (or table cells, list items, line breaks); anything
# else, custom elements included, is inline by default and runs into the text around it.
_BLOCK = {
    "address", "article", "aside", "blockquote", "body", "br", "caption", "dd", "details",
    "dialog", "div", "dl", "dt", "fieldset", "figcaption", "figure", "footer", "form", "h1",
    "h2", "h3", "h4", "h5", "h6", "header", "hr", "html", "img", "li", "main", "nav", "ol",
    "p", "pre", "section", "summary", "table", "tbody", "td", "tfoot", "th", "thead", "tr",
    "ul", "button", "input", "select", "textarea", "video", "audio", "picture",
}  # fmt: skip


def visible_text(page: str) -> str:
    """The text a reader of ``page`` sees, whitespace collapsed."""
    root = html.fromstring(page)
    parts: list[str] = []
    _walk(root, parts)
    return " ".join("".join(parts).split())


def _walk(element: etree._Element, parts: list[str]) -> None:
    tag = element.tag if isinstance(element.tag, str) else ""
    hidden = tag in _HIDDEN or not tag or element.get("hidden") is not None
    block = tag in _BLOCK
    if not hidden:
        if block:
            parts.append(" ")
        parts.append(element.text or "")
        for child in element:
            _walk(child, parts)
        if block:
            parts.append(" ")
    parts.append(element.tail or "")
