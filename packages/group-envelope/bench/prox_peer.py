"""Peer implementations of the same prox for bench/prox-scaling.ts: numpy and PyTorch (float64,
one thread), solving the threshold equation of prox_{lam*SEF_k} on group norms with a sort.

    /usr/bin/python3 prox_peer.py NORMS.f64 K LAMBDA RUNS

NORMS.f64 holds the norms as little-endian float64. Prints one JSON line: the median times in ms
and, for agreement checks, the sum and the nonzero count of each result.

The equation (see src/sef/clipped-sum.ts): sum_j clip(lam*(u_j*t - 1), 0, 1) = k over t > 0,
whose breakpoints are lo_j = 1/u_j and hi_j = (1 + lam)/(lam*u_j), both in the order of u
descending; G is evaluated at every breakpoint with cumulative sums and the root solved on its
segment. One sort of u, one stable sort merging the two runs of breakpoints, cumulative sums.
Then q_j = u_j/(1+lam) (top), u_j - 1/t (middle) or 0.
"""
import json
import statistics
import sys
import time

import numpy as np
import torch


def prox_numpy(u, k, lam):
    us = -np.sort(-u)  # descending: lo = 1/u and hi = c/u both ascending
    m = int(np.count_nonzero(us > 0))
    if m <= k:
        return u / (1 + lam)
    us = us[:m]
    lo = 1.0 / us
    hi = lo * ((1 + lam) / lam)
    # Merge the two sorted runs (a stable sort merges runs in linear time) and walk it once.
    order = np.argsort(np.concatenate((lo, hi)), kind="stable")
    bps = np.concatenate((lo, hi))[order]
    is_lo = order < m
    values = np.concatenate((us, us))[order]
    n_lo = np.cumsum(is_lo)
    n_hi = np.arange(1, 2 * m + 1) - n_lo
    s_lo = np.cumsum(np.where(is_lo, values, 0.0))
    s_hi = np.cumsum(np.where(is_lo, 0.0, values))
    g = n_hi + lam * bps * (s_lo - s_hi) - lam * (n_lo - n_hi)
    i = int(np.searchsorted(g, k, side="left"))
    if i == 0:
        nl = nh = 0
        sl = sh = 0.0
    else:
        nl, nh, sl, sh = int(n_lo[i - 1]), int(n_hi[i - 1]), float(s_lo[i - 1]), float(s_hi[i - 1])
    t = (k - nh + lam * (nl - nh)) / (lam * (sl - sh))
    theta = lam * (u * t - 1)
    return np.where(theta >= 1, u / (1 + lam), np.where(theta > 0, u - 1 / t, 0.0))


def prox_torch(u, k, lam):
    us, _ = torch.sort(u, descending=True)
    m = int((us > 0).sum())
    if m <= k:
        return u / (1 + lam)
    us = us[:m]
    lo = 1.0 / us
    hi = lo * ((1 + lam) / lam)
    both = torch.cat((lo, hi))
    bps, order = torch.sort(both, stable=True)
    is_lo = order < m
    values = torch.cat((us, us))[order]
    n_lo = torch.cumsum(is_lo.to(u.dtype), 0)
    n_hi = torch.arange(1, 2 * m + 1, dtype=u.dtype) - n_lo
    zero = torch.zeros_like(values)
    s_lo = torch.cumsum(torch.where(is_lo, values, zero), 0)
    s_hi = torch.cumsum(torch.where(is_lo, zero, values), 0)
    g = n_hi + lam * bps * (s_lo - s_hi) - lam * (n_lo - n_hi)
    i = int(torch.searchsorted(g, torch.tensor([float(k)], dtype=u.dtype), right=False)[0])
    if i == 0:
        nl = nh = sl = sh = 0.0
    else:
        nl, nh, sl, sh = float(n_lo[i - 1]), float(n_hi[i - 1]), float(s_lo[i - 1]), float(s_hi[i - 1])
    t = (k - nh + lam * (nl - nh)) / (lam * (sl - sh))
    theta = lam * (u * t - 1)
    return torch.where(theta >= 1, u / (1 + lam), torch.where(theta > 0, u - 1 / t, torch.zeros_like(u)))


def timed(fn, runs):
    times = []
    result = None
    for _ in range(runs):
        start = time.perf_counter()
        result = fn()
        times.append(1000 * (time.perf_counter() - start))
    return statistics.median(times), result


def main():
    path, k, lam, runs = sys.argv[1], int(sys.argv[2]), float(sys.argv[3]), int(sys.argv[4])
    torch.set_num_threads(1)
    u = np.fromfile(path, dtype="<f8")
    numpy_ms, q_np = timed(lambda: prox_numpy(u, k, lam), runs)
    ut = torch.from_numpy(u)
    torch_ms, q_t = timed(lambda: prox_torch(ut, k, lam), runs)
    print(json.dumps({
        "numpyMs": numpy_ms,
        "torchMs": torch_ms,
        "numpySum": float(q_np.sum()),
        "numpyNonzero": int(np.count_nonzero(q_np)),
        "torchSum": float(q_t.sum()),
        "torchNonzero": int((q_t != 0).sum()),
    }))


if __name__ == "__main__":
    main()
