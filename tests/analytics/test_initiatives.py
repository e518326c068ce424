"""Initiative effectiveness: outcomes by hand, bootstrap, regression against the truth."""

from __future__ import annotations

import itertools
import math

import numpy as np
import polars as pl
import pytest
from sklearn.linear_model import PoissonRegressor

from tellus.analytics.initiatives import (
    TRAITS,
    compare_initiative_types,
    exposure_outcomes,
    initiative_effects,
    initiative_regression,
    published_finding,
)
from tellus.analytics.validation import AnalyticsInputError
from tests.analytics.engagement_log import START, day, log

INITIATIVES = pl.DataFrame(
    {
        "initiative_id": [1, 2],
        "kind": ["task_based", "experiential"],
        "interaction": ["continuous", "spot"],
        "tools": ["lean", "rich"],
        "initiated_by": ["firm", "customer"],
    }
)


def test_outcomes_count_contributions_of_exposed_members_after_exposure() -> None:
    events = log(
        [
            {"day": 5, "member_id": 1, "kind": "poll.voted", "initiative_id": 1},
            {"day": 6, "member_id": 1, "kind": "idea.adopted", "initiative_id": 1, "value": 40.0},
            {"day": 1, "member_id": 2, "kind": "poll.voted", "initiative_id": 1},  # before exposure
            {"day": 7, "member_id": 2, "kind": "content.viewed", "initiative_id": 1},  # not one
            {"day": 8, "member_id": 3, "kind": "poll.voted", "initiative_id": 1},  # not exposed
            {"day": 9, "member_id": 2, "kind": "comment.posted", "initiative_id": 2},
        ]
    )
    exposures = pl.DataFrame(
        {
            "member_id": [1, 2, 2, 1],
            "initiative_id": [1, 1, 2, 1],
            "exposed_at": [day(0), day(2), day(0), day(3)],
            "tenure": [1.0, 2.0, 2.0, 1.0],
        }
    )
    kinds = ("poll.voted", "idea.adopted", "comment.posted")
    out = exposure_outcomes(
        events,
        exposures,
        INITIATIVES,
        contribution_kinds=kinds,
        kind_values={"poll.voted": 0.5, "comment.posted": 1.0},
        controls=["tenure"],
    ).sort("member_id", "initiative_id")
    assert out.select("member_id", "initiative_id", "contributions", "value").rows() == [
        (1, 1, 2, 40.5),  # one exposure though listed twice; the idea's own valuation
        (2, 1, 0, 0.0),
        (2, 2, 1, 1.0),
    ]
    assert out.get_column("kind").to_list() == ["task_based", "task_based", "experiential"]
    assert out.get_column("tenure").to_list() == [1.0, 2.0, 2.0]


def test_outcomes_refuse_unknown_initiatives_and_levels() -> None:
    events = log([{"day": 0, "member_id": 1, "kind": "poll.voted", "initiative_id": 1}])
    with pytest.raises(AnalyticsInputError, match="not in initiatives"):
        exposure_outcomes(
            events, pl.DataFrame({"member_id": [1], "initiative_id": [9]}), INITIATIVES
        )
    odd = INITIATIVES.with_columns(pl.lit("weekly").alias("interaction"))
    with pytest.raises(AnalyticsInputError, match="'interaction' must be spot or continuous"):
        exposure_outcomes(events, pl.DataFrame({"member_id": [1], "initiative_id": [1]}), odd)
    exposures = pl.DataFrame({"member_id": [1], "initiative_id": [1], "kind": [1.0]})
    with pytest.raises(AnalyticsInputError, match="names are taken"):
        exposure_outcomes(events, exposures, INITIATIVES, controls=["kind"])
    nan = pl.DataFrame({"member_id": [1], "initiative_id": [1], "age": [float("nan")]})
    with pytest.raises(AnalyticsInputError, match="NaN"):
        exposure_outcomes(events, nan, INITIATIVES, controls=["age"])
    with pytest.raises(AnalyticsInputError, match="unique"):
        exposure_outcomes(
            events,
            pl.DataFrame({"member_id": [1], "initiative_id": [1]}),
            pl.concat([INITIATIVES, INITIATIVES]),
        )


# --------------------------------------------------------------------------- simulated visitors


