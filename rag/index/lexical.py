"""BM25's text analysis and parameters (bm25s: Lucene variant, k1=1.2, b=0.75, English stopwords,
Snowball stemmer), and a whole-collection bm25s index as the reference.

bm25s was chosen over SQLite FTS5 by measurement (``benchmarks/bm25_backends.py``, see README). The
segmented index scores with the same tokenizer and formula from per-segment term frequencies
(``rag.index.terms``); ``LexicalIndex`` is the bm25s index those scores are tested against
(``tests/test_segments.py``).
"""

from __future__ import annotations

from collections.abc import Sequence
from typing import Any

import bm25s
import numpy as np

from rag.text.spelling import with_variants
from rag.text.terms import stemmer

K1 = 1.2
B = 0.75


def tokenize(texts: Sequence[str]) -> Any:
    return bm25s.tokenize(list(texts), stopwords="en", stemmer=stemmer(), show_progress=False)


def tokenize_query(query: str) -> Any:
    """A query's tokens, its words in their other spellings too ("tumour" and "tumor";
    ``rag.text.spelling``): a passage is found in the spelling it uses."""
    return tokenize([with_variants(query)])


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

    def __len__(self) -> int:
        return len(self.row_ids)

    def search(self, query: str, k: int) -> list[tuple[int, float]]:
        """Top-``k`` ``(row_id, score)`` with a positive score, best first."""
        if self.bm25 is None:
            return []
        tokens = tokenize_query(query)
        if not tokens.ids or not tokens.ids[0]:
            return []
        k = min(k, len(self.row_ids))
        docs, scores = self.bm25.retrieve(tokens, k=k, show_progress=False, n_threads=1)
        return [(int(self.row_ids[d]), float(s)) for d, s in zip(docs[0], scores[0], strict=True) if s > 0]
