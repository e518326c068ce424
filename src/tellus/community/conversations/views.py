"""The public pages of the conversations: ask, follow and answer back, the FAQ.

A member's conversation is at ``/questions/<id>/``; a visitor's at their
private link, ``/questions/link/<token>/``, which is never cached, never sent
on as a referrer, and shows nothing personal (not even the address). Both
pages take the same three posts: a reply, the FAQ consent, accepting the
answer.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_POST

from tellus.community.conversations import queries
from tellus.community.conversations.forms import AskForm, ConsentForm, ReplyForm
from tellus.community.conversations.models import Conversation, FaqConsent
from tellus.community.conversations.services import (
    ConversationError,
    conversation_accept,
    conversation_ask,
    conversation_reply,
    conversation_set_faq_consent,
    send_visitor_link,
)
from tellus.core.ratelimits import limit_writes
from tellus.people.http import MemberRequest
from tellus.publishing.models import Share
from tellus.publishing.views import report_page, share_page


@limit_writes
def ask(request: HttpRequest) -> HttpResponse:
    member = request.user.is_authenticated
    form = AskForm(request.POST or None, member=member)
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            conversation = conversation_ask(
                asker=request.user if member else None,  # type: ignore[arg-type]
                email=data.get("email", ""),
                subject=data["subject"],
                body=data["body"],
            )
        except ConversationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            if member:
                messages.success(request, _("Thank you! Our team will answer you here."))
                return redirect("conversations:conversation", conversation.pk)
            return render(request, "conversations/ask_sent.html", {})
    status = 400 if request.method == "POST" else 200
    return render(request, "conversations/ask.html", {"form": form}, status=status)


def _thread(
    request: HttpRequest, conversation: Conversation, *, author: Any, by_link: bool
) -> HttpResponse:
    """The conversation page and its posts, for its member or its link's holder."""
    reply_form = ReplyForm()
    consent_form = ConsentForm()
    status = 200
    if request.method == "POST":
        intent = request.POST.get("intent", "")
        try:
            if intent == "reply":
                reply_form = ReplyForm(request.POST)
                if reply_form.is_valid():
                    conversation_reply(
                        conversation=conversation,
                        author=author,
                        body=reply_form.cleaned_data["body"],
                    )
                    messages.success(request, _("Your message is sent."))
                    return redirect(request.path)
            elif intent == "consent":
                consent_form = ConsentForm(request.POST)
                if consent_form.is_valid():
                    allowed = consent_form.cleaned_data["allowed"]
                    conversation_set_faq_consent(conversation=conversation, allowed=allowed)
                    messages.success(request, _("Thank you: your answer is recorded."))
                    return redirect(request.path)
            elif intent == "accept":
                conversation_accept(conversation=conversation, person=author)
                messages.success(request, _("Glad we could help. The conversation is solved."))
                return redirect(request.path)
            else:
                raise Http404
        except ConversationError as exc:
            messages.error(request, exc.message)
            return redirect(request.path)
        status = 400
    answered = queries.has_staff_answer(conversation)
    response = render(
        request,
        "conversations/conversation.html",
        {
            "conversation": conversation,
            "thread": conversation.messages.all(),
            "reply_form": reply_form,
            "consent_form": consent_form,
            "ask_consent": answered and conversation.faq_consent == FaqConsent.UNASKED,
            "answered": answered,
            "by_link": by_link,
        },
        status=status,
    )
    return response


@login_required
@limit_writes
def conversation(request: MemberRequest, conversation_id: int) -> HttpResponse:
    action = "reply" if request.method == "POST" else "read"
    found = queries.get_conversation_for(request.user, conversation_id, action=action)
    if found is None:
        raise Http404
    return _thread(request, found, author=request.user, by_link=False)


@never_cache
@limit_writes
def by_link(request: HttpRequest, token: str) -> HttpResponse:
    access = queries.get_conversation_by_token(token)
    found = access.conversation
    if found is None:
        response = render(request, "conversations/link_invalid.html", {}, status=404)
    elif access.expired:
        if request.method == "POST" and request.POST.get("intent") == "resend":
            send_visitor_link(conversation_id=found.pk)
            response = render(request, "conversations/ask_sent.html", {"resent": True})
        else:
            response = render(request, "conversations/link_expired.html", {}, status=410)
    else:
        response = _thread(request, found, author=None, by_link=True)
    response["Referrer-Policy"] = "no-referrer"
    response["X-Robots-Tag"] = "noindex"
    return response


@login_required
def mine(request: MemberRequest) -> HttpResponse:
    rows = queries.questions_of(request.user)
    return render(request, "conversations/mine.html", {"conversations": rows})


def faq(request: HttpRequest) -> HttpResponse:
    return render(request, "conversations/faq.html", {"entries": queries.public_faq()})


def faq_entry(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.faq_entry_page(entry_id)
    if entry is None:
        raise Http404
    return render(
        request,
        "conversations/faq_entry.html",
        {"entry": entry, "channels": Share.Channel.choices},
    )


@require_POST
@limit_writes
def faq_share(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.faq_entry_page(entry_id)
    if entry is None:
        raise Http404
    return share_page(request, entry, text=entry.question)


@limit_writes
def faq_report(request: HttpRequest, entry_id: int) -> HttpResponse:
    entry = queries.faq_entry_page(entry_id)
    if entry is None:
        raise Http404
    return report_page(request, entry, template="conversations/faq_report.html")
