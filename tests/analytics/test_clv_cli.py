"""``clv fit`` and ``clv predict`` on plain files, as an analyst runs them."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

import polars as pl
import pytest

from tellus.analytics.cli import main

from .clv_data import CDNOW, cdnow_summary

TX = ["--transactions", str(CDNOW), "--customer", "customer", "--date", "date"]


def run(capsys: pytest.CaptureFixture[str], *argv: str) -> tuple[int, str, str]:
    code = main(["clv", *argv, "--quiet"])
    out, err = capsys.readouterr()
    return code, out, err


@pytest.fixture
def rfm(tmp_path: Path) -> Path:
    path = tmp_path / "rfm.csv"
    cdnow_summary().select("customer", "frequency", "recency", "T", "monetary_value").write_csv(
        path
    )
    return path


@pytest.mark.parametrize(
    ("model", "names"),
    [
        ("bgnbd", ["r", "alpha", "a", "b"]),
        ("pnbd", ["r", "alpha", "s", "beta"]),
        ("gg", ["p", "q", "gamma"]),
    ],
)
def test_fit_json_from_a_summary(
    capsys: pytest.CaptureFixture[str], rfm: Path, model: str, names: list[str]
) -> None:
    code, out, _ = run(capsys, "fit", "--rfm", str(rfm), "--model", model, "--json")
    assert code == 0
    data = json.loads(out)
    assert data["model"] == model
    assert all(isinstance(data[n], float) and data[n] > 0 for n in names)
    assert isinstance(data["log_likelihood"], float)
    assert set(data["standard_errors"]) == set(names)
    if model == "bgnbd":
        assert round(data["r"], 3) == 0.243 and round(data["log_likelihood"], 1) == -9582.4


def test_fit_from_transactions_with_holdout(
    capsys: pytest.CaptureFixture[str], tmp_path: Path
) -> None:
    chart = tmp_path / "holdout.svg"
    code, out, _ = run(
        capsys,
        "fit",
        *TX,
        "--amount",
        "amount",
        "--calibration-end",
        "1997-09-30",
        "--observation-end",
        "1998-06-30",
        "--model",
        "pnbd",
        "--json",
        "--holdout-chart",
        str(chart),
    )
    assert code == 0
    data = json.loads(out)
    assert round(data["beta"], 3) == 11.669
    assert data["time_unit"] == "week"
    assert [row["frequency"] for row in data["holdout"]][-1] == "7+"
    assert chart.read_text().startswith("<svg")


def test_fit_prints_a_readable_report(capsys: pytest.CaptureFixture[str], rfm: Path) -> None:
    code, out, _ = run(capsys, "fit", "--rfm", str(rfm))
    assert code == 0
    assert "bgnbd: 2,357 customers" in out and "log-likelihood = -9,582.4" in out


@pytest.mark.parametrize("suffix", [".csv", ".parquet"])
def test_predict_writes_one_row_per_customer(
    capsys: pytest.CaptureFixture[str], tmp_path: Path, suffix: str
) -> None:
    output = tmp_path / f"scores{suffix}"
    code, _, _ = run(
        capsys,
        "predict",
        *TX,
        "--amount",
        "amount",
        "--horizon",
        "52",
        "--discount-rate",
        "0.1",
        "--output",
        str(output),
    )
    assert code == 0
    scores = pl.read_csv(output) if suffix == ".csv" else pl.read_parquet(output)
    assert scores.height == 2357
    assert scores.columns == ["customer", "p_alive", "expected_trips", "expected_spend", "clv"]
    assert scores["clv"].min() > 0


def test_predict_with_summary_columns(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    output = tmp_path / "scores.csv"
    code, _, _ = run(
        capsys, "predict", *TX, "--horizon", "52", "--output", str(output), "--with-summary"
    )
    assert code == 0
    scores = pl.read_csv(output)
    assert scores.columns == ["customer", "frequency", "recency", "T", "p_alive", "expected_trips"]


def test_predict_with_saved_parameters(
    capsys: pytest.CaptureFixture[str], rfm: Path, tmp_path: Path
) -> None:
    fits = []
    for model in ("pnbd", "gg"):
        code, out, _ = run(capsys, "fit", "--rfm", str(rfm), "--model", model, "--json")
        path = tmp_path / f"{model}.json"
        path.write_text(out)
        fits.append(path)
    output = tmp_path / "scores.csv"
    code, _, _ = run(
        capsys,
        "predict",
        "--rfm",
        str(rfm),
        "--params",
        str(fits[0]),
        "--params",
        str(fits[1]),
        "--horizon",
        "39",
        "--output",
        str(output),
    )
    assert code == 0
    direct = tmp_path / "direct.csv"
    run(
        capsys,
        "predict",
        "--rfm",
        str(rfm),
        "--model",
        "pnbd",
        "--horizon",
        "39",
        "--output",
        str(direct),
    )
    assert pl.read_csv(output)["clv"].to_numpy() == pytest.approx(
        pl.read_csv(direct)["clv"].to_numpy(), rel=1e-6
    )


def test_bad_input_exits_2_with_a_message(
    capsys: pytest.CaptureFixture[str], rfm: Path, tmp_path: Path
) -> None:
    broken = tmp_path / "broken.csv"
    pl.read_csv(rfm).with_columns(pl.col("recency") * 2).write_csv(broken)
    cases = [
        (["fit", "--rfm", str(broken)], "'recency' is greater than 'T'"),
        (["fit", "--rfm", str(tmp_path / "nope.csv")], "no such file"),
        (
            ["fit", "--transactions", str(CDNOW), "--customer", "customer"],
            "needs --customer and --date",
        ),
        (["fit", *TX[:4], "--date", "cds"], "does not hold dates|must hold dates"),
        (["fit", *TX[:4], "--date", "when"], "missing column"),
        (["fit", "--rfm", str(rfm), "--model", "gg", "--weights", "nope"], "missing column"),
        (
            ["predict", "--rfm", str(rfm), "--horizon", "5", "--output", str(tmp_path / "x.xlsx")],
            "must end in .csv or .parquet",
        ),
    ]
    for argv, message in cases:
        code, _, err = run(capsys, *argv)
        assert code == 2, argv
        assert "error:" in err
        assert __import__("re").search(message, err), (argv, err)
    with pytest.raises(SystemExit):
        main(["clv", "predict", "--rfm", str(rfm), "--horizon", "-3", "--output", "x.csv"])


def test_runs_as_a_process_with_progress(tmp_path: Path) -> None:
    output = tmp_path / "scores.parquet"
    done = subprocess.run(
        [
            sys.executable,
            "-m",
            "tellus.analytics.cli",
            "clv",
            "predict",
            *TX,
            "--amount",
            "amount",
            "--horizon",
            "52",
            "--output",
            str(output),
        ],
        capture_output=True,
        text=True,
        timeout=120,
        check=False,
    )
    assert done.returncode == 0, done.stderr
    assert "wrote 2,357 customers" in done.stderr
    assert pl.read_parquet(output).height == 2357


def test_parquet_transactions(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "log.parquet"
    pl.read_csv(CDNOW, try_parse_dates=True).write_parquet(log)
    code, out, _ = run(
        capsys,
        "fit",
        "--transactions",
        str(log),
        "--customer",
        "customer",
        "--date",
        "date",
        "--json",
    )
    assert code == 0
    assert json.loads(out)["n_customers"] == 2357
    code, _, err = run(
        capsys, "fit", "--transactions", str(log), "--customer", "who", "--date", "date"
    )
    assert code == 2 and "missing column(s) 'who'" in err


def test_datetimes_in_a_csv_log(capsys: pytest.CaptureFixture[str], tmp_path: Path) -> None:
    log = tmp_path / "log.csv"
    pl.read_csv(CDNOW, try_parse_dates=True).with_columns(
        pl.col("date").cast(pl.Datetime) + pl.duration(hours=10)
    ).write_csv(log)
    code, out, err = run(
        capsys,
        "fit",
        "--transactions",
        str(log),
        "--customer",
        "customer",
        "--date",
        "date",
        "--json",
    )
    assert code == 0, err
    assert json.loads(out)["n_customers"] == 2357
