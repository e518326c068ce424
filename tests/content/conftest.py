from __future__ import annotations

import pytest

from tellus.content.map import forget_index


@pytest.fixture(autouse=True)
def _media_in_temp_folders(settings, tmp_path):
    """Each test gets its own media and private folders (Django resets the storages)."""
    settings.MEDIA_ROOT = tmp_path / "media"
    settings.STORAGES = {
        **settings.STORAGES,
        "private": {
            "BACKEND": "django.core.files.storage.FileSystemStorage",
            "OPTIONS": {"location": tmp_path / "private", "base_url": None},
        },
    }
    forget_index()
    yield
    forget_index()
