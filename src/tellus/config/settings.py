"""Tellus settings, read from the environment (see the README's operations section).

With nothing set, Tellus runs embedded on one machine: SQLite in the data
folder, jobs in-process, local-memory cache, media in the data folder, mail
written to files. Each variable moves one part to its production service.
"""

from __future__ import annotations

import secrets
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit

import dj_database_url
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from tellus.config.email_url import parse_email_url
from tellus.config.env import (
    env_bool,
    env_file,
    env_int,
    env_list,
    env_str,
    env_text,
    env_tile_url,
    tile_origin,
)

PACKAGE_DIR = Path(__file__).resolve().parent.parent
DATA_DIR = Path(env_str("TELLUS_DATA_DIR", "data")).resolve()


def _secret_key() -> str:
    """The configured key, or one generated once and kept in the data folder."""
    configured = env_str("SECRET_KEY")
    if configured:
        return configured
    key_file = DATA_DIR / "secret_key"
    if key_file.exists():
        return key_file.read_text().strip()
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    key = secrets.token_urlsafe(50)
    key_file.touch(mode=0o600)
    key_file.write_text(key)
    return key


DEBUG = env_bool("DEBUG", False)
SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", ["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS", [])
SITE_URL = env_str("SITE_URL", "http://127.0.0.1:8000").rstrip("/")
# The demo (`make demo`, `tellus serve --demo`) allows the demo accounts, whose password
# is published; DEBUG stays off. Served over plain http, as on 127.0.0.1, its cookies go
# without the Secure flag, or browsers would drop them and nobody could log in.
TELLUS_DEMO = env_bool("TELLUS_DEMO", False)
_SECURE_COOKIES = not DEBUG and not (TELLUS_DEMO and urlsplit(SITE_URL).scheme == "http")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "ninja",
    "django_htmx",
    "django_countries",
    "csp",
    "tellus.core",
    "tellus.people",
    "tellus.engagement",
    "tellus.console",
    "tellus.publishing",
    "tellus.content",
    "tellus.ideas",
    "tellus.community.conversations",
    "tellus.community.polls",
    "tellus.api",
    "tellus.widgets",
    "tellus.site",
    "tellus.demo",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
]

ROOT_URLCONF = "tellus.config.urls"
WSGI_APPLICATION = "tellus.config.wsgi.application"
ASGI_APPLICATION = "tellus.config.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "csp.context_processors.nonce",
                "tellus.core.context_processors.destination",
            ],
        },
    },
]

