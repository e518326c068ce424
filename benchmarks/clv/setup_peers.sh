#!/usr/bin/env bash
# Build the peers' virtual environments for the CLV benchmark under .bench/clv/.
#
# lifetimes 0.11.3 (2020) no longer installs with today's defaults: it needs
# pandas 2.x (its holdout helper breaks on 3.x), autograd and a setuptools that
# still ships pkg_resources. PyMC-Marketing gets its own environment so that the
# two peers' pins never fight; its 1.x releases need Python 3.12, so where no
# 3.12 interpreter exists the last release for 3.11 is used. Re-running the
# script is cheap: existing environments are kept unless --fresh is given.
set -euo pipefail

ROOT="$(cd "$(dirname "$0")/../.." && pwd)"
BENCH="$ROOT/.bench/clv"
UV="$ROOT/.venv/bin/uv"
PY="${PYTHON:-python3.11}"

if [[ "${1:-}" == "--fresh" ]]; then
    rm -rf "$BENCH/lifetimes-venv" "$BENCH/pymc-venv"
fi
mkdir -p "$BENCH"

if [[ ! -x "$BENCH/lifetimes-venv/bin/python" ]]; then
    "$UV" venv --quiet --python "$PY" "$BENCH/lifetimes-venv"
    "$UV" pip install --quiet --python "$BENCH/lifetimes-venv/bin/python" \
        "lifetimes==0.11.3" "pandas==2.3.3" "numpy==2.4.6" "scipy==1.17.1" \
        "autograd==1.9" "setuptools==80.9.0" "dill" "pyarrow"
fi

if [[ ! -x "$BENCH/pymc-venv/bin/python" ]]; then
    PY312=""
    if python3.12 --version >/dev/null 2>&1; then
        PY312="$(command -v python3.12)"
    elif command -v pyenv >/dev/null 2>&1 && pyenv prefix 3.12 >/dev/null 2>&1; then
        PY312="$(pyenv prefix 3.12)/bin/python3.12"
    fi
    if [[ -n "$PY312" ]]; then
        "$UV" venv --quiet --python "$PY312" "$BENCH/pymc-venv"
        PYMC_MARKETING="pymc-marketing==1.3.0"
    else
        "$UV" venv --quiet --python "$PY" "$BENCH/pymc-venv"
        PYMC_MARKETING="pymc-marketing==0.19.2"
    fi
    "$UV" pip install --quiet --python "$BENCH/pymc-venv/bin/python" "$PYMC_MARKETING" "pyarrow"
fi

"$BENCH/lifetimes-venv/bin/python" -c "import lifetimes, pandas; print('lifetimes', lifetimes.__version__, 'pandas', pandas.__version__)"
"$BENCH/pymc-venv/bin/python" -c "import pymc_marketing, pymc; print('pymc-marketing', pymc_marketing.__version__, 'pymc', pymc.__version__)"
