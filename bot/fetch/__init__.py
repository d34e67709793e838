"""Safe fetching of user-posted links: SSRF-hardened, size- and time-bounded, charset-aware.

async with Fetcher(FetchSettings.from_env()) as fetcher:
    page = await fetcher.fetch("https://example.com/story")
    key = canonicalize_url(page.final_url, page.text)
"""

from bot.fetch.client import Fetcher
from bot.fetch.response import FetchedPage
from bot.fetch.settings import FetchSettings
from bot.fetch.urls import canonicalize_url

__all__ = ["FetchSettings", "FetchedPage", "Fetcher", "canonicalize_url"]
