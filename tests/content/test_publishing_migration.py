"""Moving content's decisions, reports and share links to the shared tables loses nothing."""

from __future__ import annotations

import pytest
from django.db import connection
from django.db.migrations.executor import MigrationExecutor
from django.utils import timezone

BEFORE = [("content", "0003_contributor"), ("publishing", None)]
AFTER = [("content", "0004_publishing_blocks"), ("publishing", "0001_shared_blocks")]


def _migrate(targets):  # type: ignore[no-untyped-def]
    executor = MigrationExecutor(connection)
    executor.loader.build_graph()
    executor.migrate(targets)
    return executor.loader.project_state([t for t in targets if t[1]]).apps


@pytest.mark.django_db(transaction=True)
def test_rows_keep_their_ids_codes_and_subjects_and_new_ids_follow_them():
    old = _migrate(BEFORE)
    Person = old.get_model("people", "Person")
    Item = old.get_model("content", "ContentItem")
    person = Person.objects.create(email="m@example.org")
    moderator = Person.objects.create(email="mod@example.org")
    item = Item.objects.create(contributor=person, kind="poem", title="Poem", state="published")
    now = timezone.now()
    old.get_model("content", "ModerationDecision").objects.create(
        pk=41, item=item, moderator=moderator, action="approve", reason="", created_at=now
    )
    old.get_model("content", "Report").objects.create(
        pk=42, item=item, reporter=person, reporter_key=f"member:{person.pk}", reason="spam",
        details="an advert", created_at=now,
    )  # fmt: skip
    old.get_model("content", "Share").objects.create(
        pk=43, item=item, sharer=person, channel="x", code="abc123", click_count=7, created_at=now
    )

    new = _migrate(AFTER)
    decision = new.get_model("publishing", "ModerationDecision").objects.get()
    report = new.get_model("publishing", "Report").objects.get()
    share = new.get_model("publishing", "Share").objects.get()
    subject = ("content.contentitem", item.pk)
    assert (decision.pk, decision.subject_type, decision.subject_id) == (41, *subject)
    assert (decision.moderator_id, decision.action) == (moderator.pk, "approve")
    assert (report.pk, report.subject_type, report.subject_id, report.details) == (
        42, *subject, "an advert",
    )  # fmt: skip
    assert (share.pk, share.subject_type, share.subject_id) == (43, *subject)
    assert (share.code, share.click_count, share.sharer_id) == ("abc123", 7, person.pk)
    # The next row gets an id after the copied ones (PostgreSQL's sequences were reset).
    later = new.get_model("publishing", "Share").objects.create(
        subject_type=subject[0], subject_id=item.pk, channel="link", code="later"
    )
    assert later.pk > 43

    # And back: the rows return to content's tables.
    back = _migrate(BEFORE)
    codes = set(back.get_model("content", "Share").objects.values_list("code", flat=True))
    assert codes == {"abc123", "later"}
    _migrate(AFTER)
