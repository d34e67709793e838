"""Safe fetching of user-posted links: SSRF-hardened, size- and time-bounded, charset-aware.

async with Fetcher(FetchSettings.from_env()) as fetcher:
    page = await fetcher.fetch("https://example.com/story")
    key = canonicalize_url(page.final_url, page.text)

The names below are imported on first use: ``bot.fetch.decode`` (what the CLI needs to read a
local file) then comes without aiohttp, which costs ~0.2 s of a ``keypoints summarize FILE``.
"""

from __future__ import annotations

from importlib import import_module
from typing import TYPE_CHECKING

if TYPE_CHECKING:
    from bot.fetch.client import Fetcher
    from bot.fetch.response import FetchedPage
    from bot.fetch.settings import FetchSettings
    from bot.fetch.urls import canonicalize_url

__all__ = ["FetchSettings", "FetchedPage", "Fetcher", "canonicalize_url"]

_HOMES = {
    "Fetcher": "bot.fetch.client",
    "FetchedPage": "bot.fetch.response",
    "FetchSettings": "bot.fetch.settings",
    "canonicalize_url": "bot.fetch.urls",
}


def __getattr__(name: str) -> object:
    home = _HOMES.get(name)
    if home is None:
        raise AttributeError(f"module {__name__!r} has no attribute {name!r}")
    value = getattr(import_module(home), name)
    globals()[name] = value  # once: later look-ups do not come here
    return value


def __dir__() -> list[str]:
    return sorted([*globals(), *__all__])
