"""Runtime settings of the Slack bot, from the environment and an optional TOML file.

Precedence: environment variable > ``KEYPOINTS_CONFIG`` file > default. The file uses the same
names as the environment (``SLACK_BOT_TOKEN = "xoxb-..."``, ``KEYPOINTS_BULLETS = 3``), so one
list of names documents both. A missing or wrong value raises ``SettingsError`` whose message is
one line the CLI can print before exiting with status 2.
"""

from __future__ import annotations

import os
import tomllib
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, Literal

from bot.errors import SettingsError
from bot.fetch.settings import FetchSettings
from bot.methods import METHOD_NAMES
from bot.store.db import DEFAULT_DATABASE_URL
from bot.workers import default_workers

__all__ = ["DEFAULT_SLACK_API_URL", "Mode", "Settings", "SettingsError"]

DEFAULT_SLACK_API_URL = "https://slack.com/api/"

Mode = Literal["socket", "http", "oauth"]


@dataclass(frozen=True, slots=True)
class Settings:
    """Everything ``serve`` and ``console`` need; build it with ``Settings.from_env()``."""

    bot_token: str | None = None
    app_token: str | None = None
    signing_secret: str | None = None
    port: int = 3000
    api_url: str = DEFAULT_SLACK_API_URL
    database_url: str = DEFAULT_DATABASE_URL
    bullets: int = 3
    method: str = "default"
    reaction: str = "memo"
    cache_ttl: float = 86400.0
    failure_cache_ttl: float = 600.0
    max_links: int = 5
    post_interval: float = 1.0  # seconds between two posts in one channel (Slack: ~1/s)
    client_id: str | None = None  # with client_secret: multi-workspace OAuth install
    client_secret: str | None = None
    # A link job not finished within the lease (its replica died) is re-taken by the sweep.
    job_lease: float = 60.0  # renewed while a job runs; after it, the job is presumed orphaned
    job_sweep_interval: float = 15.0
    job_max_attempts: int = 3
    # Slack failing (429, 5xx, network) longer than the SDK's retries: the reply stays pending
    # and is retried after a wait that grows with the outage (from base up to max seconds, never
    # sooner than Retry-After), until the job is reply_retry_window seconds old.
    reply_retry_base: float = 5.0
    reply_retry_max: float = 300.0
    reply_retry_window: float = 6 * 3600.0
    digest_tick: float = 30.0  # seconds between two digest scheduler ticks
    # /metrics elsewhere than PORT ("127.0.0.1:9100"), and/or behind a bearer token.
    metrics_addr: tuple[str, int] | None = None
    metrics_token: str | None = None
    # Worker processes that extract and summarise (0: threads in the bot's own process).
    workers: int = field(default_factory=default_workers)
    job_seconds: float = 5.0  # wall-clock budget of one extract → summarise job in a worker
    fetch: FetchSettings = field(default_factory=FetchSettings)

    @property
    def oauth(self) -> bool:
        """Multi-workspace: tokens come from installs through ``/slack/install``."""
        return bool(self.client_id and self.client_secret)

    @property
    def mode(self) -> Mode | None:
        """How ``serve`` connects: Socket Mode, HTTP Events API (one workspace, or any number
        installed through OAuth), or None (not configured)."""
        if self.oauth and self.signing_secret:
            return "oauth"
        if self.bot_token and self.app_token:
            return "socket"
        if self.bot_token and self.signing_secret:
            return "http"
        return None

    def require_mode(self) -> Mode:
        """The connection mode, or a ``SettingsError`` naming the variables to set."""
        if self.mode is None:
            raise SettingsError(
                "Slack is not configured: set SLACK_BOT_TOKEN and SLACK_APP_TOKEN (Socket Mode) "
                "or SLACK_BOT_TOKEN and SLACK_SIGNING_SECRET (HTTP), "
                "or SLACK_CLIENT_ID, SLACK_CLIENT_SECRET and SLACK_SIGNING_SECRET (OAuth); "
                "or run `keypoints console` to try the bot offline."
            )
        return self.mode

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> Settings:
        """Read and validate the settings; raises ``SettingsError`` with one clear line."""
        env = os.environ if env is None else env
        values = _merged(env)
        reader = _Reader(values)
        settings = cls(
            bot_token=reader.token("SLACK_BOT_TOKEN", "xoxb-"),
            app_token=reader.token("SLACK_APP_TOKEN", "xapp-"),
            signing_secret=reader.text("SLACK_SIGNING_SECRET"),
            port=reader.integer("PORT", 3000, 1, 65535),
            api_url=_with_slash(reader.text("SLACK_API_URL") or DEFAULT_SLACK_API_URL),
            database_url=reader.text("DATABASE_URL") or DEFAULT_DATABASE_URL,
            bullets=reader.integer("KEYPOINTS_BULLETS", 3, 1, 10),
            method=reader.text("KEYPOINTS_METHOD") or "default",
            reaction=(reader.text("KEYPOINTS_REACTION") or "memo").strip(":"),
            cache_ttl=reader.number("KEYPOINTS_CACHE_TTL", 86400.0, 0.0),
            failure_cache_ttl=reader.number("KEYPOINTS_FAILURE_CACHE_TTL", 600.0, 0.0),
            max_links=reader.integer("KEYPOINTS_MAX_LINKS", 5, 1, 20),
            post_interval=reader.number("KEYPOINTS_POST_INTERVAL", 1.0, 0.0),
            client_id=reader.text("SLACK_CLIENT_ID"),
            client_secret=reader.text("SLACK_CLIENT_SECRET"),
            job_lease=reader.number("KEYPOINTS_JOB_LEASE", 60.0, 0.1),
            job_sweep_interval=reader.number("KEYPOINTS_JOB_SWEEP_INTERVAL", 15.0, 0.1),
            job_max_attempts=reader.integer("KEYPOINTS_JOB_MAX_ATTEMPTS", 3, 1, 100),
            reply_retry_base=reader.number("KEYPOINTS_REPLY_RETRY_BASE", 5.0, 0.0),
            reply_retry_max=reader.number("KEYPOINTS_REPLY_RETRY_MAX", 300.0, 0.0),
            reply_retry_window=reader.number("KEYPOINTS_REPLY_RETRY_WINDOW", 6 * 3600.0, 0.0),
            workers=reader.integer("KEYPOINTS_WORKERS", default_workers(), 0, 64),
            job_seconds=reader.number("KEYPOINTS_JOB_SECONDS", 5.0, 0.1),
            digest_tick=reader.number("KEYPOINTS_DIGEST_TICK", 30.0, 0.1),
            metrics_addr=_address(reader.text("KEYPOINTS_METRICS_ADDR")),
            metrics_token=reader.text("KEYPOINTS_METRICS_TOKEN"),
            fetch=_fetch_settings(values),
        )
        if bool(settings.client_id) != bool(settings.client_secret):
            raise SettingsError("set both SLACK_CLIENT_ID and SLACK_CLIENT_SECRET, or neither")
        if settings.oauth and settings.app_token:
            raise SettingsError("OAuth install works over HTTP: unset SLACK_APP_TOKEN")
        _check_method(settings.method)
        if not settings.api_url.startswith(("http://", "https://")):
            raise SettingsError(f"SLACK_API_URL must be an http(s) URL, got {settings.api_url!r}")
        return settings


