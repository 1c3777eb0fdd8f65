"""Per-record uniform draws by name, and the duration shapes built from them.

A journey's timeline is a pure function of its child's date of birth and its named uniforms, so
it can be computed once with an assumed child (to decide what to keep and who is busy when) and
again with the real one, drawing the same randomness both times.
"""

from __future__ import annotations

import math

import numpy as np

from .streams import stream


class Draws:
    """Lazily drawn uniforms: `draws["name"]` is one U(0,1) per record, from a named stream."""

    def __init__(self, seed: int, n: int, prefix: str) -> None:
        self.seed, self.n, self.prefix = seed, n, prefix
        self._cache: dict[str, np.ndarray] = {}
        self.index: np.ndarray | None = None

    def __getitem__(self, name: str) -> np.ndarray:
        if name not in self._cache:
            rng = stream(self.seed, f"{self.prefix}:{name}")
            # Kept away from 0 and 1 so inverse CDFs stay finite.
            self._cache[name] = np.clip(rng.random(self.n), 1e-9, 1 - 1e-9)
        values = self._cache[name]
        return values if self.index is None else values[self.index]

    def subset(self, index: np.ndarray) -> Draws:
        other = Draws(self.seed, self.n, self.prefix)
        other._cache = self._cache
        other.index = np.asarray(index) if self.index is None else self.index[index]
        return other


def weibull(u: np.ndarray, shape: float, mean: float | np.ndarray) -> np.ndarray:
    """Inverse CDF of a Weibull with the given shape and mean: shape < 1 is long-tailed,
    1 is exponential, about 2 is a hump round the mean."""
    scale = np.asarray(mean, dtype=float) / math.gamma(1 + 1 / shape)
    return scale * (-np.log1p(-u)) ** (1 / shape)


def categorical(u: np.ndarray, shares) -> np.ndarray:
    """Category index per record from one uniform; `shares` is a 1-d list, or a 2-d array with a
    row of shares per record (e.g. per age group)."""
    shares = np.asarray(shares, dtype=float)
    cumulative = np.cumsum(shares, axis=-1)
    cumulative = cumulative / cumulative[..., -1:]
    if cumulative.ndim == 1:
        return np.searchsorted(cumulative, u, side="right").clip(0, len(shares) - 1)
    return (u[:, None] >= cumulative).sum(axis=1).clip(0, shares.shape[-1] - 1)
