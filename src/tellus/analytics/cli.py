"""``tellus clv fit`` and ``tellus clv predict``: CLV on plain files, with no database.

    tellus clv fit --rfm summary.csv --model bgnbd|pnbd|gg [--json]
    tellus clv fit --transactions log.csv --customer COL --date COL [--amount COL]
                   [--calibration-end DATE] [--observation-end DATE] [--time-unit day|week]
                   [--model ...] [--json] [--holdout-chart FILE.svg]
    tellus clv predict (--rfm FILE | --transactions FILE ...) [--model bgnbd|pnbd]
                   [--params FIT.json ...] --horizon N [--discount-rate R]
                   --output FILE.csv|FILE.parquet

``fit --json`` prints one object: ``model``, the parameters under their usual
names (``r alpha a b``, ``r alpha s beta`` or ``p q gamma``), ``log_likelihood``,
``standard_errors`` (by parameter) and counts. ``predict`` writes one row per
customer: the key (with ``--rfm``, every column that is not a summary statistic),
``p_alive``, ``expected_trips`` and, when spend is known, ``expected_spend`` and
``clv``; ``--with-summary`` adds the summary columns. Progress goes to
standard error. Exit status: 0 on success, 2 on bad input.
"""

from __future__ import annotations

import argparse
import datetime as dt
import json
import math
import sys
from collections.abc import Sequence
from pathlib import Path

import polars as pl
from tqdm import tqdm

from tellus.analytics.clv import (
    FitResult,
    fit_spend,
    fit_trips,
    holdout_chart_svg,
    holdout_table,
    predict,
)
from tellus.analytics.clv.summary import LogReadError, summarize_transactions
from tellus.analytics.validation import AnalyticsInputError

# Columns of the summary that `predict` writes only with --with-summary.
SUMMARY_STATS = {
    "frequency",
    "recency",
    "T",
    "monetary_value",
    "frequency_holdout",
    "duration_holdout",
    "monetary_value_holdout",
}


class _Stages:
    """A stage-by-stage progress bar on standard error."""

    def __init__(self, total: int, desc: str, enabled: bool) -> None:
        self.bar = tqdm(
            total=total, desc=desc, unit="stage", file=sys.stderr, disable=not enabled, leave=False
        )

    def __call__(self, label: str) -> None:
        self.bar.set_postfix_str(label)
        self.bar.update(1)

    def close(self) -> None:
        self.bar.close()


