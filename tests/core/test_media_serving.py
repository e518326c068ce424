"""Uploaded files served by the platform itself can never run as a page of ours."""

from __future__ import annotations

import pytest

pytestmark = pytest.mark.django_db


@pytest.fixture
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    (tmp_path / "photos").mkdir()
    (tmp_path / "photos" / "beach.webp").write_bytes(b"RIFF\x00\x00\x00\x00WEBPVP8 ")
    (tmp_path / "photos" / "evil.html").write_text("<script>alert(1)</script>")
    (tmp_path / "photos" / "evil.svg").write_text("<svg onload='alert(1)'/>")
    (tmp_path.parent / "secret.txt").write_text("outside")
    return tmp_path


def test_images_we_made_are_served_inline_with_protective_headers(client, media):
    response = client.get("/media/photos/beach.webp")
    assert response.status_code == 200
    assert response["Content-Type"] == "image/webp"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert "sandbox" in response["Content-Security-Policy"]
    assert "attachment" not in response.get("Content-Disposition", "")


@pytest.mark.parametrize("name", ["evil.html", "evil.svg"])
def test_anything_else_is_an_attachment(client, media, name):
    response = client.get(f"/media/photos/{name}")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/octet-stream"
    assert response["Content-Disposition"].startswith("attachment")
    assert "default-src 'none'" in response["Content-Security-Policy"]


@pytest.mark.parametrize(
    "path",
    [
        "../secret.txt",
        "photos/../../secret.txt",
        "%2e%2e/secret.txt",
        "photos/missing.webp",
        "photos/",
    ],
)
def test_paths_outside_the_media_folder_or_missing_are_404(client, media, path):
    assert client.get(f"/media/{path}").status_code == 404


def test_only_safe_methods(client, media):
    assert client.post("/media/photos/beach.webp").status_code == 405
