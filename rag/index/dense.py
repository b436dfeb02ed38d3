"""Dense vectors in FAISS: inner product over L2-normalised vectors (= cosine), ids = passage row ids.

Any FAISS index factory string works (``rag reindex --faiss-factory``). Exact ``Flat`` is the
default; ``HNSW32`` and ``IVF…,PQ…`` trade a little recall for speed and memory at scale
(``benchmarks/scale.py``). Indexes that need training (IVF, PQ) collect the vectors added to them
and are trained on those when first saved or searched. Approximate indexes are searched with
``SEARCH_PARAMS`` (FAISS's own defaults, efSearch=16 and nprobe=1, lose too much recall).
"""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

from rag.errors import InvalidInput

DEFAULT_FACTORY = "Flat"
# measured at 1M passages (benchmarks/scale.py): recall@10 >= 0.95 of Flat at p95 <= 100 ms
SEARCH_PARAMS = {"HNSW": "efSearch=2048", "IVF": "nprobe=512"}
MAX_TRAINING_VECTORS = 200_000
MIN_POINTS_PER_LIST = 39  # FAISS warns below this many training vectors per IVF list


class DenseIndex:
    """A FAISS ``IndexIDMap2`` (Flat by default) whose ids are the store's passage row ids."""

    def __init__(self, index: faiss.Index, factory: str = DEFAULT_FACTORY) -> None:
        self.index = index
        self.factory = factory
        self._pending: list[tuple[np.ndarray, np.ndarray]] = []  # (ids, vectors) awaiting training
        self._direct_map()
        self.tune(default_search_params(factory))

    @classmethod
    def create(cls, dimension: int, factory: str = DEFAULT_FACTORY) -> DenseIndex:
        try:
            inner = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
        except RuntimeError as exc:
            raise InvalidInput(f"FAISS cannot build index factory {factory!r}: {exc}") from exc
        return cls(faiss.IndexIDMap2(inner), factory)

    @classmethod
    def load(cls, path: Path, factory: str = DEFAULT_FACTORY) -> DenseIndex:
        return cls(faiss.read_index(str(path)), factory)

    def save(self, path: Path) -> None:
        self._train()
        faiss.write_index(self.index, str(path))

    def tune(self, params: str) -> None:
        """Set search-time parameters, e.g. ``"efSearch=256"`` or ``"nprobe=64"`` (FAISS ParameterSpace)."""
        if params:
            faiss.ParameterSpace().set_index_parameters(self.index, params)  # type: ignore[arg-type]

    def _train(self) -> None:
        """Train an index that needs it on the vectors collected so far, then add them."""
        if not self._pending:
            return
        ids = np.concatenate([i for i, _ in self._pending])
        vectors = np.vstack([v for _, v in self._pending])
        self._pending = []
        sample = vectors
        if len(vectors) > MAX_TRAINING_VECTORS:
            rows = np.random.default_rng(0).choice(len(vectors), MAX_TRAINING_VECTORS, replace=False)
            sample = vectors[np.sort(rows)]
        try:
            self.index.train(sample)
        except RuntimeError as exc:
            raise InvalidInput(
                f"FAISS index {self.factory!r} could not be trained on {len(sample)} vectors ({exc}); "
                "use fewer IVF lists for a corpus this small, or the Flat/HNSW32 factory"
            ) from exc
        self.index.add_with_ids(vectors, ids)
        self._direct_map()
        self.tune(default_search_params(self.factory))

    def for_segment(self) -> DenseIndex:
        """This index, or, when it is an IVF index with too few vectors to train its lists (a small
        segment of a large index), a Flat index holding them: exact, and compaction builds the
        configured factory again once segments are merged into a large one."""
        ivf = faiss.try_extract_index_ivf(self.index)
        pending = sum(len(i) for i, _ in self._pending)
        if ivf is None or self.index.is_trained or pending >= MIN_POINTS_PER_LIST * ivf.nlist:
            return self
        flat = DenseIndex.create(self.dimension)
        for ids, vectors in self._pending:
            flat.add(ids.tolist(), vectors)
        return flat

    def _direct_map(self) -> None:
        """Lets an IVF index reconstruct() and remove vectors by id (FAISS does not save this map)."""
        ivf = faiss.try_extract_index_ivf(self.index)
        if ivf is not None and ivf.is_trained:
            ivf.set_direct_map_type(faiss.DirectMap.Hashtable)  # type: ignore[attr-defined]

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def __len__(self) -> int:
        return int(self.index.ntotal) + sum(len(i) for i, _ in self._pending)

    def add(self, row_ids: list[int], vectors: np.ndarray) -> None:
        if len(row_ids) != len(vectors):
            raise ValueError("one vector per row id")
        if not len(row_ids):
            return
        ids = np.asarray(row_ids, dtype=np.int64)
        vectors = np.ascontiguousarray(vectors, dtype=np.float32)
        if self.index.is_trained:
            self.index.add_with_ids(vectors, ids)
        else:
            self._pending.append((ids, vectors))

    def remove(self, row_ids: list[int]) -> None:
        """Remove vectors; index types that cannot (HNSW, IVF with an id map) are refilled with the rest."""
        if not row_ids:
            return
        self._train()
        try:
            self.index.remove_ids(np.asarray(row_ids, dtype=np.int64))  # type: ignore[arg-type]
        except RuntimeError:
            gone = set(row_ids)
            keep = [i for i in self.ids() if i not in gone]
            vectors = self.vectors(keep) if keep else np.zeros((0, self.dimension), dtype=np.float32)
            fresh = faiss.clone_index(self.index)  # keeps what training learned
            fresh.reset()
            self.index = fresh
            self.add(keep, vectors)
            self._direct_map()
            self.tune(default_search_params(self.factory))

    def ids(self) -> list[int]:
        self._train()
        id_map = self.index.id_map  # type: ignore[attr-defined]
        return sorted(int(i) for i in faiss.vector_to_array(id_map))

    def vectors(self, row_ids: list[int]) -> np.ndarray:
        """The stored vectors of ``row_ids`` (exact for Flat and HNSW, approximate for PQ codes)."""
        self._train()
        return np.vstack([self.index.reconstruct(int(r)) for r in row_ids]).astype(np.float32)

    def items(self) -> tuple[np.ndarray, np.ndarray]:
        """Every ``(row_ids, vectors)`` stored, in one pass where the index can (Flat: no copy per id)."""
        self._train()
        ids = faiss.vector_to_array(self.index.id_map).astype(np.int64)  # type: ignore[attr-defined]
        inner = faiss.downcast_index(self.index.index)  # type: ignore[attr-defined]
        if isinstance(inner, faiss.IndexFlat) and len(ids):
            return ids, faiss.rev_swig_ptr(inner.get_xb(), len(ids) * self.dimension).reshape(
                len(ids), self.dimension
            ).copy()
        return ids, self.vectors(ids.tolist()) if len(ids) else np.zeros((0, self.dimension), np.float32)

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` ``(scores, row_ids)`` per query; missing slots have id -1."""
        self._train()
        k = max(1, min(k, len(self))) if len(self) else 1
        return self.index.search(np.ascontiguousarray(query_vectors, dtype=np.float32), k)


def default_search_params(factory: str) -> str:
    """``SEARCH_PARAMS`` for the kind of index a factory string makes (IVF before its quantizer)."""
    kind = next((k for k in ("IVF", "HNSW") if k in factory.upper()), None)
    return SEARCH_PARAMS[kind] if kind else ""
