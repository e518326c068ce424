"""Referral, influencer, knowledge and total engagement value (CRV, CIV, CKV, CEV).

Operationalises Kumar, Aksoy, Donkers, Venkatesan, Wiesel and Tillmanns (2010),
"Undervalued or Overvalued Customers: Capturing Total Customer Engagement
Value", Journal of Service Research 13(3): a visitor is worth more to a DMO
than what they spend (CLV); they also bring others (CRV), sway others (CIV) and
teach the DMO (CKV). CEV = CLV + CRV + CIV + CKV.

All three parts here follow one pattern, so that they can be added to a CLV
computed over the same horizon at the same discount rate:

1. the *realised* value in the log up to ``as_of`` is computed per member from
   a documented formula (``*_realised`` columns);
2. it becomes a rate per period, shrunk towards the DMO-wide rate with a prior
   worth ``Horizon.prior_periods`` periods of observation (the posterior mean of
   a Gamma-Poisson rate: a member seen for one week with one lucky referral is
   not extrapolated as if it were their habit);
3. the rate is extrapolated over ``Horizon.horizon_periods`` periods and
   discounted: ``future = rate * sum_{t=1..T} (1 + r)^-t`` (the discounted sums
   of Kumar, Petersen and Leone 2010, with a constant predicted rate).

Members who never referred, influenced or taught anyone still get a small
future value from the shrinkage (the DMO-wide rate, weighted by how little we
know them); with long observation it tends to zero.

No library implements these measures (they are formulas over an event log, not
models), so they are written here with Polars, and the influence network's
PageRank with SciPy sparse matrices (networkx would add a dependency for a
ten-line power iteration).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np
import polars as pl
from scipy import sparse

from tellus.analytics._events import check_events, kind_is, text_is, time_literal
from tellus.analytics.validation import (
    AnalyticsInputError,
    require_columns,
    require_numeric,
    require_parameter,
)

__all__ = [
    "CIVParameters",
    "CKVParameters",
    "CRVParameters",
    "Horizon",
    "customer_engagement_value",
    "customer_influence_value",
    "customer_knowledge_value",
    "customer_referral_value",
    "engagement_value",
    "influence_pagerank",
    "rank_by_clv_and_cev",
    "undervalued_by_clv",
    "value_quadrants",
]

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Horizon:
    """How far ahead value is projected, and how it is discounted.

    ``annual_discount_rate``: the DMO's cost of capital (or the public-sector
    discount rate it must use); 10 % is a common default in the CLV literature
    and should match the rate used for CLV, so that the parts of CEV add up.
    ``horizon_periods`` × ``period_days``: one year of months by default; Kumar
    et al. predict referral and influence behaviour over short horizons because
    it changes faster than spending does.
    ``prior_periods``: how many periods of DMO-average behaviour a member's own
    record is blended with (empirical Bayes shrinkage; 0 turns it off). Three
    periods (a quarter) keep a new member's first referral from being taken
    as a monthly habit while letting a year of their own record dominate.
    """

    annual_discount_rate: float = 0.10
    horizon_periods: int = 12
    period_days: float = DAYS_PER_YEAR / 12
    prior_periods: float = 3.0

    def __post_init__(self) -> None:
        require_parameter("annual_discount_rate", self.annual_discount_rate, low=0.0, high=10.0)
        require_parameter("horizon_periods", self.horizon_periods, low=1, high=1200, integer=True)
        require_parameter("period_days", self.period_days, low=0.0, low_open=True, high=3660.0)
        require_parameter("prior_periods", self.prior_periods, low=0.0, high=1e6)

    @property
    def period_discount_rate(self) -> float:
        """The annual rate converted to one period: (1 + r_year)^(period/year) - 1."""
        return float((1.0 + self.annual_discount_rate) ** (self.period_days / DAYS_PER_YEAR) - 1.0)

    @property
    def annuity_factor(self) -> float:
        """sum_{t=1..T} (1 + r)^-t: the present value of one unit per period for T periods."""
        t = np.arange(1, self.horizon_periods + 1, dtype=np.float64)
        return float(np.sum((1.0 + self.period_discount_rate) ** -t))


@dataclass(frozen=True)
class CRVParameters:
    """Parameters of customer referral value (Kumar, Petersen and Leone 2007, 2010).

    Kumar, Petersen and Leone (2007), "How valuable is word of mouth?", HBR
    85(10), and (2010) "Driving profitability by encouraging customer
    referrals", J. Marketing 74(5), value a referrer by the referred customers
    who would not have come otherwise, at their own margin net of the referral
    incentive and marketing costs, plus the acquisition cost saved; referred
    customers who would have come anyway count only at the acquisition cost
    saved.

    ``share_would_have_come_anyway``: in those papers it came from asking
    referred customers; ask yours (a survey question) and set it. 0.3 is our
    placeholder, not a published figure.
    ``acquisition_cost_saved``: what the DMO pays to acquire a visitor through
    its own marketing (``cx.acquisition_cost`` gives it per channel); zero
    until known, so that CRV never invents money.
    ``referral_incentive_cost`` / ``marketing_cost_per_referred``: paid per
    referred visitor (reward, welcome offer; follow-up marketing).
    ``margin``: the share of a referred visitor's trip spend that counts as
    value to the destination (1.0: all spend; use a value-added ratio for a
    narrower view). Use the same margin as the CLV you add CRV to.
    ``attribution_window_days``: a referred visitor's trips count for the
    referrer only within this many days of their first referred event (travel
    is planned months ahead, so longer than e-commerce's usual 7 to 30 days).
    ``value_prior_referrals``: referrals' worth of the DMO-average value per
    referral blended into each member's own average.
    """

    share_would_have_come_anyway: float = 0.3
    acquisition_cost_saved: float = 0.0
    referral_incentive_cost: float = 0.0
    marketing_cost_per_referred: float = 0.0
    margin: float = 1.0
    attribution_window_days: int = 180
    value_prior_referrals: float = 3.0
    referral_channel: str = "referral"
    sign_up_kind: str = "member.signed_up"
    trip_kind: str = "trip.recorded"

    def __post_init__(self) -> None:
        require_parameter(
            "share_would_have_come_anyway", self.share_would_have_come_anyway, low=0.0, high=1.0
        )
        for name in ("acquisition_cost_saved", "referral_incentive_cost"):
            require_parameter(name, getattr(self, name), low=0.0, high=1e12)
        require_parameter(
            "marketing_cost_per_referred", self.marketing_cost_per_referred, low=0.0, high=1e12
        )
        require_parameter("margin", self.margin, low=0.0, high=1.0)
        require_parameter(
            "attribution_window_days", self.attribution_window_days, low=0, high=3660, integer=True
        )
        require_parameter("value_prior_referrals", self.value_prior_referrals, low=0.0, high=1e6)


@dataclass(frozen=True)
class CIVParameters:
    """Parameters of customer influence value (Kumar et al. 2013).

    Kumar, Bhaskaran, Mirchandani and Shah (2013), "Creating a measurable
    social media marketing strategy", Marketing Science 32(2), value a
    member's influence by the conversions it causes among others and by their
    position in the who-influenced-whom network (a centrality measure). Here:

    - the direct value of a member's influence is what their content views,
      share-link clicks, sign-ups and trips following a share are worth:
      ``value_per_view``, ``value_per_click`` and ``value_per_sign_up`` (the
      DMO's own valuation of these conversions; zero by default so that only
      trip spend, which the log records, counts unless you decide otherwise)
      plus ``margin`` × the spend of trips attributed to the member's shares;
    - a share ``network_weight`` of the DMO's total influence value is then
      reallocated by each member's share of PageRank (``damping``) in the
      network whose edges run from an influenced member to their influencer
      (weighted by conversions), so that a member whose converts go on to
      influence others is credited for the second step. The total is kept:
      CIV summed over members equals the direct value summed. A quarter by
      default, so that conversions a member caused themselves dominate.

    Referral-channel events are left to CRV so that no conversion counts twice.
    """

    value_per_view: float = 0.0
    value_per_click: float = 0.0
    value_per_sign_up: float = 0.0
    margin: float = 1.0
    attribution_window_days: int = 180
    network_weight: float = 0.25
    damping: float = 0.85
    referral_channel: str = "referral"
    view_kind: str = "content.viewed"
    click_kind: str = "share.clicked"
    share_kind: str = "share.created"
    sign_up_kind: str = "member.signed_up"
    trip_kind: str = "trip.recorded"

    def __post_init__(self) -> None:
        for name in ("value_per_view", "value_per_click", "value_per_sign_up"):
            require_parameter(name, getattr(self, name), low=0.0, high=1e12)
        require_parameter("margin", self.margin, low=0.0, high=1.0)
        require_parameter(
            "attribution_window_days", self.attribution_window_days, low=0, high=3660, integer=True
        )
        require_parameter("network_weight", self.network_weight, low=0.0, high=1.0)
        require_parameter("damping", self.damping, low=0.0, high=0.99)


#: Default worth of one act of knowledge, in the destination's currency. The
#: yardstick is replacement cost: what the DMO would pay a market-research
#: panel or a consultant for the same knowledge (a completed survey costs a
#: few units; a poll answer a fraction; an idea or suggestion more; an adopted
#: idea far more, unless staff give its value).
DEFAULT_KNOWLEDGE_VALUES: Mapping[str, float] = MappingProxyType(
    {
        "survey.responded": 3.0,
        "poll.voted": 0.25,
        "idea.submitted": 5.0,
        "idea.endorsed": 0.25,
        "idea.adopted": 500.0,
        "suggestion.made": 2.0,
        "comment.posted": 0.5,
        "topic.posted": 0.5,
    }
)


@dataclass(frozen=True)
class CKVParameters:
    """Parameters of customer knowledge value: our design.

    Kumar et al. (2010) define CKV as the value a customer adds by feedback
    that helps the firm improve or innovate, but give no estimation procedure,
    and none has been agreed since. Ours values each act of feedback at its
    replacement cost (``kind_values``), and an adopted idea at the staff's
    valuation recorded in the log (``value``) or at the default otherwise;
    only kinds in ``logged_value_kinds`` take the logged value. Acts of one
    kind beyond ``daily_cap_per_kind`` in a day count nothing: the hundredth
    poll vote of a day teaches the DMO nothing new, and the cap keeps a script
    from buying knowledge value.
    """

    kind_values: Mapping[str, float] = field(default_factory=lambda: DEFAULT_KNOWLEDGE_VALUES)
    logged_value_kinds: tuple[str, ...] = ("idea.adopted",)
    adopted_kind: str = "idea.adopted"
    daily_cap_per_kind: int = 10

    def __post_init__(self) -> None:
        if not isinstance(self.kind_values, Mapping) or not self.kind_values:
            raise AnalyticsInputError("parameter 'kind_values' must be a non-empty mapping")
        for kind, worth in self.kind_values.items():
            if not isinstance(kind, str) or not kind:
                raise AnalyticsInputError("parameter 'kind_values' must be keyed by kind names")
            require_parameter(f"kind_values[{kind!r}]", worth, low=0.0, high=1e12)
        require_parameter("daily_cap_per_kind", self.daily_cap_per_kind, low=1, integer=True)
        object.__setattr__(self, "kind_values", MappingProxyType(dict(self.kind_values)))


# --------------------------------------------------------------------------- helpers


def _log(events: pl.DataFrame, columns: tuple[str, ...], as_of: dt.datetime) -> pl.LazyFrame:
    check_events(events, columns)
    return (
        events.lazy().select(columns).filter(pl.col("occurred_at") <= time_literal(events, as_of))
    )


def _members(log: pl.LazyFrame, as_of: dt.datetime, events: pl.DataFrame, horizon: Horizon):
    """Every member the log knows, with the periods we have observed them (at least one day)."""
    own = log.filter(pl.col("member_id").is_not_null()).select("member_id", "occurred_at")
    credited = log.filter(pl.col("attributed_to_id").is_not_null()).select(
        pl.col("attributed_to_id").alias("member_id"), "occurred_at"
    )
    seen = (
        pl.concat([own, credited]).group_by("member_id").agg(first_seen=pl.col("occurred_at").min())
    )
    end = time_literal(events, as_of)
    days = (end - pl.col("first_seen")).dt.total_microseconds() / 86_400e6
    return seen.select(
        "member_id", exposure=pl.max_horizontal(days, pl.lit(1.0)) / horizon.period_days
    )


def _project(frame: pl.DataFrame, realised: str, name: str, horizon: Horizon) -> pl.DataFrame:
    """Shrunk rate per period of ``realised``, extrapolated and discounted into ``name``."""
    total_exposure = float(frame.get_column("exposure").sum())
    pooled = float(frame.get_column(realised).sum()) / total_exposure if total_exposure else 0.0
    k = horizon.prior_periods
    rate = (pl.col(realised) + k * pooled) / (pl.col("exposure") + k)
    return frame.with_columns(rate.alias(f"{name}_rate")).with_columns(
        (pl.col(f"{name}_rate") * horizon.annuity_factor).alias(name)
    )


def _within_window(days: int) -> pl.Expr:
    """True for an event no later than ``days`` after the pair's first link."""
    first = pl.col("occurred_at").min().over("attributed_to_id", "member_id")
    return pl.col("member_id").is_null() | (pl.col("occurred_at") <= first + pl.duration(days=days))


# --------------------------------------------------------------------------- CRV


def customer_referral_value(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = Horizon(),
    parameters: CRVParameters = CRVParameters(),
) -> pl.DataFrame:
    """CRV per member: the discounted value of the visitors they will bring by referral.

    Reads ``member_id``, ``kind``, ``occurred_at``, ``channel``, ``value``
    (trip spend, currency) and ``attributed_to_id`` of events up to ``as_of``.
    A referral is a (referrer, referred member) pair linked by a sign-up or
    trip on the referral channel credited to the referrer; self-referrals are
    ignored. Each referral's realised value is

        (1 - p) * (A - incentive - marketing) + ED,

    where A = ``margin`` × the referred member's referred-trip spend within
    the attribution window, p = ``share_would_have_come_anyway`` and ED =
    ``acquisition_cost_saved``, counted once per referred member (for their
    earliest referrer). Future referrals come from the member's own referral
    rate (shrunk, see module docstring), each worth their own average value
    per referral (shrunk towards the DMO's): ``crv = rate × value × annuity``.
    It can be negative when incentives cost more than referrals bring.

    Returns one row per member known to the log: ``member_id``,
    ``referrals``, ``referred_value`` (A summed), ``crv_realised``,
    ``referral_rate`` (per period), ``value_per_referral``, ``crv``.
    """
    p = parameters
    columns = ("member_id", "kind", "occurred_at", "channel", "value", "attributed_to_id")
    log = _log(events, columns, as_of)
    links = log.filter(
        kind_is([p.sign_up_kind, p.trip_kind])
        & text_is("channel", [p.referral_channel])
        & pl.col("attributed_to_id").is_not_null()
        & pl.col("member_id").is_not_null()
        & (pl.col("member_id") != pl.col("attributed_to_id"))
    )
    is_trip = kind_is([p.trip_kind])
    pairs = (
        links.filter(_within_window(p.attribution_window_days) | ~is_trip)
        .group_by("attributed_to_id", "member_id")
        .agg(
            first_link=pl.col("occurred_at").min(),
            value=pl.col("value").filter(is_trip).fill_null(0.0).sum().cast(pl.Float64) * p.margin,
        )
        .sort("member_id", "first_link", "attributed_to_id")
        .with_columns(acquired=pl.col("member_id").is_first_distinct())
        .with_columns(
            net=(1.0 - p.share_would_have_come_anyway)
            * (pl.col("value") - p.referral_incentive_cost - p.marketing_cost_per_referred)
            + pl.col("acquired").cast(pl.Float64) * p.acquisition_cost_saved
        )
        .group_by("attributed_to_id")
        .agg(
            referrals=pl.len().cast(pl.Int64),
            referred_value=pl.col("value").sum(),
            crv_realised=pl.col("net").sum(),
        )
        .rename({"attributed_to_id": "member_id"})
    )
    members = _members(log, as_of, events, horizon)
    frame = (
        members.join(pairs, on="member_id", how="left")
        .with_columns(
            pl.col("referrals").fill_null(0),
            pl.col("referred_value", "crv_realised").fill_null(0.0),
        )
        .collect()
    )
    k = horizon.prior_periods
    total_exposure = float(frame.get_column("exposure").sum())
    total_referrals = int(frame.get_column("referrals").sum())
    pooled_rate = total_referrals / total_exposure if total_exposure else 0.0
    pooled_value = (
        float(frame.get_column("crv_realised").sum()) / total_referrals if total_referrals else 0.0
    )
    m = p.value_prior_referrals
    return (
        frame.with_columns(
            referral_rate=(pl.col("referrals") + k * pooled_rate) / (pl.col("exposure") + k),
            value_per_referral=pl.when(pl.col("referrals") + m > 0)
            .then((pl.col("crv_realised") + m * pooled_value) / (pl.col("referrals") + m))
            .otherwise(0.0),
        )
        .with_columns(
            crv=pl.col("referral_rate") * pl.col("value_per_referral") * horizon.annuity_factor
        )
        .select(
            "member_id",
            "referrals",
            "referred_value",
            "crv_realised",
            "referral_rate",
            "value_per_referral",
            "crv",
        )
        .sort("member_id")
    )


# --------------------------------------------------------------------------- CIV


def influence_pagerank(
    edges: pl.DataFrame, *, damping: float = 0.85, tolerance: float = 1e-12, max_iter: int = 500
) -> pl.DataFrame:
    """Each influencer's share of PageRank in the who-influenced-whom network.

    ``edges``: ``member_id`` (the influenced), ``attributed_to_id`` (the
    influencer), ``weight`` (conversions, > 0). Rank flows from the influenced
    to whoever influenced them, so an influencer ranks high when many people,
    themselves influential, were converted by them. Dangling members (who
    influenced nobody in return) spread their rank evenly, as in PageRank.
    Returns ``member_id`` and ``influence_share`` (summing to 1) for members
    who influenced at least one other member.
    """
    require_columns(edges, ("member_id", "attributed_to_id", "weight"), what="edges")
    require_numeric(edges, ("member_id", "attributed_to_id", "weight"), what="edges")
    require_parameter("damping", damping, low=0.0, high=0.99)
    empty = pl.DataFrame(schema={"member_id": pl.Int64, "influence_share": pl.Float64})
    edges = edges.filter(pl.col("member_id") != pl.col("attributed_to_id"))
    if edges.height == 0:
        return empty
    if (edges.get_column("weight") <= 0).any():
        raise AnalyticsInputError("edges: column 'weight' must be positive")
    source = edges.get_column("member_id").to_numpy()
    target = edges.get_column("attributed_to_id").to_numpy()
    nodes, index = np.unique(np.concatenate([source, target]), return_inverse=True)
    n = nodes.size
    s_idx, t_idx = index[: source.size], index[source.size :]
    weight = edges.get_column("weight").to_numpy().astype(np.float64)
    matrix = sparse.csr_matrix((weight, (s_idx, t_idx)), shape=(n, n))
    out = np.asarray(matrix.sum(axis=1)).ravel()
    dangling = out == 0
    transition = sparse.diags(np.where(dangling, 0.0, 1.0 / np.where(dangling, 1.0, out))) @ matrix
    flow = transition.T.tocsr()
    rank = np.full(n, 1.0 / n)
    for _ in range(max_iter):
        new = damping * (flow @ rank) + (damping * rank[dangling].sum() + 1.0 - damping) / n
        done = np.abs(new - rank).sum() < tolerance
        rank = new
        if done:
            break
    influencers = np.zeros(n, dtype=bool)
    influencers[t_idx] = True
    share = rank[influencers] / rank[influencers].sum()
    return pl.DataFrame(
        {"member_id": nodes[influencers].astype(np.int64), "influence_share": share}
    ).sort("member_id")


def customer_influence_value(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = Horizon(),
    parameters: CIVParameters = CIVParameters(),
) -> pl.DataFrame:
    """CIV per member: the value of conversions their content and shares cause among others.

    Reads ``member_id``, ``kind``, ``occurred_at``, ``channel``, ``value``
    (trip spend) and ``attributed_to_id`` of events up to ``as_of``; see
    ``CIVParameters`` for the formula. Events a member credits to themselves
    and events on the referral channel are ignored; an identified member's
    events count for an influencer only within the attribution window after
    their first link to them (anonymous views and clicks always count).

    Returns one row per member known to the log: reach (``views``,
    ``shares``) beside conversions (``clicks``, ``sign_ups``, ``trips``),
    ``direct_value``, ``influence_share`` (PageRank share, 0 outside the
    network), ``civ_realised`` (direct value with the network reallocation),
    ``civ_rate`` (per period) and ``civ`` (projected and discounted).
    """
    p = parameters
    columns = ("member_id", "kind", "occurred_at", "channel", "value", "attributed_to_id")
    log = _log(events, columns, as_of)
    conversion_kinds = [p.view_kind, p.click_kind, p.sign_up_kind, p.trip_kind]
    influenced = log.filter(
        kind_is(conversion_kinds)
        & pl.col("attributed_to_id").is_not_null()
        & (pl.col("member_id").is_null() | (pl.col("member_id") != pl.col("attributed_to_id")))
        & (pl.col("channel").is_null() | ~text_is("channel", [p.referral_channel]))
    ).filter(_within_window(p.attribution_window_days))
    worth = (
        pl.when(kind_is([p.trip_kind]))
        .then(pl.col("value").fill_null(0.0).cast(pl.Float64) * p.margin)
        .when(kind_is([p.sign_up_kind]))
        .then(pl.lit(p.value_per_sign_up))
        .when(kind_is([p.click_kind]))
        .then(pl.lit(p.value_per_click))
        .otherwise(pl.lit(p.value_per_view))
    )
    direct = (
        influenced.group_by("attributed_to_id")
        .agg(
            views=kind_is([p.view_kind]).sum().cast(pl.Int64),
            clicks=kind_is([p.click_kind]).sum().cast(pl.Int64),
            sign_ups=kind_is([p.sign_up_kind]).sum().cast(pl.Int64),
            trips=kind_is([p.trip_kind]).sum().cast(pl.Int64),
            direct_value=worth.sum(),
        )
        .rename({"attributed_to_id": "member_id"})
    )
    shares = (
        log.filter(kind_is([p.share_kind]) & pl.col("member_id").is_not_null())
        .group_by("member_id")
        .agg(shares=pl.len().cast(pl.Int64))
    )
    edges = (
        influenced.filter(
            pl.col("member_id").is_not_null() & kind_is([p.click_kind, p.sign_up_kind, p.trip_kind])
        )
        .group_by("member_id", "attributed_to_id")
        .agg(weight=pl.len().cast(pl.Float64))
        .collect()
    )
    network = influence_pagerank(edges, damping=p.damping)
    members = _members(log, as_of, events, horizon)
    frame = (
        members.join(direct, on="member_id", how="left")
        .join(shares, on="member_id", how="left")
        .join(network.lazy(), on="member_id", how="left")
        .with_columns(
            pl.col("views", "clicks", "sign_ups", "trips", "shares").fill_null(0),
            pl.col("direct_value", "influence_share").fill_null(0.0),
        )
        .collect()
    )
    total = float(frame.get_column("direct_value").sum())
    w = p.network_weight if network.height else 0.0
    frame = frame.with_columns(
        civ_realised=(1.0 - w) * pl.col("direct_value") + w * total * pl.col("influence_share")
    )
    return (
        _project(frame, "civ_realised", "civ", horizon)
        .select(
            "member_id",
            "views",
            "shares",
            "clicks",
            "sign_ups",
            "trips",
            "direct_value",
            "influence_share",
            "civ_realised",
            "civ_rate",
            "civ",
        )
        .sort("member_id")
    )


# --------------------------------------------------------------------------- CKV


def customer_knowledge_value(
    events: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = Horizon(),
    parameters: CKVParameters = CKVParameters(),
) -> pl.DataFrame:
    """CKV per member: the value of what they teach the DMO (our design; see ``CKVParameters``).

    Reads ``member_id`` (the author), ``kind``, ``occurred_at`` and ``value``
    (staff's valuation of an adopted idea, currency) of events up to
    ``as_of``. Returns one row per member known to the log:
    ``knowledge_acts`` (counted, before the daily cap), ``adopted_ideas``,
    ``ckv_realised``, ``ckv_rate`` (per period) and ``ckv``.
    """
    p = parameters
    log = _log(events, ("member_id", "kind", "occurred_at", "value", "attributed_to_id"), as_of)
    kinds = list(p.kind_values)
    default = pl.col("kind").cast(pl.String).replace_strict(dict(p.kind_values), default=0.0)
    daily = (
        log.filter(kind_is(kinds) & pl.col("member_id").is_not_null())
        .group_by("member_id", "kind", pl.col("occurred_at").dt.date().alias("day"))
        .agg(
            acts=pl.len().cast(pl.Int64),
            logged=pl.coalesce(pl.col("value").cast(pl.Float64), default).sum(),
        )
        .with_columns(
            worth=pl.when(kind_is(p.logged_value_kinds))
            .then(pl.col("logged"))
            .otherwise(pl.min_horizontal(pl.col("acts"), p.daily_cap_per_kind) * default)
        )
        .group_by("member_id")
        .agg(
            knowledge_acts=pl.col("acts").sum(),
            adopted_ideas=pl.col("acts").filter(kind_is([p.adopted_kind])).sum(),
            ckv_realised=pl.col("worth").sum(),
        )
    )
    frame = (
        _members(log, as_of, events, horizon)
        .join(daily, on="member_id", how="left")
        .with_columns(
            pl.col("knowledge_acts", "adopted_ideas").fill_null(0).cast(pl.Int64),
            pl.col("ckv_realised").fill_null(0.0),
        )
        .collect()
    )
    return (
        _project(frame, "ckv_realised", "ckv", horizon)
        .select("member_id", "knowledge_acts", "adopted_ideas", "ckv_realised", "ckv_rate", "ckv")
        .sort("member_id")
    )


# --------------------------------------------------------------------------- CEV


def _check_part(frame: pl.DataFrame, column: str) -> pl.DataFrame:
    require_columns(frame, ("member_id", column), what=f"{column} frame")
    require_numeric(frame, ("member_id", column), what=f"{column} frame")
    if frame.get_column("member_id").is_duplicated().any():
        raise AnalyticsInputError(f"{column} frame: member_id must be unique")
    return frame.select(pl.col("member_id").cast(pl.Int64), pl.col(column).cast(pl.Float64))


def customer_engagement_value(
    clv: pl.DataFrame, crv: pl.DataFrame, civ: pl.DataFrame, ckv: pl.DataFrame
) -> pl.DataFrame:
    """CEV = CLV + CRV + CIV + CKV per member, with each part.

    Each input has ``member_id`` (unique) and its part's column (``clv``,
    ``crv``, ``civ``, ``ckv``; currency, discounted to the same date over the
    same horizon). A member missing from a part counts zero for it (a member
    with no trip record has no CLV to add, but may have referred others).
    CLV comes from the CLV models (``tellus.analytics.clv``) or any source.
    """
    parts = [_check_part(f, c) for f, c in ((clv, "clv"), (crv, "crv"), (civ, "civ"), (ckv, "ckv"))]
    frame = parts[0]
    for part in parts[1:]:
        frame = frame.join(part, on="member_id", how="full", coalesce=True)
    return (
        frame.with_columns(pl.col("clv", "crv", "civ", "ckv").fill_null(0.0))
        .with_columns(cev=pl.sum_horizontal("clv", "crv", "civ", "ckv"))
        .sort("member_id")
    )


def engagement_value(
    events: pl.DataFrame,
    clv: pl.DataFrame,
    *,
    as_of: dt.datetime,
    horizon: Horizon = Horizon(),
    crv: CRVParameters = CRVParameters(),
    civ: CIVParameters = CIVParameters(),
    ckv: CKVParameters = CKVParameters(),
) -> pl.DataFrame:
    """CEV per member from the log and a CLV frame (``member_id``, ``clv``) in one call."""
    return customer_engagement_value(
        clv,
        customer_referral_value(events, as_of=as_of, horizon=horizon, parameters=crv),
        customer_influence_value(events, as_of=as_of, horizon=horizon, parameters=civ),
        customer_knowledge_value(events, as_of=as_of, horizon=horizon, parameters=ckv),
    )


# --------------------------------------------------------------------------- who is undervalued


def _check_cev(cev: pl.DataFrame) -> None:
    columns = ("member_id", "clv", "crv", "civ", "ckv", "cev")
    require_columns(cev, columns, what="cev frame")
    if cev.height == 0:
        raise AnalyticsInputError("cev frame is empty")
    require_numeric(cev, columns, what="cev frame")


def rank_by_clv_and_cev(cev: pl.DataFrame, *, groups: int = 10) -> pl.DataFrame:
    """Each member's group (1 = lowest .. ``groups`` = highest) by CLV alone and by CEV.

    Groups are equal-count quantiles of rank; tied members share the lowest
    group their tie reaches (so the many members without trips share group 1
    by CLV rather than being scattered by chance). ``shift`` > 0 means the
    member is undervalued by CLV alone.
    """
    _check_cev(cev)
    require_parameter("groups", groups, low=2, high=1000, integer=True)
    n = cev.height

    def group(column: str) -> pl.Expr:
        rank = pl.col(column).rank("min").cast(pl.Float64)
        return ((rank - 1.0) * groups / n).floor().cast(pl.Int64) + 1

    return cev.with_columns(clv_group=group("clv"), cev_group=group("cev")).with_columns(
        shift=pl.col("cev_group") - pl.col("clv_group")
    )


def undervalued_by_clv(cev: pl.DataFrame, *, groups: int = 10) -> pl.DataFrame:
    """The paper's table: by CLV group, what CLV misses.

    One row per CLV group (deciles by default): ``members``, mean ``clv``,
    ``crv``, ``civ``, ``ckv``, ``cev``, ``share_of_cev`` (of the DMO's total),
    ``undervalued`` / ``overvalued`` (share of the group whose CEV group is
    higher / lower than their CLV group) and ``mean_cev_group``.
    """
    ranked = rank_by_clv_and_cev(cev, groups=groups)
    total = float(ranked.get_column("cev").sum())
    return (
        ranked.group_by("clv_group")
        .agg(
            members=pl.len().cast(pl.Int64),
            clv=pl.col("clv").mean(),
            crv=pl.col("crv").mean(),
            civ=pl.col("civ").mean(),
            ckv=pl.col("ckv").mean(),
            cev=pl.col("cev").mean(),
            cev_total=pl.col("cev").sum(),
            undervalued=(pl.col("shift") > 0).mean(),
            overvalued=(pl.col("shift") < 0).mean(),
            mean_cev_group=pl.col("cev_group").mean(),
        )
        .with_columns(share_of_cev=pl.col("cev_total") / total if total else pl.lit(None))
        .drop("cev_total")
        .sort("clv_group")
    )


QUADRANTS = ("champions", "affluents", "advocates", "misers")


def value_quadrants(cev: pl.DataFrame, *, quantile: float = 0.5) -> pl.DataFrame:
    """Members in the four quadrants of CLV against the rest of engagement value.

    Kumar, Petersen and Leone (2007) cross high and low CLV with high and low
    referral value: champions (high, high), affluents (high CLV, low rest),
    advocates (low CLV, high rest) and misers (low, low). Here "the rest" is
    CRV + CIV + CKV, and high means strictly above the ``quantile`` of the
    column (the median by default; with many zeros, high means above zero).
    Returns ``quadrant``, ``members``, ``share_of_members``, ``clv``,
    ``beyond_clv``, ``cev`` (totals) and ``share_of_cev``.
    """
    _check_cev(cev)
    require_parameter("quantile", quantile, low=0.0, high=1.0)
    beyond = pl.col("crv") + pl.col("civ") + pl.col("ckv")
    frame = cev.with_columns(beyond_clv=beyond)
    clv_cut = frame.get_column("clv").quantile(quantile, interpolation="linear")
    beyond_cut = frame.get_column("beyond_clv").quantile(quantile, interpolation="linear")
    high_clv = pl.col("clv") > clv_cut
    high_rest = pl.col("beyond_clv") > beyond_cut
    quadrant = (
        pl.when(high_clv & high_rest)
        .then(pl.lit("champions"))
        .when(high_clv)
        .then(pl.lit("affluents"))
        .when(high_rest)
        .then(pl.lit("advocates"))
        .otherwise(pl.lit("misers"))
    )
    total = float(frame.get_column("cev").sum())
    counts = (
        frame.with_columns(quadrant=quadrant)
        .group_by("quadrant")
        .agg(
            members=pl.len().cast(pl.Int64),
            clv=pl.col("clv").sum(),
            beyond_clv=pl.col("beyond_clv").sum(),
            cev=pl.col("cev").sum(),
        )
    )
    return (
        pl.DataFrame({"quadrant": list(QUADRANTS)})
        .join(counts, on="quadrant", how="left")
        .with_columns(
            pl.col("members").fill_null(0),
            pl.col("clv", "beyond_clv", "cev").fill_null(0.0),
        )
        .with_columns(
            share_of_members=pl.col("members") / cev.height,
            share_of_cev=pl.col("cev") / total if total else pl.lit(None, dtype=pl.Float64),
        )
    )
