"""Thumbnail benchmark: our media pipeline against libvips's ``vipsthumbnail``.

    bash benchmarks/thumbnails/setup_peer.sh          # once: installs libvips-tools if missing
    .venv/bin/python benchmarks/thumbnails/bench_thumbnails.py [--images 24] [--rounds 3]

Makes photograph-like 4000 x 3000 JPEGs (light gradients, detail at several
scales, sensor noise; quality 90; cached in .bench/thumbnails/) and turns each
into a 400-pixel-wide WebP (quality 80, no metadata), then measures images per
second on one core and on all cores:

- ours: ``process_image`` with one rendition width, i.e. sniffing, the header
  caps, JPEG DCT-scaled decoding, EXIF orientation, the rebuild from pixels and
  the WebP encode; one worker process per core;
- vipsthumbnail: ``--size 400x`` into ``.webp[Q=80,strip]``, with
  ``VIPS_CONCURRENCY=1`` and one process per core, each given its share of the
  files in one invocation (so process start-up is paid once per process);
  plus one process with libvips's own threads over all cores.

The one-core rows are pinned to one CPU (``taskset``, ``sched_setaffinity``)
for both tools.

Also shows our whole upload pipeline (four WebP sizes up to 2048, placeholder,
hash, flags) for scale. Each configuration runs ``--rounds`` times,
interleaved; the table shows the median rate, the CPU time per image (less
sensitive to other load on the machine) and the ratio to vipsthumbnail in the
same layout.
"""

from __future__ import annotations

import argparse
import os
import resource
import shutil
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable
from concurrent.futures import ProcessPoolExecutor
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from PIL import Image, ImageDraw
from tqdm import tqdm

ROOT = Path(__file__).resolve().parents[2]
sys.path.insert(0, str(ROOT / "src"))

from tellus.content.media import MediaLimits, process_image, process_media  # noqa: E402

BENCH = ROOT / ".bench" / "thumbnails"
WIDTH, HEIGHT, QUALITY = 4000, 3000, 90
THUMB_WIDTH, WEBP_QUALITY = 400, 80
#: The one-core rows run pinned to this CPU: libvips keeps helper threads even
#: with VIPS_CONCURRENCY=1, which would otherwise spill onto a second core.
ONE_CORE = {0}
THUMB_LIMITS = MediaLimits(rendition_widths=(THUMB_WIDTH,), webp_quality=WEBP_QUALITY)


