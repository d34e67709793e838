"""Which workspace's token a Web API call uses.

With one workspace (``SLACK_BOT_TOKEN``) every call uses that token. With OAuth installs each
workspace has its own bot token in the installation store; code that posts in the background
(replies, the digest) runs inside ``team_scope(team_id)``, and ``TeamScopedClient`` — a
stand-in for ``AsyncWebClient`` — looks up that team's token for each call. A context variable
carries the team so code written for one client (the digest's commands) needs no change.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from slack_sdk.oauth.installation_store.async_installation_store import AsyncInstallationStore
from slack_sdk.web.async_client import AsyncWebClient

from bot.errors import KeypointsError

CURRENT_TEAM: ContextVar[str | None] = ContextVar("keypoints_current_team", default=None)

ClientForTeam = Callable[[str | None], Awaitable[AsyncWebClient]]


class NotInstalled(KeypointsError):
    default_message = "Keypoints is not installed in this workspace."
    reason = "not_installed"


@contextmanager
def team_scope(team_id: str | None) -> Iterator[None]:
    """Run the block (and tasks it creates) on behalf of ``team_id``."""
    token = CURRENT_TEAM.set(team_id or None)
    try:
        yield
    finally:
        CURRENT_TEAM.reset(token)


def single_workspace(client: AsyncWebClient) -> ClientForTeam:
    """Every team gets the one configured client."""

    async def client_for(_: str | None) -> AsyncWebClient:
        return client

    return client_for


def installed_workspaces(store: AsyncInstallationStore, base: AsyncWebClient) -> ClientForTeam:
    """A client carrying the bot token the team installed, pointed where ``base`` points.

    Looked up on every call rather than cached: after an uninstall on another replica the
    token is gone from the database at once, and one indexed query is cheap next to a post."""

    async def client_for(team_id: str | None) -> AsyncWebClient:
        bot = await store.async_find_bot(enterprise_id=None, team_id=team_id) if team_id else None
        if bot is None or not bot.bot_token:
            raise NotInstalled(f"Keypoints is not installed in workspace {team_id or '?'}.")
        return AsyncWebClient(
            token=bot.bot_token,
            base_url=base.base_url,
            retry_handlers=list(base.retry_handlers or []),
            logger=base.logger,
            session=base.session,  # one connection pool for every workspace's calls
        )

    return client_for


class TeamScopedClient:
    """Looks like an ``AsyncWebClient``: ``await client.chat_postMessage(...)`` resolves the
    current team's client (see ``team_scope``) and calls the method on it."""

    def __init__(self, client_for: ClientForTeam, base: AsyncWebClient) -> None:
        self._client_for = client_for
        self.retry_handlers = base.retry_handlers  # read by the webhook replies
        self.base_url = base.base_url

    async def current(self) -> AsyncWebClient:
        return await self._client_for(CURRENT_TEAM.get())

    def __getattr__(self, name: str) -> Callable[..., Awaitable[Any]]:
        async def call(*args: Any, **kwargs: Any) -> Any:
            return await getattr(await self.current(), name)(*args, **kwargs)

        return call
