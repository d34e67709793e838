"""Fetcher limits and the explicit allow-list, from code or from the environment."""

from __future__ import annotations

import os
from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from bot import __version__
from bot.fetch.policy import AllowList

DEFAULT_USER_AGENT = f"KeypointsBot/{__version__} (+https://github.com/keypoints/keypoints)"


@dataclass(frozen=True)
class FetchSettings:
    """Every knob of the fetcher; the defaults suit a Slack bot on a company network."""

    connect_timeout: float = 5.0
    total_timeout: float = 15.0  # whole fetch, all redirect hops and the body included
    max_bytes: int = 5_000_000  # after decompression
    # PDFs (papers, white papers) are larger than pages for the same text; only a body that
    # starts with the PDF signature may use this cap, and only when the caller reads PDFs.
    max_pdf_bytes: int = 20_000_000
    max_redirects: int = 5
    allow_hosts: tuple[str, ...] = ()  # host names, IPs or CIDRs that bypass the address policy
    user_agent: str = DEFAULT_USER_AGENT
    max_connections: int = 20  # global concurrency
    max_per_host: int = 4  # per-host concurrency
    allow_list: AllowList = field(init=False, repr=False, compare=False)

    def __post_init__(self) -> None:
        for name in (
            "connect_timeout",
            "total_timeout",
            "max_bytes",
            "max_pdf_bytes",
            "max_connections",
            "max_per_host",
        ):
            if not getattr(self, name) > 0:
                raise ValueError(f"{name} must be positive, got {getattr(self, name)!r}")
        if self.max_redirects < 0:
            raise ValueError(f"max_redirects must be >= 0, got {self.max_redirects!r}")
        # Parsed once here so a bad entry fails at start-up, not on the first fetch.
        object.__setattr__(self, "allow_list", AllowList.parse(self.allow_hosts))

    @classmethod
    def from_env(cls, env: Mapping[str, str] | None = None) -> FetchSettings:
        """Read KEYPOINTS_ALLOW_HOSTS (comma-separated), KEYPOINTS_FETCH_CONNECT_TIMEOUT,
        KEYPOINTS_FETCH_TIMEOUT, KEYPOINTS_FETCH_MAX_BYTES and KEYPOINTS_FETCH_MAX_PDF_BYTES;
        unset ones keep the defaults.

        Raises ValueError with one line naming the variable when a value is unusable.
        """
        env = os.environ if env is None else env
        values: dict[str, Any] = {}
        readers: dict[str, tuple[str, Callable[[str], Any]]] = {
            "KEYPOINTS_FETCH_CONNECT_TIMEOUT": ("connect_timeout", _seconds),
            "KEYPOINTS_FETCH_TIMEOUT": ("total_timeout", _seconds),
            "KEYPOINTS_FETCH_MAX_BYTES": ("max_bytes", _byte_count),
            "KEYPOINTS_FETCH_MAX_PDF_BYTES": ("max_pdf_bytes", _byte_count),
            "KEYPOINTS_ALLOW_HOSTS": ("allow_hosts", _split_hosts),
        }
        for variable, (name, convert) in readers.items():
            raw = env.get(variable, "").strip()
            if not raw:
                continue
            try:
                values[name] = convert(raw)
            except ValueError as exc:
                raise ValueError(f"{variable}={raw!r} is not valid: {exc}") from None
        try:
            return cls(**values)
        except ValueError as exc:
            # __post_init__ messages start with the field name; report the variable instead.
            variables = {name: variable for variable, (name, _) in readers.items()}
            variable = variables.get(str(exc).split()[0], "fetch settings")
            raise ValueError(f"{variable}: {exc}") from None


def _seconds(raw: str) -> float:
    try:
        return float(raw)
    except ValueError:
        raise ValueError("expected a number of seconds, e.g. 15 or 2.5") from None


def _byte_count(raw: str) -> int:
    try:
        return int(raw)
    except ValueError:
        raise ValueError("expected a whole number of bytes, e.g. 5000000") from None


def _split_hosts(raw: str) -> tuple[str, ...]:
    hosts = tuple(part.strip() for part in raw.split(",") if part.strip())
    AllowList.parse(hosts)  # validate now so the error names the variable
    return hosts
