"""The OpenAPI document lists every error the API really answers, and the answers fit it."""

from __future__ import annotations

import json
import re
from typing import Any

import pytest
from django.core.files.uploadedfile import SimpleUploadedFile
from django.test import Client, override_settings

from tellus.content.services import ContentError
from tests.api.conftest import bearer
from tests.api.schema_check import schema_errors
from tests.content.factories import ContentItemFactory

pytestmark = pytest.mark.django_db

METHODS = {"get", "post", "put", "patch", "delete"}


@pytest.fixture(scope="module")
def document() -> dict[str, Any]:
    return json.loads(Client().get("/api/openapi.json").content)


def operations(document: dict[str, Any]) -> list[tuple[str, str, dict[str, Any]]]:
    return [
        (method.upper(), path, operation)
        for path, item in document["paths"].items()
        for method, operation in item.items()
        if method in METHODS
    ]


def schema_for(document: dict[str, Any], status: int, operation: dict[str, Any]) -> Any:
    return operation["responses"][str(status)]["content"]["application/json"]["schema"]


def operation_at(document: dict[str, Any], method: str, url: str) -> dict[str, Any]:
    """The documented operation a request went to, matching path templates like {item_id}."""
    path = url.split("?")[0]
    for template, item in document["paths"].items():
        if re.fullmatch(re.sub(r"\{\w+\}", "[^/]+", template), path) and method in item:
            return item[method]
    raise AssertionError(f"{method.upper()} {path} is not in the document")


def refs(schema: dict[str, Any]) -> set[str]:
    found = {schema["$ref"].rsplit("/", 1)[-1]} if "$ref" in schema else set()
    for branch in schema.get("anyOf", []):
        found |= refs(branch)
    return found


def test_every_operation_documents_throttling_and_authentication(document):
    for method, path, operation in operations(document):
        responses = operation["responses"]
        where = f"{method} {path}"
        assert refs(schema_for(document, 429, operation)) == {"ErrorOut"}, where
        assert "Retry-After" in responses["429"]["headers"], where
        assert refs(schema_for(document, 401, operation)) == {"ErrorOut"}, where
        assert "WWW-Authenticate" in responses["401"]["headers"], where


def test_every_operation_with_input_documents_422_and_every_body_400_and_413(document):
    for method, path, operation in operations(document):
        where = f"{method} {path}"
        if operation["parameters"] or "requestBody" in operation:
            assert "ValidationErrorOut" in refs(schema_for(document, 422, operation)), where
        if "requestBody" in operation:
            assert refs(schema_for(document, 400, operation)) == {"ErrorOut"}, where
            assert refs(schema_for(document, 413, operation)) == {"ErrorOut"}, where
        if method == "POST":
            assert refs(schema_for(document, 403, operation)) == {"ErrorOut"}, where


def test_open_reads_say_that_credentials_are_optional(document):
    security = {
        (method, path): operation.get("security")
        for method, path, operation in operations(document)
    }
    assert {} in security[("GET", "/api/v1/content")]
    assert {} in security[("GET", "/api/v1/content/{item_id}")]
    assert {} in security[("GET", "/api/v1/map/clusters")]
    assert {} not in security[("GET", "/api/v1/me")]
    assert {} not in security[("POST", "/api/v1/content")]


def test_the_submission_documents_what_a_refused_file_gets(document):
    operation = document["paths"]["/api/v1/content"]["post"]
    assert refs(schema_for(document, 422, operation)) == {"ValidationErrorOut", "ErrorOut"}
    assert refs(schema_for(document, 415, operation)) == {"ErrorOut"}
    assert "too_many_pixels" in operation["description"]


def upload(name: str = "beach.jpg", data: bytes = b"\xff\xd8\xff\xe0" + b"0" * 100) -> dict:
    return {
        "title": "Playa",
        "file": SimpleUploadedFile(name, data, content_type="image/jpeg"),
    }


def multipart(body: bytes, content_type: str) -> dict[str, Any]:
    return {"data": body, "content_type": content_type}


