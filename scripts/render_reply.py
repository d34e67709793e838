"""Draw a real Keypoints reply the way Slack shows it, for the README (docs/images/reply.png).

A dev tool, not part of the bot (nothing in ``bot/`` imports it, and it is not installed).
It summarises the CLI fixture article (``tests/fixtures/cli/article.html``) offline through
the normal pipeline (``bot.pipeline.summarize_html``), builds the reply with the bot's own
renderer (``bot.slack.render.summary_message`` + ``bot.slack.buttons.with_buttons``), turns
those Block Kit blocks into a Slack-like HTML page, and screenshots the page with headless
Chromium. The reply is drawn as it looks after one click on **More points** (four bullets,
so both More and Fewer points show) with two 👍 votes.

Only the block and element types our replies use are drawn (``section`` with mrkdwn,
``rich_text`` bullet lists of ``text`` and ``link`` elements, ``context``, ``actions`` with
buttons); anything else raises ``UnknownBlock``, so a new shape in the renderer fails
``tests/test_render_reply_script.py`` instead of leaving a stale picture. All text is
HTML-escaped; only http(s) URLs become links.

Re-run (Debian/Ubuntu; Chromium and the fonts are for your machine, not project
dependencies):

    sudo apt-get install chromium fonts-lato fonts-noto-color-emoji
    .venv/bin/python scripts/render_reply.py          # docs/images/reply.png + reply.json

Options: ``--html PATH`` also writes the page; ``--no-png`` skips Chromium (JSON/HTML only);
``--chromium PATH`` picks the browser (default: ``chromium``, ``chromium-browser`` or
``google-chrome`` on PATH); ``--scale`` sets the device scale factor (default 2).
"""

from __future__ import annotations

import argparse
import html
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import tempfile
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parent.parent
if str(ROOT) not in sys.path:  # run as a script from anywhere: import the checkout's bot
    sys.path.insert(0, str(ROOT))

from bot.slack.render import SlackMessage  # noqa: E402

FIXTURE = ROOT / "tests" / "fixtures" / "cli" / "article.html"
POSTED_URL = "https://news.example.com/2026/11/acme-robot-folds-boxes"  # the fixture's canonical
IMAGES = ROOT / "docs" / "images"
WIDTH = 760  # CSS pixels: a Slack thread pane on a laptop
_CHROMIUM_NAMES = ("chromium", "chromium-browser", "google-chrome")
_TIMEOUT = 60.0


class UnknownBlock(ValueError):
    """A block, element or text object this renderer does not draw."""


def reply_message(bullets: int = 4, up: int = 2, down: int = 0) -> SlackMessage:
    """The reply the bot posts for the fixture article: ``bullets`` points (the channel asked
    for 3; 4 is the state after one click on More points), with its buttons and votes."""
    from bot.pipeline import summarize_html
    from bot.slack.buttons import ButtonState, with_buttons
    from bot.slack.render import summary_message

    summary = summarize_html(FIXTURE.read_text(encoding="utf-8"), POSTED_URL, bullets=bullets)
    shown = len(summary.bullets)
    state = ButtonState("reply", shown, base=3, more_possible=shown >= bullets, up=up, down=down)
    return with_buttons(summary_message(summary, POSTED_URL), state)


# --- Block Kit → HTML ------------------------------------------------------------------------


def blocks_html(blocks: list[dict[str, Any]]) -> str:
    """The message body's HTML; ``UnknownBlock`` for any block type a reply does not use."""
    return "\n".join(_block(block) for block in blocks)


