"""The shapes of the API's error answers, shared by every app's router and the OpenAPI document."""

from __future__ import annotations

from typing import Any

from ninja import Schema
from pydantic import Field


class ErrorOut(Schema):
    """Every refusal but a parameter validation error; also the 422 for a file we cannot read."""

    detail: str = Field(..., description="What went wrong, in the caller's language.")
    field: str | None = Field(default=None, description="The input at fault, when there is one.")
    code: str | None = Field(
        default=None,
        description=(
            "A stable code for programs, e.g. authentication_required, invalid_token, "
            "csrf_failed, unparseable_body, too_many_fields, too_big, too_many_pixels, "
            "unsupported_type, undecodable, duplicate, throttled."
        ),
    )


class ValidationIssue(Schema):
    """One input that failed validation, as pydantic reports it."""

    type: str = Field(..., description="pydantic's error type, e.g. missing, int_parsing.")
    loc: list[str | int] = Field(..., description="Where: source then name, e.g. query, limit.")
    msg: str
    ctx: dict[str, Any] | None = None


class ValidationErrorOut(Schema):
    """422: a parameter or body field does not have the type or range the operation needs."""

    detail: str
    errors: list[ValidationIssue]
