"""What happens before Slack's ack: one transaction per message, settings from memory, and
background work that waits its turn (issue 15)."""

from __future__ import annotations

import asyncio

from fakes.stores import (
    NOW,
    sqlite_and_postgres_engine,  # noqa: F401  (the engine fixture)
)
from sqlalchemy import event
from sqlalchemy.ext.asyncio import AsyncEngine

from bot.slack.channel_cache import ChannelSettingsCache
from bot.slack.priority import RequestPriority
from bot.store import channels, jobs, teams


def _spec(url: str, message_ts: str = "1.000") -> jobs.JobSpec:
    return jobs.JobSpec("T", "C", message_ts, url, url, None, "U", None)


def _count_commits(engine: AsyncEngine) -> list[int]:
    commits = [0]

    def on_commit(_conn: object) -> None:
        commits[0] += 1

    event.listen(engine.sync_engine, "commit", on_commit)
    return commits


async def test_all_links_of_a_message_are_accepted_in_one_commit(engine: AsyncEngine) -> None:
    """create_jobs writes every link of a message in one transaction and returns the new ones."""
    commits = _count_commits(engine)
    specs = [_spec(f"https://e.com/{n}") for n in range(5)]
    created = await jobs.create_jobs(engine, specs, owner="a", lease=60, now=NOW)
    assert [job.spec.url for job in created] == [s.url for s in specs]
    assert commits[0] == 1
    again = await jobs.create_jobs(engine, [*specs, _spec("https://e.com/new")], owner="b",
                                   lease=60, now=NOW)  # fmt: skip
    assert [job.spec.url for job in again] == ["https://e.com/new"]  # a retry adds nothing


async def test_concurrent_batches_give_each_link_one_job(engine: AsyncEngine) -> None:
    """Two replicas accepting the same message at once create each link's job exactly once."""
    specs = [_spec(f"https://e.com/{n}") for n in range(4)]
    results = await asyncio.gather(
        *(jobs.create_jobs(engine, specs, owner=o, lease=60, now=NOW) for o in ("a", "b"))
    )
    urls = [job.spec.url for batch in results for job in batch]
    assert sorted(urls) == sorted(s.url for s in specs)


async def test_a_setting_changed_elsewhere_is_seen_after_one_poll(engine: AsyncEngine) -> None:
    """Another replica's change reaches this replica's cache at its next poll, not before."""
    here, there = ChannelSettingsCache(engine), ChannelSettingsCache(engine)
    assert (await here.choices("T", "C")).auto is True
    await channels.set_auto(engine, "T", "C", False, now=NOW)  # written by "there"
    there.changed()
    assert (await there.choices("T", "C")).auto is False
    assert (await here.choices("T", "C")).auto is True  # no database read before the poll
    assert await here.refresh_if_changed() is True
    assert (await here.choices("T", "C")).auto is False
    assert await here.refresh_if_changed() is False  # nothing new: no reload


async def test_uninstalling_a_team_bumps_the_settings_version(engine: AsyncEngine) -> None:
    """forget_team drops the settings and tells every replica's cache to reload."""
    cache = ChannelSettingsCache(engine)
    await channels.set_public_failures(engine, "T", "C", True, now=NOW)
    assert (await cache.choices("T", "C")).public_failures is True
    await teams.forget_team(engine, "T")
    assert await cache.refresh_if_changed() is True
    assert (await cache.choices("T", "C")).public_failures is False


async def test_a_snapshot_past_its_ttl_is_read_again_without_a_poll(engine: AsyncEngine) -> None:
    """Whatever happens to the polling, a snapshot older than the TTL is not used."""
    now = [0.0]
    cache = ChannelSettingsCache(engine, ttl=30.0, clock=lambda: now[0])
    assert (await cache.choices("T", "C")).auto is True
    await channels.set_auto(engine, "T", "C", False, now=NOW)
    now[0] = 29.0
    assert (await cache.choices("T", "C")).auto is True  # within the TTL: from memory
    now[0] = 31.0
    assert (await cache.choices("T", "C")).auto is False


async def test_background_work_waits_for_requests_in_flight() -> None:
    """wait_idle returns when the last request is acknowledged, or at the limit."""
    priority = RequestPriority()
    order: list[str] = []

    async def background() -> None:
        await priority.wait_idle(limit=5.0)
        order.append("background")

    with priority.serving():
        task = asyncio.create_task(background())
        await asyncio.sleep(0.05)
        order.append("ack")
    await task
    assert order == ["ack", "background"]
    with priority.serving():  # a request that never ends does not starve the background
        async with asyncio.timeout(30):  # generous: only a wait without end fails it
            await priority.wait_idle(limit=0.05)
