"""The channel settings form opened from the App Home (a Block Kit modal), and its submission
read back into typed values or per-field errors. Pure: ``bot.slack.settings_editor`` opens
the modal and saves what it returns.

Each input block holds one element whose ``action_id`` is ``value``; the block ids below are
what ``view_submission`` reports under ``view.state.values`` and what ``response_action:
errors`` names. ``private_metadata`` carries the channel and a short digest of the feeds the
form showed, so a save never drops a feed someone else added meanwhile.
"""

from __future__ import annotations

import json
from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any
from urllib.parse import urlsplit

from bot.digest.schedule import DAY_NAMES, Schedule, ScheduleError, parse_time, zone
from bot.slack.links import unwrap_link
from bot.store.channels import CHANNEL_BULLETS, MAX_MIN_WORDS, ChannelChoices

CALLBACK_ID = "keypoints_channel_settings"
EDIT_ACTION = "keypoints_home_edit"  # the Edit button of a channel row in the Home tab
PICK_ACTION = "keypoints_home_pick"  # the Home tab's channel picker ("set up a channel")
VALUE = "value"  # the action id of the one element in each input block

AUTO = "auto"
BULLETS = "bullets"
FAILURES = "failures"
MIN_WORDS = "min_words"
ADMINS_ONLY = "admins_only"
DIGEST_DAYS = "digest_days"
DIGEST_TIME = "digest_time"
DIGEST_TZ = "digest_tz"
FEEDS = "feeds"

DIGEST_OFF = "off"
DEFAULT_DIGEST_TIME = "08:00"
MAX_FORM_FEEDS = 30
FEEDS_MAX_CHARS = 3000  # a plain_text_input holds at most this much
METADATA_MAX_CHARS = 3000  # Slack's limit on private_metadata
_WEEKDAYS = ("Monday", "Tuesday", "Wednesday", "Thursday", "Friday", "Saturday", "Sunday")
DAYS_CHOICES: tuple[tuple[str, str], ...] = (
    (DIGEST_OFF, "Off"),
    ("weekdays", "On weekdays"),
    ("daily", "Every day"),
    *(
        (f"weekly-{code}", f"Weekly, on {day}")
        for code, day in zip(DAY_NAMES, _WEEKDAYS, strict=True)
    ),
)


@dataclass(frozen=True, slots=True)
class DigestForm:
    """The digest part of the form (shown when the bot runs the digest)."""

    schedule: Schedule | None
    feeds: tuple[str, ...]  # the channel's own feeds (empty: it gets the default list)
    default_tz: str  # the zone offered for a channel without a schedule (the viewer's)


@dataclass(frozen=True, slots=True)
class SettingsForm:
    """Everything the modal shows."""

    channel_id: str
    choices: ChannelChoices
    default_bullets: int  # the deployment's count (KEYPOINTS_BULLETS) for ``bullets=None``
    admin: bool  # the viewer is a workspace admin or owner: may set admins-only
    digest: DigestForm | None = None


@dataclass(frozen=True, slots=True)
class FormMeta:
    """What ``private_metadata`` carries back."""

    channel_id: str
    feeds: tuple[str, ...] | None  # the feeds the form showed (None: no feeds field)


@dataclass(frozen=True, slots=True)
class DigestInput:
    schedule: Schedule | None  # None: digest off
    feeds: tuple[str, ...] | None  # None: no feeds field in the form (leave them)


@dataclass(frozen=True, slots=True)
class SettingsInput:
    """A valid submission."""

    auto: bool
    public_failures: bool
    bullets: int
    min_words: int
    admins_only: bool | None  # None: not in the form (the viewer is no admin)
    digest: DigestInput | None  # None: no digest fields in the form


Errors = dict[str, str]  # block id → message, for ``response_action: errors``


def shown_bullets(chosen: int | None, default: int) -> int:
    """The count the form preselects: the channel's, else the deployment's (within 3–5)."""
    if chosen is not None:
        return chosen
    return min(max(default, CHANNEL_BULLETS[0]), CHANNEL_BULLETS[-1])


