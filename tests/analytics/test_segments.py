"""Engagement segments and transitions: cases worked by hand, properties and refusals."""

from __future__ import annotations

import datetime as dt

import polars as pl
import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from tellus.analytics.segments import (
    SEGMENTS,
    SegmentRules,
    engagement_segments,
    segment_summary,
    segment_transitions,
)
from tellus.analytics.validation import AnalyticsInputError
from tests.analytics.engagement_log import day, log

AS_OF = day(365)


def member_rows() -> list[dict]:
    rows: list[dict] = [
        # 1 reads and travels but never contributes
        {"day": 300, "member_id": 1, "kind": "content.viewed", "attributed_to_id": 3},
        {"day": 310, "member_id": 1, "kind": "trip.recorded", "value": 90.0},
        # 2 contributed 200 days ago, then stopped
        {"day": 165, "member_id": 2, "kind": "comment.posted"},
        # 3 shared twice this season
        {"day": 340, "member_id": 3, "kind": "share.created", "channel": "x"},
        {"day": 350, "member_id": 3, "kind": "share.created", "channel": "whatsapp"},
        # 6 shared once and a friend signed up with their referral code
        {"day": 330, "member_id": 6, "kind": "share.created", "channel": "x"},
        {"day": 331, "member_id": 9, "kind": "member.signed_up", "channel": "referral",
         "attributed_to_id": 6},
        # 8 contributed exactly 90 days before as_of: outside the (as_of - 90, as_of] window
        {"day": 275, "member_id": 8, "kind": "poll.voted"},
        # the future does not count
        {"day": 400, "member_id": 1, "kind": "idea.submitted"},
    ]  # fmt: skip
    # 4: five contributions of two kinds; 5: five of one kind
    rows += [{"day": 300 + i, "member_id": 4, "kind": "poll.voted"} for i in range(3)]
    rows += [{"day": 310 + i, "member_id": 4, "kind": "content.submitted"} for i in range(2)]
    rows += [{"day": 300 + i, "member_id": 5, "kind": "poll.voted"} for i in range(5)]
    return rows


EVENTS = log(member_rows())


def segment_of(frame: pl.DataFrame) -> dict[int, str]:
    return {m: str(s) for m, s in frame.select("member_id", "segment").iter_rows()}


def test_segments_by_hand() -> None:
    members = pl.DataFrame({"member_id": [7]})
    segments = engagement_segments(EVENTS, as_of=AS_OF, members=members)
    assert segment_of(segments) == {
        1: "passive_receiver",
        2: "at_risk",
        3: "advocate",
        4: "active_contributor",
        5: "occasional_contributor",
        6: "advocate",
        7: "passive_receiver",
        8: "at_risk",
        9: "passive_receiver",
    }
    two = segments.filter(pl.col("member_id") == 2).row(0, named=True)
    assert two["days_since_contribution"] == pytest.approx(200.0)
    assert two["lifetime_contributions"] == 1
    assert two["contributions"] == 0
    four = segments.filter(pl.col("member_id") == 4).row(0, named=True)
    assert (four["contributions"], four["kinds"]) == (5, 2)
    six = segments.filter(pl.col("member_id") == 6).row(0, named=True)
    assert six["advocacy"] == 2
    one = segments.filter(pl.col("member_id") == 1).row(0, named=True)
    assert one["days_since_contribution"] is None


def test_thresholds_are_parameters() -> None:
    rules = SegmentRules(recent_days=365, active_min_contributions=5, active_min_kinds=1)
    segments = segment_of(engagement_segments(EVENTS, as_of=AS_OF, rules=rules))
    assert segments[2] == "occasional_contributor"  # within a year
    assert segments[5] == "active_contributor"  # breadth of one kind suffices now
    strict = SegmentRules(advocate_min_acts=3)
    assert segment_of(engagement_segments(EVENTS, as_of=AS_OF, rules=strict))[3] == (
        "occasional_contributor"
    )


def test_summary_lists_every_segment() -> None:
    summary = segment_summary(engagement_segments(EVENTS, as_of=AS_OF))
    assert summary.get_column("segment").cast(pl.String).to_list() == list(SEGMENTS)
    counts = dict(zip(summary["segment"].cast(pl.String), summary["members"], strict=True))
    assert counts == {
        "passive_receiver": 2,
        "occasional_contributor": 1,
        "active_contributor": 1,
        "advocate": 2,
        "at_risk": 2,
    }
    assert summary.get_column("share").sum() == pytest.approx(1.0)


