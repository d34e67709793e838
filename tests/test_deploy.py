"""Deploy files parse, carry the keys operators rely on, and start the real command."""

from __future__ import annotations

import configparser
import json
import re
import tomllib
from pathlib import Path
from typing import Any

import yaml

from bot.cli import build_parser

ROOT = Path(__file__).resolve().parents[1]
DEPLOY = ROOT / "deploy"


def _dockerfile_instructions() -> list[tuple[str, str]]:
    text = (DEPLOY / "Dockerfile").read_text().replace("\\\n", " ")
    pairs = []
    for line in text.splitlines():
        line = line.strip()
        if line and not line.startswith("#"):
            keyword, _, rest = line.partition(" ")
            pairs.append((keyword.upper(), rest.strip()))
    return pairs


def _final_stage(pairs: list[tuple[str, str]]) -> list[tuple[str, str]]:
    last_from = max(i for i, (k, _) in enumerate(pairs) if k == "FROM")
    return pairs[last_from:]


def _k8s(name: str) -> dict[str, Any]:
    loaded = yaml.safe_load((DEPLOY / "kubernetes" / name).read_text())
    assert isinstance(loaded, dict)
    return loaded


def test_dockerfile_entrypoint_is_the_console_script() -> None:
    """The image's ENTRYPOINT/CMD run the `keypoints` script with a subcommand the CLI knows."""
    stage = dict(_final_stage(_dockerfile_instructions()))
    scripts = tomllib.loads((ROOT / "pyproject.toml").read_text())["project"]["scripts"]
    entrypoint = json.loads(stage["ENTRYPOINT"])
    cmd = json.loads(stage["CMD"])
    assert entrypoint == ["keypoints"] and "keypoints" in scripts
    assert build_parser().parse_args(cmd).command == "serve"


def test_dockerfile_runs_as_non_root_with_a_healthcheck() -> None:
    """The final stage drops root and probes /healthz on the configured port."""
    stage = _final_stage(_dockerfile_instructions())
    users = [rest for keyword, rest in stage if keyword == "USER"]
    assert users and users[-1].split(":")[0] not in {"root", "0"}
    health = dict(stage)["HEALTHCHECK"]
    assert "/healthz" in health and "PORT" in health
    assert dict(stage)["FROM"].startswith("python:3.11-slim")


def test_compose_runs_the_bot_against_postgres() -> None:
    """docker-compose has the bot and Postgres, wired by an asyncpg DATABASE_URL."""
    compose = yaml.safe_load((DEPLOY / "docker-compose.yml").read_text())
    services = compose["services"]
    assert {"bot", "postgres"} <= set(services)
    bot = services["bot"]
    assert bot["build"]["dockerfile"] == "deploy/Dockerfile"
    assert (DEPLOY.parent / bot["build"]["context"].removeprefix("../")).exists()
    assert bot["environment"]["DATABASE_URL"].startswith("postgresql+asyncpg://")
    assert bot["depends_on"]["postgres"]["condition"] == "service_healthy"
    assert build_parser().parse_args(bot["command"]).command == "serve"
    assert "healthcheck" in services["postgres"]


def test_kubernetes_deployment_has_replicas_probes_and_config() -> None:
    """The Deployment runs 2+ non-root replicas with probes, ConfigMap and Secret."""
    deployment = _k8s("deployment.yaml")
    assert deployment["kind"] == "Deployment"
    spec = deployment["spec"]
    assert spec["replicas"] >= 2
    assert spec["selector"]["matchLabels"] == spec["template"]["metadata"]["labels"]
    pod = spec["template"]["spec"]
    assert pod["securityContext"]["runAsNonRoot"] is True
    (container,) = pod["containers"]
    assert build_parser().parse_args(container["args"]).command == "serve"
    assert container["readinessProbe"]["httpGet"]["path"] == "/healthz"  # checks the database
    assert container["livenessProbe"]["httpGet"]["path"] == "/livez"
    refs = {next(iter(ref)): next(iter(ref.values()))["name"] for ref in container["envFrom"]}
    assert refs == {
        "configMapRef": _k8s("configmap.yaml")["metadata"]["name"],
        "secretRef": _k8s("secret.yaml")["metadata"]["name"],
    }
    service = _k8s("service.yaml")
    assert service["spec"]["selector"] == spec["selector"]["matchLabels"]
    assert service["spec"]["ports"][0]["targetPort"] == container["ports"][0]["name"]


def test_kubernetes_secret_holds_the_credentials_not_the_configmap() -> None:
    """Tokens and the database URL live in the Secret; the ConfigMap has no secrets."""
    secret_keys = set(_k8s("secret.yaml")["stringData"])
    config_keys = set(_k8s("configmap.yaml")["data"])
    assert {"SLACK_BOT_TOKEN", "SLACK_SIGNING_SECRET", "DATABASE_URL"} <= secret_keys
    assert not any(re.search("TOKEN|SECRET|PASSWORD", key) for key in config_keys)


def test_systemd_unit_starts_serve_unprivileged() -> None:
    """The systemd unit runs `keypoints serve` as its own user with a state directory."""
    unit = configparser.ConfigParser(strict=False, interpolation=None)
    unit.optionxform = str  # type: ignore[assignment,method-assign]
    unit.read_string((DEPLOY / "keypoints.service").read_text())
    service = unit["Service"]
    exec_start = service["ExecStart"].split()
    assert exec_start[0].endswith("/keypoints")
    assert build_parser().parse_args(exec_start[1:]).command == "serve"
    assert service["User"] not in {"root", ""}
    assert service["StateDirectory"] == "keypoints"
    assert unit["Install"]["WantedBy"] == "multi-user.target"
