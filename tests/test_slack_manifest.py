"""The app manifest matches what the code listens for."""

from __future__ import annotations

from pathlib import Path

import yaml

from bot.slack.app import BOT_SCOPES
from bot.slack.handlers import COMMAND, SHORTCUT_CALLBACK_ID

MANIFEST = Path(__file__).resolve().parents[1] / "deploy" / "slack-manifest.yml"


def test_manifest_declares_the_command_shortcut_events_and_scopes() -> None:
    """Slash command, shortcut, bot events, scopes, interactivity and the App Home agree
    with the code."""
    manifest = yaml.safe_load(MANIFEST.read_text())
    features = manifest["features"]
    assert [c["command"] for c in features["slash_commands"]] == [COMMAND]
    assert [s["callback_id"] for s in features["shortcuts"]] == [SHORTCUT_CALLBACK_ID]
    assert features["shortcuts"][0]["type"] == "message"
    events = set(manifest["settings"]["event_subscriptions"]["bot_events"])
    assert events == {
        "message.channels",
        "message.groups",
        "message.im",
        "app_mention",
        "reaction_added",
        "app_uninstalled",
        "tokens_revoked",
        "app_home_opened",
    }
    scopes = set(manifest["oauth_config"]["scopes"]["bot"])
    assert {
        "chat:write",
        "channels:history",
        "groups:history",
        "app_mentions:read",
        "commands",
        "reactions:read",
        "reactions:write",
        "users:read",  # is_admin / is_owner: Remove, admins-only settings
        "channels:read",  # conversations.members: who may change a channel's settings
        "groups:read",
    } <= scopes
    assert scopes == set(BOT_SCOPES)  # the OAuth install asks for exactly the same
    home = features["app_home"]
    assert home["messages_tab_enabled"] is True and home["messages_tab_read_only_enabled"] is False
    assert home["home_tab_enabled"] is True  # bot.slack.home publishes it
    assert manifest["settings"]["socket_mode_enabled"] is True
    assert manifest["settings"]["interactivity"]["is_enabled"] is True