def test_transitions_between_two_dates() -> None:
    moves = segment_transitions(EVENTS, first=day(200), second=AS_OF)
    table = {
        (str(a), str(b)): n
        for a, b, n in moves.select("from_segment", "to_segment", "members").iter_rows()
    }
    # on day 200 only member 2 had acted (an occasional contributor, 35 days before)
    assert table == {
        ("occasional_contributor", "at_risk"): 1,
        ("not_yet_member", "passive_receiver"): 2,
        ("not_yet_member", "advocate"): 2,
        ("not_yet_member", "active_contributor"): 1,
        ("not_yet_member", "occasional_contributor"): 1,
        ("not_yet_member", "at_risk"): 1,
    }
    shares = moves.group_by("from_segment").agg(pl.col("share_of_from").sum())
    assert shares.get_column("share_of_from").to_list() == pytest.approx([1.0, 1.0])


def test_kind_stored_as_categorical_gives_the_same_segments() -> None:
    categorical = EVENTS.with_columns(pl.col("kind", "channel").cast(pl.Categorical))
    assert engagement_segments(categorical, as_of=AS_OF).equals(
        engagement_segments(EVENTS, as_of=AS_OF)
    )


KINDS = ["poll.voted", "share.created", "comment.posted", "content.viewed", "trip.recorded"]


@settings(max_examples=40, deadline=None)
@given(
    acts=st.lists(
        st.tuples(st.integers(1, 12), st.sampled_from(KINDS), st.integers(0, 364)),
        min_size=1,
        max_size=60,
    ),
    recent=st.integers(1, 200),
    extra=st.integers(1, 200),
)
def test_every_member_in_exactly_one_segment_and_longer_windows_never_add_risk(
    acts: list[tuple[int, str, int]], recent: int, extra: int
) -> None:
    events = log([{"day": d, "member_id": m, "kind": k} for m, k, d in acts])
    short = engagement_segments(events, as_of=AS_OF, rules=SegmentRules(recent_days=recent))
    long = engagement_segments(events, as_of=AS_OF, rules=SegmentRules(recent_days=recent + extra))
    assert short.get_column("member_id").n_unique() == short.height
    assert set(short.get_column("member_id")) == {m for m, _, _ in acts}
    passive = short.filter(pl.col("segment") == "passive_receiver")
    assert (passive.get_column("lifetime_contributions") == 0).all()
    at_risk_short = set(short.filter(pl.col("segment") == "at_risk")["member_id"])
    at_risk_long = set(long.filter(pl.col("segment") == "at_risk")["member_id"])
    assert at_risk_long <= at_risk_short


def test_refuses_a_log_without_a_column() -> None:
    with pytest.raises(AnalyticsInputError, match="missing column"):
        engagement_segments(EVENTS.drop("channel"), as_of=AS_OF)


def test_refuses_member_ids_as_text() -> None:
    bad = EVENTS.with_columns(pl.col("member_id").cast(pl.String))
    with pytest.raises(AnalyticsInputError, match="integer id"):
        engagement_segments(bad, as_of=AS_OF)
    with pytest.raises(AnalyticsInputError, match="integer id"):
        engagement_segments(EVENTS, as_of=AS_OF, members=pl.DataFrame({"member_id": ["7"]}))


def test_refuses_null_times_and_a_naive_date() -> None:
    bad = EVENTS.with_columns(pl.lit(None, dtype=pl.Datetime("us", "UTC")).alias("occurred_at"))
    with pytest.raises(AnalyticsInputError, match="null"):
        engagement_segments(bad, as_of=AS_OF)
    with pytest.raises(AnalyticsInputError, match="timezone-aware"):
        engagement_segments(EVENTS, as_of=dt.datetime(2025, 1, 1))


def test_refuses_transitions_that_go_backwards() -> None:
    with pytest.raises(AnalyticsInputError, match="later than"):
        segment_transitions(EVENTS, first=AS_OF, second=day(100))


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"recent_days": 0}, "recent_days"),
        ({"active_min_kinds": -1}, "active_min_kinds"),
        ({"advocate_min_acts": 1.5}, "whole number"),
        ({"contribution_kinds": ()}, "contribution_kinds"),
        ({"advocacy_kinds": "share.created"}, "advocacy_kinds"),
    ],
)
def test_refuses_rules_outside_their_range(change: dict, message: str) -> None:
    with pytest.raises(AnalyticsInputError, match=message):
        SegmentRules(**change)
