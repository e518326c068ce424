"""The baseline: segments and CEV the straightforward way, one Python loop over rows.

This is what one writes without a columnar engine: iterate the log's rows and
keep dictionaries per member. It follows the same documented rules as
``tellus.analytics.segments`` and ``tellus.analytics.value`` (with CIV's
network reallocation off), so the benchmark also checks that both give the
same numbers on the sample.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

import polars as pl

from tellus.analytics._events import CONTRIBUTION_KINDS
from tellus.analytics.segments import SegmentRules
from tellus.analytics.value import CIVParameters, CKVParameters, CRVParameters, Horizon

COLUMNS = ("member_id", "kind", "occurred_at", "channel", "value", "attributed_to_id")
RULES = SegmentRules()
HORIZON = Horizon()
CRV = CRVParameters()
CIV = CIVParameters(network_weight=0.0)
CKV = CKVParameters()


def rows(events: pl.DataFrame) -> list[tuple[Any, ...]]:
    return list(events.select(COLUMNS).iter_rows())


def segments(
    log: list[tuple[Any, ...]], as_of: dt.datetime, rules: SegmentRules = RULES
) -> dict[int, str]:
    start = as_of - dt.timedelta(days=rules.recent_days)
    contribution = set(rules.contribution_kinds)
    advocacy_kinds = set(rules.advocacy_kinds)
    population: set[int] = set()
    lifetime: dict[int, int] = defaultdict(int)
    recent: dict[int, int] = defaultdict(int)
    kinds: dict[int, set[str]] = defaultdict(set)
    advocacy: dict[int, int] = defaultdict(int)
    for member, kind, at, channel, _value, credited in log:
        if at > as_of:
            continue
        if member is not None:
            population.add(member)
        if credited is not None:
            population.add(credited)
        is_recent = at > start
        if member is not None and kind in contribution:
            lifetime[member] += 1
            if is_recent:
                recent[member] += 1
                kinds[member].add(kind)
                if kind in advocacy_kinds:
                    advocacy[member] += 1
        if (
            is_recent
            and kind == rules.sign_up_kind
            and channel == rules.referral_channel
            and credited is not None
            and member != credited
        ):
            advocacy[credited] += 1
    out = {}
    for member in population:
        if lifetime[member] == 0:
            out[member] = "passive_receiver"
        elif recent[member] == 0:
            out[member] = "at_risk"
        elif advocacy[member] >= rules.advocate_min_acts:
            out[member] = "advocate"
        elif (
            recent[member] >= rules.active_min_contributions
            and len(kinds[member]) >= rules.active_min_kinds
        ):
            out[member] = "active_contributor"
        else:
            out[member] = "occasional_contributor"
    return out


def _project(
    realised: dict[int, float], exposure: dict[int, float], horizon: Horizon
) -> dict[int, float]:
    total = sum(exposure.values())
    pooled = sum(realised.values()) / total if total else 0.0
    k = horizon.prior_periods
    return {
        m: (realised.get(m, 0.0) + k * pooled) / (e + k) * horizon.annuity_factor
        for m, e in exposure.items()
    }


def engagement_value(
    log: list[tuple[Any, ...]],
    clv: dict[int, float],
    as_of: dt.datetime,
    horizon: Horizon = HORIZON,
    crv_params: CRVParameters = CRV,
    civ_params: CIVParameters = CIV,
    ckv_params: CKVParameters = CKV,
) -> dict[int, tuple[float, float, float, float, float]]:
    """member -> (clv, crv, civ, ckv, cev)."""
    rp, ip, kp = crv_params, civ_params, ckv_params
    first_seen: dict[int, dt.datetime] = {}
    crv_first: dict[tuple[int, int], dt.datetime] = {}
    civ_first: dict[tuple[int, int], dt.datetime] = {}
    live = [r for r in log if r[2] <= as_of]

    def is_link(member: Any, kind: str, channel: Any, credited: Any) -> bool:
        return (
            kind in (rp.sign_up_kind, rp.trip_kind)
            and channel == rp.referral_channel
            and credited is not None
            and member is not None
            and member != credited
        )

    conversion = {ip.view_kind, ip.click_kind, ip.sign_up_kind, ip.trip_kind}

    def is_influence(member: Any, kind: str, channel: Any, credited: Any) -> bool:
        return (
            kind in conversion
            and credited is not None
            and (member is None or member != credited)
            and (channel is None or channel != ip.referral_channel)
        )

    # first pass: when each member is first seen, and each pair's first link
    for member, kind, at, channel, _value, credited in live:
        for who in (member, credited):
            if who is not None and (who not in first_seen or at < first_seen[who]):
                first_seen[who] = at
        if is_link(member, kind, channel, credited):
            key = (credited, member)
            if key not in crv_first or at < crv_first[key]:
                crv_first[key] = at
        if is_influence(member, kind, channel, credited) and member is not None:
            key = (credited, member)
            if key not in civ_first or at < civ_first[key]:
                civ_first[key] = at

    crv_window = dt.timedelta(days=rp.attribution_window_days)
    civ_window = dt.timedelta(days=ip.attribution_window_days)
    pair_value: dict[tuple[int, int], float] = defaultdict(float)
    direct: dict[int, float] = defaultdict(float)
    daily: dict[tuple[int, str, dt.date], list[float]] = defaultdict(list)
    kind_values = dict(kp.kind_values)
    # second pass: values
    for member, kind, at, channel, value, credited in live:
        if (
            is_link(member, kind, channel, credited)
            and kind == rp.trip_kind
            and at <= crv_first[(credited, member)] + crv_window
        ):
            pair_value[(credited, member)] += (value or 0.0) * rp.margin
        if is_influence(member, kind, channel, credited) and (
            member is None or at <= civ_first[(credited, member)] + civ_window
        ):
            if kind == ip.trip_kind:
                direct[credited] += (value or 0.0) * ip.margin
            elif kind == ip.sign_up_kind:
                direct[credited] += ip.value_per_sign_up
            elif kind == ip.click_kind:
                direct[credited] += ip.value_per_click
            else:
                direct[credited] += ip.value_per_view
        if member is not None and kind in kind_values:
            default = kind_values[kind]
            daily[(member, kind, at.date())].append(value if value is not None else default)

    # CRV: the acquisition cost is saved once per referred member, for the earliest referrer
    earliest: dict[int, tuple[dt.datetime, int]] = {}
    for (referrer, referred), at in crv_first.items():
        if referred not in earliest or (at, referrer) < earliest[referred]:
            earliest[referred] = (at, referrer)
    referrals: dict[int, int] = defaultdict(int)
    crv_realised: dict[int, float] = defaultdict(float)
    for (referrer, referred), _at in crv_first.items():
        acquired = earliest[referred][1] == referrer
        net = (1 - rp.share_would_have_come_anyway) * (
            pair_value[(referrer, referred)]
            - rp.referral_incentive_cost
            - rp.marketing_cost_per_referred
        ) + (rp.acquisition_cost_saved if acquired else 0.0)
        referrals[referrer] += 1
        crv_realised[referrer] += net

    period = horizon.period_days
    exposure = {
        m: max((as_of - t).total_seconds() / 86_400, 1.0) / period for m, t in first_seen.items()
    }
    k = horizon.prior_periods
    total_exposure = sum(exposure.values())
    total_referrals = sum(referrals.values())
    pooled_rate = total_referrals / total_exposure if total_exposure else 0.0
    pooled_value = sum(crv_realised.values()) / total_referrals if total_referrals else 0.0
    m = rp.value_prior_referrals
    crv = {}
    for member, e in exposure.items():
        n = referrals.get(member, 0)
        rate = (n + k * pooled_rate) / (e + k)
        worth = (crv_realised.get(member, 0.0) + m * pooled_value) / (n + m) if n + m else 0.0
        crv[member] = rate * worth * horizon.annuity_factor

    ckv_realised: dict[int, float] = defaultdict(float)
    logged = set(kp.logged_value_kinds)
    for (member, kind, _day), worths in daily.items():
        if kind in logged:
            ckv_realised[member] += sum(worths)
        else:
            ckv_realised[member] += min(len(worths), kp.daily_cap_per_kind) * kind_values[kind]

    civ = _project(dict(direct), exposure, horizon)
    ckv = _project(dict(ckv_realised), exposure, horizon)
    out = {}
    for member in set(exposure) | set(clv):
        parts = (clv.get(member, 0.0), crv.get(member, 0.0), civ.get(member, 0.0))
        total = (*parts, ckv.get(member, 0.0))
        out[member] = (*total, sum(total))
    return out


assert set(CONTRIBUTION_KINDS) == set(SegmentRules().contribution_kinds)