# (label, method, path template, client kwargs, who: anonymous | token | session, status)
BAD_REQUESTS: list[tuple[str, str, str, dict[str, Any], str, int]] = [
    ("limit not a number", "get", "/api/v1/content?limit=abc", {}, "anonymous", 422),
    ("limit too big", "get", "/api/v1/content?limit=100000", {}, "anonymous", 422),
    ("unknown kind", "get", "/api/v1/content?kind=hologram", {}, "anonymous", 422),
    ("bad cursor", "get", "/api/v1/content?cursor=%25%25%25", {}, "anonymous", 400),
    ("id not a number", "get", "/api/v1/content/abc", {}, "anonymous", 422),
    ("no such item", "get", "/api/v1/content/987654", {}, "token", 404),
    ("bbox of two numbers", "get", "/api/v1/map/clusters?bbox=1,2&zoom=3", {}, "anonymous", 400),
    ("zoom not a number", "get", "/api/v1/map/clusters?bbox=1,2,3,4&zoom=x", {}, "anonymous", 422),
    ("no bbox", "get", "/api/v1/map/clusters?zoom=3", {}, "anonymous", 422),
    ("me without credentials", "get", "/api/v1/me", {}, "anonymous", 401),
    (
        "unknown token",
        "get",
        "/api/v1/content",
        {"HTTP_AUTHORIZATION": "Bearer nope"},
        "anonymous",
        401,
    ),
    (
        "malformed JSON",
        "post",
        "/api/v1/content/{item}/shares",
        {"data": "{not json", "content_type": "application/json"},
        "token",
        400,
    ),
    (
        "JSON of the wrong shape",
        "post",
        "/api/v1/content/{item}/shares",
        {"data": "[1, 2]", "content_type": "application/json"},
        "token",
        422,
    ),
    (
        "unknown channel",
        "post",
        "/api/v1/content/{item}/shares",
        {"data": '{"channel": "fax"}', "content_type": "application/json"},
        "token",
        422,
    ),
    (
        "share without credentials",
        "post",
        "/api/v1/content/{item}/shares",
        {"data": '{"channel": "x"}', "content_type": "application/json"},
        "anonymous",
        401,
    ),
    (
        "JSON over the body limit",
        "post",
        "/api/v1/content/{item}/shares",
        {"data": '{"channel": "' + "x" * 5000 + '"}', "content_type": "application/json"},
        "token",
        413,
    ),
    (
        "multipart without a boundary",
        "post",
        "/api/v1/content",
        multipart(b"garbage", "multipart/form-data"),
        "token",
        400,
    ),
    (
        "multipart with an empty boundary",
        "post",
        "/api/v1/content",
        multipart(b"garbage", "multipart/form-data; boundary="),
        "token",
        400,
    ),
    (
        "too many form fields",
        "post",
        "/api/v1/content",
        {"data": "a=1&" * 200, "content_type": "application/x-www-form-urlencoded"},
        "token",
        400,
    ),
    (
        "a form sent as JSON",
        "post",
        "/api/v1/content",
        {"data": '{"title": "x"}', "content_type": "application/json"},
        "token",
        422,
    ),
    ("no title", "post", "/api/v1/content", {"data": {"kind": "story"}}, "token", 422),
    ("a PDF", "post", "/api/v1/content", {"data": upload("cv.pdf", b"%PDF-1.7\n")}, "token", 415),
    ("submitting anonymously", "post", "/api/v1/content", {"data": upload()}, "anonymous", 401),
]


@override_settings(DATA_UPLOAD_MAX_MEMORY_SIZE=4000, DATA_UPLOAD_MAX_NUMBER_FIELDS=100)
@pytest.mark.parametrize(
    ("method", "path", "kwargs", "who", "status"),
    [case[1:] for case in BAD_REQUESTS],
    ids=[case[0] for case in BAD_REQUESTS],
)
def test_bad_requests_get_a_documented_status_and_shape(
    document, member, member_token, method, path, kwargs, who, status
):
    item = ContentItemFactory()
    client = Client()
    extra = bearer(member_token) if who == "token" else {}
    url = path.format(item=item.pk)
    response = getattr(client, method)(url, **kwargs, **extra)
    assert response.status_code == status, response.content
    assert response["Content-Type"].startswith("application/json")
    operation = operation_at(document, method, url)
    errors = schema_errors(response.json(), schema_for(document, status, operation), document)
    assert errors == []


