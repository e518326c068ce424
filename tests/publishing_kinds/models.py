from __future__ import annotations

from collections.abc import Iterable

from django.conf import settings
from django.db import models

from tellus.publishing.models import Publishable, State
from tellus.publishing.queries import with_contributor_history
from tellus.publishing.subjects import SubjectKind, register


class Post(Publishable):
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    title = models.CharField(max_length=200)
    body = models.TextField(blank=True)
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)

    def __str__(self) -> str:
        return self.title


class Comment(Publishable):
    contributor = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE)
    post = models.ForeignKey(Post, on_delete=models.CASCADE)
    body = models.TextField()
    state = models.CharField(max_length=12, choices=State.choices, default=State.PENDING)

    def __str__(self) -> str:
        return self.body[:40]


def _load_posts(ids: Iterable[int]) -> dict[int, Post]:
    rows = Post.objects.filter(pk__in=list(ids)).select_related("contributor")
    return {row.pk: row for row in with_contributor_history(rows, POST)}


def _load_comments(ids: Iterable[int]) -> dict[int, Comment]:
    rows = Comment.objects.filter(pk__in=list(ids)).select_related("contributor")
    return {row.pk: row for row in with_contributor_history(rows, COMMENT)}


POST = SubjectKind(
    model=Post,
    slug="post",
    preview_template="publishing_kinds/_preview.html",
    public_url=lambda pk: f"/posts/{pk}/",
    load=_load_posts,
)
COMMENT = SubjectKind(
    model=Comment,
    slug="reply",
    preview_template="publishing_kinds/_preview.html",
    public_url=lambda pk: f"/comments/{pk}/",
    load=_load_comments,
)


def register_kinds() -> None:
    register(POST)
    register(COMMENT)
