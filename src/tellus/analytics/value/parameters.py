"""Parameters of CRV, CIV and CKV and the projection horizon, with where each comes from."""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from types import MappingProxyType

import numpy as np

from tellus.analytics.validation import (
    AnalyticsInputError,
    require_parameter,
)

DAYS_PER_YEAR = 365.25


@dataclass(frozen=True)
class Horizon:
    """How far ahead value is projected, and how it is discounted.

    ``annual_discount_rate``: the DMO's cost of capital (or the public-sector
    discount rate it must use); 10 % is a common default in the CLV literature
    and should match the rate used for CLV, so that the parts of CEV add up.
    ``horizon_periods`` × ``period_days``: one year of months by default (our
    choice): referral and influence habits change faster than spending, so a
    constant rate is extrapolated only a short way.
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
    its own marketing (``retention.acquisition_cost`` gives it per channel); zero
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


#: The defaults, shared by every function's signature (frozen, so safe to share).
DEFAULT_HORIZON = Horizon()
DEFAULT_CRV = CRVParameters()
DEFAULT_CIV = CIVParameters()
DEFAULT_CKV = CKVParameters()
