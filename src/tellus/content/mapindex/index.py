"""The map's cluster index: build, query a view, apply changes, share between workers."""

from __future__ import annotations

import hashlib
import io
import json
import math
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from numpy.typing import ArrayLike, NDArray
from scipy.spatial import cKDTree

from ._build import ROWS_PER_TILE, Hierarchy, build_hierarchy
from ._geo import (
    FloatArray,
    IntArray,
    as_float_array,
    as_id_array,
    check_positions,
    check_zoom,
    lat_to_y,
    lon_to_x,
    normalise_bbox,
    x_to_lon,
    y_to_lat,
)

FORMAT = "tellus-mapindex"
FORMAT_VERSION = 1
#: More points than this is not a map of one destination, nor of the world's.
MAX_POINTS = 20_000_000
#: Changes kept as an overlay before ``with_changes`` rebuilds by itself.
DEFAULT_MAX_DELTA = 10_000
#: A view larger than this many pixels a side is refused: it would return
#: every point of a region at a zoom meant for a street.
DEFAULT_MAX_VIEW_PIXELS = 8192

_EMPTY_I = np.zeros(0, dtype=np.int64)
_EMPTY_F = np.zeros(0, dtype=np.float64)


@dataclass(frozen=True)
class ClusterOptions:
    """Supercluster's options, with its defaults except the tile size (Leaflet's 256)."""

    radius: float = 40.0  # cluster radius in pixels
    tile_size: int = 256  # pixels of a map tile: 256 (Leaflet, raster) or 512 (vector)
    min_zoom: int = 0
    max_zoom: int = 16  # last zoom with clusters; beyond it every point is shown
    min_points: int = 2  # fewest points that make a cluster

    def __post_init__(self) -> None:
        if isinstance(self.tile_size, bool) or self.tile_size not in (256, 512):
            raise ValueError(f"tile_size must be 256 or 512, got {self.tile_size!r}")
        if (
            isinstance(self.radius, bool)
            or not isinstance(self.radius, int | float)
            or not math.isfinite(self.radius)
            or not 1.0 <= self.radius <= self.tile_size
        ):
            raise ValueError(f"radius must be 1 to {self.tile_size} pixels, got {self.radius!r}")
        for name in ("min_zoom", "max_zoom", "min_points"):
            value = getattr(self, name)
            if isinstance(value, bool) or not isinstance(value, int):
                raise ValueError(f"{name} must be an integer, got {value!r}")
        if not 0 <= self.min_zoom <= self.max_zoom <= 22:
            raise ValueError(
                f"zooms must satisfy 0 <= min_zoom <= max_zoom <= 22, "
                f"got {self.min_zoom} and {self.max_zoom}"
            )
        if not 2 <= self.min_points <= 10_000:
            raise ValueError(f"min_points must be 2 to 10000, got {self.min_points}")

    def radius_at(self, zoom: int) -> float:
        """The radius in Mercator units (the world is 1 wide) at a zoom."""
        return self.radius / (self.tile_size * 2.0**zoom)


@dataclass(slots=True)
class MapView:
    """What a map shows for one view: clusters and single points, as columns."""

    zoom: int
    cluster_ids: IntArray
    cluster_counts: IntArray
    cluster_lon: FloatArray
    cluster_lat: FloatArray
    #: The zoom at which a cluster splits: where the map goes on a click.
    cluster_expansion_zoom: IntArray
    point_ids: IntArray
    point_lon: FloatArray
    point_lat: FloatArray

    @property
    def total(self) -> int:
        """Points represented in the view, clustered or not."""
        return int(self.cluster_counts.sum()) + int(self.point_ids.size)

    def __len__(self) -> int:
        return int(self.cluster_ids.size + self.point_ids.size)


@dataclass(frozen=True)
class _Delta:
    """Changes since the build: removed points (by position) and added points."""

    removed: IntArray = field(default_factory=lambda: _EMPTY_I)  # sorted positions
    add_ids: IntArray = field(default_factory=lambda: _EMPTY_I)  # sorted
    add_lon: FloatArray = field(default_factory=lambda: _EMPTY_F)
    add_lat: FloatArray = field(default_factory=lambda: _EMPTY_F)

    @property
    def size(self) -> int:
        return int(self.removed.size + self.add_ids.size)