def make_photo(seed: int) -> Image.Image:
    """A photograph-like picture: soft light, objects with edges at every scale, noise."""
    rng = np.random.default_rng(seed)
    field = np.full((HEIGHT, WIDTH, 3), 128.0, dtype=np.float32)
    for cells, weight in ((3, 110.0), (12, 45.0), (48, 24.0), (300, 20.0), (1000, 36.0)):
        grid = rng.integers(0, 256, (cells * 3 // 4 + 1, cells + 1, 3), dtype=np.uint8)
        layer = Image.fromarray(grid).resize((WIDTH, HEIGHT), Image.Resampling.BICUBIC)
        field += (np.asarray(layer, dtype=np.float32) - 127.5) * (weight / 255)
    field += rng.standard_normal(field.shape, dtype=np.float32) * 5
    light = Image.fromarray(np.clip(field, 0, 255).astype(np.uint8))
    # Objects: shapes from large to small with hard and soft edges, half-blended in.
    shapes = light.copy()
    draw = ImageDraw.Draw(shapes)
    for _ in range(300):
        size = int(WIDTH * rng.uniform(0.06, 0.4) ** 2)
        x, y = int(rng.integers(0, WIDTH)), int(rng.integers(0, HEIGHT))
        colour = tuple(int(c) for c in rng.integers(0, 256, 3))
        box = (x, y, x + size, y + int(size * rng.uniform(0.3, 1.5)))
        if rng.random() < 0.5:
            draw.ellipse(box, fill=colour)
        else:
            draw.rectangle(box, fill=colour)
    return Image.blend(light, shapes, 0.4)


def ensure_images(count: int) -> list[Path]:
    folder = BENCH / f"jpeg-{WIDTH}x{HEIGHT}-q{QUALITY}-v2"
    folder.mkdir(parents=True, exist_ok=True)
    paths = [folder / f"photo-{i:03d}.jpg" for i in range(count)]
    missing = [p for p in paths if not p.exists()]
    for path in tqdm(missing, desc="making 4000 x 3000 JPEGs", unit="img", disable=not missing):
        tmp = path.with_suffix(".tmp")
        make_photo(int(path.stem.split("-")[1])).save(tmp, "JPEG", quality=QUALITY)
        tmp.rename(path)
    return paths


# --- ours -------------------------------------------------------------------------------


def _warm_worker(_: int) -> None:
    """Import and touch the codecs once in each worker, outside the timing."""
    img = Image.new("RGB", (64, 48), "grey")
    img.save(os.devnull, "WEBP")


def _ours_thumbnail(source: str, out_dir: str) -> int:
    result = process_image(source, limits=THUMB_LIMITS, analyse=False)
    rendition = result.renditions[0]
    (Path(out_dir) / (Path(source).stem + ".webp")).write_bytes(rendition.data)
    return len(rendition.data)


def _ours_full(source: str, out_dir: str) -> int:
    result = process_media(source)
    return sum(len(r.data) for r in result.renditions)


TASKS: dict[str, Callable[[str, str], int]] = {"thumbnail": _ours_thumbnail, "full": _ours_full}


def _ours_share(task: str, sources: list[str], out_dir: str) -> tuple[float, list[int]]:
    """One worker's share of the files, in one call, as vipsthumbnail gets its share."""
    started = time.process_time()
    sizes = [TASKS[task](source, out_dir) for source in sources]
    return time.process_time() - started, sizes


def _pin(cpus: set[int] | None) -> None:
    if cpus is not None:
        os.sched_setaffinity(0, cpus)


def run_ours(
    task: str, paths: list[Path], workers: int, cpus: set[int] | None = None
) -> tuple[float, float, float]:
    """Wall seconds, CPU seconds and mean output bytes for all paths."""
    pool = ProcessPoolExecutor(workers, initializer=_pin, initargs=(cpus,))
    with tempfile.TemporaryDirectory() as out_dir, pool:
        list(pool.map(_warm_worker, range(workers)))
        shares = [[str(p) for p in paths[i::workers]] for i in range(workers)]
        started = time.perf_counter()
        futures = [pool.submit(_ours_share, task, share, out_dir) for share in shares]
        results = [future.result() for future in futures]
        wall = time.perf_counter() - started
    sizes = [size for _, share_sizes in results for size in share_sizes]
    return wall, sum(cpu for cpu, _ in results), statistics.mean(sizes)


# --- vipsthumbnail ----------------------------------------------------------------------


def run_vips(
    paths: list[Path], processes: int, threads: int, cpus: set[int] | None = None
) -> tuple[float, float, float]:
    env = {**os.environ, "VIPS_CONCURRENCY": str(threads)}
    with tempfile.TemporaryDirectory() as out_dir:
        target = f"{out_dir}/%s.webp[Q={WEBP_QUALITY},strip]"
        shares = [paths[i::processes] for i in range(processes)]
        pin = ["taskset", "-c", ",".join(map(str, sorted(cpus)))] if cpus is not None else []
        before = resource.getrusage(resource.RUSAGE_CHILDREN)
        started = time.perf_counter()
        running = [
            subprocess.Popen(
                [
                    *pin,
                    "vipsthumbnail",
                    *map(str, share),
                    "--size",
                    f"{THUMB_WIDTH}x",
                    "-o",
                    target,
                ],
                env=env,
            )
            for share in shares
        ]
        for process in running:
            if process.wait() != 0:
                raise SystemExit(f"vipsthumbnail failed with code {process.returncode}")
        wall = time.perf_counter() - started
        after = resource.getrusage(resource.RUSAGE_CHILDREN)
        outputs = list(Path(out_dir).glob("*.webp"))
        if len(outputs) != len(paths):
            raise SystemExit(f"vipsthumbnail wrote {len(outputs)} files for {len(paths)}")
        sizes = [p.stat().st_size for p in outputs]
        with Image.open(outputs[0]) as check:
            if check.width != THUMB_WIDTH:
                raise SystemExit(f"vipsthumbnail made {check.size}, expected width {THUMB_WIDTH}")
    cpu = (after.ru_utime - before.ru_utime) + (after.ru_stime - before.ru_stime)
    return wall, cpu, statistics.mean(sizes)


# --- table ------------------------------------------------------------------------------


@dataclass
class Row:
    name: str
    cores: int
    peer: str | None
    walls: list[float]
    cpus: list[float]
    size: float = 0.0


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n\n")[0])
    parser.add_argument("--images", type=int, default=24, help="JPEGs per run (default 24)")
    parser.add_argument("--rounds", type=int, default=3, help="runs per configuration")
    parser.add_argument("--cores", type=int, default=os.cpu_count() or 1, help="'all cores'")
    args = parser.parse_args()
    if shutil.which("vipsthumbnail") is None:
        raise SystemExit("vipsthumbnail not found: run benchmarks/thumbnails/setup_peer.sh")
    if args.images < 1 or args.rounds < 1 or args.cores < 1:
        raise SystemExit("--images, --rounds and --cores must be at least 1")

    paths = ensure_images(args.images)
    version = subprocess.run(
        ["vipsthumbnail", "--vips-version"], capture_output=True, text=True, check=True
    ).stdout.strip()
    all_cores = args.cores
    configs: dict[str, tuple[Row, Callable[[], tuple[float, float, float]]]] = {
        "ours-1": (
            Row("ours: 400 px WebP", 1, "vips-1", [], []),
            lambda: run_ours("thumbnail", paths, 1, ONE_CORE),
        ),
        "vips-1": (
            Row("vipsthumbnail, VIPS_CONCURRENCY=1", 1, None, [], []),
            lambda: run_vips(paths, 1, 1, ONE_CORE),
        ),
        "ours-n": (
            Row(f"ours: 400 px WebP, {all_cores} processes", all_cores, "vips-n", [], []),
            lambda: run_ours("thumbnail", paths, all_cores),
        ),
        "vips-n": (
            Row(f"vipsthumbnail, {all_cores} processes x 1 thread", all_cores, None, [], []),
            lambda: run_vips(paths, all_cores, 1),
        ),
        "vips-threads": (
            Row(f"vipsthumbnail, 1 process x {all_cores} threads", all_cores, None, [], []),
            lambda: run_vips(paths, 1, all_cores),
        ),
        "full-1": (
            Row("ours: whole upload pipeline (4 sizes, hash, flags)", 1, "vips-1", [], []),
            lambda: run_ours("full", paths, 1, ONE_CORE),
        ),
    }
    with tqdm(total=args.rounds * len(configs), desc="measuring", unit="run") as progress:
        for _ in range(args.rounds):
            for row, run in configs.values():
                wall, cpu, size = run()
                row.walls.append(wall)
                row.cpus.append(cpu)
                row.size = size
                progress.update()

    n = len(paths)
    print()
    print(
        f"{n} JPEGs of {WIDTH} x {HEIGHT} (quality {QUALITY}) to a {THUMB_WIDTH}-pixel-wide "
        f"WebP (quality {WEBP_QUALITY}); median of {args.rounds} rounds; {version}; "
        f"{os.cpu_count()} CPUs"
    )
    print()
    header = (
        f"| {'configuration':<52} | cores | images/s | best images/s | CPU ms/image | WebP KB "
        f"| rate vs vipsthumbnail | CPU vs vipsthumbnail |"
    )
    print(header)
    print("|" + "|".join("-" * (len(part)) for part in header.split("|")[1:-1]) + "|")
    rates = {key: n / statistics.median(row.walls) for key, (row, _) in configs.items()}
    best = {key: n / min(row.walls) for key, (row, _) in configs.items()}
    cpu_ms = {key: 1000 * statistics.median(row.cpus) / n for key, (row, _) in configs.items()}
    for key, (row, _) in configs.items():
        if row.peer is not None:
            rate_ratio = f"{rates[key] / rates[row.peer]:.2f}x"
            cpu_ratio = f"{cpu_ms[row.peer] / cpu_ms[key]:.2f}x"
        else:
            rate_ratio = cpu_ratio = "(peer)"
        print(
            f"| {row.name:<52} | {row.cores:>5} | {rates[key]:>8.1f} | {best[key]:>13.1f} "
            f"| {cpu_ms[key]:>12.1f} "
            f"| {row.size / 1024:>7.1f} | {rate_ratio:>21} | {cpu_ratio:>20} |"
        )
    print()
    print(
        "Ratios above 1 mean ours is faster; 'rate vs' compares median rates. "
        "'CPU vs' compares CPU time per image "
        "(vipsthumbnail's / ours). The whole-pipeline row is compared with the "
        "one-core 400 px peer for scale only: it makes four sizes, not one."
    )


if __name__ == "__main__":
    main()