def settings_modal(form: SettingsForm) -> dict[str, Any]:
    """The modal for ``form`` (pure: the same form gives the same view)."""
    c = form.choices
    blocks: list[dict[str, Any]] = [
        _mrkdwn(f"Settings of <#{form.channel_id}>. They apply to everyone in the channel."),
        _input(
            AUTO,
            "Auto mode",
            _radio(
                [
                    ("on", "On", "Key points for every article link posted here"),
                    ("off", "Off", "Only when someone asks (mention, reaction, /keypoints)"),
                ],
                "on" if c.auto else "off",
            ),
        ),
        _input(
            BULLETS,
            "Key points per reply",
            _radio(
                [(str(n), str(n), None) for n in CHANNEL_BULLETS],
                str(shown_bullets(c.bullets, form.default_bullets)),
            ),
            hint="When the request names no count. More / Fewer under a reply still work.",
        ),
        _input(
            FAILURES,
            "When a link posted here can't be summarised (auto mode)",
            _radio(
                [
                    ("private", "Tell only the person who posted it", None),
                    ("public", "Say why in the thread, for everyone", None),
                ],
                "public" if c.public_failures else "private",
            ),
        ),
        _input(
            MIN_WORDS,
            "Shortest article auto mode answers (words)",
            {
                "type": "number_input",
                "action_id": VALUE,
                "is_decimal_allowed": False,
                "min_value": "0",
                "max_value": str(MAX_MIN_WORDS),
                **({"initial_value": str(c.min_words)} if c.min_words else {}),
                "placeholder": _plain("Any length"),
            },
            optional=True,
            hint="Empty or 0: any length. Sites listed with /keypoints sites always ignore it.",
        ),
    ]
    if form.admin:
        option = _option("admins", "Only workspace admins and owners", "Otherwise its members")
        checkboxes: dict[str, Any] = {"type": "checkboxes", "action_id": VALUE, "options": [option]}
        if c.admins_only:
            checkboxes["initial_options"] = [option]
        blocks.append(_input(ADMINS_ONLY, "Who may change these settings", checkboxes, True))
    else:
        blocks.append(
            _context("The channel's members and workspace admins may change these settings.")
        )
    feeds_shown: tuple[str, ...] | None = None
    if form.digest is not None:
        feeds_shown = _digest_blocks(form.digest, blocks)
    meta = {"channel": form.channel_id, "feeds": feeds_shown}
    return {
        "type": "modal",
        "callback_id": CALLBACK_ID,
        "title": _plain("Channel settings"),
        "submit": _plain("Save"),
        "close": _plain("Cancel"),
        "private_metadata": json.dumps(meta, separators=(",", ":")),
        "blocks": blocks,
    }


def _digest_blocks(digest: DigestForm, blocks: list[dict[str, Any]]) -> tuple[str, ...] | None:
    """Append the digest's fields; the feeds shown when they are editable here."""
    schedule = digest.schedule
    code = schedule.days_code if schedule else DIGEST_OFF
    days = [(value, label, None) for value, label in DAYS_CHOICES]
    select = {
        "type": "static_select",
        "action_id": VALUE,
        "options": [_option(v, label) for v, label, _ in days],
        "initial_option": _option(code, dict(DAYS_CHOICES).get(code, "Off")),
    }
    at = f"{schedule.at:%H:%M}" if schedule else DEFAULT_DIGEST_TIME
    tz = schedule.tz if schedule else digest.default_tz
    blocks += [
        {"type": "divider"},
        _mrkdwn("*Morning digest* of news from feeds and the links shared here."),
        _input(DIGEST_DAYS, "Digest", select),
        _input(
            DIGEST_TIME,
            "At",
            {"type": "timepicker", "action_id": VALUE, "initial_time": at},
            optional=True,
        ),
        _input(
            DIGEST_TZ,
            "Time zone",
            {
                "type": "plain_text_input",
                "action_id": VALUE,
                "initial_value": tz,
                "max_length": 64,
                "placeholder": _plain("Europe/Berlin"),
            },
            optional=True,
            hint="An Area/City name, e.g. America/New_York. Empty: yours.",
        ),
    ]
    text = "\n".join(digest.feeds)
    carried = len(json.dumps(digest.feeds)) + 100  # in private_metadata, with the channel
    if carried > METADATA_MAX_CHARS or len(digest.feeds) > MAX_FORM_FEEDS:
        blocks.append(
            _context(
                f"This channel has {len(digest.feeds)} feeds, too many to edit here: use "
                "`/keypoints feed list|add|remove|export`."
            )
        )
        return None
    box: dict[str, Any] = {
        "type": "plain_text_input",
        "action_id": VALUE,
        "multiline": True,
        "max_length": FEEDS_MAX_CHARS,
        "placeholder": _plain("https://example.com/feed.xml"),
    }
    if text:
        box["initial_value"] = text
    blocks.append(
        _input(
            FEEDS,
            "Feeds (one RSS or Atom address per line)",
            box,
            optional=True,
            hint="Empty: a default list of tech feeds. New feeds are checked after you save; "
            "I'll send you a message saying which I added.",
        )
    )
    return digest.feeds


