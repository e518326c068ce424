"""The Gaussian hypergeometric series the Pareto/NBD and BG/NBD formulas need.

``scipy.special.hyp2f1`` loses accuracy (or returns inf/NaN) for large first
parameters and arguments near 1, which is exactly where customers with many
trips put the Pareto/NBD likelihood. Both uses here are rewritten with Euler's
transformation ``2F1(a, b; c; z) = (1 - z)^(c-a-b) 2F1(c-a, c-b; c; z)`` into
series whose parameters stay small while the frequency grows:

* Pareto/NBD: ``2F1(r+s+x, b; r+s+x+1; z) = (1-z)^(1-b) 2F1(1, r+s+x+1-b; r+s+x+1; z)``.
  The right-hand series has positive terms whose ratio never exceeds ``z``, so
  it is summed without cancellation, and the remainder after ``n`` terms is at
  most ``t_n z / (1 - z)``, which is the stopping rule. Its derivatives with
  respect to the three parameters are carried term by term (forward mode), so
  the likelihood's gradient is analytic.
* BG/NBD conditional expectation: ``(1-z)^(r+x) 2F1(r+x, b+x; a+b+x-1; z) =
  (1-z)^(a-1) 2F1(a+b-1-r, a-1; a+b+x-1; z)``; its numerators do not grow with
  ``x``, so the terms stay small instead of reaching 1e300 for heavy buyers.

The prefactors are handled in log space by the callers.
"""

from __future__ import annotations

import numpy as np

MAX_TERMS = 20_000
TOL = 1e-16


def series_1cz(
    c0: np.ndarray, m1: np.ndarray, z: np.ndarray, *, gradient: bool = True
) -> tuple[np.ndarray, np.ndarray, np.ndarray, np.ndarray]:
    """``S = 2F1(1, c0; m1; z)`` for ``0 < c0 <= m1`` and ``0 <= z < 1``.

    Returns ``(log S, d log S / d c0, d log S / d m1, d log S / d z)``. Rows are
    summed until the remainder bound falls below 1e-16 of the sum; rows still
    open after 20,000 terms (``z`` within about 1e-3 of 1, far from any optimum)
    get the geometric bound of the remainder added.
    """
    c0, m1, z = np.broadcast_arrays(
        np.asarray(c0, float), np.asarray(m1, float), np.asarray(z, float)
    )
    shape = c0.shape
    c0, m1, z = c0.ravel(), m1.ravel(), z.ravel()
    n_rows = c0.size
    total = np.ones(n_rows)
    d_c = np.zeros(n_rows)
    d_m = np.zeros(n_rows)
    d_z = np.zeros(n_rows)  # sum of n * t_n
    active = np.flatnonzero(z > 0)
    if active.size:
        t = np.ones(active.size)
        h_c = np.zeros(active.size)
        h_m = np.zeros(active.size)
        s = np.ones(active.size)
        dc = np.zeros(active.size)
        dm = np.zeros(active.size)
        dz = np.zeros(active.size)
        ca, ma, za = c0[active], m1[active], z[active]
        tail_factor = za / (1.0 - za)
        n = 0
        while active.size:
            t *= (ca + n) / (ma + n) * za
            if gradient:
                h_c += 1.0 / (ca + n)
                h_m += 1.0 / (ma + n)
                dc += t * h_c
                dm -= t * h_m
                dz += (n + 1) * t
            s += t
            n += 1
            done = t * tail_factor <= TOL * s
            if n >= MAX_TERMS:
                s += t * tail_factor
                done[:] = True
            if (n % 8 == 0 or n >= MAX_TERMS or done.all()) and done.any():
                finished = active[done]
                total[finished] = s[done]
                d_c[finished] = dc[done]
                d_m[finished] = dm[done]
                d_z[finished] = dz[done]
                keep = ~done
                active = active[keep]
                t, h_c, h_m, s = t[keep], h_c[keep], h_m[keep], s[keep]
                dc, dm, dz = dc[keep], dm[keep], dz[keep]
                ca, ma, za, tail_factor = ca[keep], ma[keep], za[keep], tail_factor[keep]
    log_s = np.log(total)
    with np.errstate(divide="ignore", invalid="ignore"):
        dlz = np.where(z > 0, d_z / np.where(z > 0, z, 1.0), c0 / m1) / total
    return (
        log_s.reshape(shape),
        (d_c / total).reshape(shape),
        (d_m / total).reshape(shape),
        dlz.reshape(shape),
    )


def series_general(a: np.ndarray, b: np.ndarray, c: np.ndarray, z: np.ndarray) -> np.ndarray:
    """``2F1(a, b; c; z)`` by its power series, for ``0 <= z < 1`` and ``c`` not a
    non-positive integer. Meant for small ``|a|``, ``|b|`` (after an Euler
    transformation), where the terms shrink from the start."""
    a, b, c, z = np.broadcast_arrays(
        np.asarray(a, float), np.asarray(b, float), np.asarray(c, float), np.asarray(z, float)
    )
    shape = a.shape
    a, b, c, z = a.ravel(), b.ravel(), c.ravel(), z.ravel()
    out = np.ones(a.size)
    active = np.flatnonzero(z > 0)
    if active.size:
        t = np.ones(active.size)
        s = np.ones(active.size)
        aa, bb, cc, zz = a[active], b[active], c[active], z[active]
        n = 0
        while active.size:
            ratio = (aa + n) * (bb + n) / ((cc + n) * (n + 1)) * zz
            t *= ratio
            s += t
            n += 1
            if n % 4 and n < MAX_TERMS:
                continue
            # Past |a| and |b| (and with c + n > 0) the term ratio moves monotonically
            # toward z, so the rest is bounded by a geometric series at the larger of the two.
            settled = (n > np.abs(aa) + 1) & (n > np.abs(bb) + 1) & (cc + n > 0)
            rho = np.maximum(np.abs(ratio), zz)
            done = settled & (rho < 1) & (np.abs(t) * rho / (1.0 - rho) <= TOL * np.abs(s))
            if n >= MAX_TERMS:
                done[:] = True
            if done.any():
                out[active[done]] = s[done]
                keep = ~done
                active = active[keep]
                t, s, aa, bb, cc, zz = t[keep], s[keep], aa[keep], bb[keep], cc[keep], zz[keep]
    return out.reshape(shape)
