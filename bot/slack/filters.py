"""Which of a posted message's links auto mode answers: the channel's site rules, its
minimum article length and the poster's opt-out. Explicit requests (a mention, the :memo:
reaction, the shortcut, ``/keypoints <url>``) never pass through here.

The order, first match wins:

1. The poster opted out (``/keypoints optout``): none of their links, anywhere in the
   workspace, except in their direct messages with the bot (a link sent to the bot is a
   request). Their links are not given to the share hooks (the digest) either.
2. A link on a ``never`` site (the most specific listed site decides: ``never example.com``
   with ``always blog.example.com`` answers the blog only): not answered, not shared.
3. A link on an ``always`` site: answered even when auto mode is off, whatever its length.
4. Any other link: answered when auto mode is on, if the article has at least the channel's
   minimum number of words (``bot.quality.count_words``: Chinese and Japanese count a word
   per two characters). A shorter one gets a note instead of key points, told like auto
   mode's failures (to the poster alone unless the channel chose ``failures public``).
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from bot.errors import KeypointsError
from bot.models import Article
from bot.quality import count_words
from bot.store.channels import ChannelChoices
from bot.store.filters import ALWAYS, NEVER, link_host


@dataclass(frozen=True, slots=True)
class AutoPlan:
    """What auto mode does with a message's links."""

    answer: tuple[str, ...] = ()  # in the message's order
    no_minimum: tuple[str, ...] = ()  # of ``answer``: on an ``always`` site
    shared: tuple[str, ...] = ()  # what the share hooks (the digest) may see


def plan_auto(urls: Sequence[str], choices: ChannelChoices, *, opted_out: bool) -> AutoPlan:
    """Apply the rules above to ``urls`` (all the message's links, before the cap)."""
    if opted_out:
        return AutoPlan()
    answer: list[str] = []
    no_minimum: list[str] = []
    shared: list[str] = []
    for url in urls:
        rule = choices.sites.rule_for(link_host(url)) if choices.sites.rules else None
        if rule == NEVER:
            continue
        shared.append(url)
        if rule == ALWAYS:
            answer.append(url)
            no_minimum.append(url)
        elif choices.auto:
            answer.append(url)
    return AutoPlan(tuple(answer), tuple(no_minimum), tuple(shared))


class TooShort(KeypointsError):
    """Auto mode: the article is under the channel's minimum length."""

    reason = "too_short"


def require_length(article: Article, min_words: int) -> None:
    """Raise ``TooShort`` when ``article`` has fewer than ``min_words`` words."""
    words = count_words(article.text)
    if words < min_words:
        raise TooShort(
            f"That article is short ({words} words); key points are posted here "
            f"automatically for {min_words} words or more. Mention me in the message or use "
            "`/keypoints <url>` to get them anyway."
        )
