"""Settings from the environment fail loudly on values they cannot read."""

from __future__ import annotations

import pytest
from django.core.exceptions import ImproperlyConfigured

from tellus.config.email_url import parse_email_url
from tellus.config.env import env_bool, env_int, env_list, env_str


def test_env_helpers(monkeypatch, tmp_path):
    monkeypatch.setenv("T_BOOL", "yes")
    monkeypatch.setenv("T_INT", "42")
    monkeypatch.setenv("T_LIST", "a.example, b.example,,")
    secret = tmp_path / "secret"
    secret.write_text("from-a-file\n")
    monkeypatch.setenv("T_SECRET_FILE", str(secret))
    assert env_bool("T_BOOL") is True
    assert env_int("T_INT", 0) == 42
    assert env_list("T_LIST", []) == ["a.example", "b.example"]
    assert env_str("T_SECRET") == "from-a-file"
    assert env_int("T_MISSING", 7) == 7


@pytest.mark.parametrize(
    ("name", "value", "reader"),
    [
        ("T_BOOL", "maybe", lambda: env_bool("T_BOOL")),
        ("T_INT", "forty", lambda: env_int("T_INT", 0)),
        ("T_SECRET_FILE", "/nonexistent/secret", lambda: env_str("T_SECRET")),
    ],
)
def test_unreadable_values_fail_loudly(monkeypatch, name, value, reader):
    monkeypatch.setenv(name, value)
    with pytest.raises(ImproperlyConfigured, match=name.removesuffix("_FILE")):
        reader()


def test_email_url():
    config = parse_email_url("smtp://user%40dmo:p%2Fss@mail.example.org:2525?tls=true")
    assert config["EMAIL_HOST"] == "mail.example.org"
    assert config["EMAIL_PORT"] == 2525
    assert config["EMAIL_HOST_USER"] == "user@dmo"
    assert config["EMAIL_HOST_PASSWORD"] == "p/ss"
    assert config["EMAIL_USE_TLS"] and not config["EMAIL_USE_SSL"]
    assert parse_email_url("smtps://mail.example.org")["EMAIL_PORT"] == 465


@pytest.mark.parametrize("url", ["http://mail.example.org", "smtp://", "smtp://host:notaport"])
def test_bad_email_urls(url):
    with pytest.raises(ImproperlyConfigured):
        parse_email_url(url)
