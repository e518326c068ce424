"""Every operation's OpenAPI entry lists the errors the API really answers with, and their shape.

Handlers declare what they return themselves (a 404 for an unknown item, a 413
for a file too big). What the framework around them answers (a missing token,
a throttled caller, a body that is not JSON, a parameter of the wrong type) is
added here, from what each bound operation really checks: its authentication
classes, throttles, HTTP methods and the sources of its parameters.
"""

from __future__ import annotations

from typing import Any, Union

from ninja import NinjaAPI
from ninja.constants import NOT_SET
from ninja.operation import Operation

from tellus.core.api_errors import ErrorOut, ValidationErrorOut
from tellus.people.api_auth import Anonymous, Session

BODY_SOURCES = {"body", "form", "file"}
UNSAFE_METHODS = {"POST", "PUT", "PATCH", "DELETE"}

DESCRIPTIONS = {
    400: "Bad request: the body cannot be parsed (malformed JSON or multipart, too many "
    "fields), or a value is refused; see `detail`, `field` and `code`.",
    401: "Authentication required: no valid token or session (`code` "
    "authentication_required), or a Bearer token that is unknown, revoked or malformed "
    "(`code` invalid_token).",
    "open_401": "A Bearer token was sent but is unknown, revoked or malformed (`code` "
    "invalid_token). Send no Authorization header to read anonymously.",
    403: "The CSRF check failed: a browser session must send the X-CSRFToken header "
    "(`code` csrf_failed).",
    413: "Too big: the body passes the server's limit (`code` too_big); for an upload, also a "
    "file over a size, pixel, dimension or duration limit (see the operation).",
    422: "A parameter or body field does not have the type, length or range required; "
    "`errors` says which.",
    429: "Too many calls: members are counted per person, visitors per address. Wait for "
    "`Retry-After` seconds.",
}
HEADERS: dict[int, dict[str, Any]] = {
    401: {
        "WWW-Authenticate": {
            "description": 'The scheme to use: Bearer, with error="invalid_token" for a bad token.',
            "schema": {"type": "string"},
        }
    },
    429: {
        "Retry-After": {
            "description": "Seconds until the caller's allowance is renewed.",
            "schema": {"type": "integer", "minimum": 1},
        }
    },
}


def framework_errors(operation: Operation) -> dict[int, type]:
    """The statuses ninja and our exception handlers may answer for this operation."""
    sources = {model.__ninja_param_source__ for model in operation.models}
    statuses: dict[int, type] = {}
    if sources & BODY_SOURCES:
        statuses[400] = ErrorOut
        statuses[413] = ErrorOut
    if operation.auth_callbacks:
        statuses[401] = ErrorOut
    if set(operation.methods) & UNSAFE_METHODS and any(
        isinstance(auth, Session) for auth in operation.auth_callbacks
    ):
        statuses[403] = ErrorOut
    if operation.models:
        statuses[422] = ValidationErrorOut
    if operation.throttle_objects:
        statuses[429] = ErrorOut
    return statuses


def is_open(operation: Operation) -> bool:
    return any(isinstance(auth, Anonymous) for auth in operation.auth_callbacks)


def document_operation(operation: Operation) -> None:
    extra: dict[str, Any] = {"responses": {}}
    for status, shape in framework_errors(operation).items():
        declared = operation.response_models.get(status)
        model: Any = shape
        if declared is not None and declared is not NOT_SET:
            own = declared.model_fields["response"].annotation
            model = own if own is shape else Union[shape, own]  # noqa: UP007
        operation.response_models[status] = operation._create_response_model(model)
        key: int | str = "open_401" if status == 401 and is_open(operation) else status
        described: dict[str, Any] = {"description": DESCRIPTIONS[key]}
        if status in HEADERS:
            described["headers"] = HEADERS[status]
        extra["responses"][status] = described
    operation.response_models = dict(
        sorted(operation.response_models.items(), key=lambda kv: _status_order(kv[0]))
    )
    if is_open(operation):
        # OpenAPI's way to say "or no credentials at all".
        extra["security"] = [{}]
    merged = dict(operation.openapi_extra or {})
    for key, value in extra.items():
        if isinstance(value, dict):
            merged[key] = {**value, **merged.get(key, {})}
        else:
            merged[key] = [*merged.get(key, []), *value]
    operation.openapi_extra = merged


def _status_order(status: Any) -> int:
    return status if isinstance(status, int) else 1000  # ninja's Ellipsis ("any other") last


def document_errors(api: NinjaAPI) -> None:
    """Run once, after every router is added: binds the routers (no router may be added later)."""
    for bound in api._get_bound_routers():
        for view in bound.path_operations.values():
            for operation in view.operations:
                document_operation(operation)
