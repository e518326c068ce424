"""The OpenAPI surface: each app's router, mounted under /api/v1/, and one JSON shape per error."""

from __future__ import annotations

from django.core.exceptions import RequestDataTooBig, TooManyFieldsSent, TooManyFilesSent
from django.http import HttpRequest, HttpResponse
from django.http.multipartparser import MultiPartParserError
from django.utils.translation import gettext as _
from ninja import NinjaAPI
from ninja.errors import AuthenticationError, HttpError, Throttled, ValidationError

from tellus.api.auth import api_throttles, member_auth
from tellus.api.openapi import document_errors
from tellus.community.polls.api import router as polls_router
from tellus.content.api import router as content_router
from tellus.ideas.api import router as ideas_router
from tellus.people.api import router as people_router
from tellus.people.api_auth import CsrfFailed, InvalidToken
from tellus.publishing.api import router as publishing_router

api = NinjaAPI(
    title="Tellus API",
    version="1",
    description=(
        "Visitors' content, engagement and value for destination marketing organizations. "
        "Authenticate with `Authorization: Bearer TOKEN` (a personal API token) or the "
        "browser's session. Open reads (marked with an empty security requirement) also "
        "answer anonymous callers, but still recognise a token or session and act as that "
        "person; a Bearer token that is unknown, revoked or malformed is refused with 401 "
        "everywhere. Every error answers JSON: `ErrorOut` (`detail`, `field`, `code`), or "
        "`ValidationErrorOut` (`detail`, `errors`) for 422. A 429 carries `Retry-After`."
    ),
    urls_namespace="api",
    docs_url="/docs",
    openapi_url="/openapi.json",
    auth=member_auth,
    throttle=api_throttles(),
)
api.add_router("/v1/", people_router)
api.add_router("/v1/", content_router)
api.add_router("/v1/", publishing_router)
api.add_router("/v1/", ideas_router)
api.add_router("/v1/", polls_router)
document_errors(api)


def error(
    request: HttpRequest, status: int, detail: str, code: str, field: str | None = None
) -> HttpResponse:
    """An ErrorOut answer (tellus.core.api_errors)."""
    return api.create_response(
        request, {"detail": detail, "field": field, "code": code}, status=status
    )


@api.exception_handler(AuthenticationError)
def unauthenticated(request: HttpRequest, exc: AuthenticationError) -> HttpResponse:
    if isinstance(exc, InvalidToken):
        response = error(
            request,
            401,
            _(
                "Authentication required: the token sent is unknown, revoked or malformed. "
                "Create a new one in your account page."
            ),
            "invalid_token",
        )
        response["WWW-Authenticate"] = 'Bearer error="invalid_token"'
        return response
    response = error(
        request,
        401,
        _("Authentication required: send a valid token as 'Authorization: Bearer TOKEN'."),
        "authentication_required",
    )
    response["WWW-Authenticate"] = "Bearer"
    return response


@api.exception_handler(ValidationError)
def invalid(request: HttpRequest, exc: ValidationError) -> HttpResponse:
    return api.create_response(
        request, {"detail": _("The request is not valid."), "errors": exc.errors}, status=422
    )


@api.exception_handler(Throttled)
def throttled(request: HttpRequest, exc: Throttled) -> HttpResponse:
    # ninja adds the Retry-After header from the throttle's wait().
    return error(
        request,
        429,
        _("Too many requests: wait for the number of seconds in the Retry-After header."),
        "throttled",
    )


@api.exception_handler(MultiPartParserError)
def unparseable_multipart(request: HttpRequest, exc: MultiPartParserError) -> HttpResponse:
    return unparseable(request)


@api.exception_handler(RequestDataTooBig)
def too_big(request: HttpRequest, exc: RequestDataTooBig) -> HttpResponse:
    return error(request, 413, _("The request is too big."), "too_big")


@api.exception_handler(TooManyFieldsSent)
@api.exception_handler(TooManyFilesSent)
def too_many_fields(
    request: HttpRequest, exc: TooManyFieldsSent | TooManyFilesSent
) -> HttpResponse:
    return error(request, 400, _("The request has too many fields or files."), "too_many_fields")


@api.exception_handler(HttpError)
def http_error(request: HttpRequest, exc: HttpError) -> HttpResponse:
    if isinstance(exc, CsrfFailed):
        return error(request, 403, str(exc), "csrf_failed")
    if exc.status_code == 400 and str(exc).startswith("Cannot parse request body"):
        return unparseable(request)  # ninja's words for a JSON body that is not JSON
    return error(request, exc.status_code, str(exc), f"http_{exc.status_code}")


def unparseable(request: HttpRequest) -> HttpResponse:
    return error(
        request,
        400,
        _("The request body cannot be read: send well-formed JSON or form data."),
        "unparseable_body",
    )


__all__ = ["api"]
