"""Retrieval evaluation on a BEIR dataset, at the document level.

Passages are retrieved through the same retrievers the service uses; a document's score is the
maximum score of its passages (as BEIR does for chunked corpora). Metrics and the paired
significance test come from ranx.
"""

from __future__ import annotations

import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.config import RERANK, RETRIEVER_MODES
from rag.embed.embedder import Embedder
from rag.errors import InvalidInput
from rag.eval.beir import BeirDataset
from rag.index.version import IndexVersion
from rag.retrieve.retrievers import BM25Retriever, HybridRetriever

METRICS = ["ndcg@10", "recall@100", "mrr@10", "precision@1"]


@dataclass
class RetrievalResult:
    runs: dict[str, dict[str, dict[str, float]]]  # mode -> qid -> doc -> score
    metrics: dict[str, dict[str, float]]
    per_query: dict[str, dict[str, float]]  # mode -> qid -> ndcg@10
    seconds: dict[str, float] = field(default_factory=dict)
    comparison: Any = None


def to_documents(ranked: Sequence[tuple[int, float]], doc_of: dict[int, str], k: int) -> dict[str, float]:
    """Passage ranking → document scores (max over a document's passages), top ``k`` documents."""
    docs: dict[str, float] = {}
    for row_id, score in ranked:
        doc = doc_of[row_id]
        if doc not in docs or score > docs[doc]:
            docs[doc] = float(score)
    return dict(sorted(docs.items(), key=lambda kv: -kv[1])[:k])


def passage_runs(
    index: IndexVersion, embedder: Embedder, queries: dict[str, str], depth: int, *, progress: bool = True
) -> tuple[dict[str, dict[str, list[tuple[int, float]]]], dict[str, float]]:
    """BM25 and dense passage rankings for every query (dense queries embedded in one batch)."""
    qids = list(queries)
    seconds: dict[str, float] = {}
    t = time.perf_counter()
    bm25 = BM25Retriever(index)
    lexical = {q: bm25.ranked(queries[q], depth) for q in tqdm(qids, desc="bm25", disable=not progress)}
    seconds["bm25"] = time.perf_counter() - t
    t = time.perf_counter()
    vectors = embedder.embed([queries[q] for q in qids], progress=progress)
    scores, ids = index.dense.search(vectors, depth)
    dense = {
        q: [(int(i), float(s)) for i, s in zip(ids[n], scores[n], strict=True) if i >= 0]
        for n, q in enumerate(qids)
    }
    seconds["dense"] = time.perf_counter() - t
    return {"bm25": lexical, "dense": dense}, seconds


def evaluate_retrieval(
    index: IndexVersion,
    embedder: Embedder,
    dataset: BeirDataset,
    *,
    modes: Sequence[str] = RETRIEVER_MODES,
    k: int = 100,
    fusion: str = "rrf",
    weights: Sequence[float] | None = None,
    metrics: Sequence[str] = METRICS,
    progress: bool = True,
    reranker: Callable[[str], list[tuple[str, float]]] | None = None,
) -> RetrievalResult:
    """Document-level metrics per mode; ``rerank`` needs ``reranker`` (query → reranked ``(doc, score)``,
    best first), whose documents are put ahead of the rest of the hybrid ranking."""
    from ranx import Qrels, Run, compare, evaluate  # here: ranx compiles numba code on import (seconds)

    known = (*RETRIEVER_MODES, RERANK) if reranker else RETRIEVER_MODES
    unknown = [m for m in modes if m not in known]
    if unknown:
        raise InvalidInput(f"unknown mode(s) {unknown}; choose from {', '.join(known)}")
    doc_of = index.store.row_doc_ids()
    depth = min(max(3 * k, 300), len(doc_of))
    parts, seconds = passage_runs(index, embedder, dataset.queries, depth, progress=progress)
    hybrid = HybridRetriever(index, embedder, fusion=fusion, weights=weights, candidates=depth)
    runs: dict[str, dict[str, dict[str, float]]] = {}
    for mode in modes:
        t = time.perf_counter()
        if mode == RERANK and reranker is not None:
            fused = {q: hybrid.fuse([parts["bm25"][q], parts["dense"][q]], depth) for q in dataset.queries}
            runs[mode] = {}
            for q in tqdm(dataset.queries, desc="rerank", disable=not progress):
                top = {d: 2.0 + s for d, s in reranker(dataset.queries[q])}  # ahead of any RRF score (< 1)
                rest = to_documents(fused[q], doc_of, k)
                runs[mode][q] = dict(
                    list({**top, **{d: v for d, v in rest.items() if d not in top}}.items())[:k]
                )
            seconds["rerank"] = time.perf_counter() - t
            continue
        if mode == "hybrid":
            ranked = {q: hybrid.fuse([parts["bm25"][q], parts["dense"][q]], depth) for q in dataset.queries}
            seconds["hybrid"] = seconds["bm25"] + seconds["dense"] + time.perf_counter() - t
        else:
            ranked = parts[mode]
        runs[mode] = {q: to_documents(ranked[q], doc_of, k) or {"__none__": 0.0} for q in dataset.queries}
    qrels = Qrels(dataset.qrels)
    ranx_runs = {mode: Run(run, name=mode) for mode, run in runs.items()}
    names = list(metrics)
    scores = {
        mode: {m: float(v) for m, v in evaluate(qrels, r, names).items()} for mode, r in ranx_runs.items()
    }
    per_query = {}
    for mode, r in ranx_runs.items():
        values = evaluate(qrels, r, "ndcg@10", return_mean=False)
        per_query[mode] = dict(zip(list(r.keys()), np.asarray(values).tolist(), strict=True))
    comparison = (
        compare(qrels, runs=list(ranx_runs.values()), metrics=names, max_p=0.05, stat_test="student")
        if len(ranx_runs) > 1
        else None
    )
    return RetrievalResult(
        runs=runs, metrics=scores, per_query=per_query, seconds=seconds, comparison=comparison
    )