@pytest.mark.parametrize(
    ("code", "status"),
    [
        ("too_big", 413),
        ("too_many_pixels", 413),
        ("too_wide", 413),
        ("video_too_long", 413),
        ("unsupported_type", 415),
        ("undecodable", 422),
        ("truncated", 422),
        ("duplicate", 400),
        ("empty", 400),
    ],
)
def test_a_refused_file_gets_the_status_its_code_calls_for(
    document, monkeypatch, member_token, code, status
):
    def refuse(**kwargs: Any) -> None:
        raise ContentError("Refused.", code=code, field="file")

    monkeypatch.setattr("tellus.content.api.content_submit_media", refuse)
    response = Client().post("/api/v1/content", upload(), **bearer(member_token))
    assert response.status_code == status
    assert response.json() == {"detail": "Refused.", "field": "file", "code": code}
    operation = document["paths"]["/api/v1/content"]["post"]
    assert schema_errors(response.json(), schema_for(document, status, operation), document) == []


def test_a_session_post_without_the_csrf_token_is_refused_with_json(document, member):
    item = ContentItemFactory()
    client = Client(enforce_csrf_checks=True)
    client.force_login(member)
    response = client.post(
        f"/api/v1/content/{item.pk}/shares", '{"channel": "x"}', content_type="application/json"
    )
    assert response.status_code == 403
    assert response.json()["code"] == "csrf_failed"
    operation = document["paths"]["/api/v1/content/{item_id}/shares"]["post"]
    assert schema_errors(response.json(), schema_for(document, 403, operation), document) == []


def test_a_script_without_credentials_gets_401_not_a_csrf_error():
    item = ContentItemFactory()
    response = Client(enforce_csrf_checks=True).post(
        f"/api/v1/content/{item.pk}/shares", '{"channel": "x"}', content_type="application/json"
    )
    assert response.status_code == 401
    assert response.json()["code"] == "authentication_required"
    assert response["WWW-Authenticate"] == "Bearer"


@override_settings(
    TELLUS_RATE_LIMITS={
        "api_member": "2/m",
        "api_anonymous": "2/m",
        "write_member": "60/m",
        "write_address": "120/m",
    }
)
def test_a_throttled_call_fits_the_document_and_says_when_to_retry(document, member_token):
    client = Client()
    for _ in range(2):
        assert client.get("/api/v1/me", **bearer(member_token)).status_code == 200
    response = client.get("/api/v1/me", **bearer(member_token))
    assert response.status_code == 429
    assert 1 <= int(response["Retry-After"]) <= 60
    operation = document["paths"]["/api/v1/me"]["get"]
    assert schema_errors(response.json(), schema_for(document, 429, operation), document) == []


def test_the_schema_check_catches_a_body_that_does_not_fit(document):
    operation = document["paths"]["/api/v1/content"]["get"]
    assert schema_errors({"detail": 3}, schema_for(document, 422, operation), document)
    assert schema_errors({"detail": "x"}, schema_for(document, 422, operation), document)
    assert not schema_errors(
        {"detail": "x", "errors": [{"type": "missing", "loc": ["query", 0], "msg": "m"}]},
        schema_for(document, 422, operation),
        document,
    )


def test_errors_speak_the_callers_language(member_token):
    refused = Client().get("/api/v1/me", HTTP_ACCEPT_LANGUAGE="es")
    assert refused.json()["detail"].startswith("Se requiere autenticación")
    invalid = Client().get("/api/v1/content?limit=0", HTTP_ACCEPT_LANGUAGE="es")
    assert invalid.json()["detail"] == "La solicitud no es válida."
