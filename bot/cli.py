"""The ``keypoints`` command: summarize, batch, serve, console, digest, stats, migrate.

Contract (other tools rely on it): exit 0 on success, 2 on bad input, a bad setting or a page
that cannot be summarised, with one short reason on stderr and never a traceback; 130 on
Ctrl-C; 141 when stdout is closed early. Heavy modules (the pipeline, Slack, SQLAlchemy) are
imported by the command that uses them, so ``--help`` answers at once.
"""

from __future__ import annotations

import argparse
import json
import logging
import os
import sys
from collections.abc import Sequence
from typing import TYPE_CHECKING, Any

from bot import __version__
from bot.errors import InputError, IsAFeed, KeypointsError, SettingsError
from bot.methods import METHOD_HELP, METHOD_NAMES

if TYPE_CHECKING:  # kept out of the start-up path: `--help` must not import the pipeline
    from bot.fetch import FetchSettings
    from bot.models import Summary
    from bot.workers import WorkerBudget

EXIT_OK = 0
EXIT_INTERNAL = 1
EXIT_BAD_INPUT = 2
EXIT_INTERRUPTED = 130  # 128 + SIGINT, as shells report it
EXIT_BROKEN_PIPE = 141  # 128 + SIGPIPE: what `cat`, `grep`... report when `head` exits first


def _bullet_count(value: str) -> int:
    """``--bullets``: argparse shows this message, so it says what a valid value is."""
    try:
        count = int(value)
    except ValueError:
        count = 0
    if not 1 <= count <= 10:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 10, got {value!r}")
    return count


_METHODS_EPILOG = "methods (--method NAME):\n" + "\n".join(
    f"  {name:<10} {text}" for name, text in METHOD_HELP.items()
)
_BATCH_FORMAT = """\
input: JSON Lines on stdin, one object per line, one of
  {"id": ..., "html": "<html>...", "url": "https://..."}   (url optional: the page's address)
  {"id": ..., "text": "Headline\\n\\nFirst paragraph..."}
  {"id": ..., "url": "https://..."}                        (fetched, several at a time)
output: one line per input line on stdout, in the same order:
  {"id": ..., "title": ..., "text": ..., "bullets": [...], "error": null,
   "bullets_requested": N, "bullets_note": null}
  text is the article body (paragraphs separated by blank lines), also when no key point could
  be chosen; error is null or a short reason, and a bad line gets an error without stopping
  the batch; bullets_note says why there are fewer bullets than requested. Exit status 0.
Each line has KEYPOINTS_JOB_SECONDS (default 5) to be read and summarised, as in `serve`;
a line over it gets an error. KEYPOINTS_WORKERS worker processes do the reading (default:
CPU cores - 1; 0 reads in a thread). Also read: KEYPOINTS_ALLOW_HOSTS and the other fetch
settings.
"""
_SERVE_HELP = """\
Run the Slack bot until SIGINT or SIGTERM. The credentials choose the mode:
  SLACK_BOT_TOKEN + SLACK_APP_TOKEN             Socket Mode (no public URL needed)
  SLACK_BOT_TOKEN + SLACK_SIGNING_SECRET        HTTP Events API: POST /slack/events on PORT
  SLACK_CLIENT_ID + SLACK_CLIENT_SECRET
    + SLACK_SIGNING_SECRET                      multi-workspace OAuth (/slack/install)
Also read: DATABASE_URL (default: SQLite keypoints.db in the current directory), PORT (3000;
/healthz and /metrics in every mode), KEYPOINTS_WORKERS, KEYPOINTS_ALLOW_HOSTS, LOG_LEVEL,
LOG_FORMAT (text or json), and KEYPOINTS_CONFIG (a TOML file with the same names). Every
setting: docs/operations.md. Without credentials, try `keypoints console`.
"""
_CONSOLE_HELP = """\
Try the bot offline: type what you would post in a Slack channel (a message with a link,
`/keypoints help`, `@keypoints URL`) and read its reply. It runs the same bot as `serve`
against a local stand-in for Slack, so no credentials are needed. Reads DATABASE_URL
(default: SQLite keypoints.db in the current directory), KEYPOINTS_ALLOW_HOSTS and
KEYPOINTS_WORKERS. Logs go to a file (named at start), not between the lines of the
dialogue. `quit`, `exit`, Ctrl-D or Ctrl-C ends it.
"""
_MIGRATE_HELP = """\
Create or upgrade the database schema at DATABASE_URL (default: SQLite keypoints.db in the
current directory; Postgres: postgresql+asyncpg://user:password@host/db), print the schema
revision, and exit. `serve` does this itself on start; run it alone before rolling out
several replicas (docs/operations.md).
"""
_DIGEST_HELP = """\
Build a channel's morning digest from its feeds (or the --feed URLs) and print it
(--dry-run) or post it (--now, needs SLACK_BOT_TOKEN). Reads DATABASE_URL for the channel's
feeds and what was already posted; KEYPOINTS_ALLOW_HOSTS for intranet feeds. A feed that
cannot be read is named on stderr (one line each); when none can be read, --dry-run prints
nothing and exits 2.
"""
_STATS_HELP = """\
What the bot's answers and people's feedback say, for the last N days: links answered,
replies posted, failures by reason, votes (👍/👎 buttons), replies removed, the median time
from a message to its reply, the cache hit rate, and the sites with the most failures plus 👎
first: what to fix next. Reads DATABASE_URL (default: SQLite keypoints.db in the current
directory), the database `serve` writes to; the numbers cover every workspace in it.
"""
_EXIT_STATUS = """\
exit status: 0 success; 2 bad input, a bad setting, or a page that cannot be summarised (one
line on stderr); 130 Ctrl-C; 141 when stdout is closed early (e.g. piped into head).
"""


