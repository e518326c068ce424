"""The console's inbox of conversations: assign, answer (with saved replies), set status, FAQ.

Behind ``conversations.answer`` (moderators, marketers, administrators).
Views parse, fetch through :func:`queries.get_conversation_for`, call one
service and render.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.paginator import Paginator
from django.http import Http404, HttpResponse
from django.shortcuts import redirect
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.community.conversations import queries
from tellus.community.conversations.forms import (
    AnswerForm,
    AssignForm,
    FaqForm,
    SavedReplyForm,
    StatusForm,
)
from tellus.community.conversations.models import Conversation, SavedReply, Status
from tellus.community.conversations.services import (
    ConversationError,
    conversation_answer,
    conversation_assign,
    conversation_set_status,
    faq_create,
    saved_reply_delete,
    saved_reply_save,
)
from tellus.console.access import staff_page
from tellus.console.shell import render_staff_page
from tellus.core.ratelimits import limit_writes
from tellus.people.http import MemberRequest

PERMISSION = queries.PERMISSION
PAGE_SIZE = 30


def _conversation(request: MemberRequest, conversation_id: int) -> Conversation:
    found = queries.get_conversation_for(request.user, conversation_id, action="answer")
    if found is None:
        raise Http404
    return found


@staff_page(PERMISSION)
def inbox(request: MemberRequest) -> HttpResponse:
    filters = queries.InboxFilters(
        status=request.GET.get("status", "")[:20], assignee=request.GET.get("assignee", "")[:12]
    )
    rows = queries.inbox(filters, me=request.user)
    page = Paginator(rows, PAGE_SIZE).get_page(request.GET.get("page"))
    query = urlencode({k: str(v)[:20] for k, v in request.GET.items() if k != "page" and v})
    return render_staff_page(
        request,
        "conversations/staff/inbox.html",
        {
            "page": page,
            "filters": filters,
            "query": query,
            "statuses": Status.choices,
            "colleagues": list(queries.colleagues()),
        },
    )


def _render(
    request: MemberRequest,
    conversation: Conversation,
    *,
    answer_form: AnswerForm | None = None,
    faq_form: FaqForm | None = None,
    status: int = 200,
) -> HttpResponse:
    replies = list(queries.saved_replies())
    if answer_form is None:
        initial = ""
        chosen = request.GET.get("saved_reply", "")
        if chosen.isdigit():
            initial = next((r.body for r in replies if r.pk == int(chosen)), "")
        answer_form = AnswerForm(initial={"body": initial})
    thread = list(conversation.messages.all())
    colleagues = list(queries.colleagues())
    last_answer = next((m for m in reversed(thread) if m.from_staff), None)
    first_question = next((m for m in thread if not m.from_staff and not m.removed), None)
    return render_staff_page(
        request,
        "conversations/staff/conversation.html",
        {
            "conversation": conversation,
            "thread": thread,
            "trail": conversation.events.all(),
            "waited": queries.waited(conversation),
            "answer_form": answer_form,
            "status_form": StatusForm(initial={"status": conversation.status}),
            "assign_form": AssignForm(
                initial={"assignee": conversation.assignee_id}, colleagues=colleagues
            ),
            "faq_allowed": queries.faq_allowed(conversation),
            "faq_form": faq_form
            or FaqForm(
                initial={
                    "question": conversation.subject,
                    "answer": last_answer.body if last_answer else "",
                }
            ),
            "first_question": first_question,
            "saved_replies": replies,
        },
        status=status,
    )


@staff_page(PERMISSION)
def conversation(request: MemberRequest, conversation_id: int) -> HttpResponse:
    return _render(request, _conversation(request, conversation_id))


@staff_page(PERMISSION)
@require_POST
@limit_writes
def answer(request: MemberRequest, conversation_id: int) -> HttpResponse:
    found = _conversation(request, conversation_id)
    form = AnswerForm(request.POST)
    if form.is_valid():
        try:
            conversation_answer(
                conversation=found,
                staff=request.user,
                body=form.cleaned_data["body"],
                status=form.cleaned_data["status"],
            )
        except ConversationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(request, _("Your answer is sent, with your name."))
            return redirect("console:conversation", found.pk)
    return _render(request, found, answer_form=form, status=400)


@staff_page(PERMISSION)
@require_POST
@limit_writes
def set_status(request: MemberRequest, conversation_id: int) -> HttpResponse:
    found = _conversation(request, conversation_id)
    form = StatusForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Choose a status."))
    else:
        conversation_set_status(
            conversation=found, staff=request.user, status=form.cleaned_data["status"]
        )
        messages.success(request, _("The status is changed."))
    return redirect("console:conversation", found.pk)


@staff_page(PERMISSION)
@require_POST
@limit_writes
def assign(request: MemberRequest, conversation_id: int) -> HttpResponse:
    found = _conversation(request, conversation_id)
    colleagues = list(queries.colleagues())
    form = AssignForm(request.POST, colleagues=colleagues)
    if not form.is_valid():
        messages.error(request, _("Choose a colleague who answers conversations."))
        return redirect("console:conversation", found.pk)
    chosen = form.cleaned_data["assignee"]
    assignee = next((p for p in colleagues if p.pk == chosen), None)
    try:
        conversation_assign(conversation=found, staff=request.user, assignee=assignee)
    except ConversationError as exc:
        messages.error(request, exc.message)
    else:
        messages.success(request, _("The assignment is saved."))
    return redirect("console:conversation", found.pk)


@staff_page(PERMISSION)
@require_POST
@limit_writes
def make_faq(request: MemberRequest, conversation_id: int) -> HttpResponse:
    found = _conversation(request, conversation_id)
    form = FaqForm(request.POST)
    if form.is_valid():
        try:
            entry = faq_create(
                conversation=found,
                staff=request.user,
                question=form.cleaned_data["question"],
                answer=form.cleaned_data["answer"],
            )
        except ConversationError as exc:
            form.add_error(exc.field if exc.field in form.fields else None, exc.message)
        else:
            messages.success(
                request, _("FAQ entry #%(number)s is published.") % {"number": entry.pk}
            )
            return redirect("console:conversation", found.pk)
    return _render(request, found, faq_form=form, status=400)


@staff_page(PERMISSION)
@limit_writes
def saved_replies(request: MemberRequest) -> HttpResponse:
    form = SavedReplyForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            saved_reply_save(
                reply=None,
                title=form.cleaned_data["title"],
                body=form.cleaned_data["body"],
                staff=request.user,
            )
        except ConversationError as exc:
            form.add_error(None, exc.message)
        else:
            messages.success(request, _("The saved reply is added."))
            return redirect("console:saved_replies")
    return render_staff_page(
        request,
        "conversations/staff/saved_replies.html",
        {"replies": queries.saved_replies(), "form": form},
        status=400 if request.method == "POST" else 200,
    )


@staff_page(PERMISSION)
@limit_writes
def saved_reply(request: MemberRequest, reply_id: int) -> HttpResponse:
    reply = SavedReply.objects.filter(pk=reply_id).first()
    if reply is None:
        raise Http404
    if request.method == "POST" and request.POST.get("delete"):
        saved_reply_delete(reply=reply)
        messages.success(request, _("The saved reply is deleted."))
        return redirect("console:saved_replies")
    form = SavedReplyForm(request.POST or None, initial={"title": reply.title, "body": reply.body})
    if request.method == "POST" and form.is_valid():
        saved_reply_save(
            reply=reply,
            title=form.cleaned_data["title"],
            body=form.cleaned_data["body"],
            staff=request.user,
        )
        messages.success(request, _("The saved reply is saved."))
        return redirect("console:saved_replies")
    return render_staff_page(
        request,
        "conversations/staff/saved_reply.html",
        {"reply": reply, "form": form},
        status=400 if request.method == "POST" else 200,
    )
