"""Metrics exposition and log formatting: bounded labels, JSON lines, secrets redacted."""

from __future__ import annotations

import io
import json
import logging
from collections.abc import Iterator

import pytest

from bot.observability import metrics
from bot.observability.logs import REDACTED, configure_logging


@pytest.fixture
def log_stream() -> Iterator[io.StringIO]:
    root = logging.getLogger()
    handlers, level = list(root.handlers), root.level
    yield io.StringIO()
    root.handlers[:] = handlers
    root.setLevel(level)


def test_json_logs_are_one_object_per_line(log_stream: io.StringIO) -> None:
    """LOG_FORMAT=json renders each record as a JSON object with level, logger and message."""
    configure_logging(fmt="json", stream=log_stream)
    logging.getLogger("keypoints.test").warning("posted %d replies", 3)
    record = json.loads(log_stream.getvalue().strip())
    assert record["level"] == "warning"
    assert record["logger"] == "keypoints.test"
    assert record["message"] == "posted 3 replies"


def test_tokens_and_configured_secrets_are_redacted(log_stream: io.StringIO) -> None:
    """Slack tokens, URL passwords and configured secret values never reach the log output."""
    configure_logging(fmt="text", secrets=["s3cr3t-signing-value"], stream=log_stream)
    log = logging.getLogger("keypoints.test")
    log.error("token xoxb-1234-5678-abcdef and app xapp-1-A0-99-ff")
    log.error("db postgresql://bot:hunter22@db:5432/x secret=%s", "s3cr3t-signing-value")
    try:
        raise RuntimeError("failed with xoxp-999-888")
    except RuntimeError:
        log.exception("boom")
    output = log_stream.getvalue()
    for leaked in ("xoxb-1234", "xapp-1-A0", "hunter22", "s3cr3t-signing-value", "xoxp-999"):
        assert leaked not in output
    assert output.count(REDACTED) >= 5
    assert "postgresql://[redacted]@db:5432/x" in output


def test_domain_labels_are_capped(monkeypatch: pytest.MonkeyPatch) -> None:
    """Past MAX_DOMAINS distinct domains, new domains are labelled `other`."""
    monkeypatch.setattr(metrics, "_domains", set())
    monkeypatch.setattr(metrics, "MAX_DOMAINS", 2)
    assert metrics.domain_label("https://www.Example.com/a") == "example.com"
    assert metrics.domain_label("https://news.example.com/b") == "example.com"
    assert metrics.domain_label("https://b.org/") == "b.org"
    assert metrics.domain_label("https://c.net/") == "other"
    assert metrics.domain_label("https://b.org/again") == "b.org"


def test_exposition_includes_stage_histograms_after_timing() -> None:
    """A timed block shows up in the Prometheus text as a histogram sample for its stage."""
    with metrics.timed("extract"):
        pass
    text = metrics.exposition().decode()
    assert 'keypoints_stage_seconds_bucket{le="0.005",stage="extract"}' in text
    assert "# TYPE keypoints_fetch_failures_total counter" in text
