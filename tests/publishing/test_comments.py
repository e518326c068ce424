"""Comments on a content item, through the one comment service: pages, moderation, limits."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.test import Client
from django.utils import timezone
from django.utils.html import escape

from tellus.engagement import kinds
from tellus.engagement.models import Event
from tellus.people.privacy import person_erase
from tellus.publishing.comments.models import Comment
from tellus.publishing.comments.services import comment_post
from tellus.publishing.models import ModerationDecision, State
from tellus.publishing.services import PublishingError
from tests.content.factories import ContentItemFactory
from tests.factories import InitiativeFactory, PersonFactory
from tests.helpers import assert_queries
from tests.publishing.comment_helpers import post_comment, published_comment

pytestmark = pytest.mark.django_db


@pytest.fixture
def item(other_member):
    return ContentItemFactory(contributor=other_member, title="Timanfaya at dusk")


@pytest.fixture
def member_client(member) -> Client:
    client = Client()
    client.force_login(member)
    return client


@pytest.fixture
def trusted(settings):
    """Members' comments are published at once, links too (the rules are tried on their own)."""
    settings.TELLUS_COMMENTS_TRUSTED_AFTER = 0
    settings.TELLUS_COMMENT_LINKS_TRUSTED_AFTER = 0


def test_a_visitor_sees_the_comments_and_a_link_to_log_in(client, item, member, trusted):
    published_comment(member, item, "Best at sunset.")
    body = client.get(f"/content/{item.pk}/").content.decode()
    assert "Best at sunset." in body
    assert "1 comment" in body
    assert "Log in to comment" in body and "/accounts/login/?next=" in body
    assert 'id="comment-form"' not in body


def test_a_first_comment_waits_for_a_moderator_then_is_published(
    client, member_client, item, member, moderator
):
    response = post_comment(member_client, item, "Go early, the car park fills up.")
    comment = Comment.objects.get()
    assert response.status_code == 302
    assert response["Location"] == f"/content/{item.pk}/#comment-{comment.pk}"
    assert comment.state == State.PENDING
    own = member_client.get(f"/content/{item.pk}/").content.decode()
    assert "Go early" in own and "Waiting for a moderator: only you see it" in own
    assert "Go early" not in client.get(f"/content/{item.pk}/").content.decode()

    staff = Client()
    staff.force_login(moderator)
    queue = staff.get("/console/moderation/").content.decode()
    assert f"/console/moderation/comment/{comment.pk}/" in queue
    assert '<blockquote class="text-preview">Go early, the car park fills up.</blockquote>' in queue
    assert "On “Timanfaya at dusk”" in queue and f'href="/content/{item.pk}/"' in queue
    detail = staff.get(f"/console/moderation/comment/{comment.pk}/")
    assert detail.status_code == 200 and "Go early" in detail.content.decode()
    staff.post(f"/console/moderation/comment/{comment.pk}/decide/", {"action": "approve"})
    comment.refresh_from_db()
    assert comment.state == State.PUBLISHED
    assert "Go early" in client.get(f"/content/{item.pk}/").content.decode()
    # Trusted now: the next one is published at once.
    post_comment(member_client, item, "And bring water.")
    assert Comment.objects.latest("pk").state == State.PUBLISHED


def test_a_comment_with_a_link_waits_until_the_member_is_trusted_with_links(
    member_client, item, member, settings
):
    settings.TELLUS_COMMENTS_TRUSTED_AFTER = 0
    settings.TELLUS_COMMENT_LINKS_TRUSTED_AFTER = 2
    post_comment(member_client, item, "No link here.")
    post_comment(member_client, item, "See https://example.org/tide-times")
    assert list(Comment.objects.order_by("pk").values_list("state", flat=True)) == [
        "published",
        "pending",
    ]


def test_a_moderator_hides_a_published_comment(client, item, member, moderator, trusted):
    comment = published_comment(member, item, "Rude words here.")
    staff = Client()
    staff.force_login(moderator)
    staff.post(
        f"/console/moderation/comment/{comment.pk}/decide/",
        {"action": "hide", "reason": "Not kind to other visitors."},
    )
    comment.refresh_from_db()
    assert comment.state == State.HIDDEN
    assert "Rude words" not in client.get(f"/content/{item.pk}/").content.decode()
    assert client.get(f"/comments/{comment.pk}/").status_code == 404


HOSTILE = [
    "<script>alert('x')</script>",
    '<img src=x onerror="alert(1)">',
    "[click](javascript:alert(1)) javascript:alert(2)",
    "data:text/html;base64,PHNjcmlwdD5hbGVydCgxKTwvc2NyaXB0Pg==",
    '<a href="https://evil.example/">evil</a>',
    "**not bold** _not italic_",
]


