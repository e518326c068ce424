"""The one moderation queue: every kind of subject, longest waiting first.

Views parse, authorise (``publishing.moderate``), call a query or service and
render in the console's shell. Each kind previews its subjects with its own
template (``SubjectKind.preview_template``) and what its ``preview_context``
adds; status, reports, the decision form and the audit log are the same for
every kind. Decisions post to one endpoint; with htmx it answers with the
decision's fragment, in place, and without JavaScript it redirects (or shows
the error beside the form).
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _
from django.utils.translation import ngettext
from django.views.decorators.http import require_POST

from tellus.console.access import staff_page
from tellus.console.shell import render_staff_page
from tellus.core.ratelimits import limit_writes
from tellus.people.http import MemberRequest
from tellus.publishing import queries
from tellus.publishing.forms import ACTION_LABELS, DISMISS, DecisionForm
from tellus.publishing.models import ModerationDecision, State
from tellus.publishing.services import (
    PublishingError,
    moderation_actions_for,
    moderation_decide,
    moderation_dismiss_reports,
)
from tellus.publishing.subjects import SubjectKind, kind_for_slug

QUEUE_PAGE_SIZE = 20
PERMISSION = "publishing.moderate"


@dataclass
class QueueEntry:
    """A subject as a moderator sees it: its status, the decisions it allows, its preview."""

    kind: SubjectKind
    subject: Any
    status: str
    form: DecisionForm
    actions: list[tuple[str, str]] = field(default_factory=list)
    extra: dict[str, Any] = field(default_factory=dict)


def _is_htmx(request: MemberRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _status(subject: Any) -> str:
    reports: int = getattr(subject, "open_reports", None) or 0
    if subject.state == State.HIDDEN and reports:
        return ngettext(
            "Hidden after %(count)d report", "Hidden after %(count)d reports", reports
        ) % {"count": reports}
    if subject.state == State.HIDDEN:
        return _("Hidden by a moderator")
    if subject.state == State.PUBLISHED and reports:
        return ngettext(
            "Published, reported %(count)d time", "Published, reported %(count)d times", reports
        ) % {"count": reports}
    return str(subject.get_state_display())


def _actions(subject: Any) -> list[tuple[str, str]]:
    reports: int = getattr(subject, "open_reports", None) or 0
    allowed = moderation_actions_for(subject.state, open_reports=reports)
    return [(action, str(ACTION_LABELS[action])) for action in allowed]


def _decision_form(kind: SubjectKind, subject: Any, data: Any = None) -> DecisionForm:
    return DecisionForm(data, auto_id=f"decision-{kind.slug}-{subject.pk}-%s")


def _entry(
    kind: SubjectKind,
    subject: Any,
    extra: dict[str, Any] | None = None,
    form: DecisionForm | None = None,
) -> QueueEntry:
    return QueueEntry(
        kind=kind,
        subject=subject,
        status=_status(subject),
        form=form or _decision_form(kind, subject),
        actions=_actions(subject),
        extra=extra or {},
    )


def _safe_next(request: MemberRequest) -> str:
    target = request.POST.get("next", "")
    if target.startswith("/console/") and url_has_allowed_host_and_scheme(
        target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return target
    return reverse("console:moderation")


def _kind(slug: str) -> SubjectKind:
    kind = kind_for_slug(slug)
    if kind is None:
        raise Http404
    return kind


@staff_page(PERMISSION)
def moderation(request: MemberRequest) -> HttpResponse:
    page = Paginator(queries.moderation_queue(), QUEUE_PAGE_SIZE).get_page(request.GET.get("page"))
    rows = queries.queue_rows(page)
    by_kind: dict[str, list[Any]] = {}
    for row in rows:
        by_kind.setdefault(row.kind.label, []).append(row.subject)
    extras: dict[tuple[str, int], dict[str, Any]] = {}
    for row in rows:
        if row.kind.label in by_kind:
            for pk, extra in row.kind.preview_context(by_kind.pop(row.kind.label)).items():
                extras[(row.kind.label, pk)] = extra
    return render_staff_page(
        request,
        "publishing/staff/moderation.html",
        {
            "page": page,
            "entries": [
                _entry(row.kind, row.subject, extras.get((row.kind.label, row.subject.pk)))
                for row in rows
            ],
            "next": request.get_full_path(),
        },
    )


def _decision_reason(decision: ModerationDecision) -> str:
    """The reason as staff read it; automatic hiding stores its report count ("3 reports")."""
    count, _sep, _rest = decision.reason.partition(" ")
    if decision.action == ModerationDecision.Action.AUTO_HIDE and count.isdigit():
        return ngettext("%(count)d report", "%(count)d reports", int(count)) % {"count": int(count)}
    return decision.reason


def _item_page(
    request: MemberRequest, kind: SubjectKind, subject_id: int, form: DecisionForm | None = None
) -> HttpResponse:
    subject = queries.get_subject_for_moderator(request.user, kind, subject_id)
    if subject is None:
        raise Http404
    extra = kind.preview_context([subject]).get(subject.pk, {})
    return render_staff_page(
        request,
        "publishing/staff/moderation_item.html",
        {
            "entry": _entry(kind, subject, extra, form),
            "detail": kind.detail_context(subject),
            "decisions": [
                (decision, _decision_reason(decision))
                for decision in queries.decisions_of(kind, subject_id)
            ],
            "next": request.get_full_path(),
        },
    )


@staff_page(PERMISSION)
def moderation_item(request: MemberRequest, kind: str, subject_id: int) -> HttpResponse:
    return _item_page(request, _kind(kind), subject_id)


@staff_page(PERMISSION)
def moderation_item_by_id(request: MemberRequest, subject_id: int) -> HttpResponse:
    """Addresses from before the queue served several kinds: they named content items."""
    return redirect("console:moderation_item", kind="content", subject_id=subject_id)


@staff_page(PERMISSION)
@require_POST
@limit_writes
def moderate(request: MemberRequest, kind: str, subject_id: int) -> HttpResponse:
    """The one endpoint for every decision; the service refuses what does not apply."""
    subject_kind = _kind(kind)
    subject = queries.get_subject_for_moderator(request.user, subject_kind, subject_id)
    if subject is None:
        raise Http404
    form = _decision_form(subject_kind, subject, request.POST)
    outcome = ""
    if form.is_valid():
        action, reason = form.cleaned_data["action"], form.cleaned_data["reason"]
        try:
            if action == DISMISS:
                subject = moderation_dismiss_reports(
                    subject=subject, moderator=request.user, reason=reason
                )
                done = ModerationDecision.Action.DISMISS_REPORTS
            else:
                subject = moderation_decide(
                    subject=subject, moderator=request.user, action=action, reason=reason
                )
                done = ModerationDecision.Action(action)
        except PublishingError as exc:
            form.add_error("reason" if exc.field == "reason" else None, exc.message)
        else:
            outcome = _("%(decision)s: “%(title)s” is now “%(state)s”.") % {
                "decision": done.label,
                "title": str(subject),
                "state": subject.get_state_display(),
            }
    if outcome and not _is_htmx(request):
        messages.success(request, outcome)
        return redirect(_safe_next(request))
    if not outcome:
        subject = queries.subject_for_moderation(subject_kind, subject_id) or subject
    if _is_htmx(request):
        return render(
            request,
            "publishing/staff/_decision.html",
            {
                "kind": subject_kind,
                "subject": subject,
                "form": form,
                "actions": _actions(subject),
                "outcome": outcome,
                "next": _safe_next(request),
            },
        )
    return _item_page(request, subject_kind, subject_id, form=form)