def _block(block: dict[str, Any]) -> str:
    kind = block.get("type")
    if kind == "section":
        _only(block, {"type", "text", "block_id"}, "section")
        return f'<div class="section">{_text_object(block["text"])}</div>'
    if kind == "rich_text":
        _only(block, {"type", "elements", "block_id"}, "rich_text")
        inner = "".join(_rich_element(e) for e in block["elements"])
        return f'<div class="rich">{inner}</div>'
    if kind == "context":
        _only(block, {"type", "elements", "block_id"}, "context")
        parts = "".join(f"<span>{_text_object(e)}</span>" for e in block["elements"])
        return f'<div class="context">{parts}</div>'
    if kind == "actions":
        _only(block, {"type", "elements", "block_id"}, "actions")
        buttons = "".join(_button(e) for e in block["elements"])
        return f'<div class="actions">{buttons}</div>'
    raise UnknownBlock(f"unknown block type {kind!r}")


def _only(thing: dict[str, Any], keys: set[str], what: str) -> None:
    extra = set(thing) - keys
    if extra:
        raise UnknownBlock(f"{what} with {sorted(extra)} is not drawn")


def _rich_element(element: dict[str, Any]) -> str:
    kind = element.get("type")
    if kind == "rich_text_list":
        _only(element, {"type", "style", "elements", "indent", "border"}, "rich_text_list")
        tag = {"bullet": "ul", "ordered": "ol"}.get(element.get("style", ""))
        if tag is None:
            raise UnknownBlock(f"unknown rich_text_list style {element.get('style')!r}")
        items = "".join(f"<li>{_rich_inline(item)}</li>" for item in element["elements"])
        return f"<{tag}>{items}</{tag}>"
    if kind == "rich_text_section":
        return f"<p>{_rich_inline(element)}</p>"
    raise UnknownBlock(f"unknown rich_text element {kind!r}")


def _rich_inline(section: dict[str, Any]) -> str:
    if section.get("type") != "rich_text_section":
        raise UnknownBlock(f"unknown rich_text list item {section.get('type')!r}")
    _only(section, {"type", "elements"}, "rich_text_section")
    out: list[str] = []
    for element in section["elements"]:
        kind = element.get("type")
        if kind == "text":
            _only(element, {"type", "text", "style"}, "rich text element")
            out.append(_styled(_escape(element["text"]), element.get("style")))
        elif kind == "link":
            _only(element, {"type", "url", "text", "style"}, "rich link element")
            label = _escape(element.get("text") or element["url"])
            out.append(_styled(_anchor(element["url"], label), element.get("style")))
        else:
            raise UnknownBlock(f"unknown rich_text_section element {kind!r}")
    return "".join(out)


def _styled(markup: str, style: dict[str, bool] | None) -> str:
    tags = {"bold": "b", "italic": "i", "strike": "s", "code": "code"}
    for name, on in (style or {}).items():
        if name not in tags:
            raise UnknownBlock(f"unknown rich text style {name!r}")
        if on:
            markup = f"<{tags[name]}>{markup}</{tags[name]}>"
    return markup


def _text_object(obj: dict[str, Any]) -> str:
    kind = obj.get("type")
    if kind == "mrkdwn":
        _only(obj, {"type", "text", "verbatim"}, "mrkdwn")
        return mrkdwn_html(obj["text"])
    if kind == "plain_text":
        _only(obj, {"type", "text", "emoji"}, "plain_text")
        return _escape(obj["text"])
    raise UnknownBlock(f"unknown text object {kind!r}")


def _button(element: dict[str, Any]) -> str:
    if element.get("type") != "button":
        raise UnknownBlock(f"unknown actions element {element.get('type')!r}")
    # value, action_id and confirm (a dialog on click) change nothing on screen
    _only(element, {"type", "text", "action_id", "value", "confirm", "style"}, "button")
    style = element.get("style")
    if style not in (None, "primary", "danger"):
        raise UnknownBlock(f"unknown button style {style!r}")
    extra = f" {style}" if style else ""
    return f'<span class="button{extra}">{_text_object(element["text"])}</span>'


_MRKDWN_TOKEN = re.compile(r"<([^<>|]+)(?:\|([^<>]*))?>|\*")


