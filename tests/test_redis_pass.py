"""The Redis pass: cache, rate limits and background jobs on a real Redis and Celery worker.

Selected with ``-m redis`` (``make test-postgres-redis``); ``make test`` leaves it
out. Selected without ``TELLUS_TEST_REDIS_URL``, every test here fails with a
clear message instead of quietly testing the in-process stand-ins.
"""

from __future__ import annotations

import os
import subprocess
import sys
import time
import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path
from urllib.parse import quote

import pytest
import redis
from django.conf import settings
from django.core.cache import cache
from django.db import transaction
from django.test import Client, override_settings

from tellus.config.celery import app as celery_app
from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.engagement.tasks import record_event_later
from tellus.people.models import Person

pytestmark = pytest.mark.redis

REDIS_URL = os.environ.get("TELLUS_TEST_REDIS_URL", "")
# Generous: on a loaded 2-core machine a worker takes 10-20 s to import Django and connect.
WORKER_START_TIMEOUT_S = 60.0
EVENT_TIMEOUT_S = 30.0


@pytest.fixture(autouse=True)
def _redis_configured() -> None:
    """Fail, never skip: a Redis pass that ran without Redis would prove nothing."""
    if not REDIS_URL:
        pytest.fail(
            "The redis tests were selected but TELLUS_TEST_REDIS_URL is not set: "
            "set it (e.g. redis://127.0.0.1:6379/15) or deselect them with -m 'not redis'.",
            pytrace=False,
        )


@pytest.fixture
def raw_redis() -> Iterator[redis.Redis]:
    client = redis.Redis.from_url(REDIS_URL)
    try:
        client.ping()
    except redis.exceptions.ConnectionError as exc:
        pytest.fail(f"Redis at {REDIS_URL} does not answer: {exc}", pytrace=False)
    yield client
    client.close()


def test_the_cache_is_the_configured_redis(raw_redis: redis.Redis) -> None:
    configured = settings.CACHES["default"]
    assert configured["BACKEND"] == "django.core.cache.backends.redis.RedisCache"
    assert configured["LOCATION"] == REDIS_URL

    value = uuid.uuid4().int % 10**12  # Django stores integers in Redis as plain numbers
    cache.set("redis-pass-probe", value, 30)
    assert raw_redis.get(cache.make_key("redis-pass-probe")) == str(value).encode()


# Hourly windows: a minute's window could roll over between two requests.
@override_settings(
    TELLUS_RATE_LIMITS={
        **settings.TELLUS_RATE_LIMITS,
        "write_member": "2/h",
        "write_address": "100/h",
    }
)
def test_write_rate_limits_count_in_redis(member: Person, raw_redis: redis.Redis) -> None:
    client = Client()
    client.force_login(member)
    before = set(raw_redis.scan_iter(match=cache.make_key("rl:*")))

    statuses = [
        client.post("/account/consents/", {"marketing": "on"}).status_code for _ in range(3)
    ]

    assert statuses == [302, 302, 429]
    counters = set(raw_redis.scan_iter(match=cache.make_key("rl:*"))) - before
    counts = sorted(int(raw_redis.get(key) or 0) for key in counters)
    # One counter per member and one per address, both in Redis: a second server
    # process would see the same counts.
    assert counts == [3, 3], counts


@pytest.mark.django_db
def test_healthz_reports_the_redis_broker() -> None:
    response = Client().get("/healthz")
    assert response.status_code == 200, response.content
    body = response.json()
    assert body["broker"] == "ok"
    assert body["cache"] == "ok"


@pytest.mark.django_db
def test_healthz_names_the_broker_when_it_is_down(monkeypatch: pytest.MonkeyPatch) -> None:
    closed = "redis://127.0.0.1:1/0"
    # Celery reads CELERY_BROKER_URL from the environment before the settings: set both.
    monkeypatch.setenv("CELERY_BROKER_URL", closed)
    with override_settings(CELERY_BROKER_URL=closed):
        response = Client().get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["broker"].startswith("failing")
    assert body["database"] == "ok"


