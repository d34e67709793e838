"""Pure predicates on Slack event payloads: who sent it, is it a fresh human message."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

# Subtypes that are still a person posting something new. Everything else (message_changed,
# message_deleted, channel_join, bot_message, ...) is an echo or housekeeping, never a request.
_HUMAN_SUBTYPES = frozenset({None, "", "thread_broadcast", "file_share", "me_message"})


def is_from_a_bot(message: Mapping[str, Any]) -> bool:
    """Sent by a bot or an app (including this one): never answered, so bots can't loop."""
    return bool(message.get("bot_id") or message.get("bot_profile")) or (
        message.get("subtype") == "bot_message"
    )


def is_fresh_human_message(message: Mapping[str, Any]) -> bool:
    """A person's new message (not an edit, an unfurl echo, a join notice or a bot post)."""
    return (
        message.get("subtype") in _HUMAN_SUBTYPES
        and bool(message.get("user"))
        and not is_from_a_bot(message)
    )


def thread_root(message: Mapping[str, Any]) -> str:
    """The ``thread_ts`` a reply to this message belongs in: its thread, or the message itself."""
    return str(message.get("thread_ts") or message["ts"])


def is_in_thread(message: Mapping[str, Any]) -> bool:
    """A reply inside a thread (not the thread's parent)."""
    thread_ts = message.get("thread_ts")
    return bool(thread_ts) and thread_ts != message.get("ts")


def mentions_user(text: str, user_id: str | None) -> bool:
    """Whether ``text`` @-mentions ``user_id`` (``<@U123>`` or ``<@U123|name>``)."""
    return bool(user_id) and (f"<@{user_id}>" in text or f"<@{user_id}|" in text)
