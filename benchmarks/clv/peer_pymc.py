"""The PyMC-Marketing side of the CLV benchmark; runs in .bench/clv/pymc-venv.

    python peer_pymc.py fit SUMMARY.csv

Maximum a posteriori with flat priors on every parameter, so that the MAP fit
is the maximum-likelihood fit the other two compute. Prints one JSON object on
its last line.
"""

from __future__ import annotations

import json
import sys
import time
import warnings

import pandas as pd
from pymc_extras.prior import Prior
from pymc_marketing.clv import BetaGeoModel, GammaGammaModel

warnings.filterwarnings("ignore")


def main(path: str) -> dict:
    summary = pd.read_csv(path)
    summary = summary.rename(columns={summary.columns[0]: "customer_id"})
    times: dict[str, float] = {}
    started = time.perf_counter()
    bg = BetaGeoModel(model_config={k: Prior("HalfFlat") for k in ("r", "alpha", "a", "b")})
    bg.fit(summary[["customer_id", "frequency", "recency", "T"]], method="map", progressbar=False)
    times["fit_bgnbd"] = time.perf_counter() - started
    repeat = summary[summary["frequency"] > 0]
    started = time.perf_counter()
    gg = GammaGammaModel(model_config={k: Prior("HalfFlat") for k in ("p", "q", "v")})
    gg.fit(repeat[["customer_id", "frequency", "monetary_value"]], method="map", progressbar=False)
    times["fit_gg"] = time.perf_counter() - started
    bgs = bg.fit_summary()
    ggs = gg.fit_summary()
    return {
        "bgnbd": {k: float(bgs[k]) for k in ("r", "alpha", "a", "b")},
        "gg": {"p": float(ggs["p"]), "q": float(ggs["q"]), "gamma": float(ggs["v"])},
        "times": times,
    }


if __name__ == "__main__":
    print(json.dumps(main(sys.argv[2])))
