"""The `tellus` command as an operator uses it: a real server process, real commands."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.request
from pathlib import Path

import pytest

TELLUS = [sys.executable, "-m", "tellus.cli"]


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@pytest.fixture
def operator_env(tmp_path: Path) -> dict[str, str]:
    env = {
        k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "REDIS_", "CELERY_"))
    }
    env.update(
        {
            "DJANGO_SETTINGS_MODULE": "tellus.config.settings",
            "TELLUS_DATA_DIR": str(tmp_path / "data"),
            "DEBUG": "0",
        }
    )
    env.pop("SECRET_KEY", None)
    env.pop("DJANGO_ALLOW_ASYNC_UNSAFE", None)  # set for the browser tests' live server only
    return env


def run(env: dict[str, str], *args: str) -> subprocess.CompletedProcess[str]:
    return subprocess.run([*TELLUS, *args], env=env, capture_output=True, text=True, timeout=120)


def test_serve_answers_healthz_with_a_production_server(operator_env, tmp_path):
    assert run(operator_env, "migrate", "-v0").returncode == 0
    key_file = tmp_path / "data" / "secret_key"
    assert key_file.exists() and oct(key_file.stat().st_mode)[-3:] == "600"
    port = free_port()
    server = subprocess.Popen(
        [*TELLUS, "serve", "--port", str(port), "--workers", "1"],
        env=operator_env,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
    )
    try:
        deadline = time.monotonic() + 30
        while True:
            try:
                with urllib.request.urlopen(f"http://127.0.0.1:{port}/healthz", timeout=2) as r:
                    body = json.loads(r.read())
                    assert r.status == 200
                    break
            except OSError:
                if time.monotonic() > deadline or server.poll() is not None:
                    raise
                time.sleep(0.3)
        assert body["database"] == "ok" and body["broker"] == "in-process"
        with urllib.request.urlopen(f"http://127.0.0.1:{port}/", timeout=5) as r:
            assert r.status == 200
            assert (
                "granian" in r.headers.get("server", "").lower() or r.headers.get("server") is None
            )
    finally:
        server.terminate()
        server.wait(timeout=10)
    # The key generated on first start is kept, not regenerated.
    first_key = key_file.read_text()
    assert run(operator_env, "check").returncode == 0
    assert key_file.read_text() == first_key


def test_serve_refuses_a_bad_port(operator_env):
    result = run(operator_env, "serve", "--port", "70000")
    assert result.returncode == 2
    assert "--port must be between 1 and 65535" in result.stderr


def test_check_deploy_is_clean_when_debug_is_off(operator_env):
    operator_env.update(
        {
            "SECRET_KEY": "x" * 64 + "-production-like-key-0123456789",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
        }
    )
    result = run(operator_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stderr + result.stdout


def test_django_admin_commands_pass_through(operator_env):
    result = run(operator_env, "help")
    assert result.returncode == 0
    for command in ("migrate", "createsuperuser", "token", "demo"):
        assert command in result.stdout
