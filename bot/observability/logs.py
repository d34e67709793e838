"""Logging set-up: human-readable text by default, one JSON object per line with
``LOG_FORMAT=json``; Slack tokens and secrets are redacted from every record either way.

Log lines are evidence, so nobody outside may shape them: control and invisible characters
in a message are escaped (a newline in a request cannot start a forged line), continuation
lines of a traceback are indented (only a record's first line starts at column 0), and
libraries' records below WARNING are dropped unless the level is DEBUG (bolt logs whole
request bodies, message text included, at INFO). ``RateLimitedLog`` keeps lines caused by
outsiders (rejected requests) to one per interval.

The choice of formatter is made once in ``configure_logging``; the per-record cost is one
regex substitution on the rendered message (plus a scan when it holds a control character).
"""

from __future__ import annotations

import json
import logging
import re
import sys
import threading
import time
from collections.abc import Callable, Iterable
from datetime import UTC, datetime
from typing import TextIO

# xoxb-/xoxp-/xoxa-/xoxr-/xoxs-/xoxe- tokens, app-level xapp- tokens, and basic-auth in URLs.
_SECRET_PATTERNS = (
    re.compile(r"\bxox[a-z]-[A-Za-z0-9-]+"),
    re.compile(r"\bxapp-[A-Za-z0-9-]+"),
    re.compile(r"(?<=://)[^/\s:@]+:[^/\s@]+(?=@)"),
)
REDACTED = "[redacted]"
# Loggers whose INFO lines hold no message text: ours, and alembic (which migration ran).
OWN_LOGGERS = ("bot", "keypoints", "__main__", "alembic")


def escape_controls(text: str) -> str:
    """``text`` with control, format (bidi, zero-width) and separator characters written as
    escapes (``\\n``, ``\\x1b``, ``\\u202e``), so the line reads as what it holds."""
    if text.isprintable():
        return text  # the common case: one C-level scan, no copy
    return "".join(ch if ch.isprintable() else repr(ch)[1:-1] for ch in text)


def _json_escape_controls(text: str) -> str:
    """The same for a rendered JSON line: ``json.dumps`` escapes only C0 controls, leaving
    ``\\u2028``, ``\\x85`` (line breaks to ``str.splitlines``) and bidi controls raw."""
    if text.isprintable():
        return text
    return "".join(ch if ch.isprintable() else json.dumps(ch)[1:-1] for ch in text)


class RedactingFilter(logging.Filter):
    """Replaces tokens and known secret values in the final message text."""

    def __init__(self, secrets: Iterable[str] = ()) -> None:
        super().__init__()
        literal = [re.escape(s) for s in secrets if s and len(s) >= 8]
        self._patterns = _SECRET_PATTERNS + ((re.compile("|".join(literal)),) if literal else ())

    def redact(self, text: str) -> str:
        for pattern in self._patterns:
            text = pattern.sub(REDACTED, text)
        return text

    def filter(self, record: logging.LogRecord) -> bool:
        message = record.getMessage()
        if record.exc_info and not record.exc_text:
            record.exc_text = logging.Formatter().formatException(record.exc_info)
        record.msg, record.args = self.redact(message), None
        if record.exc_text:
            record.exc_text = self.redact(record.exc_text)
        return True


class LibraryFilter(logging.Filter):
    """Drops libraries' records below WARNING unless ``level`` is DEBUG or lower: bolt logs a
    badly signed request's whole body at INFO, and no library promises to keep message text
    out of its INFO lines."""

    def __init__(self, level: int) -> None:
        super().__init__()
        self._verbose = level <= logging.DEBUG

    def filter(self, record: logging.LogRecord) -> bool:
        if self._verbose or record.levelno >= logging.WARNING:
            return True
        return record.name.split(".", 1)[0] in OWN_LOGGERS


class TextFormatter(logging.Formatter):
    """``time LEVEL logger: message``, the message's control characters escaped and every
    line of a traceback indented, so each record's first line is the only one at column 0."""

    def __init__(self) -> None:
        super().__init__("%(asctime)s %(levelname)s %(name)s: %(message)s")

    def format(self, record: logging.LogRecord) -> str:
        record.message = escape_controls(record.getMessage())
        record.asctime = self.formatTime(record, self.datefmt)
        lines = [self.formatMessage(record)]
        if record.exc_info and not record.exc_text:
            record.exc_text = self.formatException(record.exc_info)
        for extra in (record.exc_text, record.stack_info and self.formatStack(record.stack_info)):
            if extra:
                lines += (f"    {escape_controls(part)}" for part in extra.split("\n"))
        return "\n".join(lines)


class JsonFormatter(logging.Formatter):
    """One JSON object per line: time, level, logger, message, and exception text if any."""

    def format(self, record: logging.LogRecord) -> str:
        payload: dict[str, object] = {
            "time": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "message": record.getMessage(),
        }
        if record.exc_text:
            payload["exception"] = record.exc_text
        elif record.exc_info:
            payload["exception"] = self.formatException(record.exc_info)
        return _json_escape_controls(json.dumps(payload, ensure_ascii=False))


class RateLimitedLog:
    """At most one line per ``interval`` seconds for things outsiders can trigger at will
    (badly signed requests); the next line says how many were left out meanwhile."""

    def __init__(
        self,
        logger: logging.Logger,
        interval: float = 60.0,
        clock: Callable[[], float] = time.monotonic,
    ) -> None:
        self._logger = logger
        self._interval = interval
        self._clock = clock
        self._last: float | None = None
        self._suppressed = 0
        self._lock = threading.Lock()

    def warning(self, message: str, *args: object) -> None:
        with self._lock:
            now = self._clock()
            if self._last is not None and now - self._last < self._interval:
                self._suppressed += 1
                return
            left_out, self._suppressed, self._last = self._suppressed, 0, now
        if left_out:
            message += f" (and {left_out} more like it since the last such line)"
        self._logger.warning(message, *args)


def configure_logging(
    *,
    fmt: str = "text",
    level: str | int = "INFO",
    secrets: Iterable[str] = (),
    stream: TextIO | None = None,
) -> logging.Handler:
    """Install one handler on the root logger (replacing earlier ones) and return it."""
    handler = logging.StreamHandler(stream or sys.stderr)
    numeric = logging.getLevelName(level) if isinstance(level, str) else level
    handler.addFilter(LibraryFilter(numeric if isinstance(numeric, int) else logging.INFO))
    handler.addFilter(RedactingFilter(secrets))
    handler.setFormatter(JsonFormatter() if fmt == "json" else TextFormatter())
    root = logging.getLogger()
    for old in list(root.handlers):
        root.removeHandler(old)
    root.addHandler(handler)
    root.setLevel(level)
    return handler