class MapIndex:
    """Server-side clusters for a map, over points given as (id, longitude, latitude).

    Build it with :meth:`build`, ask it for a view with :meth:`clusters`,
    apply items published or withdrawn with :meth:`with_changes` (an overlay
    that costs microseconds; it rebuilds by itself past ``max_delta``
    changes), and hand it to other workers with :meth:`to_bytes` and
    :meth:`from_bytes`. An index is never changed in place, so a worker can
    keep answering from one while the next is built.
    """

    def __init__(
        self, options: ClusterOptions, hierarchy: Hierarchy, base_etag: str, delta: _Delta
    ) -> None:
        self._options = options
        self._h = hierarchy
        self._n = int(hierarchy.level_offsets[-1] - hierarchy.level_offsets[-2])
        self._base_etag = base_etag
        self._delta = delta
        self._id_order: tuple[IntArray, IntArray] | None = None
        self._prepare_delta()

    # ----------------------------------------------------------------- build

    @classmethod
    def build(
        cls,
        ids: ArrayLike,
        lon: ArrayLike,
        lat: ArrayLike,
        options: ClusterOptions | None = None,
        *,
        progress: bool = False,
    ) -> MapIndex:
        """Cluster the points at every zoom. Positions must already be the ones we may show."""
        opts = options or ClusterOptions()
        id_arr = as_id_array(ids)
        lon_arr = as_float_array(lon, "lon")
        lat_arr = as_float_array(lat, "lat")
        if id_arr.size != lon_arr.size:
            raise ValueError(f"ids and lon differ in length ({id_arr.size} and {lon_arr.size})")
        check_positions(lon_arr, lat_arr)
        if id_arr.size > MAX_POINTS:
            raise ValueError(f"{id_arr.size} points is more than the {MAX_POINTS} an index holds")
        if id_arr.size > 1:
            sorted_ids = np.sort(id_arr)
            dup = sorted_ids[1:] == sorted_ids[:-1]
            if dup.any():
                raise ValueError(f"ids must be unique; {int(sorted_ids[1:][dup][0])} repeats")
        zooms: Any = range(opts.max_zoom, opts.min_zoom - 1, -1)
        if progress:
            from tqdm import tqdm

            zooms = tqdm(zooms, desc="clustering", unit="zoom", leave=False)
        hierarchy = build_hierarchy(
            id_arr,
            lon_to_x(lon_arr),
            lat_to_y(lat_arr),
            lon_arr,
            lat_arr,
            radius_px=float(opts.radius),
            tile_size=opts.tile_size,
            min_zoom=opts.min_zoom,
            max_zoom=opts.max_zoom,
            min_points=opts.min_points,
            zooms=zooms,
        )
        n = id_arr.size
        # The etag hashes the points in id order: the same points give the same etag.
        order = np.argsort(hierarchy.ids[:n], kind="stable")
        digest = hashlib.blake2b(digest_size=16)
        digest.update(json.dumps(opts.__dict__, sort_keys=True).encode())
        for arr in (hierarchy.ids[:n], hierarchy.lon[:n], hierarchy.lat[:n]):
            digest.update(arr[order].tobytes())
        index = cls(opts, hierarchy, digest.hexdigest(), _Delta())
        index._id_order = (hierarchy.ids[:n][order], order)
        return index

    # ------------------------------------------------------------ properties

    @property
    def options(self) -> ClusterOptions:
        return self._options

    @property
    def size(self) -> int:
        """Points on the map, changes included."""
        return self._n - int(self._delta.removed.size) + int(self._delta.add_ids.size)

    @property
    def pending_changes(self) -> int:
        """Changes held in the overlay (removed plus added points) until the next rebuild."""
        return self._delta.size

    @property
    def etag(self) -> str:
        """Changes whenever what the map shows may change: use it as the HTTP ETag."""
        if not self._delta.size:
            return self._base_etag
        digest = hashlib.blake2b(self._base_etag.encode(), digest_size=16)
        d = self._delta
        for arr in (d.removed, d.add_ids, d.add_lon, d.add_lat):
            digest.update(arr.tobytes())
        return digest.hexdigest()

    # ----------------------------------------------------------------- query

    def clusters(
        self,
        bbox: Sequence[float],
        zoom: int,
        *,
        max_view_pixels: int = DEFAULT_MAX_VIEW_PIXELS,
    ) -> MapView:
        """Clusters and single points whose positions fall in bbox (west, south, east, north).

        West greater than east, or longitudes beyond +-180, is a view across
        the antimeridian. Zooms below min_zoom show min_zoom's clusters;
        zooms above max_zoom show every point.
        """
        ranges, y_min, y_max, width = normalise_bbox(bbox)
        z = check_zoom(zoom)
        opts = self._options
        world_px = opts.tile_size * 2.0**z
        width_px = min(width, 360.0) / 360.0 * world_px
        height_px = (y_max - y_min) * world_px
        if max(width_px, height_px) > max_view_pixels:
            raise ValueError(
                f"the view is {width_px:.0f} x {height_px:.0f} pixels at zoom {z}; "
                f"at most {max_view_pixels} a side"
            )
        level = min(max(z, opts.min_zoom), opts.max_zoom + 1)
        if self._delta.size:
            return self._query_with_delta(z, level, ranges, y_min, y_max)
        items = self._range(level, ranges, y_min, y_max)
        h = self._h
        point = items < self._n
        ci, cf = h.rec_i[items[~point]], h.rec_f[items[~point]]
        pi, pf = h.rec_i[items[point], 0], h.rec_f[items[point]]
        return MapView(z, ci[:, 0], ci[:, 1], cf[:, 0], cf[:, 1], ci[:, 2], pi, pf[:, 0], pf[:, 1])

    def _range(
        self, level: int, ranges: list[tuple[float, float]], y_min: float, y_max: float
    ) -> NDArray[np.int32]:
        """Items of a level within the x ranges and y_min..y_max, via the sorted row keys."""
        h = self._h
        li = level - self._options.min_zoom
        lo_off = int(h.level_offsets[li])
        hi_off = int(h.level_offsets[li + 1])
        keys = h.level_keys[lo_off:hi_off]
        level_items = h.level_items[lo_off:hi_off]
        rows_total = ROWS_PER_TILE << level
        r0 = min(max(math.floor(y_min * rows_total), 0), rows_total - 1)
        r1 = min(max(math.floor(y_max * rows_total), 0), rows_total - 1)
        # Row r holds keys 2r + x: search [2r + a, 2r + b] for each x range (a, b).
        edges = []
        for a, b in ranges:
            edges += [max(a, 0.0), min(b, 1.0)]
        rows = np.arange(2 * r0, 2 * r1 + 1, 2, dtype=np.float64)
        bounds = rows[:, None] + edges
        bounds[:, 1::2] = np.nextafter(bounds[:, 1::2], np.inf)  # include keys equal to 2r + b
        found = np.searchsorted(keys, bounds.ravel()).tolist()
        parts = [level_items[i:j] for i, j in zip(found[0::2], found[1::2], strict=True) if j > i]
        if not parts:
            return level_items[:0]
        items = np.concatenate(parts) if len(parts) > 1 else parts[0]
        y = h.y[items]
        return items[(y >= y_min) & (y <= y_max)]

    # ---------------------------------------------------------------- changes

    def with_changes(
        self,
        *,
        upsert_ids: ArrayLike = (),
        upsert_lon: ArrayLike = (),
        upsert_lat: ArrayLike = (),
        remove_ids: ArrayLike = (),
        max_delta: int = DEFAULT_MAX_DELTA,
    ) -> MapIndex:
        """A new index with points added or moved (upsert) and removed.

        The changes are an overlay merged at query time: a removed point leaves
        every cluster that held it (count and centroid), an added point joins
        the nearest cluster within the radius at each zoom or shows alone.
        Grouping is not redone until the next rebuild, which happens here once
        the overlay passes ``max_delta`` changes (or call :meth:`compacted`).
        Removing an id that is not on the map does nothing.
        """
        uids = as_id_array(upsert_ids, "upsert_ids")
        ulon = as_float_array(upsert_lon, "upsert_lon")
        ulat = as_float_array(upsert_lat, "upsert_lat")
        if not uids.size == ulon.size == ulat.size:
            raise ValueError(
                f"upsert_ids, upsert_lon and upsert_lat differ in length "
                f"({uids.size}, {ulon.size}, {ulat.size})"
            )
        check_positions(ulon, ulat)
        rids = as_id_array(remove_ids, "remove_ids")
        if isinstance(max_delta, bool) or not isinstance(max_delta, int) or max_delta < 0:
            raise ValueError(f"max_delta must be a non-negative integer, got {max_delta!r}")
        if uids.size + rids.size > MAX_POINTS:
            raise ValueError(f"more than {MAX_POINTS} changes at once")
        order = np.argsort(uids, kind="stable")
        uids, ulon, ulat = uids[order], ulon[order], ulat[order]
        if uids.size > 1 and (uids[1:] == uids[:-1]).any():
            dup = uids[1:][uids[1:] == uids[:-1]][0]
            raise ValueError(f"upsert_ids must be unique; {int(dup)} repeats")
        both = np.intersect1d(uids, rids)
        if both.size:
            raise ValueError(f"id {int(both[0])} is both upserted and removed")
        touched = np.union1d(uids, rids)

        d = self._delta
        sorted_ids, positions = self._id_lookup()
        j = np.minimum(np.searchsorted(sorted_ids, touched), max(self._n - 1, 0))
        found = sorted_ids[j] == touched if self._n else np.zeros(touched.size, dtype=bool)
        removed = np.union1d(d.removed, positions[j[found]])
        keep = ~np.isin(d.add_ids, touched)
        add_ids = np.concatenate([d.add_ids[keep], uids])
        add_lon = np.concatenate([d.add_lon[keep], ulon])
        add_lat = np.concatenate([d.add_lat[keep], ulat])
        o = np.argsort(add_ids, kind="stable")
        delta = _Delta(removed=removed, add_ids=add_ids[o], add_lon=add_lon[o], add_lat=add_lat[o])
        out = MapIndex(self._options, self._h, self._base_etag, delta)
        out._id_order = self._id_order
        if delta.size > max_delta:
            return out.compacted()
        return out

    def compacted(self) -> MapIndex:
        """A fresh build of the points with the overlay applied (a rebuild)."""
        if not self._delta.size:
            return self
        n = self._n
        keep = np.ones(n, dtype=bool)
        keep[self._delta.removed] = False
        h, d = self._h, self._delta
        return MapIndex.build(
            np.concatenate([h.ids[:n][keep], d.add_ids]),
            np.concatenate([h.lon[:n][keep], d.add_lon]),
            np.concatenate([h.lat[:n][keep], d.add_lat]),
            self._options,
        )

    def _id_lookup(self) -> tuple[IntArray, IntArray]:
        """Point ids sorted, and the position of each: made once, shared by later indexes."""
        if self._id_order is None:
            order = np.argsort(self._h.ids[: self._n], kind="stable")
            self._id_order = (self._h.ids[: self._n][order], order)
        return self._id_order

    def _prepare_delta(self) -> None:
        d, h = self._delta, self._h
        self._add_x = lon_to_x(d.add_lon)
        self._add_y = lat_to_y(d.add_lat)
        zero = np.zeros(1)
        self._rm_x = np.concatenate([zero, np.cumsum(h.x[d.removed])])
        self._rm_y = np.concatenate([zero, np.cumsum(h.y[d.removed])])
        self._rm_pos = np.concatenate([[0], np.cumsum(d.removed)]).astype(np.int64)

    def _query_with_delta(
        self,
        z: int,
        level: int,
        ranges: list[tuple[float, float]],
        y_min: float,
        y_max: float,
    ) -> MapView:
        h, d, opts = self._h, self._delta, self._options
        merge = level <= opts.max_zoom and d.add_ids.size > 0
        r = opts.radius_at(level) if merge else 0.0
        # Look a radius further out: a cluster just outside may take a point inside.
        wide = [(a - r, b + r) for a, b in ranges]
        items = self._range(level, wide, y_min - r, y_max + r).astype(np.int64)
        count = h.count[items]
        ids = h.ids[items]
        lon, lat = h.lon[items], h.lat[items]  # copies: edited below
        sx, sy = h.x[items] * count, h.y[items] * count
        changed = np.zeros(items.size, dtype=bool)
        if d.removed.size:
            start = h.start[items]
            a = np.searchsorted(d.removed, start, "left")
            b = np.searchsorted(d.removed, start + count, "left")
            gone = b - a
            if gone.any():
                left = count - gone
                sx = sx - (self._rm_x[b] - self._rm_x[a])
                sy = sy - (self._rm_y[b] - self._rm_y[a])
                changed = gone > 0
                single = (left == 1) & (count >= 2)
                if single.any():
                    s, c = start[single], count[single]
                    span = c * s + c * (c - 1) // 2
                    pos = span - (self._rm_pos[b[single]] - self._rm_pos[a[single]])
                    items[single], ids[single] = pos, h.ids[pos]
                    sx[single], sy[single] = h.x[pos], h.y[pos]
                    lon[single], lat[single] = h.lon[pos], h.lat[pos]
                    changed[single] = False
                keep = left > 0
                items, ids, count, lon, lat = (
                    items[keep],
                    ids[keep],
                    left[keep],
                    lon[keep],
                    lat[keep],
                )
                sx, sy, changed = sx[keep], sy[keep], changed[keep]
        x, y = sx / np.maximum(count, 1), sy / np.maximum(count, 1)
        is_cluster = count >= 2

        ax, ay = self._add_x, self._add_y
        near = _in_ranges(ax, ay, wide, y_min - r, y_max + r)
        a_ids, a_lon, a_lat = d.add_ids[near], d.add_lon[near], d.add_lat[near]
        ax, ay = ax[near], ay[near]
        if merge and a_ids.size and is_cluster.any():
            cl = np.flatnonzero(is_cluster)
            tree = cKDTree(np.column_stack([x[cl], y[cl]]))
            dist, j = tree.query(np.column_stack([ax, ay]), distance_upper_bound=r)
            hit = np.isfinite(dist)
            target = cl[j[hit]]
            m = items.size
            sx = x * count + np.bincount(target, weights=ax[hit], minlength=m)
            sy = y * count + np.bincount(target, weights=ay[hit], minlength=m)
            count = count + np.bincount(target, minlength=m)
            x, y = sx / count, sy / count
            changed[target] = True
            a_ids, a_lon, a_lat, ax, ay = (
                a_ids[~hit],
                a_lon[~hit],
                a_lat[~hit],
                ax[~hit],
                ay[~hit],
            )
        lon = np.where(changed, x_to_lon(x), lon)
        lat = np.where(changed, y_to_lat(y), lat)

        inside = _in_ranges(x, y, ranges, y_min, y_max)
        show_c = inside & is_cluster
        show_p = inside & ~is_cluster
        a_in = _in_ranges(ax, ay, ranges, y_min, y_max)
        return MapView(
            zoom=z,
            cluster_ids=ids[show_c],
            cluster_counts=count[show_c],
            cluster_lon=lon[show_c],
            cluster_lat=lat[show_c],
            cluster_expansion_zoom=h.expansion[items[show_c]],
            point_ids=np.concatenate([ids[show_p], a_ids[a_in]]),
            point_lon=np.concatenate([lon[show_p], a_lon[a_in]]),
            point_lat=np.concatenate([lat[show_p], a_lat[a_in]]),
        )

    # ----------------------------------------------------------- serialising

    _ARRAYS = ("x", "y", "start", "rec_i", "rec_f", "level_keys", "level_items", "level_offsets")

    def to_bytes(self) -> bytes:
        """The index as bytes (NumPy's .npz, no pickles): for a file or the cache."""
        meta = {
            "format": FORMAT,
            "version": FORMAT_VERSION,
            "options": self._options.__dict__,
            "base_etag": self._base_etag,
        }
        arrays: dict[str, Any] = {name: getattr(self._h, name) for name in self._ARRAYS}
        arrays["meta"] = np.frombuffer(json.dumps(meta).encode(), dtype=np.uint8)
        d = self._delta
        arrays.update(
            d_removed=d.removed, d_add_ids=d.add_ids, d_add_lon=d.add_lon, d_add_lat=d.add_lat
        )
        buf = io.BytesIO()
        np.savez(buf, allow_pickle=False, **arrays)
        return buf.getvalue()

    @classmethod
    def from_bytes(cls, data: bytes) -> MapIndex:
        """Load an index made by :meth:`to_bytes`; anything else is refused with ValueError."""
        if not isinstance(data, bytes | bytearray | memoryview):
            raise ValueError(f"a map index is bytes, got {type(data).__name__}")
        raw = bytes(data)
        try:
            # Stored members only, none larger than the blob: no decompression bomb.
            with zipfile.ZipFile(io.BytesIO(raw)) as archive:
                for info in archive.infolist():
                    if info.compress_type != zipfile.ZIP_STORED or info.file_size > len(raw):
                        raise ValueError(f"{info.filename} is compressed or oversized")
            loaded = np.load(io.BytesIO(raw), allow_pickle=False)
            if not isinstance(loaded, np.lib.npyio.NpzFile):
                raise ValueError("it holds a single array, not an index")
            with loaded as npz:
                arrays = {name: npz[name] for name in npz.files}
        except (OSError, ValueError, EOFError, zipfile.BadZipFile, KeyError) as exc:
            raise ValueError(f"not a map index: {exc}") from None
        return cls._from_arrays(arrays)

    @classmethod
    def _from_arrays(cls, arrays: dict[str, NDArray[Any]]) -> MapIndex:
        def need(name: str, kind: str, width: int = 0) -> NDArray[Any]:
            if name not in arrays:
                raise ValueError(f"not a map index: {name} is missing")
            arr = arrays[name]
            shape_ok = arr.ndim == 1 if not width else arr.ndim == 2 and arr.shape[1] == width
            if not shape_ok or arr.dtype.kind != kind:
                raise ValueError(f"not a map index: {name} has the wrong type or shape")
            return arr

        try:
            meta = json.loads(need("meta", "u").tobytes())
            if meta.get("format") != FORMAT:
                raise ValueError("not a map index: wrong format name")
            if meta.get("version") != FORMAT_VERSION:
                raise ValueError(f"map index format {meta.get('version')} is not {FORMAT_VERSION}")
            options = ClusterOptions(**meta["options"])
            base_etag = str(meta["base_etag"])
        except (json.JSONDecodeError, UnicodeDecodeError, TypeError, KeyError) as exc:
            raise ValueError(f"not a map index: bad metadata ({exc})") from None
        h = Hierarchy(
            x=need("x", "f").astype(np.float64, copy=False),
            y=need("y", "f").astype(np.float64, copy=False),
            start=need("start", "i").astype(np.int64, copy=False),
            rec_i=np.ascontiguousarray(need("rec_i", "i", 3), dtype=np.int64),
            rec_f=np.ascontiguousarray(need("rec_f", "f", 2), dtype=np.float64),
            level_keys=need("level_keys", "f").astype(np.float64, copy=False),
            level_items=need("level_items", "i").astype(np.int32, copy=False),
            level_offsets=need("level_offsets", "i").astype(np.int64, copy=False),
        )
        total = h.x.size
        levels = options.max_zoom - options.min_zoom + 2
        offsets = h.level_offsets
        ok = (
            h.y.size == h.start.size == h.rec_i.shape[0] == h.rec_f.shape[0] == total
            and offsets.size == levels + 1
            and offsets[0] == 0
            and bool(np.all(np.diff(offsets) >= 0))
            and offsets[-1] == h.level_keys.size == h.level_items.size
        )
        if not ok:
            raise ValueError("not a map index: its arrays do not fit together")
        n = int(offsets[-1] - offsets[-2])
        if n > total or (
            h.level_items.size and (h.level_items.min() < 0 or h.level_items.max() >= total)
        ):
            raise ValueError("not a map index: item numbers out of range")
        if total and (h.start.min() < 0 or h.count.min() < 1 or (h.start + h.count).max() > n):
            raise ValueError("not a map index: point ranges out of range")
        d = _Delta(
            removed=need("d_removed", "i").astype(np.int64),
            add_ids=need("d_add_ids", "i").astype(np.int64),
            add_lon=need("d_add_lon", "f").astype(np.float64),
            add_lat=need("d_add_lat", "f").astype(np.float64),
        )
        if d.removed.size and (d.removed.min() < 0 or d.removed.max() >= n):
            raise ValueError("not a map index: removed points out of range")
        if not d.add_ids.size == d.add_lon.size == d.add_lat.size:
            raise ValueError("not a map index: added points do not fit together")
        return cls(options, h, base_etag, d)


def _in_ranges(
    x: FloatArray, y: FloatArray, ranges: list[tuple[float, float]], y_min: float, y_max: float
) -> NDArray[np.bool_]:
    inside = np.zeros(x.size, dtype=bool)
    for a, b in ranges:
        inside |= (x >= a) & (x <= b)
    return inside & (y >= y_min) & (y <= y_max)
