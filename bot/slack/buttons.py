"""The buttons under every summary reply: More / Fewer points, 👍 / 👎 with their counts, Remove.

Each button's ``value`` is the reply id, and for More / Fewer the bullet count it asks for
(``<id>:4``): a click sets a state rather than stepping it, so a click Slack delivers twice
shows 4 points, not 5. Pure: ``bot.slack.actions`` handles the clicks.
"""

from __future__ import annotations

import dataclasses
from dataclasses import dataclass
from typing import Any

from bot.slack.render import SlackMessage

ACTIONS_BLOCK_ID = "keypoints_actions"
MORE, FEWER, UP, DOWN, REMOVE = (
    "keypoints_more",
    "keypoints_fewer",
    "keypoints_up",
    "keypoints_down",
    "keypoints_remove",
)
ACTION_IDS = (MORE, FEWER, UP, DOWN, REMOVE)
SHORTEST, LONGEST = 3, 5  # More / Fewer move between these (widened to the channel's default)


@dataclass(frozen=True, slots=True)
class ButtonState:
    reply_id: str
    shown: int  # bullets on the message now
    base: int  # bullets first asked for (the request's count or the channel's default)
    more_possible: bool  # the article had as many key points as asked for
    up: int = 0
    down: int = 0


def bullet_range(base: int) -> tuple[int, int]:
    """The counts More / Fewer may choose: 3 to 5, or up to / down to the default."""
    return min(SHORTEST, base), max(LONGEST, base)


def actions_block(state: ButtonState) -> dict[str, Any]:
    """The row of buttons for ``state``; More / Fewer only where they would change something."""
    low, high = bullet_range(state.base)
    buttons: list[dict[str, Any]] = []
    if state.more_possible and state.shown < high:
        buttons.append(_button(MORE, "More points", f"{state.reply_id}:{state.shown + 1}"))
    if state.shown > low:
        buttons.append(_button(FEWER, "Fewer points", f"{state.reply_id}:{state.shown - 1}"))
    buttons.append(_button(UP, f"👍 {state.up}", state.reply_id))
    buttons.append(_button(DOWN, f"👎 {state.down}", state.reply_id))
    remove = _button(REMOVE, "Remove", state.reply_id)
    remove["confirm"] = {
        "title": {"type": "plain_text", "text": "Remove this reply?"},
        "text": {"type": "plain_text", "text": "The key points will be deleted for everyone."},
        "confirm": {"type": "plain_text", "text": "Remove"},
        "deny": {"type": "plain_text", "text": "Keep"},
        "style": "danger",
    }
    buttons.append(remove)
    return {"type": "actions", "block_id": ACTIONS_BLOCK_ID, "elements": buttons}


def with_buttons(message: SlackMessage, state: ButtonState) -> SlackMessage:
    """``message`` with its buttons (replacing any it had); the text fallback keeps the
    bullets and gains the votes, so notifications and screen readers still make sense."""
    blocks = [b for b in message.blocks if b.get("block_id") != ACTIONS_BLOCK_ID]
    text = message.text.split("\n(👍", 1)[0]
    if state.up or state.down:
        text += f"\n(👍 {state.up} · 👎 {state.down})"
    return dataclasses.replace(message, text=text, blocks=[*blocks, actions_block(state)])


def parse_value(value: str) -> tuple[str, int | None]:
    """``<reply id>[:<bullets>]`` → (id, bullets or None); a malformed count is None."""
    reply_id, _, count = value.partition(":")
    return reply_id, int(count) if count.isdigit() else None


def _button(action_id: str, label: str, value: str) -> dict[str, Any]:
    return {
        "type": "button",
        "action_id": action_id,
        "text": {"type": "plain_text", "text": label, "emoji": True},
        "value": value,
    }
