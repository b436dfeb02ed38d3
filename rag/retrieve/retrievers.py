"""Retrievers: ``search(query, k) -> list[Hit]`` over BM25, dense vectors, or both fused."""

from __future__ import annotations

from collections.abc import Sequence
from typing import Protocol

from rag.config import FUSIONS, RETRIEVER_MODES, check_question
from rag.embed.embedder import Embedder
from rag.errors import InvalidInput
from rag.index.version import IndexVersion
from rag.retrieve.fusion import RRF_K, rrf, weighted_sum, z_score_sum
from rag.types import Hit

CANDIDATES = 100


class Retriever(Protocol):
    def search(self, query: str, k: int = 10) -> list[Hit]: ...


def hits_from(index: IndexVersion, ranked: Sequence[tuple[int, float]]) -> list[Hit]:
    """Materialise ``(row_id, score)`` pairs as ``Hit``s, ranked in the given order."""
    stored = index.store.passages_by_row(r for r, _ in ranked)
    hits: list[Hit] = []
    for row_id, score in ranked:
        sp = stored.get(row_id)
        if sp is None or sp.passage.doc_id in index.withdrawn:  # retracted/withdrawn never reach answers
            continue
        hits.append(Hit(passage=sp.passage, document=sp.document, rank=len(hits) + 1, score=float(score)))
    return hits


class BM25Retriever:
    def __init__(self, index: IndexVersion) -> None:
        self.index = index

    def ranked(self, query: str, k: int) -> list[tuple[int, float]]:
        return self.index.lexical.search(check_question(query, what="query"), k)

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return hits_from(self.index, self.ranked(query, k))


class DenseRetriever:
    def __init__(self, index: IndexVersion, embedder: Embedder) -> None:
        self.index = index
        self.embedder = embedder

    def ranked(self, query: str, k: int) -> list[tuple[int, float]]:
        vector = self.embedder.embed([check_question(query, what="query")])
        scores, ids = self.index.dense.search(vector, k)
        return [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return hits_from(self.index, self.ranked(query, k))


class HybridRetriever:
    """BM25 and dense candidates fused by RRF (default), a weighted sum of min-max scores or of z-scores."""

    def __init__(
        self,
        index: IndexVersion,
        embedder: Embedder,
        *,
        fusion: str = "rrf",
        weights: Sequence[float] | None = None,
        rrf_k: int = RRF_K,
        candidates: int = CANDIDATES,
    ) -> None:
        if fusion not in FUSIONS:
            raise InvalidInput(f"unknown fusion {fusion!r}; choose one of {', '.join(FUSIONS)}")
        self.index = index
        self.parts = (BM25Retriever(index), DenseRetriever(index, embedder))
        self.fusion = fusion
        self.weights = weights
        self.rrf_k = rrf_k
        self.candidates = candidates

    def ranked(self, query: str, k: int) -> list[tuple[int, float]]:
        depth = max(k, self.candidates)
        return self.fuse([part.ranked(query, depth) for part in self.parts], k)

    def fuse(self, runs: Sequence[Sequence[tuple[int, float]]], k: int) -> list[tuple[int, float]]:
        """Fuse the parts' ``(row_id, score)`` rankings; top ``k``."""
        if self.fusion == "rrf":
            fused = rrf([[r for r, _ in run] for run in runs], k=self.rrf_k, weights=self.weights)
        elif self.fusion == "zscore":
            fused = z_score_sum([dict(run) for run in runs], weights=self.weights)
        else:
            fused = weighted_sum([dict(run) for run in runs], weights=self.weights)
        return sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]

    def search(self, query: str, k: int = 10) -> list[Hit]:
        return hits_from(self.index, self.ranked(query, k))


def make_retriever(
    index: IndexVersion,
    embedder: Embedder,
    mode: str = "hybrid",
    *,
    fusion: str = "rrf",
    weights: Sequence[float] | None = None,
    rrf_k: int = RRF_K,
) -> BM25Retriever | DenseRetriever | HybridRetriever:
    """The retriever for ``mode`` (``bm25``, ``dense`` or ``hybrid``)."""
    if mode == "bm25":
        return BM25Retriever(index)
    if mode == "dense":
        return DenseRetriever(index, embedder)
    if mode == "hybrid":
        return HybridRetriever(index, embedder, fusion=fusion, weights=weights, rrf_k=rrf_k)
    raise InvalidInput(f"unknown retrieval mode {mode!r}; choose one of {', '.join(RETRIEVER_MODES)}")
