"""Gradient-boosted trees stored as JSON and evaluated with numpy (no scikit-learn, no pickle at run time).

A tree ensemble spec holds one flat node table for all trees (``feature``, ``threshold``, ``left``,
``right``, ``missing_left``, ``leaf``, ``value``), the index of each tree's root in it, and the
``baseline`` log-odds. A row goes left when its feature is ``<= threshold`` (a missing value, NaN,
goes where ``missing_left`` says), as scikit-learn's ``HistGradientBoostingClassifier`` decides; the
probability is the sigmoid of the baseline plus the leaf values reached. ``rag.eval.fit_trees``
writes such specs from a fitted model.
"""

from __future__ import annotations

from typing import Any

import numpy as np


class TreeEnsemble:
    """The stored ensemble as numpy arrays (converted once, when a selector loads)."""

    def __init__(self, spec: dict[str, Any]) -> None:
        t = spec["nodes"]
        self.feature = np.asarray(t["feature"], dtype=np.int64)
        self.threshold = np.asarray(t["threshold"], dtype=np.float64)
        self.left = np.asarray(t["left"], dtype=np.int64)
        self.right = np.asarray(t["right"], dtype=np.int64)
        self.missing_left = np.asarray(t["missing_left"], dtype=bool)
        self.leaf = np.asarray(t["leaf"], dtype=bool)
        self.value = np.asarray(t["value"], dtype=np.float64)
        self.roots = np.asarray(spec["roots"], dtype=np.int64)
        self.max_depth = int(spec["max_depth"])
        self.baseline = float(spec["baseline"])

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for feature rows ``x`` (all trees walked at once, one level per step)."""
        x = np.asarray(x, dtype=np.float64)
        rows = np.arange(len(x))[:, None]
        node = np.broadcast_to(self.roots, (len(x), len(self.roots))).copy()
        for _ in range(self.max_depth):
            inner = ~self.leaf[node]
            if not inner.any():
                break
            v = x[rows, self.feature[node]]
            go_left = np.where(np.isnan(v), self.missing_left[node], v <= self.threshold[node])
            node = np.where(inner, np.where(go_left, self.left[node], self.right[node]), node)
        raw = self.baseline + self.value[node].sum(axis=1)
        return (1.0 / (1.0 + np.exp(-np.clip(raw, -30, 30)))).astype(np.float32)
