"""Fetcher figures: real pages served locally, hostile bodies, policy and canonical-URL cost.

Run from the project root:  .venv/bin/python bench/bench_fetch.py
Uses the extraction benchmark pages in ../shared/data (skipped parts say so when absent).
Everything is served on 127.0.0.1; nothing leaves the machine.
"""

from __future__ import annotations

import asyncio
import gzip
import json
import random
import statistics
import sys
import time
import tracemalloc
from ipaddress import IPv4Address, IPv6Address
from pathlib import Path

from aiohttp import web
from tld import get_fld
from yarl import URL

ROOT = Path(__file__).resolve().parents[1]
sys.path[:0] = [str(ROOT), str(ROOT / "tests")]

from fakes.hostile_server import build_app, serve  # noqa: E402

from bot.errors import FetchError  # noqa: E402
from bot.fetch import Fetcher, FetchSettings, canonicalize_url  # noqa: E402
from bot.fetch.decode import decode_body  # noqa: E402
from bot.fetch.policy import is_public_address  # noqa: E402
from bot.fetch.urls import declared_canonicals, target_url  # noqa: E402

DATA = ROOT.parent / "shared" / "data" / "extraction"


def load_pages() -> dict[str, tuple[str, bytes]]:
    """id -> (original URL, raw gzip bytes) for the benchmark pages."""
    truth = json.loads((DATA / "ground-truth.json").read_text(encoding="utf-8"))
    return {
        pid: (row["url"], (DATA / "html" / f"{pid}.html.gz").read_bytes())
        for pid, row in truth.items()
    }


def bench_policy() -> None:
    rng = random.Random(7)
    addresses = [IPv4Address(rng.getrandbits(32)) for _ in range(50_000)]
    addresses += [IPv6Address(rng.getrandbits(128)) for _ in range(50_000)]
    started = time.perf_counter()
    allowed = sum(is_public_address(a) for a in addresses)
    elapsed = time.perf_counter() - started
    print(
        f"policy: {elapsed / len(addresses) * 1e6:.2f} us/address "
        f"({allowed} of {len(addresses)} random addresses public)"
    )
    urls = [f"https://news{i}.example.com/2024/05/story-{i}?id={i}" for i in range(20_000)]
    started = time.perf_counter()
    for url in urls:
        target_url(url)
    print(f"target_url: {(time.perf_counter() - started) / len(urls) * 1e6:.1f} us/url")


def bench_canonical_and_decode(pages: dict[str, tuple[str, bytes]]) -> None:
    declaring = foreign = differs = 0
    canon_times: list[float] = []
    decode_ok = decode_wrong_label_ok = 0
    for url, packed in pages.values():
        raw = gzip.decompress(packed)
        html = raw.decode("utf-8")
        started = time.perf_counter()
        with_page = canonicalize_url(url, html)
        canon_times.append(time.perf_counter() - started)
        url_only = canonicalize_url(url)
        declared = declared_canonicals(html)
        declaring += bool(declared)
        sites = {get_fld(str(URL(url).join(URL(c))), fail_silently=True) for c in declared}
        foreign += bool(declared) and get_fld(url, fail_silently=True) not in sites
        differs += with_page != url_only
        decode_ok += decode_body(raw, None) == html
        decode_wrong_label_ok += decode_body(raw, "iso-8859-1") == html
    n = len(pages)
    print(
        f"canonical: {declaring}/{n} pages declare one ({foreign} only on another site, "
        f"ignored); the key differs from the URL-only key on {differs}/{n}; "
        f"median {statistics.median(canon_times) * 1e3:.2f} ms, "
        f"max {max(canon_times) * 1e3:.1f} ms per page"
    )
    print(
        f"decode (UTF-8 pages): {decode_ok}/{n} exact with no label, "
        f"{decode_wrong_label_ok}/{n} exact under a wrong ISO-8859-1 label"
    )


async def bench_local_fetch(pages: dict[str, tuple[str, bytes]]) -> None:
    app = web.Application()

    async def page(request: web.Request) -> web.Response:
        body = pages[request.match_info["pid"]][1]
        return web.Response(
            body=body,
            headers={"Content-Type": "text/html; charset=utf-8", "Content-Encoding": "gzip"},
        )

    app.router.add_get("/{pid}", page)
    latencies: list[float] = []
    failures: list[str] = []
    settings = FetchSettings(allow_hosts=("127.0.0.1",))
    async with serve(app) as base, Fetcher(settings) as fetcher:

        async def one(pid: str) -> None:
            started = time.perf_counter()
            try:
                await fetcher.fetch(f"{base}/{pid}")
            except FetchError as exc:
                failures.append(f"{pid[:8]} {exc.reason}")
            latencies.append(time.perf_counter() - started)

        ids = list(pages) * 3
        started = time.perf_counter()
        await asyncio.gather(*(one(pid) for pid in ids))
        wall = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=20)
    print(
        f"local fetch: {len(ids)} real pages (gzip) in {wall:.2f} s = {len(ids) / wall:.0f} "
        f"pages/s at concurrency 20; p50 {q[9] * 1e3:.0f} ms, p95 {q[18] * 1e3:.0f} ms; "
        f"failures {len(failures)} {failures[:3]}"
    )


async def bench_hostile() -> None:
    app = build_app()
    async with (
        serve(app) as base,
        Fetcher(FetchSettings(allow_hosts=("127.0.0.1",), total_timeout=2.0)) as fetcher,
    ):
        await fetcher.fetch(f"{base}/article")  # warm up (bomb built lazily below)
        for path in (
            "/gzip-bomb",
            "/endless",
            "/declared-huge",
            "/pdf-as-html",
            "/drip",
            "/loop/a",
        ):
            if path == "/gzip-bomb":
                from fakes.hostile_server import gzip_bomb

                gzip_bomb()
            tracemalloc.start()
            started = time.perf_counter()
            try:
                await fetcher.fetch(base + path)
                outcome = "fetched?!"
            except FetchError as exc:
                outcome = exc.reason
            elapsed = time.perf_counter() - started
            _, peak = tracemalloc.get_traced_memory()
            tracemalloc.stop()
            print(
                f"hostile {path}: {outcome} after {elapsed * 1e3:.0f} ms, "
                f"peak traced memory {peak / 1e6:.1f} MB (cap 5 MB)"
            )


def main() -> None:
    bench_policy()
    if not DATA.exists():
        print(f"skipping real-page figures: {DATA} is absent")
    else:
        pages = load_pages()
        bench_canonical_and_decode(pages)
        asyncio.run(bench_local_fetch(pages))
    asyncio.run(bench_hostile())


if __name__ == "__main__":
    main()