def _add_summary_options(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--bullets",
        type=_bullet_count,
        default=3,
        metavar="N",
        help="number of key points, 1 to 10 (default 3); a short text gets fewer: at most half "
        "of its sentences (rounded up), and only sentences that can stand alone as a key point "
        "(--json and batch say why in bullets_note)",
    )
    parser.add_argument(
        "--method",
        choices=METHOD_NAMES,
        default="default",
        metavar="NAME",
        help="how sentences are picked: one of the methods listed below",
    )


def _days(value: str) -> int:
    """``stats --days``: a whole number of days, 1 to 3650."""
    days = int(value) if value.isdigit() else 0
    if not 1 <= days <= 3650:
        raise argparse.ArgumentTypeError(f"must be a whole number from 1 to 3650, got {value!r}")
    return days


def build_parser() -> argparse.ArgumentParser:
    raw = argparse.RawDescriptionHelpFormatter
    parser = argparse.ArgumentParser(
        prog="keypoints",
        description="Key points of news articles, extracted offline.",
        epilog=_EXIT_STATUS,
        formatter_class=raw,
    )
    parser.add_argument("--version", action="version", version=f"keypoints {__version__}")
    parser.add_argument("-v", "--verbose", action="store_true", help="log progress to stderr")
    commands = parser.add_subparsers(dest="command", required=True, metavar="COMMAND")

    summarize = commands.add_parser(
        "summarize",
        help="key points of one page, file or URL",
        description="Print the title, then one `• bullet` line per key point. A text file (or "
        "stdin) is cleaned like a web page first: ad labels, sign-up prompts, 'Read more:' "
        "links and a trailing list of other stories are dropped.",
        epilog=_METHODS_EPILOG + "\n\n" + _EXIT_STATUS,
        formatter_class=raw,
    )
    summarize.add_argument("source", help="an http(s) URL, an HTML or text file, or - for stdin")
    _add_summary_options(summarize)
    summarize.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"title", "url", "language", "bullets", "words", '
        '"bullets_requested", "bullets_note"}; words counts the cleaned text, bullets_note '
        "is null or why there are fewer bullets than requested",
    )

    batch = commands.add_parser(
        "batch",
        help="JSONL on stdin → JSONL on stdout",
        description="Summarise many articles: JSON Lines in, JSON Lines out.",
        epilog=_BATCH_FORMAT + "\n" + _METHODS_EPILOG,
        formatter_class=raw,
    )
    _add_summary_options(batch)

    commands.add_parser(
        "serve",
        help="run the Slack bot (Socket Mode, HTTP Events API or OAuth)",
        description=_SERVE_HELP,
        formatter_class=raw,
    )
    commands.add_parser(
        "console",
        help="try the bot offline against a local Slack stand-in",
        description=_CONSOLE_HELP,
        formatter_class=raw,
    )

    digest = commands.add_parser(
        "digest",
        help="build or post a channel's morning digest",
        description=_DIGEST_HELP,
        formatter_class=raw,
    )
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

    stats = commands.add_parser(
        "stats",
        help="replies, failures, votes and slow or failing sites, from the bot's database",
        description=_STATS_HELP,
        formatter_class=raw,
    )
    stats.add_argument(
        "--days", type=_days, default=7, metavar="N", help="the last N days (default 7)"
    )
    stats.add_argument(
        "--json",
        action="store_true",
        help='print one JSON object: {"days", "since", "answers", "replies_posted", "failures", '
        '"failures_by_reason", "votes", "removed", "cache_hit_rate", '
        '"median_seconds_to_reply", "sites": [{"site", "answers", "replies_posted", '
        '"failures", "failure_reasons", "up", "down"}]}; sites with the most failures plus '
        "down-votes first",
    )

    commands.add_parser(
        "migrate",
        help="create or upgrade the database schema, then exit",
        description=_MIGRATE_HELP,
        formatter_class=raw,
    )
    return parser


