"""What happens to a message after it was answered: deleted (the reply goes too), or asked
about again with the message shortcut (point to the reply instead of posting it twice)."""

from __future__ import annotations

import logging

from bot.slack.failures import short_reason
from bot.slack.service import KeypointsService
from bot.slack.tenancy import team_scope
from bot.store import jobs

log = logging.getLogger(__name__)


async def forget_message(
    service: KeypointsService, team_id: str, channel_id: str, message_ts: str
) -> int:
    """The message was deleted: drop its pending jobs and delete the replies already
    posted for it; how many replies were deleted."""
    await jobs.cancel_pending(service.engine, team_id, channel_id, message_ts, now=service.clock())
    deleted = 0
    for state in await jobs.jobs_of_message(service.engine, team_id, channel_id, message_ts):
        if state.reply_ts and service.editor is not None:
            try:
                with team_scope(team_id):
                    await service.editor.delete(channel_id, state.reply_ts)
                deleted += 1
            except Exception as exc:  # already gone, or no longer allowed: nothing to do
                log.warning("could not delete reply %s: %s", state.reply_ts, short_reason(exc))
    return deleted


async def earlier_replies(
    service: KeypointsService, team_id: str, channel_id: str, message_ts: str, bullets: int | None
) -> dict[str, str]:
    """Links of the message already answered with ``bullets``: canonical URL → permalink
    of the reply (links whose reply cannot be linked to are left out)."""
    found: dict[str, str] = {}
    if service.editor is None:
        return found
    for state in await jobs.jobs_of_message(service.engine, team_id, channel_id, message_ts):
        same = (state.bullets or service.options.bullets) == (bullets or service.options.bullets)
        if state.state != jobs.DONE or not state.reply_ts or not same:
            continue
        try:
            with team_scope(team_id):
                found[state.url] = await service.editor.permalink(channel_id, state.reply_ts)
        except Exception as exc:  # e.g. the reply was deleted: answer afresh
            log.info("no permalink for reply %s: %s", state.reply_ts, short_reason(exc))
    return found
