"""The ``keypoints`` command: summarize, batch, serve, console, digest, migrate.

Contract (other tools rely on it): exit 0 on success, 2 on bad input or a page that cannot be
summarised, with one short reason on stderr and never a traceback.
"""

from __future__ import annotations

import argparse
import asyncio
import json
import logging
import sys
from collections.abc import Sequence
from typing import Any

from bot import __version__
from bot.errors import InputError, KeypointsError
from bot.models import Summary

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2


def _bullet_count(value: str) -> int:
    count = int(value)
    if not 1 <= count <= 10:
        raise argparse.ArgumentTypeError("must be between 1 and 10")
    return count


def _add_summary_options(parser: argparse.ArgumentParser) -> None:
    from bot.summarize import METHODS

    parser.add_argument(
        "--bullets",
        type=_bullet_count,
        default=3,
        metavar="N",
        help="number of key points (1-10, default 3)",
    )
    parser.add_argument(
        "--method",
        choices=METHODS,
        default="default",
        help="summarisation algorithm (default: %(default)s)",
    )


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="keypoints", description="Key points of news articles, extracted offline."
    )
    parser.add_argument("--version", action="version", version=f"keypoints {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summarize = commands.add_parser("summarize", help="key points of one page, file or URL")
    summarize.add_argument("source", help="an http(s) URL, an HTML or text file, or - for stdin")
    _add_summary_options(summarize)
    summarize.add_argument("--json", action="store_true", help="print one JSON object")

    batch = commands.add_parser("batch", help="JSONL on stdin → JSONL on stdout")
    _add_summary_options(batch)

    commands.add_parser("serve", help="run the Slack bot (Socket Mode or HTTP Events API)")
    commands.add_parser("console", help="try the bot offline against a local Slack stand-in")

    digest = commands.add_parser("digest", help="build or post a channel's morning digest")
    digest.add_argument("--channel", required=True, help="Slack channel ID, e.g. C0123456")
    digest.add_argument(
        "--feed",
        action="append",
        default=[],
        metavar="URL",
        help="use this feed instead of the channel's own (repeatable)",
    )
    mode = digest.add_mutually_exclusive_group(required=True)
    mode.add_argument("--now", action="store_true", help="post the digest to Slack now")
    mode.add_argument("--dry-run", action="store_true", help="print it without posting")
    digest.add_argument("--json", action="store_true", help="with --dry-run: print Block Kit JSON")

    commands.add_parser("migrate", help="create or upgrade the database schema, then exit")
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        return _dispatch(args)
    except KeypointsError as exc:
        print(f"keypoints: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return 130


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "summarize":
        summary = asyncio.run(_summarize_source(args.source, args.bullets, args.method))
        print(render_json(summary) if args.json else render_text(summary))
        return EXIT_OK
    if args.command == "batch":
        return asyncio.run(_batch(args.bullets, args.method))
    from bot.cli_service import run_service_command

    return run_service_command(args)


async def _summarize_source(source: str, bullets: int, method: str) -> Summary:
    from bot.pipeline import summarize_html, summarize_text, summarize_url
    from bot.sources import is_url, read_path

    if is_url(source):
        from bot.fetch import Fetcher, FetchSettings

        async with Fetcher(FetchSettings.from_env()) as fetcher:
            return await summarize_url(source, fetcher, bullets=bullets, method=method)
    if source.startswith(("http:", "https:", "ftp:", "file:")):
        raise InputError(f"Not a valid http(s) URL: {source}")
    page = read_path(source, sys.stdin.buffer)
    if page.is_html:
        return summarize_html(page.content, page.url, bullets=bullets, method=method)
    return summarize_text(page.content, bullets=bullets, method=method)


async def _batch(bullets: int, method: str) -> int:
    from bot.batch import BatchRunner
    from bot.fetch import Fetcher, FetchSettings

    settings = FetchSettings.from_env()
    runner = BatchRunner(bullets=bullets, method=method, fetcher_factory=lambda: Fetcher(settings))
    await runner.run(sys.stdin, sys.stdout)
    return EXIT_OK


def render_text(summary: Summary) -> str:
    """Title, then one ``• bullet`` line per key point."""
    lines = [summary.article.title or "(untitled)"]
    lines += [f"• {bullet}" for bullet in summary.bullets]
    return "\n".join(lines)


def render_json(summary: Summary) -> str:
    """The ``--json`` object: title, url, language, bullets, words."""
    article = summary.article
    payload: dict[str, Any] = {
        "title": article.title,
        "url": article.canonical_url or article.url,
        "language": article.language,
        "bullets": list(summary.bullets),
        "words": article.words,
    }
    return json.dumps(payload, ensure_ascii=False)
