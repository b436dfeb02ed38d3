"""Rank fusion of result lists: plain functions over ``{id: score}`` rankings."""

from __future__ import annotations

from collections.abc import Mapping, Sequence

RRF_K = 60


def _weights(weights: Sequence[float] | None, n: int, *, default: float) -> Sequence[float]:
    """One weight per fused list: ``weights``, or ``default`` for each when none are given."""
    weights = weights or [default] * n
    if len(weights) != n:
        raise ValueError(f"one weight per fused list: {len(weights)} weights for {n} lists")
    return weights


def rrf(
    rankings: Sequence[Sequence[str | int]], *, k: int = RRF_K, weights: Sequence[float] | None = None
) -> dict:
    """Reciprocal rank fusion (Cormack, Clarke & Büttcher, SIGIR 2009).

    ``score(d) = Σ_i w_i / (k + rank_i(d))`` with 1-based ranks; each ranking lists ids best
    first. Returns ``{id: fused score}``.
    """
    weights = _weights(weights, len(rankings), default=1.0)
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


def z_scores(scores: Mapping) -> dict:
    """Scores as standard scores: ``(x - mean) / std`` over the run (population std, as ranx's "zmuv")."""
    if not scores:
        return {}
    values = list(scores.values())
    mean = sum(values) / len(values)
    std = max((sum((v - mean) ** 2 for v in values) / len(values)) ** 0.5, 1e-9)
    return {key: (value - mean) / std for key, value in scores.items()}


def z_score_sum(runs: Sequence[Mapping], *, weights: Sequence[float] | None = None) -> dict:
    """CombSUM of standard scores (Montague & Aslam, CIKM 2001), weighted.

    Unlike rank fusion it keeps how far ahead a run's best results are; unlike min-max scaling
    it does not hang on a run's single lowest and highest score. An item missing from a run takes
    that run's lowest standard score: it ranked below everything that run returned.
    """
    weights = _weights(weights, len(runs), default=1.0 / max(len(runs), 1))
    standard = [z_scores(run) for run in runs]
    floors = [min(z.values(), default=0.0) for z in standard]
    keys = {key: None for z in standard for key in z}
    return {
        key: sum(w * z.get(key, floor) for z, floor, w in zip(standard, floors, weights, strict=True))
        for key in keys
    }


def weighted_sum(runs: Sequence[Mapping], *, weights: Sequence[float] | None = None) -> dict:
    """Convex combination of min-max normalised scores (Fox & Shaw's CombSUM with weights)."""
    weights = _weights(weights, len(runs), default=1.0 / max(len(runs), 1))
    fused: dict = {}
    for run, weight in zip(runs, weights, strict=True):
        for key, value in min_max(run).items():
            fused[key] = fused.get(key, 0.0) + weight * value
    return fused