def mrkdwn_html(text: str) -> str:
    """The mrkdwn our replies use: ``<url|label>`` links, ``*bold*``, and Slack's ``&amp;``
    ``&lt;`` ``&gt;`` escapes; everything else is shown as written."""
    out: list[str] = []
    bold = False
    position = 0
    for match in _MRKDWN_TOKEN.finditer(text):
        out.append(_escape(_slack_unescape(text[position : match.start()])))
        position = match.end()
        if match.group(0) == "*":
            out.append("</b>" if bold else "<b>")
            bold = not bold
            continue
        target = _slack_unescape(match.group(1))
        label = match.group(2)
        shown = _escape(_slack_unescape(label if label is not None else target))
        out.append(_anchor(target, shown))
    out.append(_escape(_slack_unescape(text[position:])))
    if bold:
        out.append("</b>")
    return "".join(out)


def _anchor(url: str, label_html: str) -> str:
    if not url.lower().startswith(("http://", "https://")):
        return label_html  # a mention or other special link: shown as its label, not followed
    return f'<a href="{html.escape(url, quote=True)}">{label_html}</a>'


def _escape(text: str) -> str:
    return html.escape(text, quote=True)


def _slack_unescape(text: str) -> str:
    return text.replace("&lt;", "<").replace("&gt;", ">").replace("&amp;", "&")


# --- the page -----------------------------------------------------------------------------

_CSS = """
* { box-sizing: border-box; }
html, body { margin: 0; background: #fff; }
body { font: 15px/1.46668 Lato, "Noto Color Emoji", "DejaVu Sans", sans-serif;
       color: #1d1c1d; -webkit-font-smoothing: antialiased; width: %(width)dpx; }
.thread { padding: 8px 0 10px; }
.thread-head { padding: 4px 20px 10px; border-bottom: 1px solid #e8e8e8; font-weight: 900;
               font-size: 16px; }
.thread-head span { font-weight: 400; font-size: 13px; color: #616061; margin-left: 6px; }
.message { display: flex; padding: 12px 20px 6px; }
.avatar { flex: 0 0 36px; width: 36px; height: 36px; border-radius: 6px; margin-right: 8px;
          background: #2f6f5e; color: #fff; font: 900 20px/36px Lato, sans-serif;
          text-align: center; }
.body { flex: 1; min-width: 0; }
.meta { line-height: 22px; }
.name { font-weight: 900; }
.app { font-size: 10px; font-weight: 700; color: rgba(29,28,29,.7);
       background: rgba(29,28,29,.13); border-radius: 2px; padding: 1px 3px; margin-left: 4px;
       vertical-align: 1px; }
.time { font-size: 12px; color: #616061; margin-left: 6px; }
a { color: #1264a3; text-decoration: none; }
.section { margin: 2px 0 4px; }
.rich ul, .rich ol { margin: 0 0 4px; padding-left: 26px; }
.rich li { margin: 0 0 2px; padding-left: 2px; }
.rich p { margin: 0 0 4px; }
.context { font-size: 12px; line-height: 1.50001; color: #616061; margin: 4px 0 8px; }
.context span + span { margin-left: 8px; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 4px 0 4px; }
.button { display: inline-flex; align-items: center; height: 28px; padding: 0 12px;
          border: 1px solid rgba(29,28,29,.3); border-radius: 4px; font-size: 13px;
          font-weight: 700; white-space: nowrap; background: #fff; }
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { color: #e01e5a; }
"""


def page_html(message: SlackMessage, width: int = WIDTH) -> str:
    """A whole page: the reply as a bot message in a thread pane, Slack's fonts and colours."""
    body = blocks_html(message.blocks) if message.blocks else mrkdwn_html(message.text)
    return f"""<!DOCTYPE html>
<html lang="en"><head><meta charset="utf-8"><title>Keypoints reply</title>
<style>{_CSS % {"width": width}}</style></head>
<body><div class="thread" id="frame">
<div class="thread-head">Thread<span>#tech-news</span></div>
<div class="message"><div class="avatar">K</div><div class="body">
<div class="meta"><span class="name">Keypoints</span><span class="app">APP</span><span
 class="time">9:41 AM</span></div>
{body}
</div></div></div>
<script>document.body.dataset.height = Math.ceil(
  document.getElementById("frame").getBoundingClientRect().bottom);</script>
</body></html>
"""


