"""A small JSON Schema check, enough for the schemas ninja writes into our OpenAPI document.

jsonschema is not a dependency; the document only uses $ref, anyOf, type,
properties, required, items, enum and additionalProperties.
"""

from __future__ import annotations

from typing import Any

TYPES: dict[str, tuple[type, ...]] = {
    "object": (dict,),
    "array": (list,),
    "string": (str,),
    "integer": (int,),
    "number": (int, float),
    "boolean": (bool,),
    "null": (type(None),),
}


def schema_errors(
    value: Any, schema: dict[str, Any], document: dict[str, Any], at: str = "$"
) -> list[str]:
    """Every way ``value`` breaks ``schema`` (refs resolved in ``document``); empty when valid."""
    if "$ref" in schema:
        name = schema["$ref"].removeprefix("#/components/schemas/")
        return schema_errors(value, document["components"]["schemas"][name], document, at)
    if "anyOf" in schema:
        branches = [schema_errors(value, branch, document, at) for branch in schema["anyOf"]]
        if any(not errors for errors in branches):
            return []
        return [f"{at}: matches none of anyOf: {branches}"]
    errors: list[str] = []
    kind = schema.get("type")
    if kind is not None:
        allowed = TYPES[kind]
        is_bool = isinstance(value, bool)
        if not isinstance(value, allowed) or (is_bool and kind in {"integer", "number"}):
            return [f"{at}: {value!r} is not {kind}"]
    if "enum" in schema and value not in schema["enum"]:
        errors.append(f"{at}: {value!r} not in {schema['enum']}")
    if isinstance(value, dict):
        properties = schema.get("properties", {})
        errors += [
            f"{at}: {key!r} missing" for key in schema.get("required", []) if key not in value
        ]
        for key, item in value.items():
            if key in properties:
                errors += schema_errors(item, properties[key], document, f"{at}.{key}")
            elif schema.get("additionalProperties") is False:
                errors.append(f"{at}: unexpected {key!r}")
            elif isinstance(schema.get("additionalProperties"), dict):
                errors += schema_errors(
                    item, schema["additionalProperties"], document, f"{at}.{key}"
                )
    if isinstance(value, list) and "items" in schema:
        for index, item in enumerate(value):
            errors += schema_errors(item, schema["items"], document, f"{at}[{index}]")
    return errors
