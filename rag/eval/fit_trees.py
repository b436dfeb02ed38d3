"""Fit gradient-boosted trees (scikit-learn's ``HistGradientBoostingClassifier``) and export them as
the JSON node table ``rag.answer.select.trees`` evaluates.

Only training imports scikit-learn; serving walks the exported table with numpy. Early stopping is
off (its validation split would be one more random choice), so a fit is a function of the data, the
hyperparameters and the seed.
"""

from __future__ import annotations

from typing import Any

import numpy as np


def fit_trees(
    x: np.ndarray,
    y: np.ndarray,
    *,
    trees: int,
    learning_rate: float,
    leaves: int,
    min_leaf: int,
    l2: float,
    seed: int,
) -> dict[str, Any]:
    """The exported ensemble fitted to ``x``, ``y``: ``baseline``, ``roots``, ``max_depth``, ``nodes``."""
    from sklearn.ensemble import HistGradientBoostingClassifier  # training only

    model = HistGradientBoostingClassifier(
        max_iter=trees,
        learning_rate=learning_rate,
        max_leaf_nodes=leaves,
        min_samples_leaf=min_leaf,
        l2_regularization=l2,
        early_stopping=False,
        random_state=seed,
    ).fit(np.asarray(x, dtype=np.float64), np.asarray(y).astype(int))
    return export(model)


def export(model: Any) -> dict[str, Any]:
    """A fitted binary ``HistGradientBoostingClassifier`` (numeric features) as a JSON-ready dict."""
    if len(model.classes_) != 2:
        raise ValueError("only binary classifiers can be exported")
    columns: dict[str, list[Any]] = {
        k: [] for k in ("feature", "threshold", "left", "right", "missing_left", "leaf", "value")
    }
    roots: list[int] = []
    depth = 0
    for (tree,) in model._predictors:  # one tree per boosting round for a binary classifier
        nodes = tree.nodes
        if nodes["is_categorical"].any():
            raise ValueError("categorical splits cannot be exported")
        offset = len(columns["leaf"])
        roots.append(offset)
        depth = max(depth, int(nodes["depth"].max()))
        is_leaf = nodes["is_leaf"].astype(bool)
        columns["feature"] += [int(f) for f in nodes["feature_idx"]]
        columns["threshold"] += [float(t) for t in nodes["num_threshold"]]
        for side in ("left", "right"):  # children numbered in the flat table; a leaf has none
            children = np.where(is_leaf, 0, nodes[side].astype(np.int64) + offset)
            columns[side] += [int(c) for c in children]
        columns["missing_left"] += [bool(m) for m in nodes["missing_go_to_left"]]
        columns["leaf"] += [bool(lf) for lf in is_leaf]
        columns["value"] += [float(v) for v in np.where(is_leaf, nodes["value"], 0.0)]
    return {
        "baseline": float(np.asarray(model._baseline_prediction).ravel()[0]),
        "roots": roots,
        "max_depth": depth,
        "nodes": columns,
    }
