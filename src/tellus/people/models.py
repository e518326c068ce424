from __future__ import annotations

from typing import Any, ClassVar

from django.apps import apps
from django.conf import settings
from django.contrib.auth.models import AbstractBaseUser, PermissionsMixin
from django.contrib.auth.models import BaseUserManager as DjangoBaseUserManager
from django.db import models
from django.db.models import Q
from django.db.models.functions import Lower
from django.utils import timezone
from django.utils.text import capfirst
from django.utils.translation import gettext_lazy as _
from django_countries.fields import CountryField


class PersonManager(DjangoBaseUserManager["Person"]):
    def get_by_natural_key(self, username: str | None) -> Person:
        return self.get(email__iexact=username)

    def create_user(self, email: str, password: str | None = None, **extra: Any) -> Person:
        if not email:
            raise ValueError("A person needs an email address.")
        person = self.model(email=self.normalize_email(email).lower(), **extra)
        person.set_password(password)
        person.save(using=self._db)
        return person

    def create_superuser(self, email: str, password: str | None = None, **extra: Any) -> Person:
        extra.setdefault("is_staff", True)
        extra.setdefault("is_superuser", True)
        return self.create_user(email, password, **extra)


class Person(AbstractBaseUser, PermissionsMixin):
    """Anyone with an account: a member, and staff when they hold a role.

    The email address is the login, unique whatever its case.
    """

    email = models.EmailField(_("email address"), max_length=254, unique=True)
    display_name = models.CharField(_("display name"), max_length=80, blank=True)
    home_country = CountryField(_("home country"), blank=True)
    preferred_language = models.CharField(
        _("preferred language"), max_length=10, choices=settings.LANGUAGES, blank=True
    )
    avatar = models.ImageField(_("avatar"), upload_to="avatars/", blank=True)
    is_active = models.BooleanField(_("active"), default=True)
    is_staff = models.BooleanField(
        _("Django admin access"), default=False, help_text=_("Only admins have it.")
    )
    date_joined = models.DateTimeField(_("date joined"), default=timezone.now)
    erased_at = models.DateTimeField(_("erased at"), null=True, blank=True)

    objects: ClassVar[PersonManager] = PersonManager()

    USERNAME_FIELD = "email"
    EMAIL_FIELD = "email"
    REQUIRED_FIELDS: ClassVar[list[str]] = []

    class Meta:
        verbose_name = _("person")
        verbose_name_plural = _("people")
        constraints = [
            models.UniqueConstraint(Lower("email"), name="person_email_ci_unique"),
        ]
        permissions = [
            ("view_console", _("Can open the staff console")),
            ("handle_privacy_requests", _("Can export and erase a member's data on request")),
            ("view_member", _("Can see members' profiles and history")),
            ("assign_roles", _("Can give staff their roles")),
        ]

    def __str__(self) -> str:
        return self.public_name

    def save(self, *args: Any, **kwargs: Any) -> None:
        self.email = self.email.strip().lower()
        super().save(*args, **kwargs)

    @property
    def public_name(self) -> str:
        """The name shown beside a contribution; never the email address."""
        if self.erased_at:
            return str(_("Anonymous visitor"))
        return self.display_name or str(_("Visitor #%(number)s") % {"number": self.pk})


class ConsentPurpose(models.TextChoices):
    WEBSITE = "website", _("Display on the destination's website and widgets")
    SOCIAL = "social", _("Reuse on the destination's social channels")
    PRINT = "print", _("Use in print")
    MARKETING = "marketing", _("Marketing messages to me")
    EXACT_LOCATION = "exact_location", _("Show the exact location")


class ConsentQuerySet(models.QuerySet["Consent"]):
    def active(self) -> ConsentQuerySet:
        """Grants in force: given and not withdrawn. Every read of what is allowed starts here."""
        return self.filter(withdrawn_at__isnull=True)

    def about(self, subject_type: str, subject_id: int | None = None) -> ConsentQuerySet:
        """Grants about a kind of subject (``""`` for grants about the person), or one subject."""
        rows = self.filter(subject_type=subject_type)
        return rows if subject_id is None else rows.filter(subject_id=subject_id)