def refusal_modal(text: str) -> dict[str, Any]:
    """A modal that only says why the form cannot be opened (no Save button)."""
    return {
        "type": "modal",
        "callback_id": f"{CALLBACK_ID}_refused",
        "title": _plain("Channel settings"),
        "close": _plain("OK"),
        "blocks": [_mrkdwn(text)],
    }


def read_metadata(private_metadata: str) -> FormMeta | None:
    """The channel (and feeds' version) the form was opened for; None when unreadable."""
    try:
        meta = json.loads(private_metadata or "")
    except ValueError:
        return None
    if not isinstance(meta, dict) or not isinstance(meta.get("channel"), str):
        return None
    channel = meta["channel"]
    if not channel or len(channel) > 32 or not channel.isalnum():
        return None
    feeds = meta.get("feeds")
    if not isinstance(feeds, list) or not all(isinstance(f, str) for f in feeds):
        return FormMeta(channel, None)
    return FormMeta(channel, tuple(feeds))


def parse_submission(
    values: Mapping[str, Any], *, default_tz: str, feeds_in_form: bool
) -> SettingsInput | Errors:
    """``view.state.values`` → typed settings, or a message for each field that is wrong.
    ``default_tz`` is used when the time zone is left empty."""
    errors: Errors = {}
    auto = _choice(values, AUTO)
    failures = _choice(values, FAILURES)
    if auto not in ("on", "off"):
        errors[AUTO] = "Choose on or off."
    if failures not in ("public", "private"):
        errors[FAILURES] = "Choose who is told."
    bullets_text = _choice(values, BULLETS) or ""
    bullets = int(bullets_text) if bullets_text.isdigit() else 0
    if bullets not in CHANNEL_BULLETS:
        errors[BULLETS] = "Choose 3, 4 or 5."
    words_text = (_field(values, MIN_WORDS).get("value") or "").strip()
    words = int(words_text) if words_text.isdigit() else (0 if not words_text else -1)
    if not 0 <= words <= MAX_MIN_WORDS:
        errors[MIN_WORDS] = f"A whole number from 0 to {MAX_MIN_WORDS}."
    admins_only: bool | None = None
    if ADMINS_ONLY in values:
        picked = _field(values, ADMINS_ONLY).get("selected_options") or []
        admins_only = any(o.get("value") == "admins" for o in picked)
    digest: DigestInput | None = None
    if DIGEST_DAYS in values:
        digest = _parse_digest(values, default_tz, feeds_in_form, errors)
    if errors:
        return errors
    return SettingsInput(
        auto=auto == "on",
        public_failures=failures == "public",
        bullets=bullets,
        min_words=words,
        admins_only=admins_only,
        digest=digest,
    )


