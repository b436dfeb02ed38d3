"""Learned evidence selectors: a Protocol, the shipped feature model, cross-encoders, and a registry.

``RAG_SELECTOR`` (or ``--selector``) names one of:

- ``packaged`` (default): the feature model shipped in ``rag/answer/select/packaged/`` (see its
  MODEL_CARD.md);
- a folder holding a ``selector.json`` written by ``rag train selector``;
- ``cross-encoder:NAME_OR_PATH[@onnx|@openvino]``: any sentence-transformers cross-encoder (for example
  a MedCPT or BGE reranker for users who have those weights); its scores pass through a sigmoid and
  the default policy;
- ``NAME:ARG`` where NAME is registered in the ``clinical_rag.selectors`` entry-point group (a callable taking
  ``ARG`` and returning a ``Selector``), so other packages plug in without editing this one.

A feature model reads the scalar features of ``rag.answer.select.features``: a small multilayer
perceptron (``kind: "features"``: weights and feature standardisation), gradient-boosted trees
(``kind: "trees"``, ``rag.answer.select.trees``), or the mean of both (``kind: "ensemble"``). It is
stored as JSON with the calibrated ``Policy`` and its training record: no pickle.
"""

from __future__ import annotations

import json
import threading
from collections.abc import Callable, Sequence
from pathlib import Path
from typing import Any, Protocol

import numpy as np

from rag.answer.select.candidates import Candidate
from rag.answer.select.features import SCALAR_FEATURES, feature_names, featurize
from rag.answer.select.policy import Policy
from rag.answer.select.trees import TreeEnsemble
from rag.config import DEFAULT_SELECTOR
from rag.errors import InvalidInput
from rag.plugins import SELECTORS, plugins

FORMAT = "clinical-rag-selector"
FORMAT_VERSION = 1
ARTIFACT = "selector.json"
PACKAGED_DIR = Path(__file__).parent / "packaged"


class Selector(Protocol):
    """Scores candidate sentences: probability of being evidence for the question."""

    name: str
    policy: Policy
    rerank_weight: float

    def score(
        self, question: str, question_vector: np.ndarray, pool: Sequence[Candidate], vectors: np.ndarray
    ) -> np.ndarray: ...


def _sigmoid(x: np.ndarray) -> np.ndarray:
    return 1.0 / (1.0 + np.exp(-np.clip(x, -30, 30)))


def mlp_probabilities(spec: dict[str, Any], x: np.ndarray) -> np.ndarray:
    """The stored network's probabilities for feature rows ``x``: standardise, then dense layers with
    ReLU between them, then a sigmoid (the one forward pass, for serving and for training)."""
    h = (x - np.asarray(spec["mean"], dtype=np.float32)) / np.asarray(spec["scale"], dtype=np.float32)
    layers = spec["layers"]
    for n, layer in enumerate(layers):
        h = h @ np.asarray(layer["weight"], dtype=np.float32) + np.asarray(layer["bias"], dtype=np.float32)
        if n < len(layers) - 1:
            h = np.maximum(h, 0.0)
    return _sigmoid(h[:, 0])


def model_probabilities(spec: dict[str, Any], x: np.ndarray, trees: TreeEnsemble | None = None) -> np.ndarray:
    """Probabilities of a stored model for rows ``x``: its MLP's, its trees', or their mean when it
    has both (``trees``: the spec's trees already converted, if the caller keeps them)."""
    parts = []
    if "layers" in spec:
        parts.append(mlp_probabilities(spec, x))
    if "trees" in spec:
        parts.append((trees or TreeEnsemble(spec["trees"])).probabilities(x))
    return parts[0] if len(parts) == 1 else np.mean(parts, axis=0).astype(np.float32)


class FeatureSelector:
    """An MLP (logistic regression: no hidden layer), gradient-boosted trees, or the mean of both."""

    def __init__(self, spec: dict[str, Any], *, name: str) -> None:
        self.name = name
        self.spec = spec
        self.features: list[str] = spec["features"]
        self.policy = Policy(**spec["policy"])
        self.rerank_weight = float(spec.get("rerank_weight", 0.0))
        self._trees = TreeEnsemble(spec["trees"]) if "trees" in spec else None  # arrays built once

    def probabilities(self, x: np.ndarray) -> np.ndarray:
        """Probabilities for feature rows laid out as ``feature_names(dim)`` (extra columns are unused)."""
        n = len(self.features)
        if list(feature_names(x.shape[1] - len(SCALAR_FEATURES))[:n]) != self.features:
            raise InvalidInput(
                f"selector {self.name} expects {n} features for {n - len(SCALAR_FEATURES)}-dimensional "
                f"vectors, got {x.shape[1] - len(SCALAR_FEATURES)}-dimensional ones: it was trained for "
                "another embedding model or an older feature set; retrain it (rag train selector) or set "
                "RAG_SELECTOR to another"
            )
        return model_probabilities(self.spec, x[:, :n], self._trees)

    def score(
        self, question: str, question_vector: np.ndarray, pool: Sequence[Candidate], vectors: np.ndarray
    ) -> np.ndarray:
        if not pool:
            return np.zeros(0, dtype=np.float32)
        products = len(self.features) > len(SCALAR_FEATURES)  # the shipped model needs none
        return self.probabilities(featurize(question, question_vector, pool, vectors, products=products))

    def save(self, directory: Path) -> Path:
        directory.mkdir(parents=True, exist_ok=True)
        path = directory / ARTIFACT
        path.write_text(json.dumps(self.spec, indent=1) + "\n", encoding="utf-8")
        return path


