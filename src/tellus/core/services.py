from __future__ import annotations

from typing import Any

from django.db import transaction

from tellus.core.models import Destination
from tellus.core.queries import forget_branding


def destination_update(**fields: Any) -> Destination:
    """Change the destination's branding; pages show it at once."""
    with transaction.atomic():
        destination, _ = Destination.objects.select_for_update().get_or_create(pk=1)
        for name, value in fields.items():
            setattr(destination, name, value)
        destination.full_clean()
        destination.save()
        forget_branding()
        # Again after commit, so that a page rendered meanwhile cannot keep the old one.
        transaction.on_commit(forget_branding)
    return destination