def main(argv: Sequence[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    logging.basicConfig(
        level=logging.INFO if args.verbose else logging.WARNING,
        format="%(levelname)s %(name)s: %(message)s",
        stream=sys.stderr,
    )
    try:
        code = _dispatch(args)
        sys.stdout.flush()  # inside the try: a closed pipe shows up here at the latest
        return code
    except IsAFeed as exc:
        hint = f"keypoints digest --dry-run --channel C0123456 --feed {args.source}"
        print(f"keypoints: {exc.message} For its stories: {hint}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeypointsError as exc:
        print(f"keypoints: {exc.message}", file=sys.stderr)
        return EXIT_BAD_INPUT
    except KeyboardInterrupt:
        return EXIT_INTERRUPTED
    except BrokenPipeError:
        # The reader left (`| head`): exit like the other tools of a pipeline killed by
        # SIGPIPE, and point stdout at devnull so the interpreter's final flush stays quiet.
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return EXIT_BROKEN_PIPE


def _dispatch(args: argparse.Namespace) -> int:
    if args.command == "summarize":
        summary = _summarize_source(args.source, args.bullets, args.method)
        print(render_json(summary) if args.json else render_text(summary))
        if summary.bullets_note and not args.json:  # --json carries it in the object
            print(f"keypoints: note: {summary.bullets_note}", file=sys.stderr)
        return EXIT_OK
    if args.command == "batch":
        import asyncio

        return asyncio.run(_batch(args.bullets, args.method))
    from bot.cli_service import run_service_command

    return run_service_command(args)


def _fetch_settings() -> FetchSettings:
    """The fetch settings from the environment; a bad value is one ``SettingsError`` line."""
    from bot.fetch import FetchSettings

    try:
        return FetchSettings.from_env()
    except ValueError as exc:
        raise SettingsError(str(exc)) from None


def _batch_limits() -> tuple[WorkerBudget, int]:
    """Each page's time budget and the number of worker processes, from
    ``KEYPOINTS_JOB_SECONDS`` and ``KEYPOINTS_WORKERS`` as ``serve`` reads them (same defaults,
    bounds and error lines). Only those variables are handed to the bot's reader: a batch
    needs no Slack credentials, so their checks must not stop it. (bot.settings brings
    SQLAlchemy along: ~0.2 s on a batch that starts worker processes anyway.)"""
    from bot.settings import Settings
    from bot.workers import WorkerBudget

    names = ("KEYPOINTS_JOB_SECONDS", "KEYPOINTS_WORKERS")
    settings = Settings.from_env({name: os.environ[name] for name in names if name in os.environ})
    return WorkerBudget(seconds=settings.job_seconds), settings.workers


def _summarize_source(source: str, bullets: int, method: str) -> Summary:
    """A URL is fetched on an event loop; a file or stdin is summarised without one (asyncio
    is not even imported)."""
    from bot.sources import is_url, read_path

    if is_url(source):
        import asyncio

        settings = _fetch_settings()  # a bad setting is reported before the slow imports
        return asyncio.run(_summarize_url(source, settings, bullets, method))
    if source.startswith(("http:", "https:", "ftp:", "file:")):
        raise InputError(f"Not a valid http(s) URL: {source}")
    page = read_path(source, sys.stdin.buffer)
    from bot.pipeline import summarize_html, summarize_text

    if page.is_html:
        return summarize_html(page.content, page.url, bullets=bullets, method=method)
    return summarize_text(page.content, bullets=bullets, method=method)


async def _summarize_url(url: str, settings: FetchSettings, bullets: int, method: str) -> Summary:
    from bot.fetch import Fetcher
    from bot.pipeline import summarize_url

    async with Fetcher(settings) as fetcher:
        return await summarize_url(url, fetcher, bullets=bullets, method=method)


async def _batch(bullets: int, method: str) -> int:
    settings = _fetch_settings()  # a bad setting is reported before the slow imports
    budget, workers = _batch_limits()
    from bot.batch import BatchRunner
    from bot.fetch import Fetcher

    runner = BatchRunner(
        bullets=bullets,
        method=method,
        fetcher_factory=lambda: Fetcher(settings),
        budget=budget,
        workers=workers,
    )
    await runner.run(sys.stdin, sys.stdout)
    return EXIT_OK


def render_text(summary: Summary) -> str:
    """Title, then one ``• bullet`` line per key point."""
    lines = [summary.article.title or "(untitled)"]
    if summary.article.authors:
        from bot.slack.render import authors_line

        lines.append(authors_line(summary.article.authors))
    lines += [f"• {bullet}" for bullet in summary.bullets]
    return "\n".join(lines)


def render_json(summary: Summary) -> str:
    """The ``--json`` object: title, url, language, bullets, words (of the cleaned text), and
    bullets_requested with bullets_note (null, or why there are fewer bullets),
    key_points_source ("publisher" or "summary") and bullet_links (text-fragment links)."""
    from bot.summarize.links import bullet_links  # only when summarising: keeps --help light

    article = summary.article
    payload: dict[str, Any] = {
        "title": article.title,
        "url": article.canonical_url or article.url,
        "language": article.language,
        "bullets": list(summary.bullets),
        "words": article.words,
        "bullets_requested": summary.bullets_requested,
        "bullets_note": summary.bullets_note,
        # "publisher": the page's own key-points list, verbatim; "summary": sentences we chose
        "key_points_source": "publisher" if summary.from_publisher else "summary",
        "authors": list(article.authors),  # a paper's (arXiv, PDF metadata); [] for pages
        # each bullet's link to its sentence in the article (null without an article URL)
        "bullet_links": bullet_links(summary),
    }
    return json.dumps(payload, ensure_ascii=False)
