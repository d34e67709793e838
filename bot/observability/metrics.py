"""Prometheus metrics for Keypoints, on a registry of our own.

Every metric is defined here once, so names and labels stay consistent between the bot, the
digest and the pipeline. Label values are bounded: fetch failures are labelled by registrable
domain, and past ``MAX_DOMAINS`` distinct domains new ones are counted as ``other`` so a flood of
unique links cannot blow up the time-series count. Targets the fetcher refused (internal
addresses, malformed URLs) all share the label ``refused``: which internal addresses people
tried is not for whoever can read ``/metrics``.
"""

from __future__ import annotations

import ipaddress
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from urllib.parse import urlsplit

from prometheus_client import CollectorRegistry, Counter, Histogram, generate_latest
from prometheus_client.exposition import CONTENT_TYPE_LATEST

REGISTRY = CollectorRegistry(auto_describe=True)
CONTENT_TYPE = CONTENT_TYPE_LATEST
MAX_DOMAINS = 500
REFUSED = "refused"
# Failure reasons whose URL names something we would not fetch (see bot.errors).
REFUSED_REASONS = frozenset({"blocked", "invalid_url"})

EVENTS_RECEIVED = Counter(
    "keypoints_events_received", "Slack requests received, by kind.", ["kind"], registry=REGISTRY
)
REPLIES_POSTED = Counter(
    "keypoints_replies_posted",
    "Messages the bot posted, by kind and outcome.",
    ["kind", "outcome"],
    registry=REGISTRY,
)
SUMMARIES = Counter(
    "keypoints_summaries",
    "Summaries attempted, by outcome (ok, cached, or an error reason).",
    ["outcome"],
    registry=REGISTRY,
)
FETCH_FAILURES = Counter(
    "keypoints_fetch_failures",
    "Failed page or feed fetches, by reason and domain.",
    ["reason", "domain"],
    registry=REGISTRY,
)
REQUESTS_REJECTED = Counter(
    "keypoints_requests_rejected",
    "Requests to /slack/events refused: bad_signature, malformed, other_workspace.",
    ["reason"],
    registry=REGISTRY,
)
DIGESTS_POSTED = Counter(
    "keypoints_digests_posted",
    "Digests posted or skipped, by outcome.",
    ["outcome"],
    registry=REGISTRY,
)
_LATENCY_BUCKETS = (0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1.0, 2.5, 5.0, 10.0, 20.0)
STAGE_SECONDS = Histogram(
    "keypoints_stage_seconds",
    "Time spent per pipeline stage: fetch, extract, summarise, end_to_end.",
    ["stage"],
    buckets=_LATENCY_BUCKETS,
    registry=REGISTRY,
)

_domains: set[str] = set()
_domains_lock = threading.Lock()


def domain_label(url: str, reason: str | None = None) -> str:
    """The registrable-ish domain of ``url`` (last two labels), capped in cardinality;
    ``refused`` for a failure whose ``reason`` says the target was refused."""
    if reason in REFUSED_REASONS:
        return REFUSED
    try:
        host = (urlsplit(url).hostname or "").rstrip(".").lower()
    except ValueError:  # e.g. an unclosed "[" in an IPv6 literal
        return "invalid"
    labels = host.split(".")
    if _is_ip(host):
        domain = host  # "0.1" would say nothing about 127.0.0.1
    else:
        domain = ".".join(labels[-2:]) if len(labels) >= 2 else (host or "invalid")
    with _domains_lock:
        if domain in _domains:
            return domain
        if len(_domains) >= MAX_DOMAINS:
            return "other"
        _domains.add(domain)
    return domain


def _is_ip(host: str) -> bool:
    try:
        ipaddress.ip_address(host)
    except ValueError:
        return False
    return True


@contextmanager
def timed(stage: str) -> Iterator[None]:
    """Observe the duration of the block in ``keypoints_stage_seconds{stage=...}``."""
    start = time.perf_counter()
    try:
        yield
    finally:
        STAGE_SECONDS.labels(stage).observe(time.perf_counter() - start)


def exposition() -> bytes:
    """The current metrics in Prometheus text format."""
    return generate_latest(REGISTRY)
