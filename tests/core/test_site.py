"""The public pages, their headers, their language, and /healthz."""

from __future__ import annotations

import pytest
from django.test import override_settings

from tellus.core.services import destination_update
from tests.factories import InitiativeFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db


def test_home_page_names_the_destination_from_settings(client, settings):
    settings.TELLUS_DESTINATION = {**settings.TELLUS_DESTINATION, "name": "Costa Verde"}
    body = client.get("/").content.decode()
    assert "<title>Welcome · Costa Verde</title>" in body
    assert "Tell us about Costa Verde" in body


def test_home_page_lists_running_initiatives_with_a_fixed_number_of_queries(client):
    InitiativeFactory(name="Poems of the sea")
    InitiativeFactory(name="Gone", is_active=False)
    client.get("/")
    with assert_queries(3):  # initiatives, featured and recent content (tests/core/test_home.py)
        body = client.get("/").content.decode()
    assert "Poems of the sea" in body and "Gone" not in body
    InitiativeFactory.create_batch(10)
    with assert_queries(3):
        client.get("/")


def test_pages_carry_a_strict_content_security_policy(client):
    response = client.get("/")
    csp = response["Content-Security-Policy"]
    assert "script-src 'self'" in csp
    assert "unsafe-inline" not in csp and "unsafe-eval" not in csp
    assert "frame-ancestors 'none'" in csp
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["X-Frame-Options"] == "DENY"
    assert "<script>" not in response.content.decode(), "no inline script"


def test_spanish_is_complete_on_the_home_page(client):
    response = client.post("/i18n/setlang/", {"language": "es", "next": "/"})
    assert response.status_code == 302
    body = client.get("/").content.decode()
    assert '<html lang="es">' in body
    assert "Únete a la comunidad" in body
    assert "Join the community" not in body


def test_the_language_switcher_offers_the_destinations_languages(client):
    destination_update(languages="en")
    body = client.get("/").content.decode()
    assert 'name="language"' not in body, "one language: no switcher"
    destination_update(languages="en,es")
    assert 'name="language"' in client.get("/").content.decode()


def test_healthz_reports_every_part(client):
    response = client.get("/healthz")
    assert response.status_code == 200
    body = response.json()
    assert body["status"] == "ok"
    assert body["database"] == "ok" and body["cache"] == "ok"
    assert body["broker"] in {"ok", "in-process"}


@override_settings(
    CACHES={
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": "redis://127.0.0.1:1/0",
        }
    }
)
def test_healthz_names_the_failing_part(client):
    from django.core.cache import caches

    caches._settings = None  # type: ignore[attr-defined]
    response = client.get("/healthz")
    assert response.status_code == 503
    body = response.json()
    assert body["status"] == "failing"
    assert body["cache"].startswith("failing: ")
    assert body["database"] == "ok"
    assert "Traceback" not in response.content.decode()


def test_unknown_pages_and_api_paths_answer_without_leaking(client):
    page = client.get("/no/such/page")
    assert page.status_code == 404 and b"Page not found" in page.content
    api = client.get("/api/v1/no-such-thing")
    assert api.status_code == 404
    assert api["Content-Type"].startswith("application/json")


def test_openapi_document_and_docs(client):
    spec = client.get("/api/openapi.json").json()
    assert spec["info"]["title"] == "Tellus API"
    assert "/api/v1/me" in spec["paths"]
    docs = client.get("/api/docs")
    assert docs.status_code == 200 and b"swagger-ui" in docs.content


@override_settings(DEBUG=False, TELLUS_DEMO=True)
def test_a_missing_page_in_the_demo_shows_the_projects_page_not_the_debug_page(client):
    """The demo runs as production does: its setting allows the demo logins, not DEBUG."""
    response = client.get("/no/such/page/", HTTP_ACCEPT="text/html")
    assert response.status_code == 404
    assert response.templates[0].name == "404.html"
    body = response.content.decode()
    assert "There is nothing at this address." in body and 'href="/"' in body
    for debug_sign in ("DEBUG = True", "URLconf", "technical_404", "Raised by"):
        assert debug_sign not in body
