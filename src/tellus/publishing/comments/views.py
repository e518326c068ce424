"""Comment and reaction pages of any subject: post, edit, delete, report, react.

A feature page shows the discussion with :func:`discussion` (its own view has
already fetched the public subject); the forms post here, so no feature app
writes its own. Reactions answer htmx with the buttons' fragment, in place,
and a plain form post with a redirect back.
"""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from tellus.core.ratelimits import limit_writes
from tellus.publishing.comments import queries
from tellus.publishing.comments.forms import CommentForm
from tellus.publishing.comments.models import Comment
from tellus.publishing.comments.services import (
    comment_can_edit,
    comment_delete,
    comment_edit,
    comment_post,
    reaction_toggle,
)
from tellus.publishing.services import PublishingError
from tellus.publishing.subjects import kind_for_label, kind_of, subject_key
from tellus.publishing.views import report_page


def _is_htmx(request: HttpRequest) -> bool:
    return request.headers.get("HX-Request") == "true"


def _login_url(next_url: str) -> str:
    return f"{reverse('account_login')}?{urlencode({'next': next_url})}"


def _subject_url(comment: Comment) -> str:
    kind = kind_for_label(comment.subject_type)
    if kind is None:
        raise Http404
    return kind.public_url(comment.subject_id)


def discussion(request: HttpRequest, subject: Any) -> dict[str, Any]:
    """What a public subject's page needs to show its reactions, comments and comment form.

    Three queries for a member (the comments, the reaction counts, their own
    reactions), two for a visitor, whatever the number of comments.
    """
    kind = kind_of(subject)
    viewer = request.user
    comments = list(queries.comments_on(subject, viewer))
    by_id = {c.pk: c for c in comments}
    for comment in comments:
        comment.can_edit = comment_can_edit(comment, viewer)  # type: ignore[attr-defined]
        comment.is_own = viewer.is_authenticated and comment.contributor_id == viewer.pk  # type: ignore[attr-defined]
    reply_raw = request.GET.get("reply_to", "")
    replying_to = by_id.get(int(reply_raw)) if reply_raw.isdigit() else None
    here = kind.public_url(subject.pk)
    label, pk = subject_key(subject)
    return {
        "kind_slug": kind.slug,
        "subject": subject,
        "comments": comments,
        "shown_ids": set(by_id),
        "form": CommentForm(initial={"reply_to": replying_to.pk if replying_to else None}),
        "replying_to": replying_to,
        "reactions": queries.reaction_buttons([subject], viewer)[(label, pk)],
        "login_url": _login_url(f"{here}#comments"),
        "can_write": viewer.is_authenticated and viewer.is_active,
    }


def _write_page(
    request: HttpRequest, subject: Any, form: CommentForm, error: str = ""
) -> HttpResponse:
    if error:
        form.add_error("body", error)
    return render(
        request,
        "publishing/comments/write.html",
        {"form": form, "subject": subject, "back": kind_of(subject).public_url(subject.pk)},
        status=400,
    )


@require_POST
@limit_writes
def comment_create(request: HttpRequest, kind: str, subject_id: int) -> HttpResponse:
    subject = queries.get_subject_for(request.user, kind, subject_id, action="comment")
    if subject is None:
        raise Http404
    back = kind_of(subject).public_url(subject.pk)
    if not request.user.is_authenticated:
        return redirect(_login_url(f"{back}#comments"))
    form = CommentForm(request.POST)
    if not form.is_valid():
        return _write_page(request, subject, form)
    reply_to = None
    if form.cleaned_data["reply_to"]:
        reply_to = queries.get_comment_for(
            request.user, form.cleaned_data["reply_to"], action="view"
        )
    try:
        comment = comment_post(
            author=request.user,
            subject=subject,
            body=form.cleaned_data["body"],
            reply_to=reply_to,
        )
    except PublishingError as exc:
        return _write_page(request, subject, form, exc.message)
    if comment.state == comment.State.PUBLISHED:
        messages.success(request, _("Your comment is published."))
    else:
        messages.info(request, _("Thank you. Your comment is shown once a moderator has read it."))
    return redirect(f"{back}#comment-{comment.pk}")


def comment_link(request: HttpRequest, comment_id: int) -> HttpResponse:
    """A comment's own address: its subject's page, at the comment."""
    comment = queries.get_comment_for(request.user, comment_id, action="view")
    if comment is None:
        raise Http404
    return redirect(f"{_subject_url(comment)}#comment-{comment.pk}")


@limit_writes
def comment_edit_page(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = queries.get_comment_for(request.user, comment_id, action="edit")
    if comment is None:
        raise Http404
    back = f"{_subject_url(comment)}#comment-{comment.pk}"
    form = CommentForm(request.POST or None, initial={"body": comment.body})
    if not comment_can_edit(comment, request.user):
        messages.error(request, _("This comment can no longer be edited."))
        return redirect(back)
    if request.method == "POST" and form.is_valid():
        try:
            comment_edit(comment=comment, author=request.user, body=form.cleaned_data["body"])  # type: ignore[arg-type]
        except PublishingError as exc:
            form.add_error("body", exc.message)
        else:
            messages.success(request, _("Your comment is saved."))
            return redirect(back)
    return render(
        request,
        "publishing/comments/edit.html",
        {"form": form, "comment": comment, "back": back},
        status=400 if form.errors else 200,
    )


@limit_writes
def comment_delete_page(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = queries.get_comment_for(request.user, comment_id, action="delete")
    if comment is None:
        raise Http404
    back = _subject_url(comment)
    if request.method == "POST":
        comment_delete(comment=comment, author=request.user)  # type: ignore[arg-type]
        messages.success(request, _("Your comment is deleted."))
        return redirect(f"{back}#comments")
    return render(
        request,
        "publishing/comments/delete.html",
        {"comment": comment, "back": f"{back}#comment-{comment.pk}"},
    )


@limit_writes
def comment_report(request: HttpRequest, comment_id: int) -> HttpResponse:
    comment = queries.get_comment_for(request.user, comment_id, action="report")
    if comment is None:
        raise Http404
    return report_page(request, comment, template="publishing/comments/report.html")


@require_POST
@limit_writes
def reaction(request: HttpRequest, kind: str, subject_id: int) -> HttpResponse:
    """Toggle one reaction; htmx gets the buttons back, a plain post the page."""
    subject = queries.get_subject_for(request.user, kind, subject_id, action="react")
    if subject is None:
        raise Http404
    back = kind_of(subject).public_url(subject.pk)
    if not request.user.is_authenticated:
        if _is_htmx(request):
            response = HttpResponse(status=204)
            response["HX-Redirect"] = _login_url(back)
            return response
        return redirect(_login_url(back))
    error = ""
    try:
        reaction_toggle(member=request.user, subject=subject, type=request.POST.get("type", ""))
    except PublishingError as exc:
        error = exc.message
    if _is_htmx(request):
        label, pk = subject_key(subject)
        context = {
            "kind_slug": kind_of(subject).slug,
            "subject": subject,
            "reactions": queries.reaction_buttons([subject], request.user)[(label, pk)],
            "reaction_error": error,
            "can_write": True,
        }
        return render(request, "publishing/comments/_reactions.html", context)
    if error:
        messages.error(request, error)
    return redirect(back)
