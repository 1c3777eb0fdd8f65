"""Independent, named random streams so each part of the generator is reproducible on its own.

Every module draws from `stream(seed, name)`: a numpy Generator keyed by the run's seed and a
stable hash of the module's name. Adding draws to one part then leaves the others' data unchanged,
and nothing depends on Python's per-process string hashing or on the wall clock.
"""

from __future__ import annotations

import zlib

import numpy as np


def stream(seed: int, name: str) -> np.random.Generator:
    return np.random.default_rng([int(seed), zlib.crc32(name.encode("utf-8"))])


def pick(rng: np.random.Generator, options, p, size=None):
    """`rng.choice` over labelled options with probabilities that need not sum exactly to 1."""
    p = np.asarray(p, dtype=float)
    return rng.choice(np.asarray(options), size=size, p=p / p.sum())


def poisson_scaled(rng: np.random.Generator, expected: np.ndarray) -> np.ndarray:
    return rng.poisson(np.maximum(np.asarray(expected, dtype=float), 0.0))
