"""The poll pages: the list, a poll's ballot and results, voting from the page, the home card."""

from __future__ import annotations

import datetime as dt
import re

import pytest

from tellus.community.polls.models import Vote
from tellus.community.polls.services import poll_vote
from tests.community.poll_factories import closed_poll, make_poll, option_ids
from tests.factories import InitiativeFactory, PersonFactory
from tests.helpers import assert_queries

pytestmark = pytest.mark.django_db


def results_section(html: str) -> str:
    return html.split('id="results-title"')[1].split("</section>")[0]


def test_the_list_shows_open_polls_then_closed_ones_with_results(client, member):
    soon = make_poll(question="Which beach needs a lifeguard?")
    done = closed_poll(question="Best market day?", options=("Saturday", "Sunday"))
    make_poll(question="Hidden poll?", state="hidden")
    make_poll(question="Not yet open?", opened_ago=dt.timedelta(days=-2))
    poll_vote(poll=soon, member=member, option_ids=option_ids(soon)[:1])
    for person in PersonFactory.create_batch(3):
        Vote.objects.create(poll=done, member=person).choices.create(
            option_id=option_ids(done)[1], poll=done
        )
    html = client.get("/polls/").content.decode()
    assert html.index("Which beach needs a lifeguard?") < html.index("Best market day?")
    assert "Hidden poll?" not in html and "Not yet open?" not in html
    assert "100%" in html and "3 voters" in html
    client.force_login(member)
    assert "You voted" in client.get("/polls/").content.decode()


def test_the_list_costs_the_same_whatever_its_length(client, member):
    client.force_login(member)
    make_poll()
    closed_poll()
    client.get("/polls/")
    with assert_queries(9):
        client.get("/polls/")
    for n in range(8):
        poll = make_poll(question=f"Open {n}?")
        poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
        closed_poll(question=f"Closed {n}?")
    with assert_queries(9):
        client.get("/polls/")
    client.logout()
    with assert_queries(4):  # open polls, closed ones, their options, their counts
        client.get("/polls/")


def test_a_member_votes_with_radio_buttons_in_a_fieldset_and_sees_the_results(client, member):
    poll = make_poll()
    first, second, _ = option_ids(poll)
    client.force_login(member)
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "<fieldset" in html and "<legend>Choose one option</legend>" in html
    assert html.count('type="radio"') == 3 and "Vote to see the results." in html
    response = client.post(f"/polls/{poll.pk}/vote/", {"options": str(first)}, follow=True)
    page = response.content.decode()
    assert "your vote is counted" in page and "1 voter" in page
    assert "100%" in results_section(page)
    assert re.search(rf'value="{first}"[^>]*checked', page)
    changed = client.post(f"/polls/{poll.pk}/vote/", {"options": str(second)}, follow=True)
    assert "Your vote is changed." in changed.content.decode()
    assert Vote.objects.get().choices.get().option_id == second


def test_checkboxes_for_several_choices_and_too_many_is_announced(client, member):
    poll = make_poll(kind="multiple", max_choices=2)
    ids = option_ids(poll)
    client.force_login(member)
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert html.count('type="checkbox"') == 3 and "Choose at most 2 options" in html
    refused = client.post(f"/polls/{poll.pk}/vote/", {"options": [str(i) for i in ids]})
    body = refused.content.decode()
    assert refused.status_code == 400 and 'role="alert"' in body
    assert "Choose at most 2 options." in body and 'aria-invalid="true"' in body
    assert not Vote.objects.exists()


def test_a_vote_after_closing_is_refused_with_its_reason(client, member):
    poll = make_poll()
    client.force_login(member)
    client.post(f"/polls/{poll.pk}/vote/", {"options": str(option_ids(poll)[0])})
    poll.closes_at = poll.opens_at + dt.timedelta(minutes=1)
    poll.save()
    refused = client.post(f"/polls/{poll.pk}/vote/", {"options": str(option_ids(poll)[1])})
    # The closed poll's page no longer shows the ballot; the service's reason is the answer.
    assert refused.status_code == 409
    assert "no longer taken" in refused.content.decode()
    assert Vote.objects.get().choices.get().option_id == option_ids(poll)[0]


