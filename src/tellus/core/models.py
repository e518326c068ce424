from __future__ import annotations

from django.core.validators import RegexValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

colour_validator = RegexValidator(
    r"^#[0-9a-fA-F]{6}$", _("Enter a colour as # and six hexadecimal digits, e.g. #0b6e69.")
)


class Destination(models.Model):
    """The destination this installation speaks for: one row, edited by admins.

    Empty fields fall back to the TELLUS_DESTINATION setting, so that a fresh
    installation is named from the environment until an admin changes it.
    """

    name = models.CharField(_("name"), max_length=120, blank=True)
    tagline = models.CharField(_("tagline"), max_length=200, blank=True)
    primary_colour = models.CharField(
        _("primary colour"), max_length=7, blank=True, validators=[colour_validator]
    )
    accent_colour = models.CharField(
        _("accent colour"), max_length=7, blank=True, validators=[colour_validator]
    )
    logo = models.ImageField(_("logo"), upload_to="destination/", blank=True)
    languages = models.CharField(
        _("languages"),
        max_length=100,
        blank=True,
        help_text=_("Language codes offered to visitors, comma-separated (e.g. en,es)."),
    )
    currency = models.CharField(_("currency"), max_length=3, default="EUR")
    latitude = models.FloatField(_("map centre latitude"), default=29.03)
    longitude = models.FloatField(_("map centre longitude"), default=-13.63)
    zoom = models.PositiveSmallIntegerField(_("map zoom"), default=10)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("destination")
        verbose_name_plural = _("destination")
        permissions = [
            ("change_branding", _("Can change the destination's name, colours and logo"))
        ]

    def __str__(self) -> str:
        return self.name or "Tellus"
