"""Boosted-tree selectors: the JSON export walks to scikit-learn's own probabilities, fits repeat
exactly, and a tree selector scores candidates through the service's features."""

from __future__ import annotations

import json
import os
import subprocess
import sys
from pathlib import Path

import numpy as np
import pytest
from conftest import FIXTURES, make_hit

from rag.answer.select import evidence_pool, load_selector
from rag.answer.select.features import SCALAR_FEATURES
from rag.answer.select.model import FORMAT, FORMAT_VERSION, FeatureSelector, model_probabilities
from rag.answer.select.policy import Policy
from rag.answer.select.trees import TreeEnsemble
from rag.embed.embedder import HashingEmbedder
from rag.eval.fit_trees import export, fit_trees

MINI = FIXTURES / "beir_mini"


def _data(n: int = 2000, seed: int = 0) -> tuple[np.ndarray, np.ndarray]:
    rng = np.random.default_rng(seed)
    x = rng.normal(size=(n, 6)).astype(np.float32)
    y = (x[:, 0] + x[:, 1] * x[:, 2] + 0.3 * rng.normal(size=n) > 0).astype(int)
    x[::13, 3] = np.nan  # missing values follow each split's learned side
    return x, y


def test_exported_trees_give_scikit_learns_probabilities() -> None:
    from sklearn.ensemble import HistGradientBoostingClassifier

    x, y = _data()
    model = HistGradientBoostingClassifier(max_iter=60, max_leaf_nodes=15, early_stopping=False)
    model = model.fit(x, y)
    spec = json.loads(json.dumps(export(model)))  # through JSON, as stored
    ours = TreeEnsemble(spec).probabilities(x)
    assert np.abs(ours - model.predict_proba(x)[:, 1]).max() < 1e-6
    assert len(spec["roots"]) == 60 and spec["max_depth"] >= 4
    with pytest.raises(ValueError, match="binary"):
        export(HistGradientBoostingClassifier(max_iter=2).fit(x, np.arange(len(x)) % 3))


def test_fit_trees_repeats_exactly() -> None:
    x, y = _data()
    params = {"trees": 20, "learning_rate": 0.1, "leaves": 7, "min_leaf": 20, "l2": 1.0, "seed": 13}
    assert json.dumps(fit_trees(x, y, **params)) == json.dumps(fit_trees(x, y, **params))
    spec = {"trees": fit_trees(x, y, **params)}
    p = model_probabilities(spec, x)
    assert ((p > 0.5) == y.astype(bool)).mean() > 0.8  # it learned the rule, not noise


def test_a_tree_selector_scores_the_services_candidates() -> None:
    """Trees fitted to 'evidence when the cosine is high' rank the sentence closest to the question first."""
    rng = np.random.default_rng(3)
    x = rng.uniform(-1, 1, size=(3000, len(SCALAR_FEATURES))).astype(np.float32)
    y = (x[:, SCALAR_FEATURES.index("cosine")] > 0.3).astype(int)
    spec = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "trees",
        "features": list(SCALAR_FEATURES),
        "trees": fit_trees(x, y, trees=30, learning_rate=0.2, leaves=7, min_leaf=20, l2=0.0, seed=13),
        "policy": Policy().to_dict(),
    }
    selector = FeatureSelector(json.loads(json.dumps(spec)), name="trees-test")
    hit = make_hit("d", "Aspirin lowered stroke risk in trial patients. The weather was mild that spring.")
    pool = evidence_pool("aspirin stroke risk trial", [hit], HashingEmbedder(), {})
    p = selector.score("aspirin stroke risk trial", pool.question_vector, pool.candidates, pool.vectors)
    cosine = pool.vectors @ pool.question_vector
    assert len(p) == 2 and int(np.argmax(p)) == int(np.argmax(cosine)) == 0
    assert p[0] > 0.5 > p[1]


def _train_selector(*args: str) -> subprocess.CompletedProcess:
    return subprocess.run(
        [sys.executable, "-m", "rag.cli", "train", "selector", "--data", str(MINI), "--model", "hashing-256"]
        + list(args),
        capture_output=True,
        text=True,
        timeout=600,
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
    )


def test_train_selector_with_the_trees_design_writes_a_loadable_repeatable_artifact(tmp_path: Path) -> None:
    runs = []
    for out in ("a", "b"):
        cache = ["--index-cache", str(tmp_path / "cache")]
        r = _train_selector("--designs", "trees", *cache, "--out", str(tmp_path / out))
        assert r.returncode == 0, r.stderr
        runs.append(json.loads((tmp_path / out / "selector.json").read_text()))
    a, b = runs
    assert a["kind"] == "trees" and a["design"].startswith("boosted trees")
    assert a["trees"] == b["trees"] and a["policy"] == b["policy"]  # bit-for-bit on the same machine
    assert [d["design"] for d in a["cross_validation"]["designs"]] == [a["design"]]
    selector = load_selector(str(tmp_path / "a"))
    assert isinstance(selector, FeatureSelector) and selector.policy == Policy(**a["policy"])
    bad = _train_selector("--designs", "forest", "--out", str(tmp_path / "c"))
    assert bad.returncode == 2 and "unknown selector design" in bad.stderr and not (tmp_path / "c").exists()


def test_an_ensemble_design_stores_both_models_and_averages_them() -> None:
    from rag.eval.designs import Design, fit

    x, y = _data()
    x = np.nan_to_num(x)  # the MLP part needs every value
    mlp = fit(x, y, Design("m", "MLP", hidden=8, epochs=50))
    trees = fit(x, y, Design("t", "trees", mlp=False, trees=10))
    both = fit(x, y, Design("e", "both", hidden=8, epochs=50, trees=10))
    assert Design("e", "both", trees=10).kind == "ensemble" and set(trees) == {"trees"}
    assert both["layers"] == mlp["layers"] and both["trees"] == trees["trees"]
    expected = (model_probabilities(mlp, x) + model_probabilities(trees, x)) / 2
    assert np.allclose(model_probabilities(both, x), expected, atol=1e-6)
