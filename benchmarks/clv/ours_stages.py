"""Our side of the CLV benchmark, stage by stage, in one process.

    .venv/bin/python benchmarks/clv/ours_stages.py job LOG.csv OUT.csv
    .venv/bin/python benchmarks/clv/ours_stages.py fit SUMMARY.csv

``job`` does what ``tellus clv predict`` does (read and summarise, fit BG/NBD and
Gamma-Gamma, predict, write), timing each stage and reading the process's peak
resident memory after it; ``fit`` times the two fits alone on a summary file.
Prints one JSON object.
"""

from __future__ import annotations

import json
import resource
import sys
import time
from pathlib import Path

import polars as pl

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import ANNUAL_DISCOUNT, HORIZON_WEEKS

from tellus.analytics.clv import fit_spend, fit_trips, predict, summarize_transactions


def peak_mb() -> float:
    return resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024


def fits(summary: pl.DataFrame, times: dict[str, float]) -> dict:
    started = time.perf_counter()
    trips = fit_trips(summary, "bgnbd", time_unit="week")
    times["fit_bgnbd"] = time.perf_counter() - started
    started = time.perf_counter()
    spend = fit_spend(summary)
    times["fit_gg"] = time.perf_counter() - started
    return {
        "bgnbd": trips.params,
        "gg": spend.params,
        "bgnbd_log_likelihood": trips.log_likelihood,
        "gg_log_likelihood": spend.log_likelihood,
        "_models": (trips, spend),
    }


def job(log_path: str, out_path: str) -> dict:
    times: dict[str, float] = {}
    memory: dict[str, float] = {}
    started = time.perf_counter()
    # As `clv predict` does: the log is scanned and summarised in one pass.
    log = pl.scan_csv(log_path, schema_overrides={"date": pl.Date})
    summary = summarize_transactions(log, customer="customer_id", date="date", amount="amount")
    times["read_summary"] = time.perf_counter() - started
    memory["read_summary"] = peak_mb()
    out = fits(summary, times)
    memory["fit"] = peak_mb()
    trips, spend = out.pop("_models")
    started = time.perf_counter()
    scores = predict(summary, trips, spend, horizon=HORIZON_WEEKS, discount_rate=ANNUAL_DISCOUNT)
    times["predict"] = time.perf_counter() - started
    memory["predict"] = peak_mb()
    started = time.perf_counter()
    scores.write_csv(out_path)
    times["write"] = time.perf_counter() - started
    memory["write"] = peak_mb()
    out["times"] = times
    out["peak_mb"] = memory
    return out


def fit_only(summary_path: str) -> dict:
    summary = pl.read_csv(summary_path)
    times: dict[str, float] = {}
    out = fits(summary, times)
    out.pop("_models")
    out["times"] = times
    return out


if __name__ == "__main__":
    mode = sys.argv[1]
    result = job(sys.argv[2], sys.argv[3]) if mode == "job" else fit_only(sys.argv[2])
    print(json.dumps(result))
