"""Selector model designs: what each is and how it is fitted.

A design is a multilayer perceptron (logistic regression without a hidden layer) trained with
full-batch Adam on one thread, or gradient-boosted trees (``rag.eval.fit_trees``); ``fit`` returns
the stored form ``rag.answer.select.model.model_probabilities`` reads. ``rag.eval.train_selector``
cross-validates the designs and ships the best.
"""

from __future__ import annotations

import itertools
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.answer.select.features import SCALAR_FEATURES
from rag.errors import InvalidInput
from rag.eval.fit_trees import fit_trees

SEED = 13


@dataclass(frozen=True)
class Design:
    key: str  # what `rag train selector --designs` names it by
    name: str
    hidden: int = 0  # MLP: 0 is logistic regression
    products: bool = False  # use the element-wise product of question and sentence vectors
    weight_decay: float = 1e-3
    epochs: int = 400
    mlp: bool = True  # fit an MLP (alone, or averaged with the trees)
    trees: int = 0  # > 0: also fit gradient-boosted trees (rag.eval.fit_trees)
    learning_rate: float = 0.05
    leaves: int = 15
    min_leaf: int = 40
    l2: float = 1.0

    @property
    def kind(self) -> str:
        """How the artifact stores it: ``features`` (MLP), ``trees`` or ``ensemble`` (their mean)."""
        return ("ensemble" if self.mlp else "trees") if self.trees else "features"


DESIGNS = (  # compared by default; the best cross-validated F1 is shipped
    Design("logistic", "logistic, scalar features", hidden=0, weight_decay=1e-4),
    Design("mlp32", "MLP 32, scalar features", hidden=32),
    Design("mlp64", "MLP 64, scalar features", hidden=64),
    Design("mlp32-products", "MLP 32, scalar + vector products", hidden=32, products=True),
    Design("mlp64+trees", "mean of MLP 64 and boosted trees, scalar features", hidden=64, trees=150),
)
# Boosted trees alone (measured before the document-coverage features): a higher cross-validated F1
# on SciFact train than the MLP 64 (0.405 against 0.393), but on the PDFs of the clinical answer set
# they refused 5 of 35 answerable questions (the MLP none), so they are compared only on request
# (BENCHMARKS.md, "Evidence selector: boosted trees").
OPTIONAL_DESIGNS = (Design("trees", "boosted trees 150 × 15 leaves, scalar features", mlp=False, trees=150),)


def designs_named(keys: str) -> tuple[Design, ...]:
    """``default``, ``all``, or comma-separated design keys."""
    every = {d.key: d for d in (*DESIGNS, *OPTIONAL_DESIGNS)}
    if keys.strip() in ("", "default"):
        return DESIGNS
    if keys.strip() == "all":
        return tuple(every.values())
    wanted = [k.strip() for k in keys.split(",") if k.strip()]
    unknown = [k for k in wanted if k not in every]
    if unknown:
        raise InvalidInput(
            f"unknown selector design(s) {unknown}; choose from {', '.join(every)}, 'default' or 'all'"
        )
    return tuple(every[k] for k in wanted)


def columns(design: Design, n_features: int) -> np.ndarray:
    return np.arange(n_features if design.products else len(SCALAR_FEATURES))


def fit(x: np.ndarray, y: np.ndarray, design: Design, *, seed: int = SEED) -> dict[str, Any]:
    """The stored form of a model fitted to ``x``, ``y``: the MLP's standardisation and layer weights
    (``mean``, ``scale``, ``layers``) and/or the boosted trees (``trees``)."""
    parts: dict[str, Any] = _fit_mlp(x, y, design, seed=seed) if design.mlp else {}
    if design.trees:
        parts["trees"] = fit_trees(
            x,
            y,
            trees=design.trees,
            learning_rate=design.learning_rate,
            leaves=design.leaves,
            min_leaf=design.min_leaf,
            l2=design.l2,
            seed=seed,
        )
    return parts


def _fit_mlp(x: np.ndarray, y: np.ndarray, design: Design, *, seed: int) -> dict[str, Any]:
    import torch  # here, not at the top: only training needs torch's 1.5 s import

    torch.manual_seed(seed)
    threads = torch.get_num_threads()
    torch.set_num_threads(1)
    try:
        mean = x.mean(axis=0)
        scale = np.maximum(x.std(axis=0), 1e-6)
        xt = torch.from_numpy(((x - mean) / scale).astype(np.float32))
        yt = torch.from_numpy(y.astype(np.float32))
        dims = [x.shape[1]] + ([design.hidden] if design.hidden else []) + [1]
        layers = [torch.nn.Linear(a, b) for a, b in itertools.pairwise(dims)]
        modules: list[torch.nn.Module] = []
        for n, layer in enumerate(layers):
            modules.append(layer)
            if n < len(layers) - 1:
                modules.append(torch.nn.ReLU())
        net = torch.nn.Sequential(*modules)
        optim = torch.optim.Adam(net.parameters(), lr=0.01, weight_decay=design.weight_decay)
        loss_fn = torch.nn.BCEWithLogitsLoss()
        for _ in range(design.epochs):
            optim.zero_grad()
            loss = loss_fn(net(xt)[:, 0], yt)
            loss.backward()
            optim.step()
        return {
            "mean": [float(v) for v in mean],
            "scale": [float(v) for v in scale],
            "layers": [
                {
                    "weight": [[round(float(v), 7) for v in row] for row in layer.weight.detach().numpy().T],
                    "bias": [round(float(v), 7) for v in layer.bias.detach().numpy()],
                }
                for layer in layers
            ],
        }
    finally:
        torch.set_num_threads(threads)