def _date(text: str) -> dt.date:
    try:
        return dt.date.fromisoformat(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a date (YYYY-MM-DD): {text!r}") from exc


def _positive(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not (math.isfinite(value) and value > 0):
        raise argparse.ArgumentTypeError(f"must be a positive number: {text!r}")
    return value


def _rate(text: str) -> float:
    try:
        value = float(text)
    except ValueError as exc:
        raise argparse.ArgumentTypeError(f"not a number: {text!r}") from exc
    if not (math.isfinite(value) and 0 <= value < 10):
        raise argparse.ArgumentTypeError(f"must be an annual rate between 0 and 10: {text!r}")
    return value


def _parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(
        prog="tellus clv", description="Customer lifetime value on plain files."
    )
    commands = parser.add_subparsers(dest="command", required=True)

    def inputs(sub: argparse.ArgumentParser) -> None:
        source = sub.add_mutually_exclusive_group(required=True)
        source.add_argument(
            "--rfm",
            type=Path,
            help="summary file (CSV or Parquet): frequency, recency, T[, monetary_value]",
        )
        source.add_argument("--transactions", type=Path, help="transaction log (CSV or Parquet)")
        sub.add_argument("--customer", help="customer key column of the transaction log")
        sub.add_argument(
            "--date", help="date column of the transaction log (YYYY-MM-DD or a date/datetime type)"
        )
        sub.add_argument("--amount", help="spend column of the transaction log (optional)")
        sub.add_argument("--calibration-end", type=_date, help="last day of the calibration period")
        sub.add_argument(
            "--observation-end",
            type=_date,
            help="last day observed (default: the last date in the log)",
        )
        sub.add_argument(
            "--time-unit",
            choices=["day", "week"],
            default="week",
            help="time unit of durations (default week)",
        )
        sub.add_argument(
            "--weights", help="column of --rfm counting the customers each row stands for"
        )
        sub.add_argument("--quiet", action="store_true", help="no progress on standard error")

    fit = commands.add_parser("fit", help="fit a model and print its parameters")
    inputs(fit)
    fit.add_argument("--model", choices=["bgnbd", "pnbd", "gg"], default="bgnbd")
    fit.add_argument("--json", action="store_true", help="print a JSON object")
    fit.add_argument(
        "--holdout-chart", type=Path, help="with --calibration-end: write the holdout chart (SVG)"
    )

    pred = commands.add_parser("predict", help="write per-customer predictions")
    inputs(pred)
    pred.add_argument("--model", choices=["bgnbd", "pnbd"], default="bgnbd", help="trips model")
    pred.add_argument(
        "--params",
        type=Path,
        action="append",
        default=[],
        help="use fitted parameters from `clv fit --json` (trips and/or gg) instead of fitting",
    )
    pred.add_argument("--horizon", type=_positive, required=True, help="horizon in time units")
    pred.add_argument(
        "--discount-rate", type=_rate, default=0.0, help="annual discount rate (0.1 = 10%%)"
    )
    pred.add_argument("--output", type=Path, required=True, help="FILE.csv or FILE.parquet")
    pred.add_argument(
        "--with-summary",
        action="store_true",
        help="also write each customer's frequency, recency, T and monetary_value",
    )
    return parser


def _read(path: Path, columns: list[str] | None = None) -> pl.DataFrame:
    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    suffix = path.suffix.lower()
    try:
        if suffix == ".parquet":
            return pl.read_parquet(path, columns=columns)
        if suffix in (".csv", ".txt", ".tsv"):
            return pl.read_csv(
                path,
                columns=columns,
                try_parse_dates=True,
                separator="\t" if suffix == ".tsv" else ",",
            )
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AnalyticsInputError(f"cannot read {path}: {exc}") from exc
    raise AnalyticsInputError(f"{path}: only .csv, .tsv and .parquet files are read")


def _header(path: Path) -> pl.DataFrame:
    """The file's columns, without reading its rows."""
    if not path.is_file():
        raise AnalyticsInputError(f"no such file: {path}")
    try:
        if path.suffix.lower() == ".parquet":
            return pl.DataFrame(schema=pl.read_parquet_schema(path))
        return pl.read_csv(path, n_rows=0, separator="\t" if path.suffix.lower() == ".tsv" else ",")
    except (pl.exceptions.PolarsError, OSError) as exc:
        raise AnalyticsInputError(f"cannot read {path}: {exc}") from exc


def _load_summary(args: argparse.Namespace, stage: _Stages) -> pl.DataFrame:
    if args.rfm is not None:
        for flag in ("customer", "date", "amount", "calibration_end", "observation_end"):
            if getattr(args, flag) is not None:
                raise AnalyticsInputError(
                    f"--{flag.replace('_', '-')} applies to --transactions, not --rfm"
                )
        summary = _read(args.rfm)
        stage("read summary")
        return summary
    if not args.customer or not args.date:
        raise AnalyticsInputError("--transactions needs --customer and --date")
    if args.weights:
        raise AnalyticsInputError("--weights applies to --rfm")
    wanted = [args.customer, args.date] + ([args.amount] if args.amount else [])
    if len(set(wanted)) != len(wanted):
        raise AnalyticsInputError("--customer, --date and --amount must name different columns")
    header = _header(args.transactions)
    missing = [c for c in wanted if c not in header.columns]
    if missing:
        raise AnalyticsInputError(
            f"transactions: missing column(s) {', '.join(map(repr, missing))}; "
            f"the file has {', '.join(map(repr, header.columns))}"
        )
    options = {
        "customer": args.customer,
        "date": args.date,
        "amount": args.amount,
        "calibration_end": args.calibration_end,
        "observation_end": args.observation_end,
        "time_unit": args.time_unit,
    }
    # First a lazy scan: read and summarised in one pass, dates parsed on the way.
    suffix = args.transactions.suffix.lower()
    if suffix == ".parquet":
        lazy = pl.scan_parquet(args.transactions)
    else:
        lazy = pl.scan_csv(
            args.transactions,
            separator="\t" if suffix == ".tsv" else ",",
            schema_overrides={args.date: pl.Date},
        )
    try:
        summary = summarize_transactions(lazy.select(wanted), **options)
    except LogReadError:
        # Dates in another format (or datetimes): read eagerly and convert.
        log = _read(args.transactions, wanted)
        if log.schema[args.date] == pl.String:
            try:
                log = log.with_columns(pl.col(args.date).str.to_date())
            except pl.exceptions.PolarsError as exc:
                raise AnalyticsInputError(
                    f"transactions: column {args.date!r} does not hold dates (YYYY-MM-DD): {exc}"
                ) from exc
        summary = summarize_transactions(log, **options)
    stage("summarised")
    return summary


def _load_params(path: Path) -> FitResult:
    try:
        data = json.loads(path.read_text())
    except (OSError, ValueError) as exc:
        raise AnalyticsInputError(f"cannot read parameters from {path}: {exc}") from exc
    names = {
        "bgnbd": ("r", "alpha", "a", "b"),
        "pnbd": ("r", "alpha", "s", "beta"),
        "gg": ("p", "q", "gamma"),
    }
    model = data.get("model") if isinstance(data, dict) else None
    if model not in names:
        raise AnalyticsInputError(f"{path}: not the output of `clv fit --json` (no known 'model')")
    params = {}
    for n in names[model]:
        value = data.get(n)
        if not isinstance(value, int | float) or not (math.isfinite(value) and value > 0):
            raise AnalyticsInputError(f"{path}: parameter {n!r} must be a positive number")
        params[n] = float(value)
    return FitResult(
        model=model,
        params=params,
        standard_errors={},
        log_likelihood=float(data.get("log_likelihood", math.nan)),
        n_customers=int(data.get("n_customers", 0)),
        n_patterns=int(data.get("n_patterns", 0)),
        iterations=0,
        converged=True,
        time_unit=data.get("time_unit"),
    )


def _fit(args: argparse.Namespace) -> int:
    stage = _Stages(4, "clv fit", not args.quiet)
    try:
        summary = _load_summary(args, stage)
        unit = args.time_unit
        if args.model == "gg":
            if "monetary_value" not in summary.columns:
                raise AnalyticsInputError(
                    "--model gg needs spend: a monetary_value column in --rfm, or --amount"
                )
            result = fit_spend(summary, weights=args.weights, progress=not args.quiet)
        else:
            result = fit_trips(
                summary, args.model, weights=args.weights, time_unit=unit, progress=not args.quiet
            )
        stage("fitted")
        table = None
        if args.model != "gg" and "frequency_holdout" in summary.columns:
            table = holdout_table(summary, result)
            if args.holdout_chart:
                args.holdout_chart.write_text(holdout_chart_svg(table))
        elif args.holdout_chart:
            raise AnalyticsInputError(
                "--holdout-chart needs --transactions with --calibration-end and a trips model"
            )
    finally:
        stage.close()
    if args.json:
        out = result.to_dict()
        if table is not None:
            out["holdout"] = table.to_dicts()
        print(json.dumps(out, indent=2))
        return 0
    print(
        f"{result.model}: {result.n_customers:,} customers, "
        f"{result.n_patterns:,} distinct summaries"
    )
    for name, value in result.params.items():
        print(f"  {name:>6} = {value:12.6g}   (s.e. {result.standard_errors[name]:.3g})")
    print(f"  log-likelihood = {result.log_likelihood:,.4f}")
    if table is not None:
        print("holdout check (mean trips per customer):")
        print(table)
    return 0


def _predict(args: argparse.Namespace) -> int:
    suffix = args.output.suffix.lower()
    if suffix not in (".csv", ".parquet"):
        raise AnalyticsInputError("--output must end in .csv or .parquet")
    if not args.output.parent.is_dir():
        raise AnalyticsInputError(f"--output: no such folder {args.output.parent}")
    stage = _Stages(6, "clv predict", not args.quiet)
    try:
        summary = _load_summary(args, stage)
        given = [_load_params(p) for p in args.params]
        trips = next((g for g in given if g.model != "gg"), None)
        spend = next((g for g in given if g.model == "gg"), None)
        if trips is None:
            trips = fit_trips(
                summary, args.model, weights=args.weights, time_unit=args.time_unit, progress=False
            )
        elif trips.time_unit not in (None, args.time_unit):
            raise AnalyticsInputError(
                f"--params were fitted in {trips.time_unit}s, not {args.time_unit}s"
            )
        stage(f"fitted {trips.model}")
        has_spend = "monetary_value" in summary.columns
        if spend is None and has_spend:
            spend = fit_spend(summary, weights=args.weights, progress=False)
            stage("fitted gg")
        if spend is not None and not has_spend:
            raise AnalyticsInputError(
                "spend parameters given but the input has no spend (monetary_value or --amount)"
            )
        trips_unit = FitResult(**{**trips.__dict__, "time_unit": args.time_unit})
        result = predict(
            summary,
            trips_unit,
            spend,
            horizon=args.horizon,
            discount_rate=args.discount_rate,
            time_unit=args.time_unit,
        )
        stage("predicted")
        if not args.with_summary:
            result = result.select([c for c in result.columns if c not in SUMMARY_STATS])
        if suffix == ".csv":
            result.write_csv(args.output)
        else:
            result.write_parquet(args.output)
        stage("written")
    finally:
        stage.close()
    if not args.quiet:
        print(f"wrote {result.height:,} customers to {args.output}", file=sys.stderr)
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    """Run ``clv fit`` or ``clv predict``; ``argv`` may start with ``clv`` or not."""
    args_list = list(sys.argv[1:] if argv is None else argv)
    if args_list and args_list[0] == "clv":
        args_list = args_list[1:]
    args = _parser().parse_args(args_list)
    try:
        return _fit(args) if args.command == "fit" else _predict(args)
    except AnalyticsInputError as exc:
        print(f"error: {exc}", file=sys.stderr)
        return 2


if __name__ == "__main__":
    sys.exit(main())
