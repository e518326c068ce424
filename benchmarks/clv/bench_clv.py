"""CLV benchmark: BG/NBD and Gamma-Gamma against lifetimes and PyMC-Marketing.

    bash benchmarks/clv/setup_peers.sh               # once: the peers' environments
    .venv/bin/python benchmarks/clv/bench_clv.py [--sizes 100000 300000 1000000]
                                                 [--pymc-sizes 100000 ...] [--skip-pymc]

Simulates transaction logs from the BG/NBD and Gamma-Gamma models with known
parameters (benchmarks/clv/common.py; 1,000,000 customers make about 10.4 million
rows), then measures, each as a separate process so that peak memory is the
process's own:

1. the fit alone: BG/NBD plus Gamma-Gamma on the same summary file, timed inside
   each process (ours, lifetimes, PyMC-Marketing MAP with flat priors);
2. the whole job: transaction log CSV in, per-customer predictions CSV out
   (P(alive), expected trips over 52 weeks, expected spend, 12-month CLV at 10 % a
   year): our ``clv predict`` command against a lifetimes script doing the same;
3. our job stage by stage (read and summary, fit, predict, write) and its peak memory
   at each size, to show growth.

Prints tables with the peers' times as ratios to ours.
"""

from __future__ import annotations

import argparse
import json
import os
import subprocess
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

sys.path.insert(0, str(Path(__file__).resolve().parent))

import numpy as np
import polars as pl
from common import (
    ANNUAL_DISCOUNT,
    BENCH,
    HORIZON_WEEKS,
    LIFETIMES_PY,
    PYMC_PY,
    ROOT,
    SIZES,
    TRUE,
    log_path,
    summary_path,
)

from tellus.analytics.clv import bgnbd, gamma_gamma, summarize_transactions

HERE = Path(__file__).resolve().parent
OURS_PY = ROOT / ".venv" / "bin" / "python"
RUNS = BENCH / "runs"


TIME = Path("/usr/bin/time")


def run(
    cmd: list[str], *, env: dict[str, str] | None = None, timeout: float = 3600
) -> tuple[float, float, str]:
    """Run a process; return wall seconds, its own peak RSS in MB and its stdout.

    The peak comes from GNU time (``%M``): a child forked from this large process
    would otherwise report this process's pages as its own.
    """
    out_file = RUNS / "last.out"
    err_file = RUNS / "last.err"
    use_time = TIME.exists()
    full = [str(TIME), "-f", "peak_kb=%M", *cmd] if use_time else cmd
    # Files the previous process wrote are flushed first, so that no process pays
    # for another's writes.
    os.sync()
    started = time.perf_counter()
    with out_file.open("w") as out, err_file.open("w") as err:
        proc = subprocess.Popen(full, stdout=out, stderr=err, env=child_env(env))
        try:
            code = proc.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            proc.kill()
            proc.wait()
            raise TimeoutError(f"{cmd[1]} did not finish in {timeout:.0f} s") from None
    wall = time.perf_counter() - started
    err_text = err_file.read_text()
    if code != 0:
        raise RuntimeError(f"{' '.join(cmd)} failed:\n{err_text[-3000:]}")
    peak = float("nan")
    for line in reversed(err_text.splitlines()):
        if line.startswith("peak_kb="):
            peak = int(line.split("=", 1)[1]) / 1024
            break
    return wall, peak, out_file.read_text()


def child_env(extra: dict[str, str] | None = None) -> dict[str, str]:
    """The environment of every measured process: as an installed package runs,
    with bytecode caches (pip compiles them on install), whatever this shell says."""
    env = {k: v for k, v in os.environ.items() if k != "PYTHONDONTWRITEBYTECODE"}
    return {**env, **(extra or {})}


WARM_UP = {
    "ours": "import tellus.analytics.cli, tellus.analytics.clv.simulate",
    "lifetimes": "import lifetimes, lifetimes.utils, pandas, scipy.optimize, autograd",
    "pymc": "import pymc_marketing.clv, pymc_extras.prior",
}


def warm_up(interpreters: dict[str, Path], env: dict[str, str]) -> None:
    """Import each side's modules once, untimed, so that their bytecode is cached."""
    for name, python in interpreters.items():
        subprocess.run([str(python), "-c", WARM_UP[name]], env=child_env(env), check=True)


