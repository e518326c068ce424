"""Public pages of the shared blocks: making a share link, following one, reporting a subject.

A feature app's own view finds the public subject (through its public read)
and hands it here, so every kind shares and is reported the same way.
"""

from __future__ import annotations

from typing import Any

from django.conf import settings
from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import urlencode
from django.utils.translation import gettext as _

from tellus.core.visitors import is_probably_bot, visitor_key
from tellus.engagement.attribution import remember_credit
from tellus.publishing.forms import ReportForm
from tellus.publishing.models import Share
from tellus.publishing.queries import share_for_code
from tellus.publishing.services import report_create, share_click, share_create
from tellus.publishing.subjects import kind_for_label, kind_of


def share_page(request: HttpRequest, subject: Any, *, text: str) -> HttpResponse:
    """Make a tracked link for the posted channel and go to that channel's share page."""
    channel = request.POST.get("channel", "")
    if channel not in Share.Channel.values:
        raise Http404
    sharer = request.user if request.user.is_authenticated else None
    made = share_create(subject=subject, sharer=sharer, channel=channel)
    link = f"{settings.SITE_URL}{reverse('publishing:share_link', args=[made.code])}"
    targets = {
        "facebook": "https://www.facebook.com/sharer/sharer.php?" + urlencode({"u": link}),
        "x": "https://x.com/intent/post?" + urlencode({"url": link, "text": text}),
        "whatsapp": "https://wa.me/?" + urlencode({"text": f"{text} {link}"}),
        "email": "mailto:?" + urlencode({"subject": text, "body": link}).replace("+", "%20"),
    }
    if channel in targets:
        return redirect(targets[channel])
    back = kind_of(subject).public_url(subject.pk)
    return render(
        request, "publishing/share_link.html", {"title": text, "link": link, "back": back}
    )


def share_link(request: HttpRequest, code: str) -> HttpResponse:
    """A click on a share link: counted once per visitor a day (not robots), then the subject."""
    shared = share_for_code(code)
    kind = kind_for_label(shared.subject_type) if shared else None
    if shared is None or kind is None:
        raise Http404
    response = redirect(kind.public_url(shared.subject_id))
    if not is_probably_bot(request):
        share_click(
            share=shared, visitor_key=visitor_key(request), day=timezone.now().date().isoformat()
        )
        if shared.sharer_id and not request.user.is_authenticated:
            remember_credit(response, member_id=shared.sharer_id, channel=shared.channel)
    return response


def report_page(request: HttpRequest, subject: Any, *, template: str) -> HttpResponse:
    """The report form for a public subject; a report is thanked and the visitor sent back."""
    form = ReportForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        report_create(
            subject=subject,
            reason=form.cleaned_data["reason"],
            details=form.cleaned_data["details"],
            reporter=request.user if request.user.is_authenticated else None,
            address_key=visitor_key(request),
            hide_after=settings.TELLUS_REPORTS_TO_HIDE,
        )
        messages.success(request, _("Thank you. A moderator will look at it."))
        return redirect(kind_of(subject).public_url(subject.pk))
    return render(request, template, {"item": subject, "subject": subject, "form": form})
