"""Settings from the environment and a TOML file, with one-line errors."""

from __future__ import annotations

from pathlib import Path

import pytest

from bot.settings import Settings, SettingsError


def test_defaults_when_nothing_is_set() -> None:
    """With an empty environment the documented defaults apply and no mode is chosen."""
    settings = Settings.from_env({})
    assert (settings.bullets, settings.method, settings.reaction) == (3, "default", "memo")
    assert (settings.cache_ttl, settings.max_links, settings.port) == (86400, 5, 3000)
    assert settings.database_url == "sqlite+aiosqlite:///keypoints.db"
    assert settings.api_url == "https://slack.com/api/"
    assert settings.mode is None
    with pytest.raises(SettingsError, match="SLACK_APP_TOKEN"):
        settings.require_mode()


def test_mode_follows_the_tokens() -> None:
    """App + bot token → Socket Mode; bot token + signing secret → HTTP."""
    socket = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_APP_TOKEN": "xapp-1"})
    http = Settings.from_env({"SLACK_BOT_TOKEN": "xoxb-1", "SLACK_SIGNING_SECRET": "s"})
    assert socket.require_mode() == "socket" and http.require_mode() == "http"


def test_environment_overrides_config_file(tmp_path: Path) -> None:
    """Values come from KEYPOINTS_CONFIG unless the environment sets them too."""
    config = tmp_path / "keypoints.toml"
    config.write_text('KEYPOINTS_BULLETS = 4\nkeypoints_reaction = ":books:"\nPORT = 8080\n')
    settings = Settings.from_env(
        {"KEYPOINTS_CONFIG": str(config), "PORT": "9000", "SLACK_API_URL": "http://127.0.0.1:1/api"}
    )
    assert (settings.bullets, settings.reaction, settings.port) == (4, "books", 9000)
    assert settings.api_url == "http://127.0.0.1:1/api/"


def test_fetch_settings_are_read_from_the_same_sources() -> None:
    """KEYPOINTS_ALLOW_HOSTS reaches the fetcher's settings."""
    settings = Settings.from_env({"KEYPOINTS_ALLOW_HOSTS": "127.0.0.1"})
    assert settings.fetch.allow_hosts == ("127.0.0.1",)


@pytest.mark.parametrize(
    ("env", "message"),
    [
        ({"KEYPOINTS_BULLETS": "three"}, "KEYPOINTS_BULLETS must be a whole number"),
        ({"KEYPOINTS_BULLETS": "0"}, "KEYPOINTS_BULLETS must be between 1 and 10"),
        ({"KEYPOINTS_CACHE_TTL": "-1"}, "KEYPOINTS_CACHE_TTL must be at least 0"),
        ({"SLACK_BOT_TOKEN": "xapp-oops"}, "SLACK_BOT_TOKEN must start with 'xoxb-'"),
        ({"SLACK_API_URL": "ftp://x"}, "SLACK_API_URL must be an http"),
        ({"KEYPOINTS_METHOD": "lexrnak"}, "KEYPOINTS_METHOD must be one of default, lead"),
        ({"KEYPOINTS_ALLOW_HOSTS": "not a host!"}, "KEYPOINTS_ALLOW_HOSTS"),
        ({"KEYPOINTS_CONFIG": "/nonexistent/k.toml"}, "KEYPOINTS_CONFIG: cannot read"),
    ],
)
def test_wrong_values_raise_one_line_errors(env: dict[str, str], message: str) -> None:
    """Each bad value raises SettingsError whose single-line message names the variable."""
    with pytest.raises(SettingsError) as caught:
        Settings.from_env(env)
    assert message in caught.value.message and "\n" not in caught.value.message


def test_invalid_toml_is_reported(tmp_path: Path) -> None:
    """A config file that is not TOML gives a SettingsError naming the file."""
    config = tmp_path / "bad.toml"
    config.write_text("this is = = not toml")
    with pytest.raises(SettingsError, match="not valid TOML"):
        Settings.from_env({"KEYPOINTS_CONFIG": str(config)})


def test_reply_retry_settings_have_defaults_and_are_read() -> None:
    """KEYPOINTS_REPLY_RETRY_* default to 5 s / 300 s / 6 h and are read as numbers."""
    default = Settings.from_env({})
    assert (default.reply_retry_base, default.reply_retry_max) == (5.0, 300.0)
    assert default.reply_retry_window == 6 * 3600.0
    env = {
        "KEYPOINTS_REPLY_RETRY_BASE": "0.5",
        "KEYPOINTS_REPLY_RETRY_MAX": "60",
        "KEYPOINTS_REPLY_RETRY_WINDOW": "1800",
    }
    chosen = Settings.from_env(env)
    assert (chosen.reply_retry_base, chosen.reply_retry_max, chosen.reply_retry_window) == (
        0.5,
        60.0,
        1800.0,
    )
    with pytest.raises(SettingsError, match="KEYPOINTS_REPLY_RETRY_MAX"):
        Settings.from_env({"KEYPOINTS_REPLY_RETRY_MAX": "soon"})