def _check_method(method: str) -> None:
    """A misspelt method must stop the start, not fail every link later."""
    if method not in METHOD_NAMES:
        names = ", ".join(METHOD_NAMES)
        raise SettingsError(f"KEYPOINTS_METHOD must be one of {names}, got {method!r}")


def _merged(env: Mapping[str, str]) -> dict[str, str]:
    """The config file's values overlaid by the environment's."""
    merged: dict[str, str] = {}
    path = env.get("KEYPOINTS_CONFIG")
    if path:
        merged.update(_read_config(Path(path)))
    merged.update({k: v for k, v in env.items() if v != ""})
    return merged


def _read_config(path: Path) -> dict[str, str]:
    try:
        data: dict[str, Any] = tomllib.loads(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise SettingsError(f"KEYPOINTS_CONFIG: cannot read {path}: {exc.strerror}") from exc
    except tomllib.TOMLDecodeError as exc:
        raise SettingsError(f"KEYPOINTS_CONFIG: {path} is not valid TOML: {exc}") from exc
    flat: dict[str, str] = {}
    for key, value in data.items():
        if isinstance(value, dict | list):
            raise SettingsError(f"KEYPOINTS_CONFIG: {key} must be a plain value, not a table")
        flat[key.upper()] = str(value).lower() if isinstance(value, bool) else str(value)
    return flat


def _fetch_settings(values: Mapping[str, str]) -> FetchSettings:
    """Validate the fetch settings now, so a bad value stops the start, not the first link."""
    try:
        return FetchSettings.from_env(values)
    except ValueError as exc:
        raise SettingsError(str(exc)) from exc


def _address(raw: str | None) -> tuple[str, int] | None:
    """``host:port``, ``[v6]:port`` or ``:port`` (every interface) → (host, port)."""
    if raw is None:
        return None
    host, sep, port = raw.rpartition(":")
    host = host.removeprefix("[").removesuffix("]") or "0.0.0.0"
    if not sep or not port.isdigit() or not 0 < int(port) < 65536:
        raise SettingsError(
            f"KEYPOINTS_METRICS_ADDR must be host:port (e.g. 127.0.0.1:9100), got {raw!r}"
        )
    return host, int(port)


def _with_slash(url: str) -> str:
    return url if url.endswith("/") else url + "/"


class _Reader:
    """Typed access to the merged values, naming the variable in every error."""

    def __init__(self, values: Mapping[str, str]) -> None:
        self._values = values

    def text(self, name: str) -> str | None:
        value = self._values.get(name, "").strip()
        return value or None

    def token(self, name: str, prefix: str) -> str | None:
        value = self.text(name)
        if value is not None and not value.startswith(prefix):
            raise SettingsError(
                f"{name} must start with {prefix!r} (check you copied the right token)"
            )
        return value

    def integer(self, name: str, default: int, low: int, high: int) -> int:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = int(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a whole number, got {raw!r}") from None
        if not low <= value <= high:
            raise SettingsError(f"{name} must be between {low} and {high}, got {value}")
        return value

    def number(self, name: str, default: float, low: float) -> float:
        raw = self.text(name)
        if raw is None:
            return default
        try:
            value = float(raw)
        except ValueError:
            raise SettingsError(f"{name} must be a number, got {raw!r}") from None
        if value < low:
            raise SettingsError(f"{name} must be at least {low:g}, got {value:g}")
        return value
