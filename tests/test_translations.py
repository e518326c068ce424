"""Spanish is complete: the catalogue is whole, current and compiled, and no page shows English.

The checks read our own catalogue (``src/tellus/locale``); Django's and
allauth's strings come with their own translations.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from html.parser import HTMLParser
from pathlib import Path
from typing import cast

import polib  # type: ignore[import-untyped]
import pytest
from django.conf import settings
from django.test import Client, RequestFactory
from django.urls import reverse
from django.utils import translation

import tellus
from tellus.console.sections import navigation
from tellus.core.catalogues import compile_catalogues
from tellus.core.views import server_error
from tellus.engagement import kinds
from tellus.engagement.models import Initiative
from tellus.engagement.services import record_event
from tellus.people.models import ConsentPurpose, Person
from tellus.people.services import api_token_create, consent_grant
from tests.factories import InitiativeFactory, TripFactory

PACKAGE_DIR = Path(tellus.__file__).parent
LOCALE_DIR = PACKAGE_DIR / "locale"
PO_PATH = LOCALE_DIR / "es" / "LC_MESSAGES" / "django.po"
MO_PATH = PO_PATH.with_suffix(".mo")
# The same extraction as docs/translating.md describes.
MAKEMESSAGES = [
    "makemessages",
    "-l",
    "es",
    "--no-obsolete",
    "--ignore",
    "static/vendor/*",
    "--ignore",
    "analytics/*",
]

# printf-style placeholders (%(name)s, %d, ...) and str.format fields; "%%" is a literal.
PLACEHOLDER = re.compile(r"%(?:\(\w+\))?[-#0 +]*\d*(?:\.\d+)?[diouxXeEfFgGcrsa]|\{\w*\}")
TAG = re.compile(r"</?[a-zA-Z][^>]*>")


def _catalogue() -> polib.POFile:
    return polib.pofile(str(PO_PATH))


def _key(entry: polib.POEntry | polib.MOEntry) -> tuple[str | None, str]:
    return (entry.msgctxt, entry.msgid)


def _placeholders(text: str) -> Counter[str]:
    return Counter(PLACEHOLDER.findall(text.replace("%%", "")))


def _forms(entry: polib.POEntry | polib.MOEntry) -> tuple[str, ...]:
    if entry.msgid_plural:
        return tuple(entry.msgstr_plural[k] for k in sorted(entry.msgstr_plural, key=int))
    return (entry.msgstr,)


def _label(entry: polib.POEntry) -> str:
    where = ", ".join(sorted({path for path, _line in entry.occurrences}))
    return f"{entry.msgid!r} ({where})"


# --- (1) every entry translated, none fuzzy, placeholders kept ---------------------------


def test_every_entry_of_the_catalogue_is_translated_and_none_is_fuzzy():
    po = _catalogue()
    assert len(po) > 300, "the catalogue is far smaller than the interface"
    assert po.metadata["Language"] == "es"
    problems = [f"untranslated: {_label(e)}" for e in po.untranslated_entries()]
    problems += [f"fuzzy: {_label(e)}" for e in po.fuzzy_entries()]
    problems += [f"obsolete: {e.msgid!r}" for e in po.obsolete_entries()]
    problems += [f"blank form: {_label(e)}" for e in po if not all(_forms(e))]
    assert not problems, "\n".join(problems)


def test_plural_entries_have_every_form_spanish_needs():
    po = _catalogue()
    match = re.search(r"nplurals=(\d+)", po.metadata["Plural-Forms"])
    assert match, po.metadata["Plural-Forms"]
    nplurals = int(match.group(1))
    plural = [e for e in po if e.msgid_plural]
    assert all(len(_forms(e)) == nplurals for e in plural), [_label(e) for e in plural]


def test_translations_keep_every_placeholder_and_tag():
    problems = []
    for entry in _catalogue():
        source = entry.msgid_plural or entry.msgid
        for form in _forms(entry):
            if _placeholders(form) != _placeholders(source):
                problems.append(f"placeholders differ: {_label(entry)} -> {form!r}")
            if Counter(TAG.findall(form)) != Counter(TAG.findall(source)):
                problems.append(f"markup differs: {_label(entry)} -> {form!r}")
    assert not problems, "\n".join(problems)


def test_the_placeholder_check_catches_a_dropped_or_renamed_placeholder():
    assert _placeholders("Tell us about %(name)s") == _placeholders("Cuéntanos sobre %(name)s")
    assert _placeholders("Tell us about %(name)s") != _placeholders("Cuéntanos sobre %(nombre)s")
    assert _placeholders("Page %(n)s of %(total)s") != _placeholders("Página %(n)s")
    assert _placeholders("100%% sure") == _placeholders("seguro al 100 %%")


# --- (2) the catalogue holds every string the code marks --------------------------------


def test_the_catalogue_holds_every_string_marked_in_the_code(tmp_path):
    """Extract again into a copy; a msgid the committed .po lacks is an untranslated string."""
    missing_tools = [tool for tool in ("xgettext", "msgmerge", "msguniq") if not shutil.which(tool)]
    if missing_tools:
        pytest.fail(f"GNU gettext is needed to extract strings; install it ({missing_tools})")
    copy = tmp_path / "src" / "tellus"
    shutil.copytree(
        PACKAGE_DIR, copy, ignore=shutil.ignore_patterns("__pycache__", "vendor", "analytics")
    )
    settings_dir = tmp_path / "settings"
    settings_dir.mkdir()
    (settings_dir / "extraction_settings.py").write_text(
        "from tellus.config.test_settings import *  # noqa: F403\n"
        f"LOCALE_PATHS = [{str(copy / 'locale')!r}]\n"
        # The tests' own apps are not the product's strings (and not on the path here).
        "INSTALLED_APPS = [a for a in INSTALLED_APPS if not a.startswith('tests.')]\n"
    )
    env = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "extraction_settings",
        "PYTHONPATH": os.pathsep.join([str(settings_dir), os.environ.get("PYTHONPATH", "")]),
    }
    result = subprocess.run(
        [sys.executable, "-P", "-m", "django", *MAKEMESSAGES],
        cwd=copy,
        env=env,
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert result.returncode == 0, result.stderr
    extracted = polib.pofile(str(copy / "locale" / "es" / "LC_MESSAGES" / "django.po"))
    committed = {_key(e) for e in _catalogue()}
    missing = [_label(e) for e in extracted if _key(e) not in committed]
    assert not missing, (
        "strings marked in the code but missing from the Spanish catalogue "
        "(run makemessages and translate them, see docs/translating.md):\n" + "\n".join(missing)
    )


# --- (3) the compiled catalogue is the source catalogue ---------------------------------


def test_the_compiled_catalogue_matches_the_source():
    po = _catalogue()
    mo = polib.mofile(str(MO_PATH))
    expected = {_key(e): _forms(e) for e in po.translated_entries()}
    compiled = {_key(e): _forms(e) for e in mo if e.msgid}
    stale = sorted(
        repr(k[1]) for k in expected.keys() | compiled.keys() if expected.get(k) != compiled.get(k)
    )
    assert not stale, "django.mo is out of date; run make setup:\n" + "\n".join(stale)
    assert mo.metadata["Plural-Forms"] == po.metadata["Plural-Forms"]


def test_the_catalogues_are_compiled_when_missing_or_stale(tmp_path):
    messages = tmp_path / "locale" / "es" / "LC_MESSAGES"
    messages.mkdir(parents=True)
    po = messages / "django.po"
    shutil.copy(PO_PATH, po)
    assert compile_catalogues(tmp_path) == [po.with_suffix(".mo")]
    compiled = polib.mofile(str(po.with_suffix(".mo")))
    assert {_key(e): _forms(e) for e in compiled if e.msgid} == {
        _key(e): _forms(e) for e in _catalogue().translated_entries()
    }
    assert compile_catalogues(tmp_path) == []  # up to date: left alone
    catalogue = polib.pofile(str(po))
    catalogue.find("Join the community").msgstr = "Únete ya"
    catalogue.save()
    os.utime(po, (po.stat().st_mtime + 5, po.stat().st_mtime + 5))
    assert compile_catalogues(tmp_path) == [po.with_suffix(".mo")]
    rebuilt = polib.mofile(str(po.with_suffix(".mo")))
    assert rebuilt.find("Join the community").msgstr == "Únete ya"
    assert not list(messages.glob("*.partial"))


def test_django_reads_the_compiled_catalogue():
    with translation.override("es"):
        assert translation.gettext("Join the community") == "Únete a la comunidad"
        assert translation.ngettext("%(count)d item", "%(count)d items", 3) == "%(count)d elementos"
    with translation.override("en"):
        assert translation.gettext("Join the community") == "Join the community"


def test_every_engagement_kind_has_a_spanish_label():
    assert set(kinds.LABELS) == kinds.ALL
    with translation.override("es"):
        spanish = {kind: kinds.label(kind) for kind in kinds.ALL}
    with translation.override("en"):
        english = {kind: kinds.label(kind) for kind in kinds.ALL}
    assert all(spanish[kind] != english[kind] for kind in kinds.ALL), spanish
    assert kinds.label("not.a.kind") == "not.a.kind"


# --- (4) pages in Spanish show no English ------------------------------------------------


class _VisibleText(HTMLParser):
    """Each piece of text a person sees or hears: text nodes and labelling attributes.

    Text marked with another language (the switcher names English in English,
    ``<option lang="en">``) is meant to be in that language and is left out.
    """

    SPOKEN = {"aria-label", "title", "alt", "placeholder"}

    def __init__(self) -> None:
        super().__init__()
        self.pieces: list[str] = []
        self._hidden: list[str] = []

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        lang = dict(attrs).get("lang")
        if tag in {"script", "style"} or (tag != "html" and lang and not lang.startswith("es")):
            self._hidden.append(tag)
        if self._hidden:
            return
        for name, value in attrs:
            if value and (name in self.SPOKEN or (name == "value" and tag == "button")):
                self.pieces.append(value.strip())

    def handle_endtag(self, tag: str) -> None:
        if self._hidden and self._hidden[-1] == tag:
            self._hidden.pop()

    def handle_data(self, data: str) -> None:
        if not self._hidden and data.strip():
            self.pieces.append(" ".join(data.split()))


def _visible(html: str) -> list[str]:
    parser = _VisibleText()
    parser.feed(html)
    return parser.pieces


def _english_fragments() -> tuple[set[str], set[str]]:
    """Our English strings whose Spanish differs: phrases (found anywhere) and single words."""
    phrases, words = set(), set()
    for entry in _catalogue().translated_entries():
        for source in filter(None, (entry.msgid, entry.msgid_plural)):
            if source in _forms(entry):
                continue  # the same in both languages (API, Roles, Slug, ...)
            for fragment in re.split(f"{PLACEHOLDER.pattern}|{TAG.pattern}", source):
                fragment = " ".join(fragment.split()).strip(" .,:;")
                if " " in fragment and len(fragment) >= 8:
                    phrases.add(fragment)
                elif fragment.isalpha() and len(fragment) >= 3:
                    words.add(fragment)
    return phrases, words


def _english_on(html: str) -> list[str]:
    phrases, words = _english_fragments()
    found = []
    for piece in _visible(html):
        if piece in words:
            found.append(piece)
        found += [f"{phrase!r} in {piece!r}" for phrase in phrases if phrase in piece]
    return found


def _spanish_client(person: Person | None = None) -> Client:
    client = Client()
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "es"
    if person is not None:
        client.force_login(person)
    return client


def _assert_spanish(client: Client, url: str, *expected: str) -> str:
    response = client.get(url)
    assert response.status_code == 200, (url, response.status_code)
    html = response.content.decode()
    assert '<html lang="es"' in html, url
    english = _english_on(html)
    assert not english, f"English on {url}:\n" + "\n".join(english)
    text = "\n".join(_visible(html))
    for phrase in expected:
        assert phrase in text, f"{phrase!r} not on {url}"
    return html


def test_the_english_detector_finds_english_on_a_page():
    html = (
        '<nav aria-label="Main"><a>Overview</a></nav>'
        "<p>Tell us about Costa Verde</p><button>Guardar perfil</button>"
    )
    assert _english_on(html) == [
        "Main",
        "Overview",
        "'Tell us about' in 'Tell us about Costa Verde'",
    ]
    assert _english_on("<p>Únete a la comunidad</p><p>Poemas del mar</p>") == []
    assert _english_on('<select><option lang="en">English</option></select>') == []


@pytest.fixture
def initiative(member: Person, admin_person: Person) -> Initiative:
    """An initiative; a member with a trip, consents, a token and logged events.

    The admin gets a person's name: the persona's is "Admin", a word of the interface.
    """
    admin_person.display_name = "Ana"
    admin_person.save(update_fields=["display_name"])
    initiative = cast(Initiative, InitiativeFactory(name="Rutas del vino", slug="rutas-del-vino"))
    trip = TripFactory(member=member)
    consent_grant(person=member, purpose=ConsentPurpose.MARKETING)
    consent_grant(person=member, purpose=ConsentPurpose.WEBSITE, subject=initiative)
    api_token_create(person=member, name="móvil")
    record_event(kind=kinds.TRIP_RECORDED, member=member, subject=trip, initiative=initiative)
    record_event(kind=kinds.MEMBER_SIGNED_UP, member=member)
    return initiative


@pytest.mark.django_db
def test_public_pages_in_spanish_show_no_english(initiative):
    client = _spanish_client()
    _assert_spanish(
        client, "/", "Únete a la comunidad", "Ya tengo una cuenta", "Lo que te pedimos ahora"
    )
    _assert_spanish(client, reverse("account_login"), "Iniciar sesión", "Registrarse")
    _assert_spanish(
        client,
        reverse("account_signup"),
        "Nombre visible",
        "Envíame noticias e invitaciones del destino",
    )
    _assert_spanish(client, reverse("account_reset_password"), "Iniciar sesión")
    _assert_spanish(client, reverse("content:gallery"), "Galería", "Filtrar la galería")
    _assert_spanish(client, reverse("content:map"), "Mapa del contenido compartido")


@pytest.mark.django_db
def test_account_pages_in_spanish_show_no_english(initiative, member):
    client = _spanish_client(member)
    nav = ("Mi cuenta", "Cerrar sesión", "Consentimientos", "Direcciones de correo electrónico")
    _assert_spanish(client, reverse("people:account"), *nav, "Guardar perfil")
    _assert_spanish(
        client,
        reverse("people:consents"),
        *nav,
        "Guardar mis preferencias",
        "Enviarme mensajes de marketing",
        "Sobre mí",
        f"Iniciativa #{initiative.pk}",
    )
    _assert_spanish(client, reverse("people:tokens"), *nav, "Crear un token", "Revocar móvil")
    _assert_spanish(client, reverse("people:erase"), *nav, "Descargar mis datos", "BORRAR")
    for name in ("account_email", "account_change_password", "mfa_index"):
        _assert_spanish(client, reverse(name), "Mi cuenta", "Cerrar sesión")
    _assert_spanish(client, reverse("content:mine"), "Compartir fotos y videos")
    _assert_spanish(client, reverse("content:share_media"), "Dónde puede usarlo el destino")
    _assert_spanish(client, reverse("content:write"), "Un relato", "Un poema")


@pytest.mark.django_db
def test_every_console_page_in_spanish_shows_no_english(initiative, member, admin_person):
    client = _spanish_client(admin_person)
    for entry in navigation():
        _assert_spanish(client, reverse(entry.url_name), "Consola", "Resumen", "Miembros")
    _assert_spanish(client, reverse("console:dashboard"), "Tus roles:", "Administración")
    _assert_spanish(client, reverse("console:initiatives"), "Nueva iniciativa", "Basada en tareas")
    _assert_spanish(client, reverse("console:initiative_new"), "Guardar iniciativa")
    _assert_spanish(
        client,
        reverse("console:initiative_edit", args=[initiative.pk]),
        "Guardar iniciativa",
        "Herramientas sencillas",
    )
    _assert_spanish(
        client,
        reverse("console:member_detail", args=[member.pk]),
        "Borrar a este miembro",
        "Encuesta posterior al viaje",
        f"Iniciativa #{initiative.pk}",
    )
    _assert_spanish(client, reverse("console:engagement"), "Viaje registrado", "Alta como miembro")
    _assert_spanish(client, reverse("console:staff"), "Guardar roles", "Administración")
    _assert_spanish(client, reverse("console:tokens"), "Crear token", "Titular", "Revocar móvil")
    _assert_spanish(client, reverse("console:destination"), "Eslogan", "Guardar")
    _assert_spanish(client, reverse("admin:index"))


@pytest.mark.django_db
def test_form_errors_and_messages_come_in_spanish(admin_person):
    client = _spanish_client(admin_person)
    response = client.post(
        reverse("console:staff"), {"email": "nobody@example.org", "roles": ["analyst"]}
    )
    assert "Ningún miembro tiene este correo electrónico." in response.content.decode()
    response = client.post(
        reverse("console:staff"), {"email": admin_person.email, "roles": ["analyst"]}
    )
    assert "No puedes quitarte tu propio rol de administrador." in response.content.decode()


def test_the_server_error_page_speaks_the_visitors_language():
    request = RequestFactory().get("/")
    with translation.override("es"):
        body = server_error(request).content.decode()
    assert '<html lang="es">' in body and "Algo ha fallado" in body
    assert "Something went wrong" not in body
    with translation.override("en"):
        assert "Something went wrong" in server_error(request).content.decode()
