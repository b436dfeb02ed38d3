"""BM25 over segments with collection-wide statistics: each segment keeps its raw term frequencies.

bm25s (``rag.index.lexical``) stores scores precomputed with its own collection's statistics, so
one bm25s index per segment would score a passage differently depending on which segment holds it.
A segment here stores what the scores are made of instead: a sparse terms × passages matrix of term
frequencies (bm25s's tokenizer: English stopwords, Snowball stemmer), the passages' lengths and row
ids, as ``.npy`` arrays and a JSON vocabulary (no pickle). At query time the statistics (passages,
average length, each query term's document frequency) are summed over the live passages of every
segment (deleted ones left out, exactly), and every segment scores with them: the Lucene BM25 that
bm25s computes (k1=1.2, b=0.75). So the ranking of an index does not depend on how it is segmented
(``tests/test_segments.py``), and the same code serves shards (``rag.retrieve.shards``).
"""

from __future__ import annotations

import json
import math
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass
from pathlib import Path

import numpy as np
from scipy import sparse

from rag.index.lexical import K1, B, tokenize, tokenize_query


@dataclass(frozen=True)
class Stats:
    """A segment's (or, summed, the collection's) BM25 statistics for a query's terms."""

    documents: int
    total_length: int
    df: dict[str, int]

    def __add__(self, other: Stats) -> Stats:
        df = Counter(self.df)
        df.update(other.df)
        return Stats(self.documents + other.documents, self.total_length + other.total_length, dict(df))


EMPTY = Stats(0, 0, {})


def query_terms(query: str) -> list[str]:
    """The query's BM25 terms (stemmed, stopwords out, other spellings added), repeated ones kept, as
    the index tokenizes."""
    tokens = tokenize_query(query)
    words = {i: t for t, i in tokens.vocab.items()}
    return [words[i] for ids in tokens.ids for i in ids]


class TermIndex:
    """Term frequencies of one segment's passages; ``live`` (a boolean mask over its passages, or
    ``None`` for all) leaves deleted passages out of statistics and results."""

    def __init__(
        self, row_ids: np.ndarray, vocab: dict[str, int], tf: sparse.csr_matrix, lengths: np.ndarray
    ):
        self.row_ids = row_ids
        self.vocab = vocab
        self.tf = tf
        self.lengths = lengths

    @classmethod
    def build(cls, row_ids: Sequence[int], texts: Sequence[str]) -> TermIndex:
        tokens = tokenize(texts) if texts else None
        ids = tokens.ids if tokens else []
        vocab: dict[str, int] = dict(tokens.vocab) if tokens else {}
        cols = np.repeat(np.arange(len(ids)), [len(t) for t in ids])
        flat = np.fromiter((i for t in ids for i in t), dtype=np.int64, count=len(cols))
        tf = sparse.csr_matrix(
            (np.ones(len(flat), dtype=np.float32), (flat, cols)), shape=(max(len(vocab), 1), len(ids))
        )
        tf.sum_duplicates()
        lengths = np.asarray([len(t) for t in ids], dtype=np.float32)
        return cls(np.asarray(row_ids, dtype=np.int64), vocab, tf, lengths)

    def save(self, directory: Path) -> None:
        directory.mkdir(parents=True, exist_ok=True)
        for name, array in (
            ("row_ids", self.row_ids),
            ("lengths", self.lengths),
            ("indptr", self.tf.indptr.astype(np.int64)),
            ("indices", self.tf.indices.astype(np.int32)),
            ("data", self.tf.data.astype(np.float32)),
        ):
            np.save(directory / f"{name}.npy", array, allow_pickle=False)
        (directory / "vocab.json").write_text(json.dumps(self.vocab), encoding="utf-8")

    @classmethod
    def load(cls, directory: Path) -> TermIndex:
        def load(name: str) -> np.ndarray:
            return np.load(directory / f"{name}.npy", allow_pickle=False)

        vocab = json.loads((directory / "vocab.json").read_text(encoding="utf-8"))
        row_ids, lengths = load("row_ids"), load("lengths")
        tf = sparse.csr_matrix(
            (load("data"), load("indices"), load("indptr")), shape=(max(len(vocab), 1), len(row_ids))
        )
        return cls(row_ids, vocab, tf, lengths)

    def __len__(self) -> int:
        return len(self.row_ids)

    def postings(self, term: str) -> tuple[np.ndarray, np.ndarray]:
        """``(passage positions, term frequencies)`` of ``term`` (slices of the CSR arrays, no copy)."""
        i = self.vocab[term]
        start, end = self.tf.indptr[i], self.tf.indptr[i + 1]
        return self.tf.indices[start:end], self.tf.data[start:end]

    def stats(self, terms: Sequence[str], live: np.ndarray | None = None) -> Stats:
        df = {}
        for t in set(terms):
            if t in self.vocab:
                postings = self.postings(t)[0]
                df[t] = int(live[postings].sum()) if live is not None else len(postings)
        if live is None:
            return Stats(len(self.row_ids), int(self.lengths.sum()), df)
        return Stats(int(live.sum()), int(self.lengths[live].sum()), df)

    def search(
        self, terms: Sequence[str], total: Stats, k: int, live: np.ndarray | None = None
    ) -> list[tuple[int, float]]:
        """Top-``k`` ``(row_id, score)`` of this segment, scored with the collection's ``total``."""
        if not len(self.row_ids) or not total.documents:
            return []
        avgdl = total.total_length / total.documents
        scores = np.zeros(len(self.row_ids), dtype=np.float64)
        for term in terms:  # a repeated query term counts again, as in bm25s
            if term not in self.vocab or not total.df.get(term):
                continue
            df = total.df[term]
            idf = math.log(1 + (total.documents - df + 0.5) / (df + 0.5))
            docs, counts = self.postings(term)
            tf = counts.astype(np.float64)
            norm = K1 * ((1 - B) + B * self.lengths[docs] / avgdl)
            scores[docs] += idf * tf / (tf + norm)
        if live is not None:
            scores[~live] = 0.0
        best = np.flatnonzero(scores > 0)
        if len(best) > k:  # the k best without sorting every passage
            best = best[np.argpartition(-scores[best], k - 1)[:k]]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.row_ids[i]), float(scores[i])) for i in best]
