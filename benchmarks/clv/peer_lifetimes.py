"""The lifetimes side of the CLV benchmark; runs in .bench/clv/lifetimes-venv.

    python peer_lifetimes.py job LOG.csv OUT.csv   # whole job: log in, predictions out
    python peer_lifetimes.py fit SUMMARY.csv       # BG/NBD and Gamma-Gamma fits alone

Prints one JSON object (stage times in seconds, parameters, log-likelihoods) on
its last line. This is how an analyst uses lifetimes today: its summary helper,
BetaGeoFitter and GammaGammaFitter without penalty, and its CLV helper.
"""

from __future__ import annotations

import json
import sys
import time

import numpy as np
import pandas as pd
from lifetimes import BetaGeoFitter, GammaGammaFitter
from lifetimes.utils import summary_data_from_transaction_data
from scipy.special import betaln, gammaln

HORIZON_WEEKS = 52.0
MONTHLY_DISCOUNT = (1 + 0.10) ** (1 / 12) - 1


def bgnbd_ll(params, x, tx, T):
    """The BG/NBD log-likelihood on the data's own time axis (lifetimes reports a mean
    on a rescaled axis)."""
    r, alpha, a, b = params
    a1 = gammaln(r + x) - gammaln(r) + r * np.log(alpha)
    a2 = betaln(a, b + x) - betaln(a, b)
    a3 = -(r + x) * np.log(alpha + T)
    with np.errstate(divide="ignore", invalid="ignore"):
        a4 = np.where(x > 0, np.log(a) - np.log(b + x - 1) - (r + x) * np.log(alpha + tx), -np.inf)
    return float(np.sum(a1 + a2 + np.logaddexp(a3, a4)))


def gg_ll(params, x, m):
    p, q, g = params
    return float(
        np.sum(
            gammaln(p * x + q)
            - gammaln(p * x)
            - gammaln(q)
            + q * np.log(g)
            + (p * x - 1) * np.log(m)
            + p * x * np.log(x)
            - (p * x + q) * np.log(g + x * m)
        )
    )


def fit(summary: pd.DataFrame, times: dict) -> tuple[BetaGeoFitter, GammaGammaFitter, dict]:
    started = time.perf_counter()
    bgf = BetaGeoFitter(penalizer_coef=0.0)
    bgf.fit(summary["frequency"], summary["recency"], summary["T"])
    times["fit_bgnbd"] = time.perf_counter() - started
    repeat = summary[summary["frequency"] > 0]
    started = time.perf_counter()
    ggf = GammaGammaFitter(penalizer_coef=0.0)
    ggf.fit(repeat["frequency"], repeat["monetary_value"])
    times["fit_gg"] = time.perf_counter() - started
    bg = [float(bgf.params_[k]) for k in ("r", "alpha", "a", "b")]
    gg = [float(ggf.params_[k]) for k in ("p", "q", "v")]
    out = {
        "bgnbd": dict(zip(("r", "alpha", "a", "b"), bg, strict=True)),
        "gg": dict(zip(("p", "q", "gamma"), gg, strict=True)),
        "bgnbd_log_likelihood": bgnbd_ll(
            bg,
            summary["frequency"].to_numpy(),
            summary["recency"].to_numpy(),
            summary["T"].to_numpy(),
        ),
        "gg_log_likelihood": gg_ll(
            gg, repeat["frequency"].to_numpy(), repeat["monetary_value"].to_numpy()
        ),
    }
    return bgf, ggf, out


def job(log_path: str, out_path: str) -> dict:
    times: dict[str, float] = {}
    started = time.perf_counter()
    log = pd.read_csv(log_path)
    times["read"] = time.perf_counter() - started
    started = time.perf_counter()
    summary = summary_data_from_transaction_data(
        log, "customer_id", "date", monetary_value_col="amount", freq="D", freq_multiplier=7
    )
    times["summary"] = time.perf_counter() - started
    bgf, ggf, out = fit(summary, times)
    started = time.perf_counter()
    f, rec, T = summary["frequency"], summary["recency"], summary["T"]
    pred = pd.DataFrame(index=summary.index)
    pred["p_alive"] = bgf.conditional_probability_alive(f, rec, T)
    pred["expected_trips"] = bgf.conditional_expected_number_of_purchases_up_to_time(
        HORIZON_WEEKS, f, rec, T
    )
    pred["expected_spend"] = ggf.conditional_expected_average_profit(f, summary["monetary_value"])
    pred["clv"] = ggf.customer_lifetime_value(
        bgf, f, rec, T, summary["monetary_value"], time=12, discount_rate=MONTHLY_DISCOUNT, freq="W"
    )
    times["predict"] = time.perf_counter() - started
    started = time.perf_counter()
    pred.to_csv(out_path)
    times["write"] = time.perf_counter() - started
    out["times"] = times
    return out


def fit_only(summary_path: str) -> dict:
    summary = pd.read_csv(summary_path)
    times: dict[str, float] = {}
    _, _, out = fit(summary, times)
    out["times"] = times
    return out


if __name__ == "__main__":
    mode = sys.argv[1]
    result = job(sys.argv[2], sys.argv[3]) if mode == "job" else fit_only(sys.argv[2])
    print(json.dumps(result))