@pytest.mark.parametrize("text", HOSTILE)
def test_hostile_text_is_shown_escaped_as_plain_text(client, member, item, text, trusted):
    published_comment(member, item, text)
    body = client.get(f"/content/{item.pk}/").content.decode()
    start = body.index('<div class="comment-body">') + len('<div class="comment-body">')
    shown = body[start : body.index("</div>", start)]
    assert set(re.findall(r"<(/?[a-z]+)", shown)) <= {"a", "/a"}
    assert escape(text[:4]) in shown
    assert "<script>alert" not in body and "<img src=x" not in body
    assert 'href="javascript:' not in body and 'href="data:' not in body


def test_web_addresses_become_nofollow_links_and_line_breaks_stay(client, member, item, trusted):
    published_comment(member, item, 'Tides: https://example.org/t?a=1&b="2" then\nswim.')
    body = client.get(f"/content/{item.pk}/").content.decode()
    assert (
        '<a href="https://example.org/t?a=1&amp;b=" rel="nofollow ugc noopener">'
        "https://example.org/t?a=1&amp;b=</a>" in body
    )
    assert "then<br>" in body


@pytest.mark.parametrize(
    "text",
    ["Nice\u200bview", "Nice\u200eview", "evil\u202etxt.exe", "\ufeffBOM", "a\x1bb", "a\x7fb"],
)
def test_invisible_and_control_characters_are_refused_with_a_clear_message(
    member_client, item, text
):
    response = post_comment(member_client, item, text)
    assert response.status_code == 400
    assert "Remove the invisible or control character (U+" in response.content.decode()
    assert not Comment.objects.exists()


def test_a_null_character_is_refused(member_client, item):
    response = post_comment(member_client, item, "tab\x00null")
    assert (
        response.status_code == 400
        and "Null characters are not allowed" in response.content.decode()
    )
    assert not Comment.objects.exists()


def test_emoji_sequences_and_other_scripts_are_welcome(member_client, item):
    text = "👨\u200d👩\u200d👧 ¡Qué bonito! Красиво 美しい مرحبا"
    assert post_comment(member_client, item, text).status_code == 302
    assert Comment.objects.get().body == text


def test_a_one_megabyte_comment_is_refused_and_nothing_is_written(member_client, item):
    response = post_comment(member_client, item, "x" * 1_000_000)
    assert response.status_code == 400
    assert "A comment has at most 5000 characters" in response.content.decode()
    response = post_comment(member_client, item, "y" * 5001)
    assert "this one has 5001" in response.content.decode()
    assert post_comment(member_client, item, "z" * 5000).status_code == 302
    assert Comment.objects.count() == 1


def test_an_empty_comment_is_refused(member_client, item):
    response = post_comment(member_client, item, "  \n\n ")
    assert response.status_code == 400 and "Write your comment first." in response.content.decode()


def test_fifty_comments_in_a_minute_are_stopped_after_the_fifth(member_client, item, settings):
    settings.TELLUS_RATE_LIMITS = {**settings.TELLUS_RATE_LIMITS, "write_member": "1000/m"}
    statuses = [
        post_comment(member_client, item, f"Comment number {i}").status_code for i in range(50)
    ]
    assert statuses.count(302) == 5 and statuses.count(400) == 45
    refused = post_comment(member_client, item, "One more")
    assert "You are commenting very fast" in refused.content.decode()
    Comment.objects.update(created_at=timezone.now() - dt.timedelta(minutes=2))
    assert post_comment(member_client, item, "A minute later").status_code == 302


def test_the_same_text_twice_in_a_row_is_a_duplicate(member_client, item):
    assert post_comment(member_client, item, "Lovely place").status_code == 302
    response = post_comment(member_client, item, "  Lovely place \n")
    assert response.status_code == 400
    assert "You have just posted this same comment." in response.content.decode()
    assert post_comment(member_client, item, "Lovely place, really").status_code == 302
    assert Comment.objects.count() == 2


def test_a_comment_on_a_non_public_item_is_refused(member_client, member, other_member):
    pending = ContentItemFactory(contributor=other_member, state="pending")
    unconsented = ContentItemFactory(contributor=other_member, consents=[])
    for target in (pending, unconsented):
        assert post_comment(member_client, target, "Hello").status_code == 404
    assert member_client.post("/comments/on/nothing/1/", {"body": "x"}).status_code == 404
    assert member_client.post("/comments/on/content/999999/", {"body": "x"}).status_code == 404
    assert not Comment.objects.exists()