def linear_selector(
    weights: dict[str, float], *, bias: float = 0.0, policy: Policy = Policy(), name: str = "linear"
) -> FeatureSelector:
    """A logistic model over named scalar features (for tests and hand-made baselines)."""
    unknown = set(weights) - set(SCALAR_FEATURES)
    if unknown:
        raise InvalidInput(f"unknown features {sorted(unknown)}; choose from {', '.join(SCALAR_FEATURES)}")
    spec = {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": "features",
        "features": list(SCALAR_FEATURES),
        "mean": [0.0] * len(SCALAR_FEATURES),
        "scale": [1.0] * len(SCALAR_FEATURES),
        "layers": [{"weight": [[weights.get(f, 0.0)] for f in SCALAR_FEATURES], "bias": [bias]}],
        "policy": policy.to_dict(),
    }
    return FeatureSelector(spec, name=name)


class CrossEncoderSelector:
    """A sentence-transformers cross-encoder scoring (question, sentence) pairs.

    ``NAME@onnx`` or ``NAME@openvino`` runs it through that backend (exported by sentence-transformers
    from the local weights when they have no export yet), like the embedder's ``@backend`` suffix.
    """

    def __init__(self, model: str, *, policy: Policy = Policy(), rerank_weight: float = 0.0) -> None:
        from sentence_transformers import CrossEncoder  # only for cross-encoder selectors (3 s import)

        self.name = f"cross-encoder:{model}"
        self.policy = policy
        self.rerank_weight = rerank_weight
        path, _, backend = model.partition("@")
        if backend not in ("", "torch", "onnx", "openvino"):
            raise InvalidInput(f"unknown cross-encoder backend {backend!r}; choose torch, onnx or openvino")
        try:
            self._model = CrossEncoder(path, device="cpu", backend=backend or "torch")
        except OSError as e:  # no such folder, or a name the (offline) model hub does not have
            raise InvalidInput(
                f"cannot load the cross-encoder {path!r} ({e}); give the folder of a sentence-transformers "
                "cross-encoder or, with a model hub, its name"
            ) from e
        architectures = list(getattr(self._model.config, "architectures", None) or [])
        if architectures and not any(a.endswith("ForSequenceClassification") for a in architectures):
            raise InvalidInput(
                f"{path!r} is not a cross-encoder: its config names {', '.join(architectures)}, so its "
                "scoring head would be untrained; point cross-encoder: at a sequence-classification "
                "reranker (e.g. a MedCPT or BGE reranker), or RAG_SELECTOR at a folder from "
                "`rag train selector`"
            )
        self._lock = threading.Lock()

    def score(
        self, question: str, question_vector: np.ndarray, pool: Sequence[Candidate], vectors: np.ndarray
    ) -> np.ndarray:
        if not pool:
            return np.zeros(0, dtype=np.float32)
        with self._lock:
            raw = self._model.predict([(question, c.text) for c in pool], show_progress_bar=False)
        raw = np.asarray(raw, dtype=np.float32)
        in_unit = bool(((raw >= 0) & (raw <= 1)).all())
        return raw if in_unit else _sigmoid(raw)


def read_feature_selector(directory: Path, *, name: str | None = None) -> FeatureSelector:
    path = directory / ARTIFACT
    if not path.is_file():
        raise InvalidInput(
            f"no {ARTIFACT} in {directory}: point RAG_SELECTOR at a folder written by "
            "`rag train selector`, at 'packaged', or at 'cross-encoder:NAME_OR_PATH'"
        )
    spec = json.loads(path.read_text(encoding="utf-8"))
    if spec.get("format") != FORMAT or spec.get("format_version") != FORMAT_VERSION:
        raise InvalidInput(f"{path} is not a {FORMAT} v{FORMAT_VERSION} artifact; retrain it")
    return FeatureSelector(spec, name=name or spec.get("name") or str(directory))


def load_selector(spec: str = DEFAULT_SELECTOR) -> Selector:
    """The selector ``spec`` names (see module docstring)."""
    spec = (spec or DEFAULT_SELECTOR).strip()
    if spec == DEFAULT_SELECTOR:
        return read_feature_selector(PACKAGED_DIR)
    if spec.startswith("cross-encoder:"):
        return CrossEncoderSelector(spec.split(":", 1)[1])
    if Path(spec).is_dir():
        return read_feature_selector(Path(spec))
    name, _, arg = spec.partition(":")
    registered: dict[str, Callable[[str], Selector]] = plugins(SELECTORS)
    if name in registered:
        return registered[name](arg)
    raise InvalidInput(
        f"unknown selector {spec!r}: use 'packaged', a folder with {ARTIFACT}, 'cross-encoder:NAME_OR_PATH' "
        f"or one of the registered selectors ({', '.join(sorted(registered)) or 'none installed'})"
    )
