"""Event-handling benchmark: a real ``keypoints serve`` under Slack-like load, on 127.0.0.1.

Three processes: this one (a local article site and the Slack Web API stand-in), the bot
(``python -m bot serve`` in HTTP mode, default settings, its worker processes) and the load
generator (its own process and event loop, so its work does not inflate the bot's tails).
Scenarios, run one after the other against the same bot:

- ``mixed``: 50 events/s for 20 s; 80 % messages without links, 20 % with one or two article
  links; a fifth of the deliveries are retried by "Slack" (``X-Slack-Retry-Num: 1``, 0.5 s
  later). Target: ack p99 <= 50 ms.
- ``burst``: 200 link events within 1 s (a fifth retried). Target: ack p99 <= 500 ms, every
  link answered exactly once.
- ``saturation``: 1,000 link events at 100/s over 250 channels (so Slack's per-channel pacing,
  1 post/s, is not the limit): links answered per second (and per core), message-to-reply.

Every link points at its own article (real fetch -> extract -> summarise, no cache hits); each
reply's title names its article, so "exactly once" is checked per link. Resident memory is the
bot process plus its workers (RSS summed) at idle and after the scenarios.

    .venv/bin/python bench/bench_events.py                       # SQLite (a fresh file)
    .venv/bin/python bench/bench_events.py --database postgres   # a fresh database on :5432

Prints a Markdown table and writes ``bench/results/events-<database>.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import hashlib
import hmac
import json
import os
import platform
import random
import re
import statistics
import sys
import tempfile
import time
from collections import Counter
from concurrent.futures import ProcessPoolExecutor
from contextlib import AsyncExitStack, suppress
from dataclasses import dataclass
from multiprocessing import get_context
from pathlib import Path
from typing import Any

import aiohttp
import psutil

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.article_site import ArticleSite  # noqa: E402
from fakes.bot_process import BotProcess  # noqa: E402
from fakes.fake_slack import event_callback, link_message, next_ts  # noqa: E402

from bot.slack.standin import SlackStandIn  # noqa: E402

RESULTS = ROOT / "bench" / "results"
SECRET = "bench-signing-secret"
TOKEN = "xoxb-bench"
RETRY_DELAY = 0.5
TITLE = re.compile(r"Rail plan, part (\d+)")


@dataclass(frozen=True, slots=True)
class Delivery:
    at: float  # seconds after the start
    body: bytes
    ts: str  # the message's ts (message-to-reply is measured from its first delivery)
    retry: bool


def generate(url: str, plan: list[Delivery], limit_s: float) -> list[tuple[str, float, float, int]]:
    """In the load generator's process: send ``plan`` on time; per delivery (ts, sent at
    (monotonic, comparable across processes), ack seconds, HTTP status)."""
    return asyncio.run(_generate(url, plan, limit_s))


async def _generate(
    url: str, plan: list[Delivery], limit_s: float
) -> list[tuple[str, float, float, int]]:
    results: list[tuple[str, float, float, int]] = []
    timeout = aiohttp.ClientTimeout(total=10)
    connector = aiohttp.TCPConnector(limit=500)
    async with aiohttp.ClientSession(timeout=timeout, connector=connector) as session:
        start = time.monotonic()

        async def send(d: Delivery) -> None:
            await asyncio.sleep(max(0.0, d.at - (time.monotonic() - start)))
            stamp = str(int(time.time()))
            mac = hmac.new(SECRET.encode(), f"v0:{stamp}:".encode() + d.body, hashlib.sha256)
            headers = {
                "Content-Type": "application/json",
                "X-Slack-Request-Timestamp": stamp,
                "X-Slack-Signature": f"v0={mac.hexdigest()}",
            }
            if d.retry:
                headers |= {"X-Slack-Retry-Num": "1", "X-Slack-Retry-Reason": "http_timeout"}
            sent = time.monotonic()
            try:
                async with session.post(url, data=d.body, headers=headers) as response:
                    await response.read()
                    status = response.status
            except (aiohttp.ClientError, TimeoutError):
                status = 0
            results.append((d.ts, sent, time.monotonic() - sent, status))

        async with asyncio.timeout(limit_s):
            await asyncio.gather(*(send(d) for d in plan))
    return results


def plan_for(
    scenario: str, first_article: int, rng: random.Random
) -> tuple[list[Delivery], dict[str, list[int]]]:
    """The deliveries, and the article numbers each message links to."""
    if scenario == "mixed":
        count, seconds, channels, link_share = 1000, 20.0, 50, 0.2
    elif scenario == "burst":
        count, seconds, channels, link_share = 200, 1.0, 50, 1.0
    else:
        count, seconds, channels, link_share = 1000, 10.0, 250, 1.0
    article = first_article
    plan: list[Delivery] = []
    links: dict[str, list[int]] = {}
    for i in range(count):
        channel = f"C{i % channels:03d}"
        has_links = rng.random() < link_share
        n_links = (1 if scenario != "mixed" or rng.random() < 0.5 else 2) if has_links else 0
        numbers = list(range(article, article + n_links))
        article += n_links
        if numbers:
            urls = [f"{{site}}/article/{n}" for n in numbers]
            message = link_message(urls[0], channel=channel, text=" ".join(f"<{u}>" for u in urls))
            message["blocks"][0]["elements"][0]["elements"] = [
                {"type": "link", "url": u} for u in urls
            ]
            links[message["ts"]] = numbers
        else:
            message = {
                "type": "message",
                "channel": channel,
                "user": "U1",
                "ts": next_ts(),
                "text": "sounds good, see you at the stand-up",
                "channel_type": "channel",
            }
        at = i * seconds / count
        body = json.dumps(event_callback(message))
        plan.append(Delivery(at, body.encode(), message["ts"], False))
        if rng.random() < 0.2:
            plan.append(Delivery(at + RETRY_DELAY, body.encode(), message["ts"], True))
    return plan, links


def rss_mb(pid: int) -> float:
    """Resident memory of the bot and its workers, summed (shared pages counted in each)."""
    proc = psutil.Process(pid)
    total = proc.memory_info().rss
    for child in proc.children(recursive=True):
        with suppress(psutil.NoSuchProcess):
            total += child.memory_info().rss
    return round(total / 2**20, 1)


def pct(values: list[float], q: float) -> float:
    ordered = sorted(values)
    return round(ordered[min(len(ordered) - 1, int(len(ordered) * q))], 1)


async def scenario_run(
    name: str,
    bot: BotProcess,
    pid: int,
    site: ArticleSite,
    slack: SlackStandIn,
    pool: ProcessPoolExecutor,
    first_article: int,
) -> tuple[dict[str, Any], int]:
    plan, links = plan_for(name, first_article, random.Random(name))
    site_base = site.url("")
    plan = [
        Delivery(d.at, d.body.replace(b"{site}", site_base.encode()), d.ts, d.retry) for d in plan
    ]
    expected = {n for numbers in links.values() for n in numbers}
    before = len(slack.calls_to("chat.postMessage"))
    loop = asyncio.get_running_loop()
    results = await loop.run_in_executor(pool, generate, f"{bot.base}/slack/events", plan, 120.0)
    first_sent = min(sent for _, sent, _, _ in results)
    deadline = time.monotonic() + 300
    while time.monotonic() < deadline:  # every link answered, or give up after 5 minutes
        posts = slack.calls_to("chat.postMessage")[before:]
        if len(posts) >= len(expected):
            break
        await asyncio.sleep(0.1)
    await asyncio.sleep(2.0)  # anything late would show up as a duplicate
    posts = slack.calls_to("chat.postMessage")[before:]
    answered: Counter[int] = Counter()
    reply_at: dict[str, list[float]] = {}
    for post in posts:
        found = TITLE.search(str(post.args.get("text", "")))
        if found:
            answered[int(found.group(1))] += 1
        reply_at.setdefault(str(post.args.get("thread_ts")), []).append(post.at)
    sent_at: dict[str, float] = {}
    for ts, sent, _, _ in results:
        sent_at[ts] = min(sent, sent_at.get(ts, sent))
    to_reply = [at - sent_at[ts] for ts, ats in reply_at.items() if ts in sent_at for at in ats]
    acks = [ack * 1000 for _, _, ack, _ in results]
    last_reply = max((p.at for p in posts), default=first_sent)
    result = {
        "scenario": name,
        "deliveries": len(results),
        "retried_deliveries": sum(d.retry for d in plan),
        "link_messages": len(links),
        "links": len(expected),
        "http_statuses": dict(Counter(status for _, _, _, status in results)),
        "replies": len(posts),
        "every_link_answered_once": set(answered) == expected
        and all(n == 1 for n in answered.values())
        and len(posts) == len(expected),
        "ack_p50_ms": round(statistics.median(acks), 1),
        "ack_p99_ms": pct(acks, 0.99),
        "ack_max_ms": round(max(acks), 1),
        "reply_p50_s": pct(to_reply, 0.5) if to_reply else None,
        "reply_p99_s": pct(to_reply, 0.99) if to_reply else None,
        "links_answered_per_s": round(len(posts) / max(1e-9, last_reply - first_sent), 1),
        "rss_after_mb": rss_mb(pid),
    }
    return result, max(expected, default=first_article) + 1


async def run(database: str, scenarios: list[str]) -> dict[str, Any]:
    async with AsyncExitStack() as stack:
        tmp = Path(stack.enter_context(tempfile.TemporaryDirectory()))
        if database == "postgres":
            from fakes.ops_postgres import fresh_database

            url = await stack.enter_async_context(fresh_database())
        else:
            url = f"sqlite+aiosqlite:///{tmp / 'bench.db'}"
        site = await stack.enter_async_context(ArticleSite())
        slack = await stack.enter_async_context(SlackStandIn())
        env = {
            "SLACK_BOT_TOKEN": TOKEN,
            "SLACK_SIGNING_SECRET": SECRET,
            "SLACK_API_URL": slack.api_url,
            "DATABASE_URL": url,
            "KEYPOINTS_ALLOW_HOSTS": "127.0.0.1",
        }
        bot = BotProcess(env, tmp / "bot.log")
        await bot.start()
        stack.push_async_callback(bot.stop)
        session = await stack.enter_async_context(aiohttp.ClientSession())
        await bot.wait_healthy(session, within=60)
        assert bot._proc is not None
        pid = bot._proc.pid
        print(f"bot pid {pid}", file=sys.stderr, flush=True)  # for a profiler
        await asyncio.sleep(3.0)  # idle: workers warmed up, nothing to do
        idle = rss_mb(pid)
        pool = stack.enter_context(ProcessPoolExecutor(1, mp_context=get_context("spawn")))
        article = 0
        runs = []
        for name in scenarios:
            result, article = await scenario_run(name, bot, pid, site, slack, pool, article)
            runs.append(result)
            await asyncio.sleep(2.0)
        return {
            "database": database,
            "cores": os.cpu_count(),
            "rss_idle_mb": idle,
            "links_total": article,
            "runs": runs,
            "machine": f"{platform.machine()} {platform.python_version()}",
        }


def markdown(result: dict[str, Any]) -> str:
    lines = [
        f"database: {result['database']}; RSS of serve + workers: idle {result['rss_idle_mb']} MB",
        "",
        "| scenario | deliveries (retried) | links | exactly once | ack p50 / p99 / max ms "
        "| message→reply p50 / p99 s | links answered / s (per core) | RSS after MB |",
        "|---|---|---|---|---|---|---|---|",
    ]
    for r in result["runs"]:
        per_core = round(r["links_answered_per_s"] / (result["cores"] or 1), 1)
        lines.append(
            f"| {r['scenario']} | {r['deliveries']} ({r['retried_deliveries']}) | {r['links']} "
            f"| {r['every_link_answered_once']} "
            f"| {r['ack_p50_ms']} / {r['ack_p99_ms']} / {r['ack_max_ms']} "
            f"| {r['reply_p50_s']} / {r['reply_p99_s']} "
            f"| {r['links_answered_per_s']} ({per_core}) | {r['rss_after_mb']} |"
        )
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--database", choices=("sqlite", "postgres"), default="sqlite")
    parser.add_argument(
        "--scenario",
        action="append",
        choices=("mixed", "burst", "saturation"),
        help="run only these (repeatable; default: all three)",
    )
    args = parser.parse_args()
    scenarios = args.scenario or ["mixed", "burst", "saturation"]
    result = asyncio.run(run(args.database, scenarios))
    print(markdown(result))
    RESULTS.mkdir(parents=True, exist_ok=True)
    out = RESULTS / f"events-{args.database}.json"
    out.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if all(r["every_link_answered_once"] for r in result["runs"]) else 1


if __name__ == "__main__":
    raise SystemExit(main())
