"""Rank fusion of result lists: plain functions over ``{id: score}`` rankings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def rrf(
    rankings: Sequence[Sequence[str | int]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

    ``score(d) = Σ_i w_i / (k + rank_i(d))`` with 1-based ranks; each ranking lists ids best
    first. Returns ``{id: fused score}``.
    """
    weights = weights or [1.0] * len(rankings)
    if len(weights) != len(rankings):
        raise ValueError("one weight per ranking")
    fused: dict = {}
    for ranking, weight in zip(rankings, weights, strict=True):
        for rank, item in enumerate(ranking, start=1):
            fused[item] = fused.get(item, 0.0) + weight / (k + rank)
    return fused


def min_max(scores: Mapping) -> dict:
    """Scale scores linearly to [0, 1] (all equal → 1)."""
    if not scores:
        return {}
    lo, hi = min(scores.values()), max(scores.values())
    span = hi - lo
    return {key: (value - lo) / span if span else 1.0 for key, value in scores.items()}


def weighted_sum(runs: Sequence[Mapping], *, weights: Sequence[float] | None = None) -> dict:
    """Convex combination of min-max normalised scores (Fox & Shaw's CombSUM with weights)."""
    weights = weights or [1.0 / len(runs)] * len(runs)
    if len(weights) != len(runs):
        raise ValueError("one weight per run")
    fused: dict = {}
    for run, weight in zip(runs, weights, strict=True):
        for key, value in min_max(run).items():
            fused[key] = fused.get(key, 0.0) + weight * value
    return fused
