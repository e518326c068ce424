"""A synthetic engagement log with the exported columnar schema, vectorised and seeded.

    .venv/bin/python benchmarks/engagement_value/generate.py [--visitors N] [--events N] [--seed S]

writes .bench/engagement_value/events_<visitors>_<events>_<seed>.parquet (and
clv_<visitors>_<seed>.parquet, a CLV frame to add to). Activity per member is
Gamma-distributed (a few very active members, many quiet ones); every member
signs up once; some sign-ups and trips come through referrals or share links;
content views and share clicks are half anonymous.
"""

from __future__ import annotations

import argparse
import datetime as dt
import time
from pathlib import Path

import numpy as np
import polars as pl
from tqdm import tqdm

from tellus.analytics import EVENT_SCHEMA

ROOT = Path(__file__).resolve().parents[2]
BENCH = ROOT / ".bench" / "engagement_value"
START = dt.datetime(2024, 1, 1, tzinfo=dt.UTC)
DAYS = 730
AS_OF = START + dt.timedelta(days=DAYS)

#: Every kind but the sign-up, with its share of the other events.
KINDS = {
    "content.viewed": 0.36,
    "reaction.added": 0.10,
    "poll.voted": 0.08,
    "comment.posted": 0.06,
    "share.clicked": 0.06,
    "trip.recorded": 0.05,
    "share.created": 0.04,
    "content.submitted": 0.04,
    "contest.voted": 0.03,
    "survey.responded": 0.03,
    "content.approved": 0.025,
    "idea.endorsed": 0.02,
    "suggestion.made": 0.02,
    "idea.submitted": 0.01,
    "referral.invited": 0.01,
    "contest.entered": 0.01,
    "topic.posted": 0.0095,
    "idea.adopted": 0.0005,
}
CHANNELS = ["referral", "facebook", "x", "whatsapp", "email", "link", "web", "app"]
SHARE_CHANNELS = np.array([1, 2, 3, 4, 5])
INITIATIVES = 60
CONTRIBUTIONS = {
    "poll.voted", "comment.posted", "share.created", "content.submitted", "contest.voted",
    "survey.responded", "idea.endorsed", "suggestion.made", "idea.submitted",
    "referral.invited", "contest.entered", "topic.posted", "reaction.added",
}  # fmt: skip

SCHEMA = EVENT_SCHEMA


def events_path(visitors: int, events: int, seed: int) -> Path:
    return BENCH / f"events_{visitors}_{events}_{seed}.parquet"


def clv_path(visitors: int, seed: int) -> Path:
    return BENCH / f"clv_{visitors}_{seed}.parquet"


def _column(values: np.ndarray, missing: np.ndarray | None, name: str) -> pl.Series:
    series = pl.Series(name, values)
    if missing is None:
        return series
    return pl.select(
        pl.when(pl.lit(pl.Series(missing))).then(None).otherwise(pl.lit(series)).alias(name)
    ).to_series()


