"""`tellus check --deploy` says when the demo setting is on: its accounts' password is public."""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.core.checks import CheckMessage, Tags, Warning, register


@register(Tags.security, deploy=True)
def demo_setting_is_off(app_configs: Any = None, **kwargs: Any) -> list[CheckMessage]:
    """A real installation runs without TELLUS_DEMO, which allows logins anyone can read."""
    if not getattr(settings, "TELLUS_DEMO", False):
        return []
    return [
        Warning(
            "TELLUS_DEMO is on: `tellus demo` may create accounts whose password is published.",
            hint="Unset TELLUS_DEMO on a real installation; it is for `make demo` only.",
            id="tellus.demo.W001",
        )
    ]
