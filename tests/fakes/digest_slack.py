"""A minimal recorder standing in for Slack's ``AsyncWebClient`` in digest tests."""

from __future__ import annotations

import itertools
from typing import Any


class RecordingSlack:
    """Records ``chat_postMessage`` calls; ``fail_replies`` makes thread replies raise."""

    def __init__(self, *, tz: str | None = "Europe/Berlin", fail_replies: bool = False) -> None:
        self.posts: list[dict[str, Any]] = []
        self.tz = tz
        self.fail_replies = fail_replies
        self._ts = itertools.count(1)

    async def chat_postMessage(self, **kwargs: Any) -> dict[str, Any]:
        if self.fail_replies and "thread_ts" in kwargs:
            raise RuntimeError("slack is down")
        self.posts.append(kwargs)
        return {"ok": True, "ts": f"1700000000.{next(self._ts):06d}", "channel": kwargs["channel"]}

    async def users_info(self, *, user: str) -> dict[str, Any]:
        return {"ok": True, "user": {"id": user, "tz": self.tz}}

    @property
    def top_level(self) -> list[dict[str, Any]]:
        return [p for p in self.posts if "thread_ts" not in p]

    @property
    def replies(self) -> list[dict[str, Any]]:
        return [p for p in self.posts if "thread_ts" in p]
