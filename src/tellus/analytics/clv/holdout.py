"""The holdout check: trips predicted for the holdout period against the trips
made, by calibration-period frequency (Fader, Hardie and Lee 2005, figure 4).

The chart is a small SVG drawn here: no plotting library is a dependency of the
project, and the console shows SVG as it is.
"""

from __future__ import annotations

from html import escape

import numpy as np
import polars as pl

from tellus.analytics.clv._fit import FitResult
from tellus.analytics.clv.predict import expected_trips
from tellus.analytics.validation import AnalyticsInputError, require_columns, require_numeric


def holdout_table(
    summary: pl.DataFrame, trips: FitResult, *, max_frequency: int = 7
) -> pl.DataFrame:
    """Mean actual and predicted holdout trips per calibration frequency.

    ``summary`` comes from ``summarize_transactions(..., calibration_end=...)``:
    ``frequency``, ``recency``, ``T`` for the calibration period and
    ``frequency_holdout``, ``duration_holdout`` (in the same time unit). Customers
    with ``max_frequency`` or more repeat trips share the last group.
    Columns: ``frequency`` (group label, ``"7+"`` for the last), ``customers``,
    ``actual`` and ``predicted`` (mean trips per customer in the holdout period).
    """
    require_columns(summary, ["frequency_holdout", "duration_holdout"], what="holdout summary")
    require_numeric(
        summary,
        ["frequency_holdout", "duration_holdout"],
        what="holdout summary",
        non_negative=True,
    )
    if not (1 <= max_frequency <= 1000):
        raise AnalyticsInputError("max_frequency must be between 1 and 1000")
    durations = summary.get_column("duration_holdout").unique()
    if durations.len() != 1:
        raise AnalyticsInputError("holdout summary: every customer must share one holdout duration")
    duration = float(durations[0])
    predicted = expected_trips(summary, trips, duration)
    group = np.minimum(summary.get_column("frequency").to_numpy(), max_frequency)
    frame = pl.DataFrame(
        {
            "group": group,
            "actual": summary.get_column("frequency_holdout").cast(pl.Float64),
            "predicted": predicted,
        }
    )
    table = (
        frame.group_by("group")
        .agg(pl.len().alias("customers"), pl.col("actual").mean(), pl.col("predicted").mean())
        .sort("group")
    )
    labels = [f"{g}+" if g == max_frequency else str(g) for g in table.get_column("group")]
    return table.select(
        pl.Series("frequency", labels),
        pl.col("customers").cast(pl.Int64),
        "actual",
        "predicted",
    )


def holdout_chart_svg(
    table: pl.DataFrame, *, title: str = "Holdout trips: actual and predicted"
) -> str:
    """An accessible SVG line chart of ``holdout_table``'s ``actual`` and ``predicted``."""
    require_columns(table, ["frequency", "actual", "predicted"], what="holdout table")
    labels = [str(v) for v in table.get_column("frequency")]
    actual = table.get_column("actual").to_numpy()
    predicted = table.get_column("predicted").to_numpy()
    if not labels:
        raise AnalyticsInputError("holdout table is empty")
    width, height, left, right, top, bottom = 640, 400, 66, 20, 40, 50
    top_value = float(max(actual.max(), predicted.max(), 1e-9)) * 1.1
    n = len(labels)

    def px(i: int) -> float:
        return left + (width - left - right) * (i / max(n - 1, 1))

    def py(v: float) -> float:
        return top + (height - top - bottom) * (1 - v / top_value)

    parts = [
        f'<svg xmlns="http://www.w3.org/2000/svg" width="{width}" height="{height}" '
        f'viewBox="0 0 {width} {height}" role="img" aria-labelledby="t d">',
        f'<title id="t">{escape(title)}</title>',
        '<desc id="d">'
        + escape(
            "; ".join(
                f"{lab} repeat trips: actual {a:.2f}, predicted {p:.2f}"
                for lab, a, p in zip(labels, actual, predicted, strict=True)
            )
        )
        + "</desc>",
        '<rect width="100%" height="100%" fill="white"/>',
        f'<text x="{width / 2}" y="22" text-anchor="middle" font-family="sans-serif" '
        f'font-size="15">{escape(title)}</text>',
    ]
    for k in range(6):
        v = top_value * k / 5
        y = py(v)
        parts.append(
            f'<line x1="{left}" x2="{width - right}" y1="{y:.1f}" y2="{y:.1f}" stroke="#ddd"/>'
            f'<text x="{left - 6}" y="{y + 4:.1f}" text-anchor="end" font-family="sans-serif" '
            f'font-size="11">{v:.1f}</text>'
        )
    for i, lab in enumerate(labels):
        parts.append(
            f'<text x="{px(i):.1f}" y="{height - bottom + 18}" text-anchor="middle" '
            f'font-family="sans-serif" font-size="11">{escape(lab)}</text>'
        )
    parts.append(
        f'<text x="{(left + width - right) / 2}" y="{height - 10}" text-anchor="middle" '
        'font-family="sans-serif" font-size="12">Repeat trips in the calibration period</text>'
    )
    mid = (top + height - bottom) / 2
    parts.append(
        f'<text x="14" y="{mid}" transform="rotate(-90 14 {mid})" text-anchor="middle" '
        'font-family="sans-serif" font-size="12">Mean trips per customer, holdout period</text>'
    )
    for values, colour, dash, name, offset in (
        (actual, "#1f4e9c", "", "Actual", 0),
        (predicted, "#c0392b", ' stroke-dasharray="6 4"', "Predicted", 1),
    ):
        points = " ".join(f"{px(i):.1f},{py(float(v)):.1f}" for i, v in enumerate(values))
        parts.append(
            f'<polyline points="{points}" fill="none" stroke="{colour}" stroke-width="2.5"{dash}/>'
        )
        for i, v in enumerate(values):
            parts.append(
                f'<circle cx="{px(i):.1f}" cy="{py(float(v)):.1f}" r="3.5" fill="{colour}"/>'
            )
        lx = left + 10 + offset * 110
        parts.append(
            f'<line x1="{lx}" x2="{lx + 24}" y1="{top + 8}" y2="{top + 8}" stroke="{colour}" '
            f'stroke-width="2.5"{dash}/>'
            f'<text x="{lx + 30}" y="{top + 12}" font-family="sans-serif" '
            f'font-size="12">{name}</text>'
        )
    parts.append("</svg>")
    return "\n".join(parts)
