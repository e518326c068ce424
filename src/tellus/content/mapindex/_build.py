"""Build the cluster hierarchy, one zoom at a time, from the points up.

At each zoom z from max_zoom down to min_zoom the items visible at z + 1
(points and clusters) are grouped:

1. Items whose Mercator positions share a pool cell (a square a quarter of
   the radius wide, so all of them are within 0.36 radius of each other, and
   would fall in one cluster in nearly every greedy order) are pooled first.
   This bounds the number of neighbour pairs to a few dozen per pool: a
   thousand photos taken at one viewpoint, or coarsened onto the same grid
   centre, are one pool, not half a million pairs (the benchmark's towns
   gave 35 million pairs with cells of 1/16 radius, 5.6 million with 1/4).
2. Pools within the radius of each other are neighbours (a k-d tree finds the
   pairs). Seeds are chosen greedily in a fixed priority order (a hash of the
   point ids, so the result does not depend on input order and is stable
   across rebuilds): a pool is a seed unless a neighbour of higher priority is
   a seed. This is supercluster's rule with its input order replaced by the
   priority; the greedy set is found in parallel rounds (each round takes the
   pools that outrank every remaining neighbour), which give exactly the
   sequential result.
3. Every other pool joins its highest-priority seed neighbour. A seed with
   anything joined (or a pool of two or more) becomes a cluster if it holds at
   least min_points points; its position is the count-weighted centroid.

Cluster ids are ``smallest point id in it * 32 + zoom it was formed at``: they
do not depend on the order of the input, and a cluster keeps its id across
rebuilds while its smallest member and formation zoom stay the same. A cluster
always splits at the zoom after the one it was formed at, which is its
expansion zoom.

Last, the points are put in depth-first order of the hierarchy, so that each
cluster's points are one contiguous range (``start``, ``count``): the points
of a cluster, and how many of a set of removed points it holds, are then a
slice and two binary searches away.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from numpy.typing import NDArray
from scipy.spatial import cKDTree

from ._geo import FloatArray, IntArray, x_to_lon, y_to_lat

POOL_DIVISIONS = 4
#: Index rows per map tile: a 1280 x 800 view touches about 15 rows.
ROWS_PER_TILE = 4


def splitmix64(ids: IntArray) -> NDArray[np.uint64]:
    """A bijective 64-bit mix: the seed priority of each point id."""
    z = ids.astype(np.uint64) + np.uint64(0x9E3779B97F4A7C15)
    z = (z ^ (z >> np.uint64(30))) * np.uint64(0xBF58476D1CE4E5B9)
    z = (z ^ (z >> np.uint64(27))) * np.uint64(0x94D049BB133111EB)
    return z ^ (z >> np.uint64(31))


def priority_ranks(ids: IntArray) -> IntArray:
    """Ranks 1..n in ascending hash order: the higher the rank, the earlier the seed."""
    order = np.argsort(splitmix64(ids), kind="stable")
    ranks = np.empty(ids.size, dtype=np.int64)
    ranks[order] = np.arange(1, ids.size + 1, dtype=np.int64)
    return ranks


@dataclass
class Hierarchy:
    """Flat columns of every item: the n points first (depth-first order), then clusters.

    What a view returns is packed in two row-major tables (ints: id, count,
    expansion zoom; floats: lon, lat) so that a view costs two gathers a kind.
    """

    x: FloatArray
    y: FloatArray
    start: IntArray  # first point (depth-first position) of the item
    rec_i: IntArray  # (items, 3): point or cluster id, count, expansion zoom (0 for points)
    rec_f: FloatArray  # (items, 2): lon, lat
    level_keys: FloatArray  # per level, sorted row * 2 + x
    level_items: NDArray[np.int32]
    level_offsets: IntArray  # level l spans level_offsets[l]:level_offsets[l + 1]

    @property
    def ids(self) -> IntArray:
        return self.rec_i[:, 0]

    @property
    def count(self) -> IntArray:
        return self.rec_i[:, 1]

    @property
    def expansion(self) -> IntArray:
        return self.rec_i[:, 2]

    @property
    def lon(self) -> FloatArray:
        return self.rec_f[:, 0]

    @property
    def lat(self) -> FloatArray:
        return self.rec_f[:, 1]


def row_keys(x: FloatArray, y: FloatArray, level_zoom: int) -> FloatArray:
    rows_total = ROWS_PER_TILE << level_zoom
    rows = np.minimum(np.floor(y * rows_total), rows_total - 1)
    return rows * 2.0 + x


def _greedy_seeds(lo: IntArray, hi: IntArray, n: int) -> NDArray[np.bool_]:
    """The greedy independent set by descending rank, found in parallel rounds.

    Each edge runs from its lower-ranked end (lo) to its higher-ranked end
    (hi). A round takes every active node that no active neighbour outranks;
    their neighbours are then out, and so are the edges that touch them.
    """
    active = np.ones(n, dtype=bool)
    seed = np.zeros(n, dtype=bool)
    while True:
        outranked = np.zeros(n, dtype=bool)
        outranked[lo] = True
        new = active & ~outranked
        seed |= new
        active[new] = False
        if lo.size == 0:
            return seed
        # A new seed is never the lower end of an active edge.
        active[lo[new[hi]]] = False
        keep = active[lo] & active[hi]
        lo, hi = lo[keep], hi[keep]


def group_items(
    x: FloatArray, y: FloatArray, weight: IntArray, rank: IntArray, radius: float
) -> IntArray:
    """For each item, the index of the group (seed pool) it belongs to at this radius."""
    n = x.size
    scale = POOL_DIVISIONS / radius
    kx = np.floor(x * scale).astype(np.int64)
    ky = np.floor(y * scale).astype(np.int64)
    first = np.empty(n, dtype=bool)
    first[:1] = True
    width = int(ky.max()) + 1 if n else 1
    if (int(kx.max()) + 1 if n else 1) < 2**62 // width:
        key = kx * width + ky  # one integer key sorts faster than two
        order = np.argsort(key)
        ks = key[order]
        first[1:] = ks[1:] != ks[:-1]
    else:
        order = np.lexsort((ky, kx))
        kxs, kys = kx[order], ky[order]
        first[1:] = (kxs[1:] != kxs[:-1]) | (kys[1:] != kys[:-1])
    pool_sorted = np.cumsum(first) - 1
    pool = np.empty(n, dtype=np.int64)
    pool[order] = pool_sorted
    n_pools = int(pool_sorted[-1]) + 1 if n else 0
    if n_pools == n:
        px, py, prank = x, y, rank
        pool = np.arange(n, dtype=np.int64)
    else:
        w = weight.astype(np.float64)
        pw = np.bincount(pool, weights=w, minlength=n_pools)
        px = np.bincount(pool, weights=w * x, minlength=n_pools) / pw
        py = np.bincount(pool, weights=w * y, minlength=n_pools) / pw
        prank = np.maximum.reduceat(rank[order], np.flatnonzero(first))
    if n_pools < 2:
        return np.zeros(n, dtype=np.int64)
    tree = cKDTree(np.column_stack([px, py]), balanced_tree=False, compact_nodes=False)
    pairs = tree.query_pairs(radius, output_type="ndarray")
    if pairs.size == 0:
        return pool
    pi, pj = pairs[:, 0], pairs[:, 1]
    swap = prank[pi] > prank[pj]
    lo = np.where(swap, pj, pi)
    hi = np.where(swap, pi, pj)
    seed = _greedy_seeds(lo, hi, n_pools)
    # Each other pool joins its highest-ranked seed neighbour.
    best = np.zeros(n_pools, dtype=np.int64)
    joins = seed[hi] & ~seed[lo]  # seeds never join, and only outrank their joiners
    np.maximum.at(best, lo[joins], prank[hi[joins]])
    pool_of_rank = np.zeros(int(prank.max()) + 1, dtype=np.int64)
    pool_of_rank[prank] = np.arange(n_pools, dtype=np.int64)
    owner = np.arange(n_pools, dtype=np.int64)
    joined = ~seed & (best > 0)
    owner[joined] = pool_of_rank[best[joined]]
    return owner[pool]


def build_hierarchy(
    ids: IntArray,
    x: FloatArray,
    y: FloatArray,
    lon: FloatArray,
    lat: FloatArray,
    *,
    radius_px: float,
    tile_size: int,
    min_zoom: int,
    max_zoom: int,
    min_points: int,
    zooms: Iterable[int] | None = None,
) -> Hierarchy:
    """Cluster every zoom; ``zooms`` lets the caller wrap the zoom loop (a progress bar)."""
    n = ids.size
    ranks = priority_ranks(ids)
    # Columns of every item made so far, as chunks: the points, then each zoom's clusters.
    cx: list[FloatArray] = [x]
    cy: list[FloatArray] = [y]
    ccount: list[IntArray] = [np.ones(n, dtype=np.int64)]
    cid: list[IntArray] = [ids]
    czoom: list[NDArray[np.int8]] = [np.full(n, -1, dtype=np.int8)]
    children: dict[int, tuple[IntArray, IntArray]] = {}  # zoom -> (child, parent)
    levels: dict[int, IntArray] = {max_zoom + 1: np.arange(n, dtype=np.int64)}

    # Attributes of the items visible at the zoom being grouped.
    vidx = np.arange(n, dtype=np.int64)
    vx, vy, vcount, vrank, vminid = x, y, ccount[0], ranks, ids
    total = n
    zoom_iter = range(max_zoom, min_zoom - 1, -1) if zooms is None else zooms
    for z in zoom_iter:
        if vidx.size < 2:
            levels[z] = vidx
            continue
        radius = radius_px / (tile_size * 2.0**z)
        group = group_items(vx, vy, vcount, vrank, radius)
        m = vidx.size
        gsize = np.bincount(group, minlength=m)
        gcount = np.bincount(group, weights=vcount.astype(np.float64), minlength=m)
        forming = (gsize >= 2) & (gcount >= min_points)
        member = forming[group]
        if not member.any():
            levels[z] = vidx
            continue
        new_groups = np.flatnonzero(forming)
        new_index = np.full(m, -1, dtype=np.int64)
        new_index[new_groups] = total + np.arange(new_groups.size, dtype=np.int64)
        w = vcount.astype(np.float64)
        gx = np.bincount(group, weights=w * vx, minlength=m)[new_groups] / gcount[new_groups]
        gy = np.bincount(group, weights=w * vy, minlength=m)[new_groups] / gcount[new_groups]
        grank = np.zeros(m, dtype=np.int64)
        np.maximum.at(grank, group, vrank)
        gmin = np.full(m, np.iinfo(np.int64).max, dtype=np.int64)
        np.minimum.at(gmin, group, vminid)
        k_count = np.rint(gcount[new_groups]).astype(np.int64)
        k_minid = gmin[new_groups]
        children[z] = (vidx[member], new_index[group[member]])
        cx.append(gx)
        cy.append(gy)
        ccount.append(k_count)
        cid.append(k_minid * 32 + z)
        czoom.append(np.full(new_groups.size, z, dtype=np.int8))
        total += new_groups.size

        keep = ~member
        new_idx = new_index[new_groups]
        vidx = np.concatenate([vidx[keep], new_idx])
        vx = np.concatenate([vx[keep], gx])
        vy = np.concatenate([vy[keep], gy])
        vcount = np.concatenate([vcount[keep], k_count])
        vrank = np.concatenate([vrank[keep], grank[new_groups]])
        vminid = np.concatenate([vminid[keep], k_minid])
        levels[z] = vidx

    all_x = np.concatenate(cx)
    all_y = np.concatenate(cy)
    count = np.concatenate(ccount)
    item_ids = np.concatenate(cid)
    item_zoom = np.concatenate(czoom)

    # Depth-first positions: the top level in order, then each cluster's children
    # after its start, from the lowest zoom up.
    start = np.zeros(total, dtype=np.int64)
    top = levels[min_zoom]
    start[top] = np.cumsum(count[top]) - count[top]
    for z in range(min_zoom, max_zoom + 1):
        if z not in children:
            continue
        child, parent = children[z]
        o = np.argsort(parent, kind="stable")
        child, parent = child[o], parent[o]
        c = count[child]
        before = np.cumsum(c) - c
        first = np.empty(parent.size, dtype=bool)
        first[:1] = True
        first[1:] = parent[1:] != parent[:-1]
        group_no = np.cumsum(first) - 1
        base = before[first][group_no]
        start[child] = start[parent] + before - base

    # Renumber the points by their depth-first position.
    pos = start[:n]
    remap = np.concatenate([pos, np.arange(n, total, dtype=np.int64)])
    inverse = np.empty(n, dtype=np.int64)
    inverse[pos] = np.arange(n, dtype=np.int64)
    all_x = np.concatenate([all_x[:n][inverse], all_x[n:]])
    all_y = np.concatenate([all_y[:n][inverse], all_y[n:]])
    item_ids = np.concatenate([item_ids[:n][inverse], item_ids[n:]])
    cl_lon = x_to_lon(all_x[n:])
    cl_lat = y_to_lat(all_y[n:])
    all_lon = np.concatenate([lon[inverse], cl_lon])
    all_lat = np.concatenate([lat[inverse], cl_lat])

    keys_parts: list[FloatArray] = []
    items_parts: list[NDArray[np.int32]] = []
    offsets = [0]
    for z in range(min_zoom, max_zoom + 2):
        items = remap[levels[z]]
        keys = row_keys(all_x[items], all_y[items], z)
        o = np.argsort(keys)
        keys_parts.append(keys[o])
        items_parts.append(items[o].astype(np.int32))
        offsets.append(offsets[-1] + items.size)
    expansion = np.where(item_zoom >= 0, item_zoom.astype(np.int64) + 1, 0)
    return Hierarchy(
        x=all_x,
        y=all_y,
        start=_starts_after_remap(start, remap),
        rec_i=np.ascontiguousarray(np.column_stack([item_ids, count, expansion])),
        rec_f=np.ascontiguousarray(np.column_stack([all_lon, all_lat])),
        level_keys=np.concatenate(keys_parts) if keys_parts else np.zeros(0),
        level_items=np.concatenate(items_parts).astype(np.int32),
        level_offsets=np.asarray(offsets, dtype=np.int64),
    )


def _starts_after_remap(start: IntArray, remap: IntArray) -> IntArray:
    """Starts indexed by the new item numbers (points moved to their positions)."""
    out = np.empty_like(start)
    out[remap] = start
    return out
