"""Changing a channel's settings from the App Home, the Slack way.

- **Edit** next to a channel, or a channel chosen in the Home tab's picker (``block_actions``):
  acknowledged at once; then, within the 3 seconds a ``trigger_id`` lives, the form
  (``bot.slack.settings_view``) is opened with ``views.open`` — or a modal saying why not
  (``bot.slack.permissions``: members, or only admins where an admin said so). A delivery seen
  before (a retry, another replica) opens nothing.
- **Save** (``view_submission``): Slack wants the answer within 3 seconds, and only that
  answer can keep the form open with a message under a field (``response_action: errors``).
  So before answering: the fields are checked (time, time zone, feed addresses), who may
  change the channel is checked again, and the settings are written through the store
  functions the slash commands use (one transaction, one settings-version bump). After
  answering: the Home tab is published again, and feeds added in the form are checked like
  ``/keypoints feed add`` does (the safe fetcher, a strict parse), which can take seconds;
  the person gets a direct message saying which were added and which refused, and why.
  A retried submission writes the same values again and is otherwise dropped.

Without the digest (no ``digest`` hooks) the form has no digest fields.
"""

from __future__ import annotations

import asyncio
import logging
from collections.abc import Awaitable, Callable, Mapping
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from slack_bolt.async_app import AsyncAck, AsyncApp, AsyncBoltContext
from slack_sdk.errors import SlackApiError
from slack_sdk.web.async_client import AsyncWebClient

from bot.digest.store import DigestStore
from bot.errors import KeypointsError
from bot.slack.failures import api_error
from bot.slack.home import publish_home
from bot.slack.permissions import Person, SettingsPermissions
from bot.slack.render import escape
from bot.slack.service import KeypointsService
from bot.slack.settings_view import (
    AUTO,
    CALLBACK_ID,
    EDIT_ACTION,
    PICK_ACTION,
    DigestForm,
    Errors,
    SettingsForm,
    SettingsInput,
    parse_submission,
    read_metadata,
    refusal_modal,
    settings_modal,
    shown_bullets,
)
from bot.slack.tenancy import team_scope
from bot.store.channels import channel_choices, save_channel_settings

log = logging.getLogger(__name__)

OPEN_BUDGET = 1.5  # seconds to decide who may, before the form opens anyway (Save re-checks)
SAVE_BUDGET = 1.5  # seconds to decide who may, before Save answers "try again"
FEED_CHECKS_AT_ONCE = 4
STALE_FORM = "This form is out of date: close it and open it again from the Home tab."
SLOW_CHECK = "Slack was slow to confirm you may change this channel. Press Save again."
TRIGGER_EXPIRED = (
    "Slack took too long to open the settings of <#{channel}>: press *Edit* again in my Home tab."
)

CheckFeed = Callable[[str], Awaitable[str]]  # URL → the feed's title; KeypointsError: refused


@dataclass(frozen=True, slots=True)
class DigestHooks:
    """What the form needs from the digest (set by ``bot.digest.extension``)."""

    store: DigestStore
    check_feed: CheckFeed  # ``/keypoints feed add``'s check
    clock: Callable[[], datetime]  # the digest's clock (feeds and schedules store datetimes)


@dataclass(frozen=True, slots=True)
class Saved:
    """A submission written before the ack; what is left for after it."""

    team_id: str
    user_id: str
    channel_id: str
    delivery: str  # the view id: a retried submission carries the same
    added_feeds: tuple[str, ...]


@dataclass(frozen=True, slots=True)
class Submitted:
    errors: Errors | None = None
    saved: Saved | None = None


