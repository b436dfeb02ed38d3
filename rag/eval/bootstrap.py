"""Bootstrap over claims: how far a figure could move on another sample of claims, and whether two
configurations differ on the same claims (Efron & Tibshirani 1993; the paired test of Koehn 2004).

The figures are micro-averages (sentence precision sums correct and cited sentences over claims), so a
resample recomputes them from the resampled claims' counts, not by averaging per-claim scores.
Columns are per-claim counts; ``metrics`` maps column sums to figures and works on arrays of
resamples at once.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping

import numpy as np

RESAMPLES = 1000
SEED = 0
LEVEL = 0.95

Columns = Mapping[str, np.ndarray]  # per-claim counts, one array per column, claims in the same order
Metrics = Callable[[Columns], dict[str, np.ndarray]]  # column sums (one per resample) -> figures


def _resamples(n: int, resamples: int, seed: int) -> np.ndarray:
    return np.random.default_rng(seed).integers(0, n, size=(resamples, n))


def _sums(columns: Columns, idx: np.ndarray) -> dict[str, np.ndarray]:
    return {name: np.asarray(values, dtype=np.float64)[idx].sum(axis=-1) for name, values in columns.items()}


def _interval(values: np.ndarray, level: float) -> tuple[float, float]:
    """The central ``level`` percentile interval of ``values``."""
    tail = (1 - level) / 2 * 100
    return float(np.percentile(values, tail)), float(np.percentile(values, 100 - tail))


def intervals(
    columns: Columns, metrics: Metrics, *, resamples: int = RESAMPLES, seed: int = SEED, level: float = LEVEL
) -> dict[str, tuple[float, float]]:
    """Percentile interval of each figure over ``resamples`` bootstrap samples of the claims."""
    n = len(next(iter(columns.values())))
    if n == 0:
        return {}
    figures = metrics(_sums(columns, _resamples(n, resamples, seed)))
    return {name: _interval(v, level) for name, v in figures.items()}


def paired_difference(
    a: Columns,
    b: Columns,
    metrics: Metrics,
    *,
    resamples: int = RESAMPLES,
    seed: int = SEED,
    level: float = LEVEL,
) -> dict[str, dict[str, float]]:
    """``a − b`` for each figure on the same claims (row i of ``a`` and ``b`` is one claim): the
    difference, its percentile interval, and a two-sided bootstrap p-value (the share of resamples
    on the other side of zero, doubled)."""
    n = len(next(iter(a.values())))
    if n != len(next(iter(b.values()))):
        raise ValueError("paired runs must hold the same claims")
    whole = np.arange(n)[None, :]
    observed_a, observed_b = metrics(_sums(a, whole)), metrics(_sums(b, whole))
    idx = _resamples(n, resamples, seed)
    sample_a, sample_b = metrics(_sums(a, idx)), metrics(_sums(b, idx))
    out = {}
    for name in observed_a:
        d = sample_a[name] - sample_b[name]
        below, above = float(np.mean(d <= 0)), float(np.mean(d >= 0))
        low, high = _interval(d, level)
        out[name] = {
            "difference": float(observed_a[name][0] - observed_b[name][0]),
            "low": low,
            "high": high,
            "p": min(1.0, 2 * min(below, above)),
        }
    return out
