"""scripts/render_reply.py (the README's picture of a reply): it draws every block and element
type a real reply has, escapes what it draws, and the committed picture matches today's shape.

No Chromium needed: these check the HTML and the committed JSON, not the screenshot.
"""

from __future__ import annotations

import importlib.util
import json
import sys
from pathlib import Path
from types import ModuleType
from typing import Any

import pytest

from bot.models import Article, Summary
from bot.slack.buttons import ButtonState, with_buttons
from bot.slack.render import SlackMessage, summary_message

ROOT = Path(__file__).resolve().parent.parent
SCRIPT = ROOT / "scripts" / "render_reply.py"
IMAGES = ROOT / "docs" / "images"


def _load_script() -> ModuleType:
    spec = importlib.util.spec_from_file_location("render_reply_script", SCRIPT)
    assert spec is not None and spec.loader is not None
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module
    spec.loader.exec_module(module)
    return module


render_reply = _load_script()


def _reply(summary: Summary, shown: int, base: int = 3, up: int = 0, down: int = 0) -> SlackMessage:
    state = ButtonState("r1", shown, base, more_possible=True, up=up, down=down)
    return with_buttons(summary_message(summary, "https://a.example/x"), state)


def _summary(title: str, bullets: tuple[str, ...], **article: Any) -> Summary:
    body = " ".join(bullets) + " " + "filler words here. " * 100
    defaults: dict[str, Any] = {
        "url": "https://a.example/x",
        "canonical_url": "https://a.example/x",
        "site_name": "Site",
    }
    defaults.update(article)
    return Summary(article=Article(paragraphs=(body,), title=title, **defaults), bullets=bullets)


def _shape(value: Any, key: str = "") -> Any:
    """The structure of blocks without their words: types, styles and ids kept, text blanked."""
    if isinstance(value, dict):
        return {k: _shape(v, k) for k, v in sorted(value.items())}
    if isinstance(value, list):
        return [_shape(v) for v in value]
    if isinstance(value, str) and key not in {"type", "style", "action_id", "block_id"}:
        return "str"
    return value


@pytest.mark.parametrize("shown", [3, 4, 5])
def test_the_fixture_reply_draws_with_every_bullet_link_and_button(shown: int) -> None:
    """The real fixture reply at 3, 4 and 5 points draws fully: no unknown block or element."""
    message = render_reply.reply_message(bullets=shown, up=2, down=1)
    page = render_reply.blocks_html(message.blocks)  # raises UnknownBlock on a new shape
    bullets = message.blocks[1]["elements"][0]["elements"]
    assert len(bullets) == shown
    for item in bullets:
        for element in item["elements"]:
            if element["type"] == "link":
                assert f'href="{render_reply._escape(element["url"])}"' in page
            else:
                assert render_reply._escape(element["text"]) in page
    labels = [b["text"]["text"] for b in message.blocks[-1]["elements"]]
    assert "Remove" in labels and "👍 2" in labels and "👎 1" in labels
    for label in labels:
        assert f">{label}</span>" in page
    assert page.count('class="button') == len(labels)


@pytest.mark.parametrize(
    "article",
    [
        {"is_preview": True},
        {"authors": ("A. One", "B. Two", "C. Three", "D. Four")},
        {"site_name": None, "canonical_url": None},
    ],
)
def test_other_replies_from_the_renderer_draw_too(article: dict[str, Any]) -> None:
    """Replies with a preview note, authors or no site name draw with the same block types."""
    summary = _summary("A title", ("First point here.", "Second point here."), **article)
    for shown, base in ((2, 2), (3, 3), (5, 3)):
        render_reply.blocks_html(_reply(summary, shown, base).blocks)


def test_a_new_block_or_element_type_is_reported_not_skipped() -> None:
    """Block, rich-text, inline, context and actions types the drawer lacks raise UnknownBlock."""
    reply = _reply(_summary("T", ("One point here.",)), 3)
    unknown: list[list[dict[str, Any]]] = [
        [{"type": "image", "image_url": "https://a.example/i.png", "alt_text": "i"}],
        [{"type": "divider"}],
        [{"type": "rich_text", "elements": [{"type": "rich_text_quote", "elements": []}]}],
        [{"type": "context", "elements": [{"type": "image", "image_url": "u", "alt_text": "a"}]}],
        [{"type": "actions", "elements": [{"type": "static_select", "action_id": "s"}]}],
        [{**reply.blocks[0], "accessory": {"type": "button"}}],
    ]
    item = {"type": "rich_text_section", "elements": [{"type": "user", "user_id": "U1"}]}
    unknown.append([{"type": "rich_text", "elements": [{"type": "rich_text_list",
                                                        "style": "bullet",
                                                        "elements": [item]}]}])  # fmt: skip
    render_reply.blocks_html(reply.blocks)
    for blocks in unknown:
        with pytest.raises(render_reply.UnknownBlock):
            render_reply.blocks_html(blocks)


def test_page_text_is_escaped_and_only_web_links_are_followed() -> None:
    """Markup in a title or bullet is shown as text; a non-http link target is not an href."""
    hostile = '<script>alert("x")</script> & <img src=x onerror=y>'
    message = _reply(_summary(hostile, (hostile + " is a point.",)), 3)
    page = render_reply.page_html(message)
    assert "<img" not in page and page.count("<script>") == 1  # the page's own measuring script
    assert "&lt;script&gt;alert(&quot;x&quot;)&lt;/script&gt; &amp; &lt;img" in page
    assert render_reply.mrkdwn_html("<javascript:alert(1)|click>") == "click"
    assert render_reply.mrkdwn_html("*<https://a.example/?a=1&amp;b=2|A &amp; B>*") == (
        '<b><a href="https://a.example/?a=1&amp;b=2">A &amp; B</a></b>'
    )


def test_committed_picture_has_the_shape_of_todays_reply() -> None:
    """docs/images/reply.json (drawn as reply.png) has the block shape the renderer makes now."""
    committed = json.loads((IMAGES / "reply.json").read_text(encoding="utf-8"))
    now = render_reply.reply_message()
    assert _shape(committed["blocks"]) == _shape(now.blocks), (
        "the reply's shape changed: re-run .venv/bin/python scripts/render_reply.py"
    )
    png = (IMAGES / "reply.png").read_bytes()
    assert png.startswith(b"\x89PNG\r\n\x1a\n") and len(png) < 150_000