def _parse_digest(
    values: Mapping[str, Any], default_tz: str, feeds_in_form: bool, errors: Errors
) -> DigestInput | None:
    code = _choice(values, DIGEST_DAYS) or DIGEST_OFF
    if code not in dict(DAYS_CHOICES):
        errors[DIGEST_DAYS] = "Choose when the digest is posted, or Off."
        return None
    tz = (_field(values, DIGEST_TZ).get("value") or "").strip() or default_tz
    try:
        zone(tz)
    except ScheduleError:
        errors[DIGEST_TZ] = f"Unknown time zone “{tz[:40]}”: use a name like Europe/Berlin."
    schedule: Schedule | None = None
    at_text = str(_field(values, DIGEST_TIME).get("selected_time") or "").strip()
    if code != DIGEST_OFF:
        if not at_text:
            errors[DIGEST_TIME] = "Pick the time the digest is posted."
        else:
            try:
                at = parse_time(at_text)
                if DIGEST_TZ not in errors:
                    schedule = Schedule.from_code(at, tz, code)
            except ScheduleError:
                errors[DIGEST_TIME] = "Pick a time like 08:30."
    feeds: tuple[str, ...] | None = None
    if feeds_in_form:
        feeds = _parse_feeds(str(_field(values, FEEDS).get("value") or ""), errors)
    return DigestInput(schedule, feeds)


def _parse_feeds(text: str, errors: Errors) -> tuple[str, ...]:
    """One http(s) address per line (blank lines ignored, repeats dropped)."""
    lines = [line.strip() for line in text.splitlines()]
    found: list[str] = []
    for number, line in enumerate(lines, 1):
        if not line:
            continue
        url = unwrap_link(line)  # as /keypoints feed add reads it
        if not _feed_address(url):
            shown = url if len(url) <= 40 else url[:39] + "…"
            errors[FEEDS] = f"Line {number} (“{shown}”) is not a feed address: it must start "
            errors[FEEDS] += "with https:// or http://."
            return ()
        found.append(url)
    unique = tuple(dict.fromkeys(found))
    if len(unique) > MAX_FORM_FEEDS:
        errors[FEEDS] = f"At most {MAX_FORM_FEEDS} feeds here; use /keypoints feed import for more."
        return ()
    return unique


def _feed_address(url: str) -> bool:
    """Looks like an absolute http(s) URL with a host, no spaces (``feed add`` checks the
    rest: address guard, fetch, parse)."""
    if len(url) > 2000 or any(ch.isspace() for ch in url):
        return False
    try:
        parts = urlsplit(url)
        host = parts.hostname
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(host)


def _field(values: Mapping[str, Any], block_id: str) -> dict[str, Any]:
    block = values.get(block_id) or {}
    field = block.get(VALUE) if isinstance(block, Mapping) else None
    return dict(field) if isinstance(field, Mapping) else {}


def _choice(values: Mapping[str, Any], block_id: str) -> str | None:
    option = _field(values, block_id).get("selected_option") or {}
    value = option.get("value") if isinstance(option, Mapping) else None
    return str(value) if value is not None else None


def _plain(text: str) -> dict[str, Any]:
    return {"type": "plain_text", "text": text, "emoji": True}


def _mrkdwn(text: str) -> dict[str, Any]:
    return {"type": "section", "text": {"type": "mrkdwn", "text": text}}


def _context(text: str) -> dict[str, Any]:
    return {"type": "context", "elements": [{"type": "mrkdwn", "text": text}]}


def _option(value: str, text: str, description: str | None = None) -> dict[str, Any]:
    option: dict[str, Any] = {"text": _plain(text), "value": value}
    if description:
        option["description"] = _plain(description)
    return option


def _radio(options: Sequence[tuple[str, str, str | None]], initial: str) -> dict[str, Any]:
    built = [_option(value, text, description) for value, text, description in options]
    element: dict[str, Any] = {"type": "radio_buttons", "action_id": VALUE, "options": built}
    chosen = next((o for o in built if o["value"] == initial), None)
    if chosen is not None:
        element["initial_option"] = chosen
    return element


def _input(
    block_id: str,
    label: str,
    element: dict[str, Any],
    optional: bool = False,
    *,
    hint: str | None = None,
) -> dict[str, Any]:
    block: dict[str, Any] = {
        "type": "input",
        "block_id": block_id,
        "label": _plain(label),
        "element": element,
        "optional": optional,
    }
    if hint:
        block["hint"] = _plain(hint)
    return block