# --- Chromium ----------------------------------------------------------------------------


def find_chromium(explicit: str | None = None) -> str:
    """The browser to use: ``explicit``, else the first Chromium/Chrome on PATH."""
    for name in (explicit,) if explicit else _CHROMIUM_NAMES:
        found = shutil.which(name)
        if found:
            return found
    raise SystemExit(
        "render_reply: no Chromium found; install it (sudo apt-get install chromium) "
        "or pass --chromium PATH"
    )


def _run_browser(args: list[str]) -> str:
    """Run headless Chromium in its own process group; the whole group is ended on a timeout."""
    with subprocess.Popen(
        args,
        stdout=subprocess.PIPE,
        stderr=subprocess.PIPE,
        text=True,
        start_new_session=True,
    ) as process:
        try:
            out, err = process.communicate(timeout=_TIMEOUT)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.communicate()
            raise SystemExit("render_reply: Chromium did not finish in time") from None
    if process.returncode != 0:
        raise SystemExit(f"render_reply: Chromium failed ({process.returncode}): {err[-500:]}")
    return out


def screenshot(page: Path, out: Path, browser: str, width: int, scale: float) -> None:
    """Measure the page's height (``--dump-dom`` runs its script), then screenshot exactly it."""
    with tempfile.TemporaryDirectory(prefix="render-reply-") as profile:
        common = [
            browser,
            "--headless",
            "--disable-gpu",
            "--hide-scrollbars",
            "--no-first-run",
            "--no-default-browser-check",
            f"--user-data-dir={profile}",
            f"--force-device-scale-factor={scale}",
        ]
        if hasattr(os, "geteuid") and os.geteuid() == 0:
            common.append("--no-sandbox")  # Chromium refuses to run as root with its sandbox
        url = page.resolve().as_uri()
        dom = _run_browser([*common, f"--window-size={width},2000", "--dump-dom", url])
        found = re.search(r'data-height="(\d+)"', dom)
        if not found:
            raise SystemExit("render_reply: could not measure the page")
        height = int(found.group(1))
        _run_browser(
            [*common, f"--window-size={width},{height}", f"--screenshot={out.resolve()}", url]
        )


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0] if __doc__ else None)
    parser.add_argument("--out", type=Path, default=IMAGES / "reply.png", help="the PNG")
    parser.add_argument("--json", type=Path, default=IMAGES / "reply.json", help="the blocks")
    parser.add_argument("--html", type=Path, help="also write the HTML page here")
    parser.add_argument("--no-png", action="store_true", help="skip the screenshot")
    parser.add_argument("--chromium", help="the Chromium or Chrome binary")
    parser.add_argument("--scale", type=float, default=2.0, help="device scale factor")
    args = parser.parse_args(argv)

    message = reply_message()
    page = page_html(message)
    args.json.parent.mkdir(parents=True, exist_ok=True)
    document = {"text": message.text, "blocks": message.blocks}
    args.json.write_text(json.dumps(document, indent=2, ensure_ascii=False) + "\n", "utf-8")
    if args.html:
        args.html.write_text(page, encoding="utf-8")
    if not args.no_png:
        browser = find_chromium(args.chromium)
        with tempfile.TemporaryDirectory(prefix="render-reply-") as tmp:
            page_path = Path(tmp) / "reply.html"
            page_path.write_text(page, encoding="utf-8")
            args.out.parent.mkdir(parents=True, exist_ok=True)
            screenshot(page_path, args.out, browser, WIDTH, args.scale)
        print(f"wrote {args.out} ({args.out.stat().st_size // 1024} KB) and {args.json}")
    else:
        print(f"wrote {args.json}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
