"""What the comment and reaction tests share: a public item and a member allowed to comment."""

from __future__ import annotations

from typing import Any

from django.test import Client

from tellus.people.models import Person
from tellus.people.services import api_token_create
from tellus.publishing.comments.models import Comment
from tellus.publishing.comments.services import comment_post
from tellus.publishing.models import State


def post_comment(client: Client, item: Any, body: str, **extra: Any) -> Any:
    return client.post(f"/comments/on/content/{item.pk}/", {"body": body, **extra})


def published_comment(author: Person, subject: Any, body: str, **kwargs: Any) -> Comment:
    """A comment as a trusted member posts it: published at once."""
    comment = comment_post(author=author, subject=subject, body=body, **kwargs)
    if comment.state != State.PUBLISHED:
        Comment.objects.filter(pk=comment.pk).update(state=State.PUBLISHED)
        comment.refresh_from_db()
    return comment


def bearer_for(person: Person) -> dict[str, str]:
    return {"HTTP_AUTHORIZATION": f"Bearer {api_token_create(person=person, name='t').secret}"}
