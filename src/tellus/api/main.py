"""The OpenAPI surface: each app's router, mounted under /api/v1/."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, ValidationError

from tellus.api.auth import api_throttles, member_auth
from tellus.content.api import router as content_router
from tellus.people.api import router as people_router

api = NinjaAPI(
    title="Tellus API",
    version="1",
    description=(
        "Visitors' content, engagement and value for destination marketing organizations. "
        "Authenticate with `Authorization: Bearer TOKEN` (a personal API token) or the "
        "browser's session."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=member_auth,
    throttle=api_throttles(),
)
api.add_router("/v1/", people_router)
api.add_router("/v1/", content_router)


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    return api.create_response(
        request,
        {"detail": "Authentication required: send a valid token as 'Authorization: Bearer TOKEN'."},
        status=401,
    )


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": "The request is not valid.", "errors": exc.errors}, status=422
    )


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    return api.create_response(request, {"detail": str(exc)}, status=exc.status_code)


__all__ = ["api"]