def test_comments_are_not_shown_once_their_item_is_not_public(client, member, item, trusted):
    comment = published_comment(member, item, "Still here?")
    assert client.get(f"/comments/{comment.pk}/")["Location"].endswith(
        f"/content/{item.pk}/#comment-{comment.pk}"
    )
    type(item).objects.filter(pk=item.pk).update(state="hidden")
    assert client.get(f"/comments/{comment.pk}/").status_code == 404
    assert client.get(f"/comments/{comment.pk}/report/").status_code == 404


def test_a_visitor_posting_is_sent_to_log_in(client, item):
    response = post_comment(client, item, "Hi")
    assert response.status_code == 302 and response["Location"].startswith("/accounts/login/")
    assert not Comment.objects.exists()


def test_an_inactive_member_cannot_write(member, item):
    member.is_active = False
    member.save()
    with pytest.raises(PublishingError) as refused:
        comment_post(author=member, subject=item, body="Let me in")
    assert refused.value.code == "not_allowed"


def test_a_comment_cannot_be_about_a_comment(member, item, trusted):
    comment = published_comment(member, item, "First")
    with pytest.raises(PublishingError):
        comment_post(author=member, subject=comment, body="Meta")


def test_the_author_edits_within_fifteen_minutes_and_the_edit_is_marked(
    client, member_client, member, item, trusted
):
    comment = published_comment(member, item, "Typo hre")
    page = member_client.get(f"/comments/{comment.pk}/edit/")
    assert page.status_code == 200 and "Typo hre" in page.content.decode()
    response = member_client.post(f"/comments/{comment.pk}/edit/", {"body": "Typo here"})
    assert response.status_code == 302
    body = client.get(f"/content/{item.pk}/").content.decode()
    assert "Typo here" in body and "edited" in body
    Comment.objects.filter(pk=comment.pk).update(
        created_at=timezone.now() - dt.timedelta(minutes=16)
    )
    response = member_client.post(f"/comments/{comment.pk}/edit/", {"body": "Too late"})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.body == "Typo here"
    assert (
        f"/comments/{comment.pk}/edit/"
        not in member_client.get(f"/content/{item.pk}/").content.decode()
    )


def test_an_edit_is_checked_as_a_new_comment(member_client, member, item, trusted):
    comment = published_comment(member, item, "Fine")
    response = member_client.post(f"/comments/{comment.pk}/edit/", {"body": "Fine\u200b"})
    assert response.status_code == 400 and "invisible" in response.content.decode()


def test_only_the_author_edits_or_deletes(client, member, other_member, item, trusted):
    comment = published_comment(member, item, "Mine")
    other = Client()
    other.force_login(other_member)
    assert other.get(f"/comments/{comment.pk}/edit/").status_code == 404
    assert other.post(f"/comments/{comment.pk}/delete/").status_code == 404
    assert client.post(f"/comments/{comment.pk}/delete/").status_code == 404
    assert Comment.objects.filter(pk=comment.pk).exists()


def test_the_author_deletes_a_comment_and_replies_stay(
    client, member_client, member, other_member, item, trusted
):
    first = published_comment(member, item, "Question?")
    reply = published_comment(other_member, item, "Answer.", reply_to=first)
    assert member_client.get(f"/comments/{first.pk}/delete/").status_code == 200
    response = member_client.post(f"/comments/{first.pk}/delete/")
    assert response.status_code == 302
    assert not Comment.objects.filter(pk=first.pk).exists()
    reply.refresh_from_db()
    assert reply.reply_to is None
    assert "Answer." in client.get(f"/content/{item.pk}/").content.decode()


def test_a_reply_to_a_reply_answers_the_first_comment(member, other_member, item, trusted):
    first = published_comment(member, item, "Where to eat?")
    reply = published_comment(other_member, item, "The harbour.", reply_to=first)
    again = published_comment(member, item, "Which one?", reply_to=reply)
    assert reply.reply_to == first and again.reply_to == first
    elsewhere = ContentItemFactory()
    with pytest.raises(PublishingError):
        comment_post(author=member, subject=elsewhere, body="Wrong page", reply_to=first)


def test_the_reply_form_names_the_comment_it_answers(
    member_client, member, other_member, item, trusted
):
    first = published_comment(other_member, item, "Any tips?")
    body = member_client.get(f"/content/{item.pk}/?reply_to={first.pk}").content.decode()
    assert "Replying to Olav" in body and f'name="reply_to" value="{first.pk}"' in body
    post_comment(member_client, item, "Go in May.", reply_to=first.pk)
    reply = Comment.objects.latest("pk")
    assert reply.reply_to == first
    page = member_client.get(f"/content/{item.pk}/").content.decode()
    assert f'href="#comment-{first.pk}">in reply to Olav' in page