def simulate(
    effects: dict[str, float], *, exposures: int = 6000, seed: int = 3, spot: bool = True
) -> pl.DataFrame:
    """Exposures to initiatives of every trait combination, contributions drawn from a
    Poisson model with the given log rate ratios, through the real log and outcome code."""
    rng = np.random.default_rng(seed)
    combos = list(itertools.product(*TRAITS.values()))
    rows = [(i * 2 + r + 1, *c) for i, c in enumerate(combos) for r in range(2)]
    initiatives = pl.DataFrame(rows, schema=["initiative_id", *TRAITS], orient="row")
    if not spot:
        initiatives = initiatives.with_columns(pl.lit("continuous").alias("interaction"))
    exposed = pl.DataFrame(
        {
            "member_id": rng.integers(1, 3000, exposures),
            "initiative_id": rng.integers(1, len(rows) + 1, exposures),
            "tenure": rng.normal(size=exposures),
        }
    ).unique(["member_id", "initiative_id"], keep="first", maintain_order=True)
    o = exposed.join(initiatives, on="initiative_id")
    task = (o["kind"] == "task_based").to_numpy()
    cont = (o["interaction"] == "continuous").to_numpy()
    lean = (o["tools"] == "lean").to_numpy()
    log_rate = (
        -1.0
        + effects.get("task", 0) * task
        + effects.get("task_cont", 0) * task * cont
        + effects.get("task_lean", 0) * task * lean
        + effects.get("cont", 0) * cont
        + 0.2 * o["tenure"].to_numpy()
    )
    count = rng.poisson(np.exp(log_rate))
    events = pl.DataFrame(
        {
            "member_id": np.repeat(o["member_id"].to_numpy(), count),
            "initiative_id": np.repeat(o["initiative_id"].to_numpy(), count),
        }
    ).with_columns(
        kind=pl.lit("poll.voted"),
        occurred_at=pl.lit(START).cast(pl.Datetime("us", "UTC")),
        value=pl.lit(2.0),
    )
    return exposure_outcomes(events, exposed, initiatives, controls=["tenure"])


PUBLISHED = {"task": 0.4, "task_cont": 0.3, "task_lean": 0.3, "cont": -0.3}


def test_finding_holds_when_the_visitors_behave_as_published() -> None:
    verdicts = published_finding(simulate(PUBLISHED, exposures=20000), controls=["tenure"])
    assert verdicts.get_column("verdict").to_list() == ["holds"] * 4
    # the spot-over-continuous rate ratio for experiential initiatives is exp(0.3)
    spot = verdicts.filter(pl.col("term") == "continuous").row(0, named=True)
    assert spot["ci_low"] < math.exp(0.3) < spot["ci_high"]


def test_finding_is_contradicted_or_inconclusive_when_they_do_not() -> None:
    reversed_ = {"task": -0.4, "task_cont": -0.3, "task_lean": 0.0, "cont": 0.3}
    verdicts = published_finding(simulate(reversed_, exposures=20000), controls=["tenure"])
    assert verdicts.get_column("verdict").to_list() == [
        "contradicted",
        "contradicted",
        "inconclusive",
        "contradicted",
    ]


def test_finding_without_spot_platforms_is_not_testable_there() -> None:
    verdicts = published_finding(simulate(PUBLISHED, spot=False), controls=["tenure"])
    by_term = dict(verdicts.select("term", "verdict").iter_rows())
    assert by_term["task_based:continuous"] == "not testable"
    assert by_term["continuous"] == "not testable"
    assert by_term["task_based"] == "holds"


def test_regression_agrees_with_scikit_learn_and_recovers_the_truth() -> None:
    outcomes = simulate(PUBLISHED, exposures=20000)
    result = initiative_regression(outcomes, controls=["tenure"])
    ours = dict(result.coefficients.select("term", "estimate").iter_rows())
    names = [t for t in ours if t != "intercept"]
    design = np.column_stack(
        [
            (outcomes["kind"] == "task_based").to_numpy(),
            (outcomes["interaction"] == "continuous").to_numpy(),
            (outcomes["tools"] == "lean").to_numpy(),
            (outcomes["initiated_by"] == "customer").to_numpy(),
            (
                (outcomes["kind"] == "task_based") & (outcomes["interaction"] == "continuous")
            ).to_numpy(),
            ((outcomes["kind"] == "task_based") & (outcomes["tools"] == "lean")).to_numpy(),
            outcomes["tenure"].to_numpy(),
        ]
    ).astype(float)
    reference = PoissonRegressor(alpha=0.0, solver="newton-cholesky", tol=1e-12, max_iter=500)
    reference.fit(design, outcomes["contributions"].to_numpy())
    assert reference.intercept_ == pytest.approx(ours["intercept"], abs=1e-6)
    assert list(reference.coef_) == pytest.approx([ours[n] for n in names], abs=1e-6)
    se = dict(result.coefficients.select("term", "std_error").iter_rows())
    assert abs(ours["task_based"] - 0.4) < 3 * se["task_based"]
    assert abs(ours["continuous"] + 0.3) < 3 * se["continuous"]


