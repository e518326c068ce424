"""The `tellus` command as an operator uses it: a real server process, real commands."""

from __future__ import annotations

import http.cookiejar
import json
import os
import re
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.parse
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


def wait_for(url: str, server: subprocess.Popen[bytes], *, seconds: float, log: Path) -> None:
    """Wait until the server answers; on failure, show what it printed."""
    deadline = time.monotonic() + seconds
    while True:
        try:
            with urllib.request.urlopen(url, timeout=2) as r:
                if r.status == 200:
                    return
        except OSError as error:
            if time.monotonic() > deadline or server.poll() is not None:
                raise AssertionError(f"{url}: {error}\n{log.read_text()[-4000:]}") from error
            time.sleep(0.5)


def test_serve_demo_runs_as_production_does_over_plain_http(operator_env, tmp_path):
    """`tellus serve --demo small` (what `make demo` runs): DEBUG off, yet a newcomer can log in.

    No debug page for a missing page, static files and media served without DEBUG, and
    the cookies reach the browser back over http on 127.0.0.1 (a cookie jar drops
    Secure cookies over http, as browsers do).
    """
    operator_env.pop("TELLUS_DEMO", None)
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    log_path = tmp_path / "serve.log"
    log = log_path.open("wb")
    server = subprocess.Popen(
        [*TELLUS, "serve", "--demo", "small", "--port", str(port)],
        env=operator_env,
        stdout=log,
        stderr=subprocess.STDOUT,
    )
    try:
        wait_for(f"{base}/healthz", server, seconds=180, log=log_path)
        output = log_path.read_text()
        assert "Demo logins (password tellus-demo)" in output

        with pytest.raises(urllib.error.HTTPError) as missing:
            urllib.request.urlopen(f"{base}/no/such/page", timeout=5)
        assert missing.value.code == 404
        page = missing.value.read().decode()
        assert "There is nothing at this address." in page
        for debug_sign in ("DEBUG = True", "URLconf", "Traceback", "technical"):
            assert debug_sign not in page

        with urllib.request.urlopen(f"{base}/gallery/", timeout=10) as r:
            gallery = r.read().decode()
        stylesheet = re.search(r'href="(/static/tellus/tellus[^"]*\.css)"', gallery)
        image = re.search(r'<img src="(/media/[^"]+)"', gallery)
        assert stylesheet and image
        for path in (stylesheet.group(1), image.group(1)):
            with urllib.request.urlopen(f"{base}{path}", timeout=5) as r:
                assert r.status == 200

        jar = http.cookiejar.CookieJar()
        browser = urllib.request.build_opener(urllib.request.HTTPCookieProcessor(jar))
        with browser.open(f"{base}/accounts/login/", timeout=5) as r:
            token = re.search(r'name="csrfmiddlewaretoken" value="([^"]+)"', r.read().decode())
        assert token
        form = urllib.parse.urlencode(
            {
                "csrfmiddlewaretoken": token.group(1),
                "login": "member@demo.example",
                "password": "tellus-demo",
            }
        ).encode()
        request = urllib.request.Request(
            f"{base}/accounts/login/", data=form, headers={"Referer": f"{base}/accounts/login/"}
        )
        with browser.open(request, timeout=10) as r:
            assert r.status == 200
            assert r.url == f"{base}/account/", "logged in and sent to the account page"
        assert "Strict-Transport-Security" not in r.headers, "no HSTS over plain http"
    finally:
        server.terminate()
        server.wait(timeout=15)
        log.close()


def test_the_demo_setting_leaves_cookies_secure_where_the_site_is_https(operator_env):
    """Only a demo served over plain http drops the Secure flag; production keeps it."""
    script = (
        "from django.conf import settings; import django; django.setup(); "
        "print(settings.DEBUG, settings.TELLUS_DEMO, settings.SESSION_COOKIE_SECURE, "
        "settings.CSRF_COOKIE_SECURE, settings.SECURE_SSL_REDIRECT)"
    )

    def read(**env: str) -> str:
        result = subprocess.run(
            [sys.executable, "-c", script],
            env={**operator_env, **env},
            capture_output=True,
            text=True,
            timeout=60,
        )
        assert result.returncode == 0, result.stderr
        return result.stdout.strip()

    assert read() == "False False True True False"
    assert read(TELLUS_DEMO="1") == "False True False False False"
    https_demo = read(TELLUS_DEMO="1", SITE_URL="https://demo.example.org")
    assert https_demo == "False True True True False"
    bad = subprocess.run(
        [sys.executable, "-c", script],
        env={**operator_env, "TELLUS_DEMO": "perhaps"},
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert bad.returncode != 0 and "TELLUS_DEMO must be a boolean" in bad.stderr


def test_check_deploy_warns_while_the_demo_setting_is_on(operator_env):
    operator_env.update(
        {
            "SECRET_KEY": "x" * 64 + "-production-like-key-0123456789",
            "SECURE_SSL_REDIRECT": "1",
            "SECURE_HSTS_INCLUDE_SUBDOMAINS": "1",
            "SECURE_HSTS_PRELOAD": "1",
            "TELLUS_DEMO": "1",
            "SITE_URL": "https://demo.example.org",
        }
    )
    result = run(operator_env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0
    assert "tellus.demo.W001" in result.stderr + result.stdout
