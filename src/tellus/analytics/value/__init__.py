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

from tellus.analytics.value.influence import customer_influence_value, influence_pagerank
from tellus.analytics.value.knowledge import customer_knowledge_value
from tellus.analytics.value.parameters import (
    DEFAULT_KNOWLEDGE_VALUES,
    CIVParameters,
    CKVParameters,
    CRVParameters,
    Horizon,
)
from tellus.analytics.value.referral import customer_referral_value
from tellus.analytics.value.total import (
    QUADRANTS,
    customer_engagement_value,
    engagement_value,
    rank_by_clv_and_cev,
    undervalued_by_clv,
    value_quadrants,
)

__all__ = [
    "DEFAULT_KNOWLEDGE_VALUES",
    "QUADRANTS",
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