def test_regression_with_one_contrast_is_the_log_ratio_of_means_with_sandwich_error() -> None:
    # only the type varies: the other traits are dropped; the estimate is log(m1 / m0) and the
    # robust variance sum((y - m)^2) / (n m)^2 per group, times n / (n - 2)
    y_task, y_exp = [0, 1, 3, 2, 4], [0, 0, 1, 2]
    frame = pl.DataFrame(
        {
            "member_id": list(range(9)),
            "initiative_id": [1] * 5 + [2] * 4,
            "kind": ["task_based"] * 5 + ["experiential"] * 4,
            "interaction": ["spot"] * 9,
            "tools": ["rich"] * 9,
            "initiated_by": ["firm"] * 9,
            "contributions": y_task + y_exp,
            "value": [0.0] * 9,
        }
    )
    result = initiative_regression(frame, cluster=None)
    assert set(result.dropped) >= {"continuous", "lean", "customer_initiated"}
    row = result.coefficients.filter(pl.col("term") == "task_based").row(0, named=True)
    m1, m0 = np.mean(y_task), np.mean(y_exp)
    assert row["estimate"] == pytest.approx(math.log(m1 / m0))
    var = sum((y - m1) ** 2 for y in y_task) / (5 * m1) ** 2
    var += sum((y - m0) ** 2 for y in y_exp) / (4 * m0) ** 2
    assert row["std_error"] == pytest.approx(math.sqrt(var * 9 / 7))


def test_regression_refuses_what_it_cannot_fit() -> None:
    outcomes = simulate(PUBLISHED, exposures=500)
    with pytest.raises(AnalyticsInputError, match="no contributions"):
        initiative_regression(outcomes.with_columns(pl.lit(0).alias("contributions")))
    with pytest.raises(AnalyticsInputError, match="negative"):
        initiative_regression(outcomes.with_columns(pl.lit(-1).alias("contributions")))
    with pytest.raises(AnalyticsInputError, match="do not vary"):
        initiative_regression(outcomes.filter(pl.col("initiative_id") == 1))
    with pytest.raises(AnalyticsInputError, match="missing column"):
        initiative_regression(outcomes, controls=["age"])


# --------------------------------------------------------------------------- bootstrap


def test_effects_by_type_with_intervals_around_the_means() -> None:
    outcomes = simulate(PUBLISHED)
    table = initiative_effects(outcomes, by="kind")
    for row in table.iter_rows(named=True):
        group = outcomes.filter(pl.col("kind") == row["kind"])
        assert row["exposed"] == group.height
        assert row["contributions_per_exposed"] == pytest.approx(group["contributions"].mean())
        assert row["value_per_exposed"] == pytest.approx(2 * row["contributions_per_exposed"])
        assert row["contributions_per_exposed_low"] < row["contributions_per_exposed"]
        assert row["contributions_per_exposed"] < row["contributions_per_exposed_high"]
        # the bootstrap interval of a mean is close to mean ± 1.96 sd / sqrt(n) for large n
        half = 1.96 * group["contributions"].std() / math.sqrt(group.height)  # type: ignore[operator]
        width = row["contributions_per_exposed_high"] - row["contributions_per_exposed_low"]
        assert width == pytest.approx(2 * half, rel=0.15)
    task, experiential = table.row(1, named=True), table.row(0, named=True)
    assert task["contributions_per_exposed_low"] > experiential["contributions_per_exposed_high"]


def test_bootstrap_is_reproducible_and_resampling_initiatives_is_wider() -> None:
    outcomes = simulate(PUBLISHED)
    a = initiative_effects(outcomes, by=["kind", "tools"], seed=11)
    assert a.equals(initiative_effects(outcomes, by=["kind", "tools"], seed=11))
    assert not a.equals(initiative_effects(outcomes, by=["kind", "tools"], seed=12))
    visitors = initiative_effects(outcomes, by="kind", resample="exposure")
    clusters = initiative_effects(outcomes, by="kind", resample="initiative")

    def width(t: pl.DataFrame) -> pl.Series:
        return t["contributions_per_exposed_high"] - t["contributions_per_exposed_low"]

    assert (width(clusters) > width(visitors)).all()


def test_compare_types_within_each_platform_trait() -> None:
    table = compare_initiative_types(simulate(PUBLISHED))
    rows = {(r["trait"], r["level"]): r for r in table.iter_rows(named=True)}
    assert next(iter(rows)) == ("all", "all")
    # task-based gains more on continuous and lean platforms
    assert rows[("interaction", "continuous")]["ratio"] > rows[("interaction", "spot")]["ratio"]
    assert rows[("tools", "lean")]["ratio"] > rows[("tools", "rich")]["ratio"]
    for r in rows.values():
        assert r["difference_low"] < r["difference"] < r["difference_high"]


def test_compare_types_leaves_a_one_sided_level_empty() -> None:
    table = compare_initiative_types(simulate(PUBLISHED).filter(pl.col("kind") == "task_based"))
    assert table.get_column("difference").null_count() == table.height


@pytest.mark.parametrize(
    ("kwargs", "message"),
    [
        ({"n_boot": 10}, "n_boot"),
        ({"n_boot": 10**9}, "n_boot"),
        ({"confidence": 1.0}, "confidence"),
        ({"resample": "member"}, "resample"),
        ({"by": "colour"}, "by must be"),
    ],
)
def test_effects_refuse_bad_parameters(kwargs: dict, message: str) -> None:
    with pytest.raises(AnalyticsInputError, match=message):
        initiative_effects(simulate(PUBLISHED, exposures=200), **kwargs)
