"""Settings for the test suite: fast hashing, eager jobs, a real Redis only when asked.

``TELLUS_TEST_DATABASE_URL`` runs the suite on PostgreSQL; ``TELLUS_TEST_REDIS_URL``
puts the cache, rate limits and Celery on a real Redis (the Redis test runs a
real worker).
"""

import os
import tempfile

os.environ.setdefault("TELLUS_DATA_DIR", tempfile.mkdtemp(prefix="tellus-test-"))
os.environ.setdefault("SECRET_KEY", "tellus-test-secret-key-not-for-production-use-0123456789")
if os.environ.get("TELLUS_TEST_DATABASE_URL"):
    os.environ["DATABASE_URL"] = os.environ["TELLUS_TEST_DATABASE_URL"]
if os.environ.get("TELLUS_TEST_REDIS_URL"):
    # One Redis database per pytest-xdist worker, counting down from the one given,
    # so that one worker's cache.clear() cannot wipe another's counters or jobs.
    _base, _, _db = os.environ["TELLUS_TEST_REDIS_URL"].rpartition("/")
    _worker = int(os.environ.get("PYTEST_XDIST_WORKER", "gw0")[2:] or 0)
    _url = f"{_base}/{max(int(_db or 0) - _worker, 0)}"
    os.environ["REDIS_URL"] = _url
    os.environ.setdefault("CELERY_BROKER_URL", _url)

from tellus.config.settings import *  # noqa: F403
from tellus.config.settings import DATA_DIR

# Two more kinds of publishing subject, so the shared blocks are tested with three.
INSTALLED_APPS = [*INSTALLED_APPS, "tests.publishing_kinds"]  # noqa: F405
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": DATA_DIR / "private", "base_url": None},
    },
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
MEDIA_ROOT = DATA_DIR / "media"
SESSION_COOKIE_SECURE = False
CSRF_COOKIE_SECURE = False
SECURE_HSTS_SECONDS = 0
ALLOWED_HOSTS = ["testserver", "localhost", "127.0.0.1"]
# Jobs run in-process in every pass; the Redis pass's worker test sends its job
# through the broker to a real worker.
CELERY_TASK_ALWAYS_EAGER = True
(DATA_DIR / "static").mkdir(parents=True, exist_ok=True)
TELLUS_MAP_SYNC_REBUILD = True  # tests see a change on the next request
TELLUS_PUBLIC_VERSION_SECONDS = 0.0  # tests see a change on the next request
