"""OPML 2.0 in and out: a channel's feed list as the document Feedly, Inoreader and Slack's RSS
app export and import (``/keypoints feed export`` / ``feed import``).

Reading uses defusedxml: an OPML file comes from a user or an arbitrary URL, so entity
expansion ("billion laughs") and external entities must be refused, not evaluated."""

from __future__ import annotations

import re
import xml.etree.ElementTree as ET
from collections.abc import Sequence
from dataclasses import dataclass

import defusedxml.ElementTree as SafeET
from defusedxml import DefusedXmlException

from bot.errors import KeypointsError

MAX_OUTLINES = 100  # feeds read from one import; the rest are reported, not added

# Slack's slash-command text: a link the user pasted arrives as ``<https://…>`` or
# ``<https://…|label>`` (real angle brackets), while typed ``<``/``>``/``&`` arrive escaped.
_SLACK_LINK = re.compile(r"<(https?://[^|<>\s]+)(?:\|[^<>]*)?>")


class BadOpml(KeypointsError):
    """The import text or file is not an OPML document."""

    default_message = "That is not an OPML document (it should start with `<opml`)."
    reason = "bad_opml"


@dataclass(frozen=True, slots=True)
class OpmlFeeds:
    urls: list[str]  # feed addresses, in document order, without duplicates
    over_cap: int  # feed outlines beyond ``MAX_OUTLINES``, not read


def export_opml(feed_urls: Sequence[str], title: str) -> str:
    """An OPML 2.0 document listing ``feed_urls`` (ElementTree does the XML escaping)."""
    root = ET.Element("opml", version="2.0")
    head = ET.SubElement(root, "head")
    ET.SubElement(head, "title").text = title
    body = ET.SubElement(root, "body")
    for url in feed_urls:
        ET.SubElement(body, "outline", type="rss", text=url, xmlUrl=url)
    ET.indent(root)
    return ET.tostring(root, encoding="unicode", xml_declaration=True)


def slack_text_to_xml(text: str) -> str:
    """Pasted OPML as Slack delivers it → the XML the user pasted."""
    text = _SLACK_LINK.sub(r"\1", text)
    # ``&amp;`` last, so an escaped entity (``&amp;lt;``) is not decoded twice.
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


def parse_opml(document: str | bytes, limit: int = MAX_OUTLINES) -> OpmlFeeds:
    """Feed addresses (``xmlUrl`` of any outline, at any depth) of an OPML document.

    CPU-bound for a large file: call it off the event loop (expat, so a thread is fine)."""
    try:
        # A pasted document often starts with a line break; the XML declaration must lead.
        root = SafeET.fromstring(document.strip())
    except (ET.ParseError, DefusedXmlException, ValueError) as exc:
        if isinstance(exc, DefusedXmlException):
            raise BadOpml("That OPML uses XML entities or a DTD, which are not accepted.") from exc
        raise BadOpml() from exc
    if root.tag != "opml":
        raise BadOpml()
    urls: list[str] = []
    over = 0
    for outline in root.iter("outline"):
        url = (outline.get("xmlUrl") or "").strip()
        if not url or url in urls:
            continue
        if len(urls) < limit:
            urls.append(url)
        else:
            over += 1
    return OpmlFeeds(urls, over)
