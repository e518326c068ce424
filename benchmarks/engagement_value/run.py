"""Segments and CEV over a large engagement log: time and peak memory, against a Python loop.

    .venv/bin/python benchmarks/engagement_value/run.py [--visitors 1000000] [--events 50000000]

Ours: ``engagement_segments`` and ``engagement_value`` (CRV, CIV, CKV and
CEV; each part also alone) over the whole log. Baseline, in the same run: a
plain Python loop over rows (``baseline.py``) on a 1 % sample of members (every
event they made or were credited with), its time scaled by the ratio of rows;
the loop is linear in rows, so the scaled time is what it would take on the
whole log. The ratio printed is baseline (scaled) / ours. The same sample is
also run through our functions (CIV's network step off, which the loop leaves
out) and the two must agree, member by member.

Peak memory is the process's high-water mark above its size before the call
(Linux: VmHWM, reset through /proc/self/clear_refs), so it counts Polars'
native buffers, which tracemalloc does not see.
"""

from __future__ import annotations

import argparse
import os
import platform
import re
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

import polars as pl
from tqdm import tqdm

sys.path.insert(0, str(Path(__file__).resolve().parent))

import baseline
from generate import AS_OF, load

from tellus.analytics.segments import engagement_segments
from tellus.analytics.value import (
    CIVParameters,
    CRVParameters,
    customer_influence_value,
    customer_knowledge_value,
    customer_referral_value,
    engagement_value,
)

CRV = CRVParameters(acquisition_cost_saved=25.0, referral_incentive_cost=5.0)


def _status(field: str) -> int:
    with open("/proc/self/status") as status:
        match = re.search(rf"{field}:\s+(\d+) kB", status.read())
    return int(match.group(1)) * 1024 if match else 0


def measure(fn: Callable[[], Any]) -> tuple[Any, float, float, float]:
    """Result, wall seconds, CPU seconds (all threads) and peak bytes above the size before."""
    try:
        with open("/proc/self/clear_refs", "w") as refs:
            refs.write("5")
    except OSError:
        pass
    before = _status("VmRSS")
    started, cpu = time.perf_counter(), time.process_time()
    result = fn()
    seconds, cpu = time.perf_counter() - started, time.process_time() - cpu
    return result, seconds, cpu, max(_status("VmHWM") - before, 0)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visitors", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--seed", type=int, default=0)
    parser.add_argument("--sample-every", type=int, default=100, help="1 member in N (1 %%)")
    args = parser.parse_args()

    started = time.perf_counter()
    events, clv = load(args.visitors, args.events, args.seed)
    load_seconds = time.perf_counter() - started
    every = args.sample_every
    progress = tqdm(total=9, desc="benchmark", unit="step")

    ours: dict[str, tuple[float, float, float]] = {}
    steps: list[tuple[str, Callable[[], Any]]] = [
        ("segments", lambda: engagement_segments(events, as_of=AS_OF)),
        ("CRV", lambda: customer_referral_value(events, as_of=AS_OF, parameters=CRV)),
        ("CIV", lambda: customer_influence_value(events, as_of=AS_OF)),
        ("CKV", lambda: customer_knowledge_value(events, as_of=AS_OF)),
        ("CEV (all four)", lambda: engagement_value(events, clv, as_of=AS_OF, crv=CRV)),
    ]
    outputs = {}
    for name, fn in steps:
        progress.set_postfix_str(name)
        outputs[name], seconds, cpu, peak = measure(fn)
        ours[name] = (seconds, cpu, peak)
        progress.update()

    in_sample = (pl.col("member_id") % every == 0) | (pl.col("attributed_to_id") % every == 0)
    sample = events.filter(in_sample.fill_null(False))
    scale = events.height / sample.height
    sample_clv = dict(clv.filter(pl.col("member_id") % every == 0).iter_rows())
    progress.set_postfix_str("baseline segments")
    loop_segments, *loop_seg, _ = measure(lambda: baseline.segments(baseline.rows(sample), AS_OF))
    progress.update()
    progress.set_postfix_str("baseline CEV")
    loop_cev, *loop_cev_times, _ = measure(
        lambda: baseline.engagement_value(baseline.rows(sample), sample_clv, AS_OF, crv_params=CRV)
    )
    progress.update()

    progress.set_postfix_str("agreement")
    check_segments = engagement_segments(sample, as_of=AS_OF)
    mismatched = sum(
        loop_segments[m] != str(s)
        for m, s in check_segments.select("member_id", "segment").iter_rows()
    ) + abs(len(loop_segments) - check_segments.height)
    progress.update()
    check_cev = engagement_value(
        sample,
        pl.DataFrame({"member_id": list(sample_clv), "clv": list(sample_clv.values())}),
        as_of=AS_OF,
        crv=CRV,
        civ=CIVParameters(network_weight=0.0),
    )
    worst = 0.0
    for member, *parts in check_cev.select(
        "member_id", "clv", "crv", "civ", "ckv", "cev"
    ).iter_rows():
        expected = loop_cev[member]
        worst = max(
            worst, *(abs(a - b) / max(1.0, abs(b)) for a, b in zip(parts, expected, strict=True))
        )
    members_differ = abs(len(loop_cev) - check_cev.height)
    progress.update()
    progress.close()

    print()
    print(
        f"engagement log: {events.height:,} events, {args.visitors:,} visitors, "
        f"{events.estimated_size() / 2**30:.2f} GiB in memory (loaded in {load_seconds:.1f} s)"
    )
    print(
        f"machine: {platform.machine()}, {os.cpu_count()} cores, Python {platform.python_version()}, "
        f"Polars {pl.__version__}, POLARS_MAX_THREADS={os.environ.get('POLARS_MAX_THREADS', 'default')}"
    )
    print(
        f"baseline: Python loop over the rows of a 1-in-{every} member sample "
        f"({sample.height:,} rows), time x {scale:.1f}"
    )
    print()
    header = (
        f"{'step':<15} {'members':>9} {'ours s':>7} {'CPU s':>7} {'peak MiB':>8} "
        f"{'loop s':>7} {'CPU s':>7} {'loop s x':>9} {'CPU s x':>8} {'ratio':>6} {'CPU':>5}"
    )
    print(header)
    print("-" * len(header))
    loops = {"segments": loop_seg, "CEV (all four)": loop_cev_times}
    for name, (seconds, cpu, peak) in ours.items():
        loop = loops.get(name)
        cells = (
            f"{loop[0]:>7.2f} {loop[1]:>7.2f} {loop[0] * scale:>9.0f} {loop[1] * scale:>8.0f} "
            f"{loop[0] * scale / seconds:>5.0f}x {loop[1] * scale / cpu:>4.0f}x"
            if loop is not None
            else ""
        )
        print(
            f"{name:<15} {outputs[name].height:>9,} {seconds:>7.2f} {cpu:>7.2f} "
            f"{peak / 2**20:>8.0f} {cells}".rstrip()
        )
    print()
    print(
        "loop s: the baseline on the sample; x: scaled to the whole log; ratio: scaled "
        "baseline / ours (wall clock, and CPU time of all threads)"
    )
    print()
    print(
        f"agreement on the sample: segments differ for {mismatched} member(s); "
        f"CEV parts differ by at most {worst:.2e} (relative), {members_differ} member(s) missing"
    )


if __name__ == "__main__":
    main()
