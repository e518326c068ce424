"""What /healthz reports: each part the platform needs, and whether it answers."""

from __future__ import annotations

import time
import uuid

from django.conf import settings
from django.core.cache import cache
from django.db import connection


def check_database() -> str:
    with connection.cursor() as cursor:
        cursor.execute("SELECT 1")
        cursor.fetchone()
    return "ok"


def check_cache() -> str:
    key = f"tellus:healthz:{uuid.uuid4().hex}"
    cache.set(key, "1", 10)
    if cache.get(key) != "1":
        raise RuntimeError("the cache did not return what was stored")
    cache.delete(key)
    return "ok"


def check_broker() -> str:
    if not settings.CELERY_BROKER_URL:
        return "in-process"
    from tellus.config.celery import app

    with app.connection_for_write() as conn:
        conn.ensure_connection(max_retries=1, timeout=2)
    return "ok"


CHECKS = {"database": check_database, "cache": check_cache, "broker": check_broker}


def health_report() -> tuple[bool, dict[str, str]]:
    """Run every check; a failing part is named with its error's kind, never a trace."""
    report: dict[str, str] = {}
    healthy = True
    for name, check in CHECKS.items():
        started = time.monotonic()
        try:
            report[name] = check()
        except Exception as exc:
            healthy = False
            report[name] = f"failing: {type(exc).__name__}"
        report[f"{name}_ms"] = f"{(time.monotonic() - started) * 1000:.1f}"
    return healthy, report