def generate(visitors: int, events: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """The log (``events`` rows, ``visitors`` members) and a CLV frame (member_id, clv)."""
    if events < visitors:
        raise ValueError("events must be at least visitors (every member signs up once)")
    rng = np.random.default_rng(seed)
    steps = tqdm(total=7, desc="generating log", unit="step")
    joined = rng.uniform(0, DAYS * 0.9, visitors)
    activity = rng.gamma(0.5, 1.0, visitors)
    weight = activity / activity.sum()
    n = events - visitors
    members = np.concatenate([np.arange(visitors), rng.choice(visitors, size=n, p=weight)]).astype(
        np.int64
    )
    names = list(KINDS)
    probs = np.array(list(KINDS.values()))
    codes = np.concatenate(
        [np.full(visitors, len(names)), rng.choice(len(names), size=n, p=probs / probs.sum())]
    ).astype(np.int32)
    names.append("member.signed_up")
    code = {k: i for i, k in enumerate(names)}
    steps.update()

    start = joined[members]
    days = start + rng.random(events) * (DAYS - start)
    days[:visitors] = joined  # the sign-up opens each member's record
    micros = (days * 86_400e6).astype(np.int64) + int(START.timestamp() * 1e6)
    steps.update()

    u = rng.random(events)
    sign_up = codes == code["member.signed_up"]
    trip = codes == code["trip.recorded"]
    viewed = codes == code["content.viewed"]
    clicked = codes == code["share.clicked"]
    referral = (sign_up & (u < 0.10)) | (trip & (u < 0.06))
    shared = (sign_up & (u >= 0.10) & (u < 0.18)) | (trip & (u >= 0.06) & (u < 0.10))
    attributed = referral | shared | viewed | clicked
    target = np.full(events, -1, dtype=np.int64)
    k = int(attributed.sum())
    target[attributed] = rng.choice(visitors, size=k, p=weight)
    self_credit = attributed & (target == members)
    target[self_credit] = (target[self_credit] + 1) % visitors
    anonymous = (viewed & (u < 0.5)) | (clicked & (u < 0.7))
    steps.update()

    channel = np.full(events, -1, dtype=np.int32)
    channel[referral] = 0
    share_like = shared | clicked | (codes == code["share.created"])
    channel[share_like] = rng.choice(SHARE_CHANNELS, size=int(share_like.sum()))
    plain_sign_up = sign_up & ~referral & ~shared
    channel[plain_sign_up] = rng.choice([6, 7], size=int(plain_sign_up.sum()))
    steps.update()

    value = np.full(events, np.nan)
    value[trip] = rng.gamma(2.0, 150.0, int(trip.sum()))
    adopted = (codes == code["idea.adopted"]) & (u < 0.5)
    value[adopted] = rng.uniform(100, 5000, int(adopted.sum()))
    contribution = np.isin(codes, [code[c] for c in CONTRIBUTIONS])
    with_initiative = contribution & (rng.random(events) < 0.3)
    initiative = rng.integers(1, INITIATIVES + 1, events)
    steps.update()

    kind = pl.Series("kind", names).gather(pl.Series(codes))
    channel_series = pl.Series("channel", CHANNELS).gather(pl.Series(np.maximum(channel, 0)))
    frame = pl.DataFrame(
        [
            pl.Series("event_id", np.arange(1, events + 1, dtype=np.int64)),
            _column(members + 1, anonymous, "member_id"),
            kind,
            pl.Series("occurred_at", micros).cast(pl.Datetime("us", "UTC")),
            _column(initiative, ~with_initiative, "initiative_id"),
            _column(channel_series.to_numpy(), channel < 0, "channel"),
            pl.Series("touchpoint", [None] * 0, dtype=pl.String).extend_constant(None, events),
            pl.Series("journey_stage", [None] * 0, dtype=pl.String).extend_constant(None, events),
            pl.Series("value", value).fill_nan(None),
            _column(target + 1, ~attributed, "attributed_to_id"),
        ]
    ).cast(SCHEMA)  # type: ignore[arg-type]
    steps.update()
    clv = pl.DataFrame(
        {
            "member_id": np.arange(1, visitors + 1, dtype=np.int64),
            "clv": rng.gamma(0.6, 400.0, visitors) * (activity > np.quantile(activity, 0.3)),
        }
    )
    steps.update()
    steps.close()
    return frame, clv


def load(visitors: int, events: int, seed: int = 0) -> tuple[pl.DataFrame, pl.DataFrame]:
    """Read the log from the cache, generating it first if needed."""
    path, clv_file = events_path(visitors, events, seed), clv_path(visitors, seed)
    if not (path.exists() and clv_file.exists()):
        BENCH.mkdir(parents=True, exist_ok=True)
        frame, clv = generate(visitors, events, seed)
        frame.write_parquet(path)
        clv.write_parquet(clv_file)
        return frame, clv
    return pl.read_parquet(path), pl.read_parquet(clv_file)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--visitors", type=int, default=1_000_000)
    parser.add_argument("--events", type=int, default=50_000_000)
    parser.add_argument("--seed", type=int, default=0)
    args = parser.parse_args()
    started = time.perf_counter()
    frame, _ = load(args.visitors, args.events, args.seed)
    print(
        f"{events_path(args.visitors, args.events, args.seed).name}: {frame.height:,} rows, "
        f"{frame.estimated_size() / 2**30:.2f} GiB in memory, "
        f"{time.perf_counter() - started:.1f} s"
    )


if __name__ == "__main__":
    main()
