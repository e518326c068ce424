from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.console.access import staff_page
from tellus.console.forms import (
    DestinationForm,
    EraseOnRequestForm,
    InitiativeForm,
    IntegrationTokenForm,
    StaffRoleForm,
    ValueParametersForm,
)
from tellus.console.shell import render_staff_page
from tellus.core.models import Destination
from tellus.core.ratelimits import limit_writes
from tellus.core.services import destination_update
from tellus.engagement import kinds
from tellus.engagement.models import Initiative, ScoringRun
from tellus.engagement.queries import (
    ValueOverview,
    engagement_totals,
    event_activity,
    initiatives_for_console,
    latest_scoring_run,
    member_value,
    value_overview,
    value_parameters,
)
from tellus.engagement.rollups import rollup_request_if_stale
from tellus.engagement.services import (
    initiative_save,
    request_scoring,
    value_parameters_update,
)
from tellus.people.http import MemberRequest
from tellus.people.models import ApiToken, Person
from tellus.people.privacy import ErasureRefused, person_erase, person_export
from tellus.people.queries import consents_of, members_for_console, staff_members
from tellus.people.roles import ROLE_LABELS, RoleError, person_set_roles, roles_of
from tellus.people.services import api_token_create, api_token_revoke
from tellus.people.views import archive_response

_render = render_staff_page


@staff_page("people.view_console")
def dashboard(request: MemberRequest) -> HttpResponse:
    activity = event_activity(weeks=26, days=30)
    response = _render(
        request,
        "console/dashboard.html",
        {
            "totals": engagement_totals(),
            "activity": activity,
            "member_count": Person.objects.filter(erased_at__isnull=True).count(),
            "weekly": activity.weekly,
            "roles": [ROLE_LABELS[role] for role in roles_of(request.user)],
        },
    )
    rollup_request_if_stale(activity.state)
    return response


@staff_page("people.view_member")
def members(request: MemberRequest) -> HttpResponse:
    search = request.GET.get("q", "")
    page = Paginator(members_for_console(search), 50).get_page(request.GET.get("page"))
    return _render(request, "console/members.html", {"page": page, "q": search[:100]})


@staff_page("people.view_member")
def member_detail(request: MemberRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, erased_at__isnull=True)
    return _render(
        request,
        "console/member_detail.html",
        {
            "member": person,
            "consents": consents_of(person)[:100],
            "trips": person.trips.all()[:50],
            "roles": [ROLE_LABELS[role] for role in roles_of(person)],
            "erase_form": EraseOnRequestForm(),
            # Engagement value is profiling: only those who read engagement see it.
            "value": (
                member_value(person)
                if request.user.has_perm("engagement.view_engagement")
                else None
            ),
        },
    )


@staff_page("people.handle_privacy_requests")
@require_POST
@limit_writes
def member_export(request: MemberRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, erased_at__isnull=True)
    return archive_response(person_export(person=person, requested_by=request.user), person.pk)


@staff_page("people.handle_privacy_requests")
@require_POST
@limit_writes
def member_erase(request: MemberRequest, person_id: int) -> HttpResponse:
    person = get_object_or_404(Person, pk=person_id, erased_at__isnull=True)
    form = EraseOnRequestForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Confirm that the member asked for erasure."))
        return redirect("console:member_detail", person_id=person.pk)
    try:
        person_erase(
            person=person,
            keep_consented_contributions=form.cleaned_data["keep_contributions"],
            requested_by=request.user,
        )
    except ErasureRefused as refused:
        messages.error(request, str(refused))
        return redirect("console:member_detail", person_id=person.pk)
    messages.success(request, _("The member's personal data are erased."))
    return redirect("console:members")


@staff_page("engagement.view_initiative")
def initiatives(request: MemberRequest) -> HttpResponse:
    return _render(request, "console/initiatives.html", {"initiatives": initiatives_for_console()})


@staff_page("engagement.add_initiative")
@limit_writes
def initiative_edit(request: MemberRequest, initiative_id: int | None = None) -> HttpResponse:
    initiative = get_object_or_404(Initiative, pk=initiative_id) if initiative_id else None
    if initiative and not request.user.has_perm("engagement.change_initiative"):
        return redirect("console:initiatives")
    form = InitiativeForm(request.POST or None, instance=initiative)
    if request.method == "POST" and form.is_valid():
        initiative_save(initiative=initiative, **form.cleaned_data)
        messages.success(request, _("The initiative is saved."))
        return redirect("console:initiatives")
    return _render(
        request, "console/initiative_form.html", {"form": form, "initiative": initiative}
    )


@staff_page("engagement.view_engagement")
def engagement(request: MemberRequest) -> HttpResponse:
    activity = event_activity(weeks=52, days=30)
    response = _render(
        request,
        "console/engagement.html",
        {
            "by_kind": [{**row, "label": kinds.label(row["kind"])} for row in activity.by_kind],
            "weekly": activity.weekly,
            "activity": activity,
        },
    )
    rollup_request_if_stale(activity.state)
    return response


