"""Visit order for a closed tour on a directed (asymmetric) distance matrix: NN, 2-opt, Or-opt."""

from __future__ import annotations

import numpy as np


def order_stops(dist: np.ndarray, max_rounds: int = 50) -> list[int]:
    """Return the stops (matrix indices 1..n; 0 is the station) in visiting order."""
    n = dist.shape[0] - 1
    if n <= 1:
        return list(range(1, n + 1))
    tour = _nearest_neighbour(dist)
    for _ in range(max_rounds):
        improved = _two_opt(dist, tour)
        improved = _or_opt(dist, tour) or improved
        if not improved:
            break
    return tour[1:-1]


def _nearest_neighbour(dist: np.ndarray) -> list[int]:
    n = dist.shape[0]
    left = np.ones(n, dtype=bool)
    left[0] = False
    tour = [0]
    while left.any():
        row = np.where(left, dist[tour[-1]], np.inf)
        nxt = int(row.argmin())
        tour.append(nxt)
        left[nxt] = False
    tour.append(0)
    return tour


def _two_opt(dist: np.ndarray, tour: list[int]) -> bool:
    """Reverse segments while it helps; reversal cost uses prefix sums since A->B != B->A."""
    improved = False
    m = len(tour)
    for i in range(1, m - 2):
        t = np.array(tour)
        fwd = np.concatenate(([0.0], np.cumsum(dist[t[:-1], t[1:]])))
        rev = np.concatenate(([0.0], np.cumsum(dist[t[1:], t[:-1]])))
        j = np.arange(i + 1, m - 1)
        delta = (dist[t[i - 1], t[j]] + dist[t[i], t[j + 1]] + (rev[j] - rev[i])
                 - dist[t[i - 1], t[i]] - dist[t[j], t[j + 1]] - (fwd[j] - fwd[i]))
        k = int(delta.argmin())
        if delta[k] < -1e-6:
            jj = int(j[k])
            tour[i:jj + 1] = tour[i:jj + 1][::-1]
            improved = True
    return improved


def _or_opt(dist: np.ndarray, tour: list[int]) -> bool:
    """Move runs of 1-3 stops elsewhere without reversing them (suits one-way streets)."""
    improved = False
    for length in (1, 2, 3):
        i = 1
        while i + length < len(tour):
            seg = tour[i:i + length]
            prev, nxt = tour[i - 1], tour[i + length]
            gain = (dist[prev, seg[0]] + dist[seg[-1], nxt] - dist[prev, nxt])
            rest = tour[:i] + tour[i + length:]
            r = np.array(rest)
            cost = dist[r[:-1], seg[0]] + dist[seg[-1], r[1:]] - dist[r[:-1], r[1:]]
            k = int(cost.argmin())
            if cost[k] < gain - 1e-6:
                tour[:] = rest[:k + 1] + seg + rest[k + 1:]
                improved = True
            i += 1
    return improved


def pickups_before(order: list[int], pickup_of: dict[int, int]) -> list[int]:
    """The order with each pickup moved to just before the first stop it loads (if it came
    later): a parcel is collected before it is delivered. `pickup_of`: stop -> its pickup."""
    seq = list(order)
    for p in sorted(set(pickup_of.values()), key=seq.index):
        first = min(seq.index(j) for j, q in pickup_of.items() if q == p)
        if seq.index(p) > first:
            seq.remove(p)
            seq.insert(first, p)
    return seq