class Consent(models.Model):
    """One grant of one use: who allowed what, of what, when, and when it was withdrawn.

    Rows are never overwritten: withdrawing stamps ``withdrawn_at`` once, and a
    new grant is a new row, so the history of what was allowed when is kept.
    A grant with no subject applies to the person (e.g. marketing messages).
    """

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="consents")
    purpose = models.CharField(_("purpose"), max_length=20, choices=ConsentPurpose.choices)
    subject_type = models.CharField(max_length=60, blank=True, default="")
    subject_id = models.BigIntegerField(default=0, help_text="0 when the grant is about the person")
    granted_at = models.DateTimeField(_("granted at"), default=timezone.now)
    withdrawn_at = models.DateTimeField(_("withdrawn at"), null=True, blank=True)
    source = models.CharField(
        _("how it was given"),
        max_length=40,
        default="form",
        help_text=_("form, rights request, sign-up, import, ..."),
    )
    recorded_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )

    objects = ConsentQuerySet.as_manager()

    class Meta:
        verbose_name = _("consent")
        verbose_name_plural = _("consents")
        constraints = [
            models.UniqueConstraint(
                fields=["person", "purpose", "subject_type", "subject_id"],
                condition=Q(withdrawn_at__isnull=True),
                name="consent_one_active_grant",
            ),
        ]
        indexes = [models.Index(fields=["subject_type", "subject_id", "purpose"])]

    def __str__(self) -> str:
        return f"{self.person_id}:{self.purpose}:{self.subject_type}:{self.subject_id}"

    @property
    def is_active(self) -> bool:
        return self.withdrawn_at is None

    @property
    def subject_name(self) -> str:
        """The subject as people read it ("Content item #12"), in the active language."""
        if not self.subject_type:
            return ""
        try:
            model = apps.get_model(self.subject_type)
        except (LookupError, ValueError):
            return f"{self.subject_type} #{self.subject_id}"
        return f"{capfirst(model._meta.verbose_name)} #{self.subject_id}"


class ApiToken(models.Model):
    """A personal API token. Only its SHA-256 is stored; the token is shown once."""

    person = models.ForeignKey(Person, on_delete=models.CASCADE, related_name="api_tokens")
    name = models.CharField(_("name"), max_length=80)
    prefix = models.CharField(max_length=12, db_index=True)
    digest = models.CharField(max_length=64, unique=True)
    created_at = models.DateTimeField(default=timezone.now)
    last_used_at = models.DateTimeField(null=True, blank=True)
    revoked_at = models.DateTimeField(null=True, blank=True)

    class Meta:
        verbose_name = _("API token")
        verbose_name_plural = _("API tokens")

    def __str__(self) -> str:
        return f"{self.name} ({self.prefix}…)"

    @property
    def is_active(self) -> bool:
        return self.revoked_at is None


class PrivacyRequest(models.Model):
    """An export or erasure, by the member or by staff on their request: the audit trail."""

    class Kind(models.TextChoices):
        EXPORT = "export", _("Export")
        ERASURE = "erasure", _("Erasure")

    person_id_at_request = models.BigIntegerField()
    kind = models.CharField(max_length=10, choices=Kind.choices)
    requested_by = models.ForeignKey(
        Person, null=True, blank=True, on_delete=models.SET_NULL, related_name="+"
    )
    done_at = models.DateTimeField(default=timezone.now)
    note = models.CharField(max_length=200, blank=True)

    class Meta:
        verbose_name = _("privacy request")
        verbose_name_plural = _("privacy requests")

    def __str__(self) -> str:
        return f"{self.kind} #{self.person_id_at_request}"