def _database_url_of_test_database() -> str:
    """The URL of the database this test runs in (pytest-django's test_ copy)."""
    db = settings.DATABASES["default"]
    if db["ENGINE"] == "django.db.backends.sqlite3":
        name = str(db["NAME"])
        if not name or ":memory:" in name or "mode=memory" in name:
            pytest.fail(
                "The worker test needs a database another process can open: "
                "set TELLUS_TEST_DATABASE_URL (PostgreSQL) for the Redis pass.",
                pytrace=False,
            )
        return f"sqlite:///{name}"
    user = quote(db.get("USER") or "", safe="")
    password = quote(db.get("PASSWORD") or "", safe="")
    auth = f"{user}:{password}@" if password else (f"{user}@" if user else "")
    host = db.get("HOST") or "127.0.0.1"
    port = f":{db['PORT']}" if db.get("PORT") else ""
    return f"postgres://{auth}{host}{port}/{quote(str(db['NAME']), safe='')}"


@dataclass
class Worker:
    node: str
    log: Path

    def output(self) -> str:
        return self.log.read_text(errors="replace")[-4000:]


@pytest.fixture
def celery_worker(tmp_path: Path) -> Iterator[Worker]:
    """A real `celery worker` process on the test database, stopped by its pid afterwards."""
    database_url = _database_url_of_test_database()
    worker = Worker(
        node=f"tellus-test-{uuid.uuid4().hex[:8]}@localhost", log=tmp_path / "worker.log"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "tellus.config.test_settings",
        "DATABASE_URL": database_url,
        "TELLUS_TEST_DATABASE_URL": database_url,
    }
    celery_app.control.purge()  # jobs left from an interrupted run would run against this DB
    command = [
        sys.executable, "-m", "celery", "-A", "tellus.config", "worker", "--pool=solo",
        "--loglevel=WARNING", "--without-heartbeat", "--without-mingle", "--without-gossip",
        "-n", worker.node,
    ]  # fmt: skip
    with worker.log.open("w") as log:
        process = subprocess.Popen(command, env=env, stdout=log, stderr=subprocess.STDOUT)
    try:
        deadline = time.monotonic() + WORKER_START_TIMEOUT_S
        while not celery_app.control.ping(destination=[worker.node], timeout=0.5):
            if process.poll() is not None:
                pytest.fail(f"The Celery worker exited ({process.returncode}):\n{worker.output()}")
            if time.monotonic() > deadline:
                pytest.fail(
                    f"The Celery worker did not answer within {WORKER_START_TIMEOUT_S:.0f} s:\n"
                    + worker.output()
                )
        yield worker
    finally:
        process.terminate()
        try:
            process.wait(timeout=10)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait()


@pytest.fixture
def jobs_through_the_broker() -> Iterator[None]:
    """Send jobs to the broker whatever the suite's default: never run them in this process."""
    eager = celery_app.conf.task_always_eager
    celery_app.conf.task_always_eager = False
    yield
    celery_app.conf.task_always_eager = eager


@pytest.mark.django_db(transaction=True)
def test_a_real_worker_records_an_event_enqueued_after_commit(
    member: Person, celery_worker: Worker, jobs_through_the_broker: None
) -> None:
    key = f"redis-pass-{uuid.uuid4().hex}"

    with transaction.atomic():
        transaction.on_commit(
            lambda: record_event_later.delay(
                kind=kinds.SHARE_CLICKED, member_id=member.pk, channel="email", idempotency_key=key
            )
        )
        # Not yet committed: nothing is enqueued, nothing recorded.
        assert not Event.objects.filter(idempotency_key=key).exists()

    deadline = time.monotonic() + EVENT_TIMEOUT_S
    while not Event.objects.filter(idempotency_key=key).exists():
        if time.monotonic() > deadline:
            pytest.fail(
                f"The worker recorded no event within {EVENT_TIMEOUT_S:.0f} s:\n"
                + celery_worker.output()
            )
        time.sleep(0.1)

    event = Event.objects.get(idempotency_key=key)
    assert event.member_id == member.pk
    assert event.kind == kinds.SHARE_CLICKED
    assert event.channel == "email"
