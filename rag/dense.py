"""Dense vectors in FAISS: inner product over L2-normalised vectors (= cosine), ids = passage row ids."""

from __future__ import annotations

from pathlib import Path

import faiss
import numpy as np

DEFAULT_FACTORY = "Flat"


class DenseIndex:
    """A FAISS ``IndexIDMap2`` (Flat by default) whose ids are the store's passage row ids."""

    def __init__(self, index: faiss.Index, factory: str = DEFAULT_FACTORY) -> None:
        self.index = index
        self.factory = factory

    @classmethod
    def create(cls, dimension: int, factory: str = DEFAULT_FACTORY) -> DenseIndex:
        inner = faiss.index_factory(dimension, factory, faiss.METRIC_INNER_PRODUCT)
        return cls(faiss.IndexIDMap2(inner), factory)

    @classmethod
    def load(cls, path: Path, factory: str = DEFAULT_FACTORY) -> DenseIndex:
        return cls(faiss.read_index(str(path)), factory)

    def save(self, path: Path) -> None:
        faiss.write_index(self.index, str(path))

    @property
    def dimension(self) -> int:
        return int(self.index.d)

    def __len__(self) -> int:
        return int(self.index.ntotal)

    def add(self, row_ids: list[int], vectors: np.ndarray) -> None:
        if len(row_ids) != len(vectors):
            raise ValueError("one vector per row id")
        if len(row_ids):
            self.index.add_with_ids(
                np.ascontiguousarray(vectors, dtype=np.float32), np.asarray(row_ids, dtype=np.int64)
            )

    def remove(self, row_ids: list[int]) -> None:
        """Remove vectors; index types that cannot (HNSW) are rebuilt from the remaining vectors."""
        if not row_ids:
            return
        try:
            self.index.remove_ids(np.asarray(row_ids, dtype=np.int64))  # type: ignore[arg-type]
        except RuntimeError:
            gone = set(row_ids)
            keep = [i for i in self.ids() if i not in gone]
            vectors = self.vectors(keep) if keep else np.zeros((0, self.dimension), dtype=np.float32)
            fresh = DenseIndex.create(self.dimension, self.factory)
            fresh.add(keep, vectors)
            self.index = fresh.index

    def ids(self) -> list[int]:
        id_map = self.index.id_map  # type: ignore[attr-defined]
        return sorted(int(i) for i in faiss.vector_to_array(id_map))

    def vectors(self, row_ids: list[int]) -> np.ndarray:
        """The stored vectors of ``row_ids`` (Flat storage reconstructs them exactly)."""
        return np.vstack([self.index.reconstruct(int(r)) for r in row_ids]).astype(np.float32)

    def search(self, query_vectors: np.ndarray, k: int) -> tuple[np.ndarray, np.ndarray]:
        """Top-``k`` ``(scores, row_ids)`` per query; missing slots have id -1."""
        k = max(1, min(k, len(self))) if len(self) else 1
        return self.index.search(np.ascontiguousarray(query_vectors, dtype=np.float32), k)
