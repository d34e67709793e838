"""What the bot shows and which links it answers, whatever a page or a person feeds it (issue 16
items 5, 8, 10): signed requests against the real app and the Slack stand-in."""

from __future__ import annotations

from datetime import UTC, datetime
from pathlib import Path
from urllib.parse import quote

import pytest
from fakes.fake_slack import event_callback, link_message, send_signed, slash_command
from fakes.slack_harness import SECRET, Harness, http_bot

from bot.digest.commands import DigestCommands
from bot.digest.model import Digest
from bot.digest.runner import RunResult
from bot.digest.settings import DigestSettings
from bot.digest.store import DigestStore
from bot.errors import InvalidURL
from bot.extract import extract
from bot.extraction.blocks import normalize_space
from bot.fetch.urls import canonicalize_url
from bot.models import Article, Summary
from bot.slack.app import Bot
from bot.slack.render import summary_message
from bot.text.invisible import strip_invisible

GOOD = "https://news.example.com/story/1"
IPV6 = "http://[2606:4700:4700::1111]/story"
FIXTURE = Path(__file__).parent / "fixtures" / "cli" / "article.html"
SPOOFERS = ("\u202e", "\u202d", "\u2066", "\u200b", "\u2060", "\ufeff", "\U000e0041")


def message_with(*urls: str) -> dict[str, object]:
    return link_message(urls[0], text=" ".join(f"<{u}>" for u in urls), blocks=[])


async def post(h: Harness, payload: dict[str, object], *, form: bool = False) -> None:
    status, _ = await send_signed(h.session, h.events_url, SECRET, payload, form=form)
    assert status == 200


def test_ipv6_literal_links_have_a_canonical_form() -> None:
    """IPv6-literal links canonicalise (brackets kept); an unparseable one is InvalidURL."""
    assert canonicalize_url(IPV6) == IPV6
    assert (
        canonicalize_url("HTTP://[2606:4700:4700::1111]:8080/a?utm_source=x&b=1#top")
        == "http://[2606:4700:4700::1111]:8080/a?b=1"
    )
    with pytest.raises(InvalidURL):
        canonicalize_url("http://[::1/broken")


async def test_an_ipv6_link_does_not_cost_the_other_link(tmp_path: Path) -> None:
    """A message with an IPv6-literal link and a normal one: both links get their own reply."""
    async with http_bot(tmp_path, canonicalize=canonicalize_url) as h:
        await post(h, event_callback(message_with(IPV6, GOOD)))
        await h.settle()
        texts = [r.args["text"] for r in h.slack.replies]
        assert len(texts) == 2
        assert not any("something went wrong" in t.lower() for t in texts)
        assert sorted(h.summariser.calls) == sorted([IPV6, GOOD])


async def test_a_link_that_breaks_canonicalisation_costs_only_itself(tmp_path: Path) -> None:
    """Even a canonicaliser bug on one link leaves the message's other link answered."""

    def fragile(url: str) -> str:
        if "broken" in url:
            raise ValueError("parser bug")
        return url

    async with http_bot(tmp_path, canonicalize=fragile) as h:
        await post(h, event_callback(message_with("https://x.example.com/broken", GOOD)))
        await h.settle()
        assert GOOD in h.summariser.calls
        assert any("Point 1." in r.args["text"] for r in h.slack.replies)


async def test_digest_schedule_error_escapes_the_input(tmp_path: Path) -> None:
    """`/keypoints digest at <!channel>` answers with the input escaped, never a ping."""

    async def with_digest(bot: Bot) -> None:
        async def run_now(channel: str, tz: str | None) -> RunResult:
            return RunResult(Digest(channel, datetime.now(UTC), (), new_stories=0), None)

        async def preview(channel: str, tz: str | None) -> Digest:
            return Digest(channel, datetime.now(UTC), (), new_stories=0)

        async def no_tz(user: str) -> str | None:
            return None

        commands = DigestCommands(
            DigestStore(bot.engine), DigestSettings(), no_tz, run_now, preview
        )
        commands.register(bot.router)

    async with http_bot(tmp_path, extensions=[with_digest]) as h:
        for hook, text in (("a", "digest at <!channel>"), ("b", "digest at 08:30 <!here>")):
            await post(h, slash_command(text, h.slack.response_url(hook)), form=True)
        await h.settle()
        answers = [c.args["text"] for c in h.slack.calls_to("response_url")]
        assert len(answers) == 2
        for answer in answers:
            assert "<!" not in answer and "&lt;!" in answer


async def test_titles_cannot_spoof_or_format_themselves(tmp_path: Path) -> None:
    """Bidi controls and zero-width characters are gone from the posted title, and mrkdwn's
    *, _, ~ and ` from the page format nothing."""
    title = "Bank \u202egnirts\u202c pay\u200bpal *bold* _it_ ~gone~ `code` a*b"
    async with http_bot(tmp_path) as h:
        url = f"https://news.example.com/a?title={quote(title)}"
        await post(h, event_callback(link_message(url, text=f"<{url}>")))
        await h.settle()
        (reply,) = h.slack.replies
    heading = reply.args["blocks"][0]["text"]["text"]
    label = heading.split("|", 1)[1].removesuffix(">*")
    for text in (label, reply.args["text"]):
        assert not any(ch in text for ch in SPOOFERS)
        assert not any(mark in text for mark in "*_~`")
        assert "paypal" in text and "gnirts" in text


def test_bullets_lose_bidi_and_zero_width_characters() -> None:
    """Bullets and the site name reach Slack without bidi or zero-width characters."""
    article = Article(paragraphs=("x",), title="T", url=GOOD, site_name="Ex\u202eample")
    bullets = ("Shares rose \u202e%03 \u202cby noon.", "A\u2066 hidden\u2069 pay\u200bment.")
    message = summary_message(Summary(article=article, bullets=bullets), GOOD)
    shown = str(message.blocks) + message.text
    assert not any(ch in shown for ch in SPOOFERS)
    assert "payment" in shown and "Example" in shown


def test_extracted_text_has_no_bidi_or_zero_width_characters() -> None:
    """Extraction removes bidi controls and zero-width characters from text and title; the
    joiners that scripts and emoji need stay."""
    html = FIXTURE.read_text(encoding="utf-8")
    html = html.replace("Acme Robotics", "Acme\u200b Robo\u202etics").replace(
        "warehouse", "ware\u2066house\u2069"
    )
    article = extract(html, GOOD)
    shown = " ".join([*article.paragraphs, article.title or ""])
    assert not any(ch in shown for ch in SPOOFERS)
    assert "warehouse" in shown
    assert normalize_space("a\u200c\u200db\x00c\x85d") == "a\u200c\u200dbc d"
    assert strip_invisible("plain ascii") == "plain ascii"