def median_run(runs: list, key: Callable) -> Any:
    """The run whose time is the median (the lower one of an even number)."""
    return sorted(runs, key=key)[(len(runs) - 1) // 2]


def last_json(text: str) -> dict:
    return json.loads(text.strip().splitlines()[-1])


def ensure_data(sizes: list[int]) -> None:
    missing = [n for n in sizes if not log_path(n).exists()]
    if missing:
        subprocess.run(
            [str(OURS_PY), str(HERE / "make_data.py"), "--sizes", *map(str, missing)], check=True
        )
    for n in sizes:
        if not summary_path(n).exists():
            log = pl.read_csv(log_path(n), try_parse_dates=True)
            summarize_transactions(log, amount="amount").write_csv(summary_path(n))


def accuracy(params: dict, summary: pl.DataFrame) -> tuple[float, float]:
    """Log-likelihood of the BG/NBD and Gamma-Gamma estimates on the data, by one formula."""
    x = summary["frequency"].to_numpy().astype(float)
    tx, T, m = (summary[c].to_numpy() for c in ("recency", "T", "monetary_value"))
    rep = x > 0
    return (
        float(bgnbd.log_likelihood(params["bgnbd"], x, tx, T).sum()),
        float(gamma_gamma.log_likelihood(params["gg"], x[rep], m[rep]).sum()),
    )


def fmt_ratio(peer: float | None, ours: float) -> str:
    return "n/a" if peer is None else f"{peer / ours:.1f}x"


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    parser.add_argument(
        "--pymc-sizes", type=int, nargs="*", default=None, help="default: all sizes"
    )
    parser.add_argument("--skip-pymc", action="store_true")
    parser.add_argument(
        "--repeat", type=int, default=5, help="runs of our side (the median is kept)"
    )
    args = parser.parse_args()
    if not LIFETIMES_PY.exists() or (not args.skip_pymc and not PYMC_PY.exists()):
        sys.exit("run benchmarks/clv/setup_peers.sh first")
    RUNS.mkdir(parents=True, exist_ok=True)
    ensure_data(args.sizes)
    pymc_sizes = args.sizes if args.pymc_sizes is None else args.pymc_sizes
    pymc_env = {"PYTENSOR_FLAGS": f"base_compiledir={BENCH / 'pytensor'}"}
    sides = {"ours": OURS_PY, "lifetimes": LIFETIMES_PY}
    if not args.skip_pymc:
        sides["pymc"] = PYMC_PY
    warm_up(sides, pymc_env)

    fit_rows = []
    job_rows = []
    stage_rows = []
    params_at: dict[int, dict[str, dict]] = {}
    for n in args.sizes:
        rows = pl.read_csv(log_path(n), columns=["customer_id"]).height
        summary = pl.read_csv(summary_path(n))
        print(f"\n== {n:,} customers, {rows:,} transactions ==", flush=True)
        # 1. Fit alone, same summary file.
        ours_fit = median_run(
            [
                last_json(
                    run([str(OURS_PY), str(HERE / "ours_stages.py"), "fit", str(summary_path(n))])[
                        2
                    ]
                )
                for _ in range(args.repeat)
            ],
            key=lambda r: sum(r["times"].values()),
        )
        lt_fit = last_json(
            run([str(LIFETIMES_PY), str(HERE / "peer_lifetimes.py"), "fit", str(summary_path(n))])[
                2
            ]
        )
        pm_fit = None
        if not args.skip_pymc and n in pymc_sizes:
            try:
                pm_fit = last_json(
                    run(
                        [str(PYMC_PY), str(HERE / "peer_pymc.py"), "fit", str(summary_path(n))],
                        env=pymc_env,
                        timeout=3600,
                    )[2]
                )
            except (TimeoutError, RuntimeError) as exc:
                print(f"PyMC-Marketing at {n:,}: {exc}", flush=True)
        t_ours = sum(ours_fit["times"].values())
        t_lt = sum(lt_fit["times"].values())
        t_pm = None if pm_fit is None else sum(pm_fit["times"].values())
        fit_rows.append((n, ours_fit["times"], t_ours, lt_fit["times"], t_lt, t_pm))
        params_at[n] = {
            "ours": ours_fit,
            "lifetimes": lt_fit,
            **({"pymc": pm_fit} if pm_fit else {}),
        }
        for result in params_at[n].values():
            result["ll"] = accuracy(result, summary)
        print(
            f"fit alone: ours {t_ours:.2f} s, lifetimes {t_lt:.2f} s, PyMC-Marketing "
            f"{'-' if t_pm is None else f'{t_pm:.1f} s'}",
            flush=True,
        )

        # 2. Whole job as processes.
        out_ours = RUNS / f"ours_pred_{n}.csv"
        cli = [
            str(OURS_PY),
            "-m",
            "tellus.analytics.cli",
            "clv",
            "predict",
            "--transactions",
            str(log_path(n)),
            "--customer",
            "customer_id",
            "--date",
            "date",
            "--amount",
            "amount",
            "--time-unit",
            "week",
            "--horizon",
            str(HORIZON_WEEKS),
            "--discount-rate",
            str(ANNUAL_DISCOUNT),
            "--output",
            str(out_ours),
            "--quiet",
        ]
        ours_job = median_run([run(cli)[:2] for _ in range(args.repeat)], key=lambda r: r[0])
        lt_job = run(
            [
                str(LIFETIMES_PY),
                str(HERE / "peer_lifetimes.py"),
                "job",
                str(log_path(n)),
                str(RUNS / f"lt_pred_{n}.csv"),
            ]
        )
        job_rows.append((n, rows, ours_job, lt_job[:2]))
        print(f"whole job: ours {ours_job[0]:.2f} s, lifetimes {lt_job[0]:.2f} s", flush=True)
        # Same predictions? Compare our CLV with lifetimes' on the shared customers.
        ours_pred = pl.read_csv(out_ours).sort("customer_id")
        lt_pred = pl.read_csv(RUNS / f"lt_pred_{n}.csv").sort("customer_id")
        rel = np.abs(
            ours_pred["expected_trips"].to_numpy() / lt_pred["expected_trips"].to_numpy() - 1
        )

        # 3. Our stages.
        _, peak, text = run(
            [
                str(OURS_PY),
                str(HERE / "ours_stages.py"),
                "job",
                str(log_path(n)),
                str(RUNS / f"ours_stage_pred_{n}.csv"),
            ]
        )
        stage = last_json(text)
        stage_rows.append((n, rows, stage["times"], peak, float(np.median(rel))))

    print("\n## Fit alone: BG/NBD + Gamma-Gamma on the same summary (seconds, in-process)\n")
    print("| customers | ours | lifetimes | PyMC-Marketing MAP | lifetimes / ours | PyMC / ours |")
    print("|---:|---:|---:|---:|---:|---:|")
    for n, _, t_o, _, t_l, t_p in fit_rows:
        print(
            f"| {n:,} | {t_o:.2f} | {t_l:.2f} | {'-' if t_p is None else f'{t_p:.1f}'} | "
            f"{fmt_ratio(t_l, t_o)} | {fmt_ratio(t_p, t_o)} |"
        )

    print("\n## Whole job: transaction log CSV in, predictions CSV out (separate processes)\n")
    print(
        "| customers | transactions | ours (s) | lifetimes (s) | lifetimes / ours | ours peak MB | lifetimes peak MB |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|")
    for n, rows, (w_o, m_o), (w_l, m_l) in job_rows:
        print(
            f"| {n:,} | {rows:,} | {w_o:.2f} | {w_l:.2f} | {w_l / w_o:.1f}x | {m_o:,.0f} | {m_l:,.0f} |"
        )

    print("\n## Our job stage by stage (seconds) and peak memory\n")
    print(
        "| customers | read + summary | fit BG/NBD | fit GG | predict | write | peak MB "
        "| MB per 1k customers | expected trips vs lifetimes (median rel. diff.) |"
    )
    print("|---:|---:|---:|---:|---:|---:|---:|---:|---:|")
    for n, _, t, peak, rel in stage_rows:
        print(
            f"| {n:,} | {t['read_summary']:.2f} | {t['fit_bgnbd']:.2f} | {t['fit_gg']:.2f} | "
            f"{t['predict']:.2f} | {t['write']:.2f} | {peak:,.0f} | {peak / n * 1000:.2f} | {rel:.1e} |"
        )

    largest = args.sizes[-1]
    print(f"\n## Parameters recovered at {largest:,} customers (truth: simulated)\n")
    names = ["r", "alpha", "a", "b", "p", "q", "gamma"]
    print("| | " + " | ".join(names) + " | BG/NBD log-lik. | GG log-lik. |")
    print("|---|" + "---:|" * (len(names) + 2))
    print("| truth | " + " | ".join(f"{TRUE[k]:.4g}" for k in names) + " | | |")
    for who, result in params_at[largest].items():
        values = {**result["bgnbd"], **result["gg"]}
        print(
            f"| {who} | "
            + " | ".join(f"{values[k]:.4f}" for k in names)
            + f" | {result['ll'][0]:,.2f} | {result['ll'][1]:,.2f} |"
        )
    for n in args.sizes[:-1]:
        if "pymc" in params_at[n] and "pymc" not in params_at[largest]:
            print(f"\n(PyMC-Marketing ran at {n:,} customers; see the fit table.)")
    print(
        f"\nmachine: {os.cpu_count()} cores; wall-clock times: ours the median of {args.repeat} "
        "runs, the peers single runs"
    )


if __name__ == "__main__":
    main()