def test_three_reports_hide_a_comment_until_a_moderator_looks(
    client, member, item, settings, trusted
):
    settings.TELLUS_REPORTS_TO_HIDE = 3
    comment = published_comment(member, item, "Buy cheap watches at spam.example")
    assert client.get(f"/comments/{comment.pk}/report/").status_code == 200
    for address in ("10.0.0.1", "10.0.0.2", "10.0.0.2", "10.0.0.3"):
        client.post(
            f"/comments/{comment.pk}/report/",
            {"reason": "spam"},
            REMOTE_ADDR=address,
            HTTP_USER_AGENT="Mozilla/5.0",
        )
    comment.refresh_from_db()
    assert comment.state == State.HIDDEN
    assert ModerationDecision.objects.get(subject_type="publishing.comment").action == "auto_hide"
    assert "cheap watches" not in client.get(f"/content/{item.pk}/").content.decode()


@pytest.mark.parametrize("count", [0, 20])
def test_the_item_page_costs_the_same_whatever_the_number_of_comments(
    member_client, member, item, count, trusted, settings
):
    settings.TELLUS_COMMENTS_PER_MINUTE = 100
    people = PersonFactory.create_batch(3)
    for i in range(count):
        published_comment(people[i % 3], item, f"Comment {i}")
    from tellus.publishing.comments.services import reaction_add

    for person in people[: min(count, 3)]:
        reaction_add(member=person, subject=item, type="love")
    member_client.get(f"/content/{item.pk}/")  # the session's first read
    # Session and user, the item, its tags; the view count; the comments, the
    # reaction counts and the member's own reactions.
    with assert_queries(9):
        response = member_client.get(f"/content/{item.pk}/")
    assert response.content.decode().count('class="comment card"') == count


def test_each_comment_is_recorded_once_in_the_engagement_log_with_its_initiative(
    member, other_member, trusted
):
    initiative = InitiativeFactory()
    item = ContentItemFactory(contributor=other_member, initiative=initiative)
    comment = published_comment(member, item, "Count me")
    events = Event.objects.filter(kind=kinds.COMMENT_POSTED)
    assert events.count() == 1
    event = events.get()
    assert event.member == member and event.initiative == initiative
    assert (event.subject_type, event.subject_id) == ("content.contentitem", item.pk)
    assert event.idempotency_key == f"comment:{comment.pk}:posted"


def test_erasure_keeps_published_comments_as_a_former_members(client, member, item, trusted):
    published_comment(member, item, "Kept for the discussion")
    waiting = comment_post(author=member, subject=item, body="Never published")
    Comment.objects.filter(pk=waiting.pk).update(state=State.PENDING)
    person_erase(person=member, keep_consented_contributions=True)
    body = client.get(f"/content/{item.pk}/").content.decode()
    assert "Kept for the discussion" in body and "A former member" in body
    assert "Marta" not in body
    assert list(Comment.objects.values_list("body", flat=True)) == ["Kept for the discussion"]


def test_erasure_on_request_removes_every_comment(client, member, item, trusted):
    published_comment(member, item, "Remove me")
    person_erase(person=member, keep_consented_contributions=False)
    assert not Comment.objects.exists()
    assert "Remove me" not in client.get(f"/content/{item.pk}/").content.decode()


def test_the_archive_holds_the_members_comments(member, item, trusted):
    from tellus.people.privacy import person_export

    published_comment(member, item, "In my archive")
    archive = person_export(person=member)
    assert archive["comments"][0]["body"] == "In my archive"


def test_asked_to_edit_the_author_may_edit_later_and_it_goes_back_to_the_queue(
    member_client, member, item, moderator, trusted
):
    from tellus.publishing.services import moderation_decide

    comment = published_comment(member, item, "Call 555 0100 for cheap rides")
    moderation_decide(
        subject=comment, moderator=moderator, action="ask_edit", reason="No phone numbers."
    )
    Comment.objects.filter(pk=comment.pk).update(created_at=timezone.now() - dt.timedelta(days=2))
    page = member_client.get(f"/content/{item.pk}/").content.decode()
    assert "A moderator asked you to edit it (only you see it): No phone numbers." in page
    response = member_client.post(f"/comments/{comment.pk}/edit/", {"body": "Taxis wait here."})
    assert response.status_code == 302
    comment.refresh_from_db()
    assert comment.state == State.PENDING and comment.body == "Taxis wait here."