@pytest.mark.parametrize(
    "value", ["", "abc", "-1", "999999", "<script>alert(1)</script>", "1" * 5000]
)
def test_a_strange_ballot_is_refused_without_a_500(client, member, value):
    poll = make_poll()
    other = make_poll(question="Other?")
    client.force_login(member)
    for sent in (value, str(option_ids(other)[0])):
        response = client.post(f"/polls/{poll.pk}/vote/", {"options": sent})
        assert response.status_code == 400
        assert "<script>alert(1)" not in response.content.decode()
    assert not Vote.objects.exists()


def test_visitors_are_asked_to_log_in_and_the_after_close_rule_holds(client, member):
    poll = make_poll(show_results="after_close")
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "Log in to vote" in html and "shown when the poll closes" in html
    assert 'type="radio"' not in html
    client.force_login(member)
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "shown when the poll closes" in html and "<table" not in results_section(html)
    client.logout()
    login = client.post(f"/polls/{poll.pk}/vote/", {"options": "1"})
    assert login.status_code == 302 and "/accounts/login/" in login["Location"]


def test_after_vote_results_show_to_voters_only_until_the_poll_closes(client, member, other_member):
    poll = make_poll()
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    assert "Vote to see the results." in client.get(f"/polls/{poll.pk}/").content.decode()
    client.force_login(other_member)
    assert "Vote to see the results." in client.get(f"/polls/{poll.pk}/").content.decode()
    client.force_login(member)
    assert "<table" in results_section(client.get(f"/polls/{poll.pk}/").content.decode())
    done = closed_poll(show_results="after_close")
    client.logout()
    assert "<table" in results_section(client.get(f"/polls/{done.pk}/").content.decode())


def test_a_poll_page_costs_the_same_whatever_its_votes(client, member):
    poll = make_poll()
    client.force_login(member)
    poll_vote(poll=poll, member=member, option_ids=option_ids(poll)[:1])
    client.get(f"/polls/{poll.pk}/")
    with assert_queries(8):
        client.get(f"/polls/{poll.pk}/")
    for person in PersonFactory.create_batch(20):
        poll_vote(poll=poll, member=person, option_ids=option_ids(poll)[1:2])
    with assert_queries(8):
        client.get(f"/polls/{poll.pk}/")
    client.logout()
    with assert_queries(2):
        client.get(f"/polls/{poll.pk}/")


def test_option_text_and_questions_are_escaped(client, member):
    poll = make_poll(
        question="<img src=x onerror=alert(1)>?",
        options=("<script>alert(1)</script>", "javascript:alert(2)"),
    )
    client.force_login(member)
    html = client.get(f"/polls/{poll.pk}/").content.decode()
    assert "<script>alert(1)</script>" not in html and "<img src=x" not in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html
    assert client.get("/polls/").status_code == 200


def test_unknown_hidden_and_future_polls_are_404(client):
    hidden = make_poll(state="hidden")
    future = make_poll(opened_ago=dt.timedelta(days=-1))
    for path in ("/polls/999999/", f"/polls/{hidden.pk}/", f"/polls/{future.pk}/"):
        assert client.get(path).status_code == 404


def test_a_poll_is_shared_with_a_tracked_link_that_leads_back_to_it(client):
    poll = make_poll()
    response = client.post(f"/polls/{poll.pk}/share/", {"channel": "link"})
    assert response.status_code == 200
    code = re.search(r"/s/([\w-]+)", response.content.decode()).group(1)
    followed = client.get(f"/s/{code}")
    assert followed.status_code == 302 and followed["Location"] == f"/polls/{poll.pk}/"
    assert client.post(f"/polls/{poll.pk}/share/", {"channel": "pigeon"}).status_code == 404


def test_the_home_card_of_a_poll_initiative_leads_to_its_open_poll(client):
    initiative = InitiativeFactory(
        name="Question of the month", slug="question", contribution="poll"
    )
    html = client.get("/").content.decode()
    assert 'href="/polls/initiative/question/"' in html and 'href="/polls/"' in html
    assert client.get("/polls/initiative/question/")["Location"] == "/polls/"
    poll = make_poll(initiative=initiative)
    assert client.get("/polls/initiative/question/")["Location"] == f"/polls/{poll.pk}/"
    assert client.get("/polls/initiative/no-such-one/")["Location"] == "/polls/"
