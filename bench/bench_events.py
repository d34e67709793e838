"""Event-handling benchmark: 200 link events in 10 s, a fifth of them retried by "Slack".

Everything runs on 127.0.0.1: the Slack Web API stand-in, a local article site, and the bot's
real HTTP server (bolt, signature checks, store on SQLite). Each event carries its own
article link; a fifth are delivered twice (the retry has ``X-Slack-Retry-Num: 1``). Checks that
every link is answered exactly once and measures how fast Slack's deliveries are acknowledged
(Slack gives up after 3 s) and how many events per second are fully answered.

    .venv/bin/python bench/bench_events.py            # real fetch → extract → summarise
    .venv/bin/python bench/bench_events.py --fake     # summariser stub: transport + store only

Prints a Markdown table and writes ``bench/results/events.json``.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import platform
import statistics
import sys
import tempfile
import time
from collections import Counter
from pathlib import Path
from typing import Any

import aiohttp

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.article_site import ArticleSite  # noqa: E402
from fakes.fake_slack import event_callback, link_message, send_signed  # noqa: E402
from fakes.slack_harness import SECRET, FakeSummariser, settings_for  # noqa: E402

from bot.fetch.settings import FetchSettings  # noqa: E402
from bot.slack.app import running_bot  # noqa: E402
from bot.slack.serve import EVENTS_PATH, serving_http  # noqa: E402
from bot.slack.standin import SlackStandIn  # noqa: E402
from bot.workers import default_workers  # noqa: E402

RESULTS = ROOT / "bench" / "results" / "events.json"


async def run(
    events: int,
    seconds: float,
    retry_every: int,
    channels: int,
    fake: bool,
    workers: int,
    database: str | None = None,
) -> dict[str, Any]:
    acks: list[float] = []
    statuses: Counter[int] = Counter()
    with tempfile.TemporaryDirectory() as tmp:
        async with ArticleSite() as site, SlackStandIn() as slack:
            settings = settings_for(
                slack,
                Path(tmp) / "bench.db",
                fetch=FetchSettings(allow_hosts=("127.0.0.1",)),
                post_interval=1.0,
                workers=workers,
                **({"database_url": database} if database else {}),
            )
            summarise = FakeSummariser() if fake else None
            async with (
                running_bot(settings, summarise=summarise) as bot,
                serving_http(bot, "127.0.0.1", 0) as port,
                aiohttp.ClientSession() as session,
            ):
                url = f"http://127.0.0.1:{port}{EVENTS_PATH}"
                messages = [
                    link_message(site.url(f"/article/{i}"), channel=f"C{i % channels:03d}")
                    for i in range(events)
                ]
                payloads = [event_callback(m) for m in messages]

                async def deliver(payload: dict[str, Any], at: float, retry: int | None) -> None:
                    await asyncio.sleep(max(0.0, at - (loop.time() - start)))
                    sent = time.perf_counter()
                    status, _ = await send_signed(session, url, SECRET, payload, retry_num=retry)
                    acks.append(time.perf_counter() - sent)
                    statuses[status] += 1

                loop = asyncio.get_running_loop()
                start = loop.time()
                interval = seconds / events
                deliveries = [deliver(p, i * interval, None) for i, p in enumerate(payloads)]
                deliveries += [
                    deliver(p, i * interval + 0.5, 1)
                    for i, p in enumerate(payloads)
                    if i % retry_every == 0
                ]
                await asyncio.gather(*deliveries)
                await slack.wait_for(events, "chat.postMessage", within=300)
                await bot.service.drain(grace=60)
                await asyncio.sleep(0.5)  # anything late would show up as a duplicate
                elapsed = loop.time() - start
                posts = slack.calls_to("chat.postMessage")
    per_message = Counter((p.args["channel"], p.args["thread_ts"]) for p in posts)
    expected = {(m["channel"], m["ts"]) for m in messages}
    failures = sum("warning" in str(p.args.get("text", "")) for p in posts)
    acks_ms = sorted(a * 1000 for a in acks)
    return {
        "summariser": "fake" if fake else "real pipeline",
        "events": events,
        "retried_deliveries": len(acks) - events,
        "deliveries": len(acks),
        "send_window_s": seconds,
        "http_statuses": dict(statuses),
        "replies": len(posts),
        "every_link_answered_once": set(per_message) == expected
        and all(n == 1 for n in per_message.values()),
        "failure_replies": failures,
        "ack_p50_ms": round(statistics.median(acks_ms), 2),
        "ack_p99_ms": round(acks_ms[min(len(acks_ms) - 1, int(len(acks_ms) * 0.99))], 2),
        "ack_max_ms": round(acks_ms[-1], 2),
        "elapsed_s": round(elapsed, 2),
        "events_answered_per_s": round(events / elapsed, 1),
        "machine": f"{platform.machine()} {platform.python_version()}",
    }


def markdown(result: dict[str, Any]) -> str:
    rows = [
        ("summariser", result["summariser"]),
        ("events / retried deliveries", f"{result['events']} / {result['retried_deliveries']}"),
        ("HTTP statuses", result["http_statuses"]),
        ("replies (failures among them)", f"{result['replies']} ({result['failure_replies']})"),
        ("every link answered exactly once", result["every_link_answered_once"]),
        (
            "ack latency p50 / p99 / max",
            f"{result['ack_p50_ms']} / {result['ack_p99_ms']} / {result['ack_max_ms']} ms",
        ),
        ("all answered after", f"{result['elapsed_s']} s"),
        ("events answered per second", result["events_answered_per_s"]),
    ]
    lines = ["| metric | value |", "|---|---|"] + [f"| {k} | {v} |" for k, v in rows]
    return "\n".join(lines)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--events", type=int, default=200)
    parser.add_argument("--seconds", type=float, default=10.0)
    parser.add_argument("--retry-every", type=int, default=5, help="retry every n-th event")
    parser.add_argument("--channels", type=int, default=50)
    parser.add_argument("--fake", action="store_true", help="stub summariser (no fetch/extract)")
    parser.add_argument(
        "--database", default=None, help="DATABASE_URL (default: a fresh SQLite file)"
    )
    parser.add_argument(
        "--workers", type=int, default=default_workers(), help="worker processes (0: threads)"
    )
    args = parser.parse_args()
    result = asyncio.run(
        run(
            args.events,
            args.seconds,
            args.retry_every,
            args.channels,
            args.fake,
            args.workers,
            args.database,
        )
    )
    print(markdown(result))
    RESULTS.parent.mkdir(parents=True, exist_ok=True)
    RESULTS.write_text(json.dumps(result, indent=2) + "\n")
    return 0 if result["every_link_answered_once"] else 1


if __name__ == "__main__":
    raise SystemExit(main())
