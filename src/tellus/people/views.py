from __future__ import annotations

import json
from typing import Any

from django.contrib import messages
from django.contrib.auth import logout
from django.contrib.auth.decorators import login_required
from django.core.serializers.json import DjangoJSONEncoder
from django.http import HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.core.ratelimits import limit_writes
from tellus.people.forms import ConsentForm, EraseForm, ProfileForm, TokenForm
from tellus.people.http import MemberRequest
from tellus.people.models import ApiToken
from tellus.people.privacy import person_erase, person_export
from tellus.people.queries import active_personal_consents, consents_of, tokens_of
from tellus.people.services import api_token_create, api_token_revoke


@login_required
@limit_writes
def account(request: MemberRequest) -> HttpResponse:
    """The member's own page: profile, consents, tokens, their data."""
    person = request.user
    if request.method == "POST":
        form = ProfileForm(request.POST, request.FILES, instance=person)
        if form.is_valid():
            form.save()
            messages.success(request, _("Your profile is saved."))
            response = redirect("people:account")
            if person.preferred_language:
                response.set_cookie("django_language", person.preferred_language, samesite="Lax")
            return response
    else:
        form = ProfileForm(instance=person)
    return render(request, "people/account.html", {"form": form})


@login_required
@limit_writes
def consents(request: MemberRequest) -> HttpResponse:
    person = request.user
    if request.method == "POST":
        form = ConsentForm(request.POST)
        if form.is_valid():
            form.save(person)
            messages.success(request, _("Your choices are saved."))
            return redirect("people:consents")
    else:
        form = ConsentForm(initial={p: True for p in active_personal_consents(person)})
    history = consents_of(person)[:200]
    return render(request, "people/consents.html", {"form": form, "history": history})


@login_required
@limit_writes
def tokens(request: MemberRequest) -> HttpResponse:
    person = request.user
    new_secret = None
    if request.method == "POST":
        form = TokenForm(request.POST)
        if form.is_valid():
            new_secret = api_token_create(person=person, name=form.cleaned_data["name"]).secret
            form = TokenForm()
    else:
        form = TokenForm()
    return render(
        request,
        "people/tokens.html",
        {"form": form, "tokens": tokens_of(person), "new_secret": new_secret},
    )


@login_required
@require_POST
@limit_writes
def token_revoke(request: MemberRequest, token_id: int) -> HttpResponse:
    token = get_object_or_404(ApiToken, pk=token_id, person=request.user)
    api_token_revoke(token=token)
    messages.success(request, _("The token is revoked."))
    return redirect("people:tokens")


@login_required
@require_POST
@limit_writes
def export(request: MemberRequest) -> HttpResponse:
    archive = person_export(person=request.user)
    return archive_response(archive, request.user.pk)


def archive_response(archive: dict[str, Any], person_id: int) -> HttpResponse:
    body = json.dumps(archive, cls=DjangoJSONEncoder, indent=2, ensure_ascii=False)
    response = HttpResponse(body, content_type="application/json; charset=utf-8")
    stamp = timezone.now().strftime("%Y%m%d")
    response["Content-Disposition"] = f'attachment; filename="tellus-data-{person_id}-{stamp}.json"'
    response["Cache-Control"] = "no-store"
    return response


@login_required
@limit_writes
def erase(request: MemberRequest) -> HttpResponse:
    if request.method == "POST":
        form = EraseForm(request.POST)
        if form.is_valid():
            person_erase(
                person=request.user,
                keep_consented_contributions=form.cleaned_data["keep_contributions"],
            )
            logout(request)
            messages.success(request, _("Your account and personal data are erased."))
            return redirect("site:home")
    else:
        form = EraseForm()
    return render(request, "people/erase.html", {"form": form})
