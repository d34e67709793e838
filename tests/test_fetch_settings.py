"""Fetch settings: sane defaults, environment overrides, one clear line for bad values."""

from __future__ import annotations

import pytest

from bot.fetch import FetchSettings


def test_defaults() -> None:
    """Defaults match the documented limits and name the bot in the User-Agent."""
    settings = FetchSettings()
    assert (settings.connect_timeout, settings.total_timeout) == (5.0, 15.0)
    assert (settings.max_bytes, settings.max_redirects) == (5_000_000, 5)
    assert settings.allow_hosts == ()
    assert settings.user_agent.startswith("KeypointsBot/")


def test_from_env_reads_every_variable() -> None:
    """Each KEYPOINTS_* variable overrides its setting; the allow-list is comma-separated."""
    settings = FetchSettings.from_env(
        {
            "KEYPOINTS_ALLOW_HOSTS": " wiki.corp, 10.0.0.0/8 ,,127.0.0.1",
            "KEYPOINTS_FETCH_CONNECT_TIMEOUT": "2.5",
            "KEYPOINTS_FETCH_TIMEOUT": "30",
            "KEYPOINTS_FETCH_MAX_BYTES": "1000000",
        }
    )
    assert settings.allow_hosts == ("wiki.corp", "10.0.0.0/8", "127.0.0.1")
    assert (settings.connect_timeout, settings.total_timeout) == (2.5, 30.0)
    assert settings.max_bytes == 1_000_000


def test_from_env_ignores_unset_and_empty_variables() -> None:
    """Empty variables keep the defaults."""
    assert FetchSettings.from_env({"KEYPOINTS_FETCH_TIMEOUT": ""}) == FetchSettings()


@pytest.mark.parametrize(
    ("variable", "value"),
    [
        ("KEYPOINTS_FETCH_TIMEOUT", "soon"),
        ("KEYPOINTS_FETCH_TIMEOUT", "-1"),
        ("KEYPOINTS_FETCH_CONNECT_TIMEOUT", "0"),
        ("KEYPOINTS_FETCH_MAX_BYTES", "5MB"),
        ("KEYPOINTS_FETCH_MAX_BYTES", "0"),
        ("KEYPOINTS_ALLOW_HOSTS", "http://intranet"),
    ],
)
def test_bad_values_name_the_variable(variable: str, value: str) -> None:
    """A bad value raises ValueError whose single line names the variable."""
    with pytest.raises(ValueError, match=variable) as caught:
        FetchSettings.from_env({variable: value})
    assert "\n" not in str(caught.value)


def test_invalid_direct_construction_is_refused() -> None:
    """Constructing settings with impossible limits fails at once."""
    with pytest.raises(ValueError, match="max_redirects"):
        FetchSettings(max_redirects=-1)
    with pytest.raises(ValueError, match="allow-list entry"):
        FetchSettings(allow_hosts=("not a host",))