def _value_chart(overview: ValueOverview) -> dict[str, Any]:
    """The stacked bar chart's data: mean CLV, CRV, CIV and CKV per CLV decile."""
    parts = [
        ("clv", _("Lifetime value (CLV)")),
        ("crv", _("Referral value (CRV)")),
        ("civ", _("Influence value (CIV)")),
        ("ckv", _("Knowledge value (CKV)")),
    ]
    return {
        "labels": [
            _("Decile %(number)s") % {"number": row["clv_group"]} for row in overview.deciles
        ],
        "series": [
            {"label": label, "values": [round(row[part], 2) for row in overview.deciles]}
            for part, label in parts
        ],
    }


@staff_page("engagement.view_engagement")
def value(request: MemberRequest) -> HttpResponse:
    return _value_page(request, ValueParametersForm(instance=value_parameters()))


def _value_page(
    request: MemberRequest, figures_form: ValueParametersForm, *, status: int = 200
) -> HttpResponse:
    overview = value_overview()
    response = _render(
        request,
        "console/value.html",
        {
            "run": latest_scoring_run(),
            "overview": overview,
            "chart": _value_chart(overview),
            "figures_form": figures_form,
        },
    )
    response.status_code = status
    return response


@staff_page("engagement.score_members")
@require_POST
@limit_writes
def value_figures(request: MemberRequest) -> HttpResponse:
    form = ValueParametersForm(request.POST, instance=value_parameters())
    if not form.is_valid():
        return _value_page(request, form, status=400)
    value_parameters_update(changed_by=request.user, **form.cleaned_data)
    messages.success(request, _("Your figures are saved; the next run uses them."))
    return redirect(reverse("console:value") + "#figures")


@staff_page("engagement.view_engagement")
def value_status(request: MemberRequest) -> HttpResponse:
    """The latest run's status alone: what the page polls while a run works."""
    return render(
        request, "console/_value_status.html", {"run": latest_scoring_run(), "polled": True}
    )


@staff_page("engagement.score_members")
@require_POST
@limit_writes
def value_recompute(request: MemberRequest) -> HttpResponse:
    run = request_scoring(requested_by=request.user)
    run.refresh_from_db(fields=["status"])  # without a broker the job has already run
    if run.status == ScoringRun.Status.DONE:
        messages.success(request, _("The engagement value is recomputed."))
    elif run.status == ScoringRun.Status.FAILED:
        messages.error(request, _("The run failed; its reason is below."))
    else:
        messages.success(
            request, _("The engagement value is being recomputed; this page shows how far it is.")
        )
    return redirect("console:value")


@staff_page("people.assign_roles")
@limit_writes
def staff(request: MemberRequest) -> HttpResponse:
    form = StaffRoleForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        person = Person.objects.filter(
            email__iexact=form.cleaned_data["email"], erased_at__isnull=True
        ).first()
        if person is None:
            form.add_error("email", _("No member has this email address."))
        else:
            try:
                person_set_roles(
                    person=person, roles=form.cleaned_data["roles"], changed_by=request.user
                )
            except RoleError as exc:
                form.add_error("roles", str(exc))
            else:
                messages.success(request, _("Roles saved."))
                return redirect("console:staff")
    staff = [
        (person, [ROLE_LABELS[g.name] for g in person.groups.all() if g.name in ROLE_LABELS])
        for person in staff_members()
    ]
    return _render(request, "console/staff.html", {"form": form, "staff": staff})


@staff_page("people.add_apitoken")
@limit_writes
def tokens(request: MemberRequest) -> HttpResponse:
    form = IntegrationTokenForm(request.POST or None)
    new_secret = None
    if request.method == "POST" and form.is_valid():
        person = Person.objects.filter(
            email__iexact=form.cleaned_data["email"], is_active=True
        ).first()
        if person is None:
            form.add_error("email", _("No active member has this email address."))
        else:
            new_secret = api_token_create(person=person, name=form.cleaned_data["name"]).secret
            form = IntegrationTokenForm()
    active = (
        ApiToken.objects.filter(revoked_at__isnull=True)
        .select_related("person")
        .order_by("-created_at")[:200]
    )
    return _render(
        request, "console/tokens.html", {"form": form, "tokens": active, "new_secret": new_secret}
    )


@staff_page("people.delete_apitoken")
@require_POST
@limit_writes
def token_revoke(request: MemberRequest, token_id: int) -> HttpResponse:
    api_token_revoke(token=get_object_or_404(ApiToken, pk=token_id))
    messages.success(request, _("The token is revoked."))
    return redirect("console:tokens")


@staff_page("core.change_branding")
@limit_writes
def destination(request: MemberRequest) -> HttpResponse:
    row = Destination.objects.filter(pk=1).first() or Destination(pk=1)
    form = DestinationForm(request.POST or None, request.FILES or None, instance=row)
    if request.method == "POST" and form.is_valid():
        destination_update(**{k: v for k, v in form.cleaned_data.items()})
        messages.success(request, _("The destination is saved."))
        return redirect("console:destination")
    return _render(request, "console/destination.html", {"form": form})