def register_settings_editor(
    app: AsyncApp, service: KeypointsService, permissions: SettingsPermissions
) -> SettingsEditor:
    """Listen for Edit / the channel picker and for the form's submission."""
    editor = SettingsEditor(service, permissions)

    async def on_edit(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        await ack()
        action = (body.get("actions") or [{}])[0]
        channel = str(action.get("value") or action.get("selected_conversation") or "")
        user = str((body.get("user") or {}).get("id") or "")
        team = str(context.team_id or (body.get("team") or {}).get("id") or "")
        trigger = str(body.get("trigger_id") or "")
        if channel and user and team and trigger:
            service.spawn(editor.open_form(client, team, user, channel, trigger))

    app.action(EDIT_ACTION)(on_edit)
    app.action(PICK_ACTION)(on_edit)

    @app.view(CALLBACK_ID)
    async def on_submit(
        ack: AsyncAck, body: dict[str, Any], context: AsyncBoltContext, client: AsyncWebClient
    ) -> None:
        team = str(context.team_id or (body.get("team") or {}).get("id") or "")
        with team_scope(team):
            outcome = await editor.submit(client, team, body)
        if outcome.errors:
            await ack(response_action="errors", errors=outcome.errors)
            return
        await ack()
        if outcome.saved is not None:
            service.spawn(editor.after_save(client, outcome.saved))

    return editor


class SettingsEditor:
    """Opens the form and saves it; ``digest`` is set when the bot runs the digest."""

    def __init__(self, service: KeypointsService, permissions: SettingsPermissions) -> None:
        self.service = service
        self.permissions = permissions
        self.digest: DigestHooks | None = None

    # -- opening -------------------------------------------------------------------------------

    async def open_form(
        self, client: AsyncWebClient, team_id: str, user_id: str, channel_id: str, trigger: str
    ) -> None:
        """Open the form (or why not) for ``channel_id`` with the click's trigger id."""
        if not await self.service.first_delivery(f"click:{trigger}"[:128]):
            return  # a retried click: the first delivery opened it (a trigger opens one view)
        with team_scope(team_id):
            person, refusal = await self._who(client, team_id, channel_id, user_id, OPEN_BUDGET)
            if refusal is not None:
                view = refusal_modal(refusal)
            else:
                view = settings_modal(await self.form(team_id, channel_id, person))
            try:
                await client.views_open(trigger_id=trigger, view=view)
            except SlackApiError as exc:
                error = api_error(exc)
                log.info("could not open the settings form: %s", error)
                if error != "expired_trigger_id":
                    raise
                await client.chat_postMessage(
                    channel=user_id, text=TRIGGER_EXPIRED.format(channel=channel_id)
                )

    async def form(self, team_id: str, channel_id: str, person: Person) -> SettingsForm:
        """What the form shows: the channel's settings as stored (slash commands and form
        alike), and its digest when there is one."""
        choices = await channel_choices(self.service.engine, team_id, channel_id)
        digest = None
        if self.digest is not None:
            store = self.digest.store
            digest = DigestForm(
                schedule=await store.get_schedule(channel_id),
                feeds=tuple(await store.list_feeds(channel_id)),
                default_tz=person.tz or "UTC",
            )
        return SettingsForm(
            channel_id=channel_id,
            choices=choices,
            default_bullets=self.service.options.bullets,
            admin=person.admin,
            digest=digest,
        )

    async def _who(
        self,
        client: AsyncWebClient,
        team_id: str,
        channel_id: str,
        user_id: str,
        budget: float,
        *,
        where: str | None = None,
    ) -> tuple[Person, str | None]:
        """The person (admin, zone) and why they may not change the channel (None: they may).
        Past ``budget`` seconds: no one known and no refusal (raises ``TimeoutError`` only
        when ``where`` is given, i.e. when saving)."""
        try:
            async with asyncio.timeout(budget):
                return await asyncio.gather(
                    self.permissions.person(client, team_id, user_id),
                    self.permissions.refusal(client, team_id, channel_id, user_id, where=where),
                )
        except TimeoutError:
            if where is not None:
                raise
            log.info("who may change %s: undecided within %.1f s", channel_id, budget)
            return Person(admin=False, tz=None), None

    # -- saving --------------------------------------------------------------------------------

    async def submit(
        self, client: AsyncWebClient, team_id: str, body: Mapping[str, Any]
    ) -> Submitted:
        """Before the ack: check the fields and who may, then write the settings; the
        errors to show in the form, or what is left to do after the ack."""
        view = body.get("view") or {}
        user_id = str((body.get("user") or {}).get("id") or "")
        meta = read_metadata(str(view.get("private_metadata") or ""))
        if meta is None or not user_id or not team_id:
            return Submitted(errors={AUTO: STALE_FORM})
        channel_id = meta.channel_id
        try:
            person, refusal = await self._who(
                client, team_id, channel_id, user_id, SAVE_BUDGET, where="this channel"
            )
        except TimeoutError:
            return Submitted(errors={AUTO: SLOW_CHECK})
        if refusal is not None:
            return Submitted(errors={AUTO: refusal})
        values = (view.get("state") or {}).get("values") or {}
        parsed = parse_submission(
            values, default_tz=person.tz or "UTC", feeds_in_form=meta.feeds is not None
        )
        if not isinstance(parsed, SettingsInput):
            return Submitted(errors=parsed)
        added: tuple[str, ...] = ()
        removed: tuple[str, ...] = ()
        feeds = parsed.digest.feeds if parsed.digest is not None else None
        if self.digest is not None and feeds is not None and meta.feeds is not None:
            # Only what the person changed in the box: others' changes meanwhile stay.
            added = tuple(u for u in feeds if u not in meta.feeds)
            removed = tuple(u for u in meta.feeds if u not in feeds)
        await self._write(team_id, channel_id, parsed, person, removed)
        delivery = str(view.get("id") or body.get("trigger_id") or "")
        return Submitted(saved=Saved(team_id, user_id, channel_id, delivery, added))

    async def _write(
        self,
        team_id: str,
        channel_id: str,
        parsed: SettingsInput,
        person: Person,
        removed: tuple[str, ...],
    ) -> None:
        """The settings, through the slash commands' store functions."""
        service = self.service
        current = await channel_choices(service.engine, team_id, channel_id)
        bullets: int | None = parsed.bullets
        if current.bullets is None and parsed.bullets == shown_bullets(
            None, service.options.bullets
        ):
            bullets = None  # left as preselected: keep following the deployment's default
        await save_channel_settings(
            service.engine,
            team_id,
            channel_id,
            now=service.clock(),
            auto=parsed.auto,
            public_failures=parsed.public_failures,
            min_words=parsed.min_words,
            bullets=bullets,
            admins_only=parsed.admins_only if person.admin else None,
        )
        service.channel_settings.changed()  # other replicas: at their next poll (1 s)
        if self.digest is None or parsed.digest is None:
            return
        store = self.digest.store
        schedule = parsed.digest.schedule
        if schedule is None:
            await store.clear_schedule(channel_id)
        elif await store.get_schedule(channel_id) != schedule:  # unchanged: keep its history
            await store.set_schedule(channel_id, team_id, schedule, self.digest.clock())
        for url in removed:
            await store.remove_feed(channel_id, url)

    async def after_save(self, client: AsyncWebClient, saved: Saved) -> None:
        """After the ack: the Home tab again, then the new feeds (checked, added, told)."""
        if saved.delivery and not await self.service.first_delivery(f"view:{saved.delivery}"[:128]):
            return
        with team_scope(saved.team_id):
            await publish_home(self.service, client, saved.team_id, saved.user_id)
            if saved.added_feeds and self.digest is not None:
                note = await self._add_feeds(saved, self.digest)
                await client.chat_postMessage(channel=saved.user_id, text=note)

    async def _add_feeds(self, saved: Saved, digest: DigestHooks) -> str:
        """Check each new feed as ``/keypoints feed add`` does; add those that pass. The
        message that says what happened."""
        limit = asyncio.Semaphore(FEED_CHECKS_AT_ONCE)

        async def check(url: str) -> str | KeypointsError:
            async with limit:
                try:
                    return await digest.check_feed(url)
                except KeypointsError as exc:
                    return exc

        results = await asyncio.gather(*(check(url) for url in saved.added_feeds))
        added: list[str] = []
        refused: list[str] = []
        for url, result in zip(saved.added_feeds, results, strict=True):
            if isinstance(result, KeypointsError):
                refused.append(f"• {escape(url)}: {escape(result.message)}")
                continue
            new = await digest.store.add_feed(saved.channel_id, url, saved.user_id, digest.clock())
            there = "" if new else ", already there"
            added.append(f"• {escape(result)} ({escape(url)}{there})")
        log.info(
            "feeds from the settings form for %s: %d added, %d refused",
            saved.channel_id,
            len(added),
            len(refused),
        )
        lines = [f"Feeds for <#{saved.channel_id}>:"]
        if added:
            lines += ["Added:", *added]
        if refused:
            lines += ["Not added:", *refused]
        return "\n".join(lines)
