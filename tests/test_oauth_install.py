"""Multi-workspace OAuth: install through /slack/install, post with that team's token,
uninstall removes the team's tokens and settings (all against the local Slack stand-in)."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from datetime import UTC, datetime, time
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, urlsplit

import aiohttp
from fakes.fake_slack import event_callback, link_message, send_signed, slash_command
from fakes.slack_harness import SECRET, FakeSummariser, settings_for, simple_canonical
from fakes.stores import migrated_sqlite_and_postgres_engine  # noqa: F401  (the engine fixture)
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.digest.extension import digest_extension
from bot.digest.schedule import Schedule
from bot.digest.store import DigestStore
from bot.slack.app import Bot, running_bot
from bot.slack.serve import EVENTS_PATH, serving_http
from bot.slack.standin import SlackStandIn
from bot.store.channels import auto_enabled
from bot.store.installations import oauth_state_store, oauth_states_table, purge_expired_states

CLIENT_SECRET = "oauth-client-secret-value"
URL = "https://news.example.com/story/7"


@dataclass
class OAuthBot:
    bot: Bot
    slack: SlackStandIn
    session: aiohttp.ClientSession
    base: str

    async def install(self, team: str) -> int:
        """Walk the install flow for ``team``; returns the callback's HTTP status."""
        self.slack.oauth_team = team
        async with self.session.get(f"{self.base}/slack/install") as page:
            assert page.status == 200
            html = await page.text()
            # Bolt's state cookie is Secure; a browser would send it back over https.
            cookie = page.headers["Set-Cookie"].split(";", 1)[0]
        start = html.index("https://slack.com/oauth/v2/authorize")
        authorize = html[start : html.index('"', start)].replace("&amp;", "&")
        query = parse_qs(urlsplit(authorize).query)
        assert query["client_id"] == ["111.222"] and "chat:write" in query["scope"][0]
        state = query["state"][0]
        callback = f"{self.base}/slack/oauth_redirect?code=code-{team}&state={state}"
        async with self.session.get(callback, headers={"Cookie": cookie}) as response:
            return response.status

    async def send(self, team: str, payload: dict[str, Any], *, form: bool = False) -> int:
        if form:
            payload = {**payload, "team_id": team}
        else:
            payload = {
                **payload,
                "team_id": team,
                "authorizations": [{"team_id": team, "user_id": "UKEYPOINTS", "is_bot": True}],
            }
        url = f"{self.base}{EVENTS_PATH}"
        status, _ = await send_signed(self.session, url, SECRET, payload, form=form)
        return status


@asynccontextmanager
async def oauth_bot(tmp_path: Path) -> AsyncIterator[OAuthBot]:
    async with SlackStandIn() as slack:
        settings = settings_for(
            slack,
            tmp_path / "oauth.db",
            bot_token=None,
            client_id="111.222",
            client_secret=CLIENT_SECRET,
        )
        assert settings.mode == "oauth"
        async with (
            running_bot(
                settings,
                summarise=FakeSummariser(),
                canonicalize=simple_canonical,
                extensions=[digest_extension(run_scheduler=False)],
            ) as bot,
            serving_http(bot, "127.0.0.1", 0) as port,
            aiohttp.ClientSession() as session,
        ):
            yield OAuthBot(bot, slack, session, f"http://127.0.0.1:{port}")


async def test_install_stores_the_team_token_and_replies_use_it(tmp_path: Path) -> None:
    """After installing, oauth.v2.access went to the stand-in and replies carry that token."""
    async with oauth_bot(tmp_path) as h:
        assert await h.install("T1") == 200
        (exchange,) = h.slack.calls_to("oauth.v2.access")
        assert exchange.args["code"] == "code-T1"
        assert h.bot.installations is not None
        found = await h.bot.installations.async_find_bot(enterprise_id=None, team_id="T1")
        assert found is not None and found.bot_token == "xoxb-installed-T1"
        event = link_message(URL)
        assert await h.send("T1", event_callback(event)) == 200
        await h.bot.service.drain(grace=10)
        (post,) = h.slack.calls_to("chat.postMessage")
        assert post.token == "xoxb-installed-T1" and post.args["thread_ts"] == event["ts"]


async def test_callback_with_a_forged_state_installs_nothing(tmp_path: Path) -> None:
    """An oauth_redirect whose state was never issued is refused without calling Slack."""
    async with oauth_bot(tmp_path) as h:
        url = f"{h.base}/slack/oauth_redirect?code=x&state=forged"
        async with h.session.get(url) as response:
            assert response.status >= 400
        assert h.slack.calls_to("oauth.v2.access") == []


async def test_uninstall_removes_tokens_and_settings_of_that_team_only(tmp_path: Path) -> None:
    """app_uninstalled for T1 deletes T1's tokens, channel settings and digest data; T2 stays."""
    async with oauth_bot(tmp_path) as h:
        assert h.bot.installations is not None
        for team in ("T1", "T2"):
            assert await h.install(team) == 200
            hook = h.slack.response_url(team)
            command = slash_command("auto off", hook, channel=f"C{team}")
            assert await h.send(team, command, form=True) == 200
        await h.bot.service.drain(grace=10)
        engine = h.bot.engine
        assert not await auto_enabled(engine, "T1", "CT1")
        digest = DigestStore(engine)
        now = datetime.now(UTC)
        for team in ("T1", "T2"):
            await digest.set_schedule(f"C{team}", team, Schedule(time(8), "UTC", "daily"), now)
            await digest.add_feed(f"C{team}", "https://feeds.example/rss", "U1", now)

        uninstalled = {"type": "app_uninstalled", "event_ts": "1700000000.000100"}
        assert await h.send("T1", event_callback(uninstalled)) == 200
        await h.bot.service.drain(grace=10)

        store = h.bot.installations
        assert await store.async_find_bot(enterprise_id=None, team_id="T1") is None
        assert await store.async_find_installation(enterprise_id=None, team_id="T1") is None
        assert await store.async_find_bot(enterprise_id=None, team_id="T2") is not None
        assert await auto_enabled(engine, "T1", "CT1")  # back to the default: row gone
        assert not await auto_enabled(engine, "T2", "CT2")
        assert await digest.get_schedule("CT1") is None
        assert await digest.list_feeds("CT1") == []
        assert await digest.get_schedule("CT2") is not None
        assert await digest.list_feeds("CT2") == ["https://feeds.example/rss"]


async def test_tokens_revoked_removes_the_bot_token(tmp_path: Path) -> None:
    """tokens_revoked listing the bot deletes the team's bot token."""
    async with oauth_bot(tmp_path) as h:
        assert h.bot.installations is not None
        assert await h.install("T1") == 200
        revoked = {"type": "tokens_revoked", "tokens": {"oauth": [], "bot": ["UKEYPOINTS"]}}
        assert await h.send("T1", event_callback(revoked)) == 200
        assert await h.bot.installations.async_find_bot(enterprise_id=None, team_id="T1") is None


async def test_abandoned_install_states_are_purged(engine: AsyncEngine) -> None:
    """Expired OAuth states are deleted by housekeeping; live ones are kept and still usable."""
    states = oauth_state_store(engine)
    live = await states.async_issue()
    async with engine.begin() as conn:
        await conn.execute(
            oauth_states_table.insert().values(state="old", expire_at=datetime(2020, 1, 1))
        )
    # bolt's state store stamps states with the real clock, so purge as of the real clock too
    assert await purge_expired_states(engine, now=datetime.now(UTC).timestamp()) == 1
    assert await states.async_consume("old") is False
    assert await states.async_consume(live) is True
