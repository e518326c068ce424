"""Write the simulated transaction logs (CSV) for the CLV benchmark.

.venv/bin/python benchmarks/clv/make_data.py [--sizes 100000 300000 1000000]
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent))

from common import BIRTH_SPAN_WEEKS, DATA, SIZES, SPAN_WEEKS, TRUE, log_path

from tellus.analytics.clv.simulate import simulate_transactions


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--sizes", type=int, nargs="+", default=list(SIZES))
    args = parser.parse_args()
    DATA.mkdir(parents=True, exist_ok=True)
    for n in args.sizes:
        path = log_path(n)
        if path.exists():
            print(f"{path.name}: exists")
            continue
        started = time.perf_counter()
        log = simulate_transactions(n, span=SPAN_WEEKS, birth_span=BIRTH_SPAN_WEEKS, seed=n, **TRUE)
        log.write_csv(path)
        print(f"{path.name}: {log.height:,} rows, {time.perf_counter() - started:.1f} s")


if __name__ == "__main__":
    main()
