"""Customer lifetime value: trips (BG/NBD, Pareto/NBD), spend (Gamma-Gamma),
per-customer predictions, discounted CLV and the holdout check.

Typical use::

    summary = summarize_transactions(log, customer="visitor", date="day", amount="spend")
    trips = fit_trips(summary, "bgnbd", time_unit="week")
    spend = fit_spend(summary)
    scores = predict(summary, trips, spend, horizon=52, discount_rate=0.1)
"""

from tellus.analytics.clv._fit import FitError, FitResult
from tellus.analytics.clv.fit import fit_spend, fit_trips
from tellus.analytics.clv.holdout import holdout_chart_svg, holdout_table
from tellus.analytics.clv.predict import expected_trips, predict
from tellus.analytics.clv.simulate import simulate_transactions
from tellus.analytics.clv.summary import summarize_transactions, validate_summary

__all__ = [
    "FitError",
    "FitResult",
    "expected_trips",
    "fit_spend",
    "fit_trips",
    "holdout_chart_svg",
    "holdout_table",
    "predict",
    "simulate_transactions",
    "summarize_transactions",
    "validate_summary",
]
