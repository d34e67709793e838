"""Metrics (Prometheus) and logging (text or JSON, secrets redacted)."""
