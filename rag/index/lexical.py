"""BM25 over passages with bm25s (Lucene variant, k1=1.2, b=0.75, English stopwords, Snowball stemmer).

Chosen over SQLite FTS5 by measurement (``benchmarks/bm25_backends.py``, see README). The index
is saved as ``.npy`` arrays and JSON (no pickle) beside ``row_ids.npy``, which maps bm25s's
positions to the store's passage row ids.
"""

from __future__ import annotations

from collections.abc import Sequence
from pathlib import Path
from typing import Any

import bm25s
import numpy as np

from rag.text.terms import stemmer

K1 = 1.2
B = 0.75


def tokenize(texts: Sequence[str]) -> Any:
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=stemmer(), show_progress=False)


class LexicalIndex:
    """A bm25s index with a position → row id map."""

    def __init__(self, bm25: bm25s.BM25 | None, row_ids: np.ndarray) -> None:
        self.bm25 = bm25
        self.row_ids = row_ids

    @classmethod
    def build(cls, row_ids: Sequence[int], texts: Sequence[str]) -> LexicalIndex:
        if not texts:
            return cls(None, np.zeros(0, dtype=np.int64))
        bm25 = bm25s.BM25(k1=K1, b=B, method="lucene")
        bm25.index(tokenize(texts), show_progress=False)
        return cls(bm25, np.asarray(row_ids, dtype=np.int64))

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        np.save(directory / "row_ids.npy", self.row_ids, allow_pickle=False)
        if self.bm25 is not None:
            self.bm25.save(str(directory), show_progress=False)

    @classmethod
    def load(cls, directory: Path) -> LexicalIndex:
        row_ids = np.load(directory / "row_ids.npy", allow_pickle=False)
        if len(row_ids) == 0:
            return cls(None, row_ids)
        bm25 = bm25s.BM25.load(str(directory), mmap=False, show_progress=False)
        return cls(bm25, row_ids)

    def __len__(self) -> int:
        return len(self.row_ids)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top-``k`` ``(row_id, score)`` with a positive score, best first."""
        if self.bm25 is None:
            return []
        tokens = tokenize([query])
        if not tokens.ids or not tokens.ids[0]:
            return []
        k = min(k, len(self.row_ids))
        docs, scores = self.bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(int(self.row_ids[d]), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
