"""Identifiers shaped like a case-management system's.

Sequence numbers are issued in date order, as a system issues them. Several kinds are fixed-width
and zero-padded (contacts, assessments, periods of care, workers), and about one person id in ten
is below 100000 and so starts with a zero: the loader's keeping of leading zeros matters.
"""

from __future__ import annotations

import numpy as np


def sequential(prefix: str, n: int, start: int, width: int) -> np.ndarray:
    """`n` ids `prefix` + zero-padded sequence numbers from `start`, as an object array."""
    numbers = np.arange(start, start + n)
    return np.array([f"{prefix}{k:0{width}d}" for k in numbers.tolist()], dtype=object)


def sparse(rng: np.random.Generator, prefix: str, n: int, low: int, high: int, width: int):
    """`n` distinct ids drawn from `low..high-1` (gaps, as after deletions and merges), in
    ascending order so a later record tends to have a larger number."""
    if n > high - low:
        raise ValueError(f"id range {low}..{high} too small for {n} ids")
    numbers = np.sort(rng.choice(np.arange(low, high), size=n, replace=False))
    return np.array([f"{prefix}{k:0{width}d}" for k in numbers.tolist()], dtype=object)


def gapped(rng: np.random.Generator, prefix: str, n: int, start: int, width: int, gap: float):
    """`n` ascending ids with occasional gaps (about one number in `gap` skipped): a sequence
    shared with record types that are not extracted, as case-management systems number them."""
    steps = rng.geometric(1 / (1 + gap), size=n) if gap > 0 else np.ones(n, dtype=np.int64)
    numbers = start + np.cumsum(steps) - steps[:1].sum()
    return np.array([f"{prefix}{k:0{width}d}" for k in numbers.tolist()], dtype=object)