# --- Database ---------------------------------------------------------------
_default_db = f"sqlite:///{DATA_DIR / 'tellus.sqlite3'}"
DATABASES = {
    "default": dj_database_url.parse(
        env_str("DATABASE_URL", _default_db), conn_max_age=env_int("DATABASE_CONN_MAX_AGE", 60)
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            # WAL lets readers work while one writer writes; IMMEDIATE avoids
            # "database is locked" on upgrade from a read to a write transaction.
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; "
            "PRAGMA busy_timeout=5000;",
            "transaction_mode": "IMMEDIATE",
        }
    )
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache, rate limits ----------------------------------------------------
REDIS_URL = env_str("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {"BACKEND": "django.core.cache.backends.redis.RedisCache", "LOCATION": REDIS_URL}
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
RATELIMIT_ENABLE = env_bool("RATELIMIT_ENABLE", True)
RATELIMIT_VIEW = "tellus.core.views.rate_limited"
# Published defaults of Zulip (5 failed logins per account per 30 minutes;
# 200 API calls per member per minute) and Discourse (per-address limits).
TELLUS_RATE_LIMITS = {
    "api_member": env_str("TELLUS_RATE_API_MEMBER", "200/m"),
    # A map being panned asks for a view per move: generous for anonymous readers.
    "api_anonymous": env_str("TELLUS_RATE_API_ANONYMOUS", "300/m"),
    "write_member": env_str("TELLUS_RATE_WRITE_MEMBER", "60/m"),
    "write_address": env_str("TELLUS_RATE_WRITE_ADDRESS", "120/m"),
}

# --- Background jobs -------------------------------------------------------
CELERY_BROKER_URL = env_str("CELERY_BROKER_URL")
# With no broker the jobs run in-process, right after the request's commit.
CELERY_TASK_ALWAYS_EAGER = not CELERY_BROKER_URL
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env_str("CELERY_RESULT_BACKEND", CELERY_BROKER_URL or "")
CELERY_TASK_ACKS_LATE = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_SERIALIZER = "json"

# --- People and accounts ---------------------------------------------------
AUTH_USER_MODEL = "people.Person"
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
PASSWORD_HASHERS = [
    "django.contrib.auth.hashers.Argon2PasswordHasher",
    "django.contrib.auth.hashers.PBKDF2PasswordHasher",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "people:account"
ACCOUNT_LOGOUT_REDIRECT_URL = "site:home"
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PRESERVE_USERNAME_CASING = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_SIGNUP_FORM_CLASS = "tellus.people.forms.SignupDetailsForm"
ACCOUNT_ADAPTER = "tellus.people.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = ""
ACCOUNT_RATE_LIMITS = {
    # Zulip: 5 failed logins per account per 30 minutes; Discourse: 20 per address.
    "login_failed": env_str("TELLUS_RATE_LOGIN_FAILED", "20/30m/ip,5/30m/key"),
    "login": "30/m/ip",
    "signup": "10/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "manage_email": "10/m/user",
    "reauthenticate": "10/m/user",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env_str("TELLUS_DESTINATION_NAME", "Tellus")
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# --- Internationalisation --------------------------------------------------
LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("es", _("Spanish"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
USE_I18N = True
USE_TZ = True
TIME_ZONE = env_str("TIME_ZONE", "UTC")

# --- The destination (defaults; admins change them in the console) ----------
TELLUS_DESTINATION = {
    "name": env_str("TELLUS_DESTINATION_NAME", "Tellus"),
    "tagline": env_str("TELLUS_DESTINATION_TAGLINE", ""),
    "primary_colour": env_str("TELLUS_DESTINATION_PRIMARY_COLOUR", "#0b6e69"),
    "accent_colour": env_str("TELLUS_DESTINATION_ACCENT_COLOUR", "#e07a2e"),
    "languages": env_list("TELLUS_LANGUAGES", ["en", "es"]),
}

# --- The map's base layer (README: "The map's base layer") -------------------
# Nothing here calls a third party unless the DMO names one: with nothing set,
# maps draw the destination's own basemap file if the data folder has one (the
# demo writes it), else a plain background under the content.
TELLUS_MAP_TILES_URL = env_tile_url("TELLUS_MAP_TILES_URL")
TELLUS_MAP_TILES_ATTRIBUTION = env_text("TELLUS_MAP_TILES_ATTRIBUTION")
if TELLUS_MAP_TILES_URL and not TELLUS_MAP_TILES_ATTRIBUTION:
    raise ImproperlyConfigured(
        "TELLUS_MAP_TILES_URL is set, so TELLUS_MAP_TILES_ATTRIBUTION must say whose map "
        "it is, as tile providers require (e.g. '© OpenStreetMap contributors')."
    )
TELLUS_MAP_TILES_MAX_ZOOM = env_int("TELLUS_MAP_TILES_MAX_ZOOM", 18)
if not 1 <= TELLUS_MAP_TILES_MAX_ZOOM <= 22:
    raise ImproperlyConfigured("TELLUS_MAP_TILES_MAX_ZOOM must be from 1 to 22.")
_basemap = env_file("TELLUS_MAP_BASEMAP")
if _basemap and TELLUS_MAP_TILES_URL:
    raise ImproperlyConfigured(
        "Set TELLUS_MAP_BASEMAP (a GeoJSON file Tellus serves) or TELLUS_MAP_TILES_URL "
        "(a tile server), not both."
    )
# The GeoJSON file to serve and draw; None when the map uses tiles.
TELLUS_MAP_BASEMAP = None if TELLUS_MAP_TILES_URL else (_basemap or DATA_DIR / "basemap.geojson")
TELLUS_MAP_BASEMAP_ATTRIBUTION = env_text("TELLUS_MAP_BASEMAP_ATTRIBUTION")
MAP_TILE_ORIGINS = [tile_origin(TELLUS_MAP_TILES_URL)] if TELLUS_MAP_TILES_URL else []

# --- Static files and media ------------------------------------------------
STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATICFILES_DIRS = [PACKAGE_DIR / "static"]
MEDIA_URL = env_str("MEDIA_URL", "/media/")
MEDIA_ROOT = Path(env_str("MEDIA_ROOT", str(DATA_DIR / "media"))).resolve()
TELLUS_SERVE_MEDIA = env_bool("TELLUS_SERVE_MEDIA", not env_str("AWS_STORAGE_BUCKET_NAME"))
PRIVATE_ROOT = Path(env_str("TELLUS_PRIVATE_ROOT", str(DATA_DIR / "private"))).resolve()
STORAGES: dict[str, dict[str, Any]] = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Originals as uploaded: never served; only the pipeline's renditions are public.
    "private": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": PRIVATE_ROOT, "base_url": None},
    },
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
if env_str("AWS_STORAGE_BUCKET_NAME"):
    STORAGES["default"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "custom_domain": env_str("AWS_S3_CUSTOM_DOMAIN") or None,
            "querystring_auth": False,
            "file_overwrite": False,
        },
    }
    STORAGES["private"] = {
        "BACKEND": "storages.backends.s3.S3Storage",
        "OPTIONS": {
            "bucket_name": env_str(
                "TELLUS_PRIVATE_BUCKET_NAME", env_str("AWS_STORAGE_BUCKET_NAME")
            ),
            "endpoint_url": env_str("AWS_S3_ENDPOINT_URL") or None,
            "region_name": env_str("AWS_S3_REGION_NAME") or None,
            "location": "private",
            "default_acl": "private",
            "querystring_auth": True,
            "file_overwrite": False,
        },
    }
DATA_UPLOAD_MAX_MEMORY_SIZE = env_int("DATA_UPLOAD_MAX_MEMORY_SIZE", 2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
FILE_UPLOAD_PERMISSIONS = 0o640
# Media limits (the pipeline refuses beyond them, before decoding).
TELLUS_MEDIA_MAX_IMAGE_BYTES = env_int("TELLUS_MEDIA_MAX_IMAGE_BYTES", 50 * 1024 * 1024)
TELLUS_MEDIA_MAX_VIDEO_BYTES = env_int("TELLUS_MEDIA_MAX_VIDEO_BYTES", 512 * 1024 * 1024)
TELLUS_MEDIA_MAX_PIXELS = env_int("TELLUS_MEDIA_MAX_PIXELS", 60_000_000)
TELLUS_MEDIA_MAX_VIDEO_SECONDS = env_int("TELLUS_MEDIA_MAX_VIDEO_SECONDS", 180)
# Reports from this many different people hide an item until a moderator looks.
TELLUS_REPORTS_TO_HIDE = env_int("TELLUS_REPORTS_TO_HIDE", 3)
# Comments (publishing/comments/rules.py): the flood rule, the edit window, and how
# many published comments make a member's next ones appear at once.
TELLUS_COMMENTS_PER_MINUTE = env_int("TELLUS_COMMENTS_PER_MINUTE", 5)
TELLUS_COMMENT_EDIT_MINUTES = env_int("TELLUS_COMMENT_EDIT_MINUTES", 15)
TELLUS_COMMENTS_TRUSTED_AFTER = env_int("TELLUS_COMMENTS_TRUSTED_AFTER", 1)
TELLUS_COMMENT_LINKS_TRUSTED_AFTER = env_int("TELLUS_COMMENT_LINKS_TRUSTED_AFTER", 3)
# Ask us (community/conversations): new questions per member or address a day, and
# how long a visitor's private link to their conversation works.
TELLUS_CONVERSATIONS_PER_DAY = env_int("TELLUS_CONVERSATIONS_PER_DAY", 5)
TELLUS_CONVERSATION_LINK_DAYS = env_int("TELLUS_CONVERSATION_LINK_DAYS", 90)
# The media origin: set MEDIA_URL to a separate domain in production (see README).

# --- Email -----------------------------------------------------------------
DEFAULT_FROM_EMAIL = env_str("DEFAULT_FROM_EMAIL", "Tellus <no-reply@tellus.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
EMAIL_URL = env_str("EMAIL_URL")
if EMAIL_URL:
    globals().update(parse_email_url(EMAIL_URL))
else:
    EMAIL_BACKEND = "django.core.mail.backends.filebased.EmailBackend"
    EMAIL_FILE_PATH = DATA_DIR / "mail"

# --- Security --------------------------------------------------------------
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_SECURE = env_bool("SESSION_COOKIE_SECURE", _SECURE_COOKIES)
CSRF_COOKIE_SECURE = env_bool("CSRF_COOKIE_SECURE", _SECURE_COOKIES)
SECURE_SSL_REDIRECT = env_bool("SECURE_SSL_REDIRECT", False)
SECURE_HSTS_SECONDS = env_int("SECURE_HSTS_SECONDS", 0 if DEBUG else 31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("SECURE_HSTS_INCLUDE_SUBDOMAINS", False)
SECURE_HSTS_PRELOAD = env_bool("SECURE_HSTS_PRELOAD", False)
if env_bool("BEHIND_PROXY", False):
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SILENCED_SYSTEM_CHECKS = env_list("SILENCED_SYSTEM_CHECKS", [])

# Media on a separate domain (the recommended production setup) must be allowed as images.
MEDIA_ORIGINS = (
    [f"{urlsplit(MEDIA_URL).scheme}://{urlsplit(MEDIA_URL).netloc}"] if "://" in MEDIA_URL else []
)
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        # Map tiles are images: only the tile server the DMO configured, if any.
        "img-src": [SELF, "data:", "blob:", *MAP_TILE_ORIGINS, *MEDIA_ORIGINS],
        "connect-src": [SELF],
        "font-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}

# --- API -------------------------------------------------------------------
NINJA_PAGINATION_PER_PAGE = 50
NINJA_PAGINATION_MAX_LIMIT = 200

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env_str("LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

if not DEBUG and SECRET_KEY.startswith("django-insecure"):
    raise ImproperlyConfigured("SECRET_KEY is an insecure development key; set a real one.")
