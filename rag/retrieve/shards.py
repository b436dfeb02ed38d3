"""One corpus served from several shards: the router's merge, with collection-wide BM25 statistics.

A shard is an ordinary index holding part of the documents (a document lives in one shard). For a
query the router asks every shard and merges, so that the result is the one index over all the
documents would give (``tests/test_shards.py``):

* **dense**: each shard's exact top-k (Flat) merged by score;
* **BM25**: scores depend on collection statistics (document count, average length, each term's
  document frequency), so each shard first reports its share of them for the query's terms
  (``ShardTerms.stats``), the router adds them up, and every shard scores its passages with the
  global figures (``ShardTerms.search``: the Lucene variant bm25s computes), before the merge;
* **hybrid**: reciprocal rank fusion of the two merged rankings, as ``HybridRetriever`` does.

This is the scale-out path README "Scaling out" describes: a shard is ``LocalShard`` (an index of
this process) or ``RemoteShard`` (one served by ``rag serve-shard`` on another machine).
"""

from __future__ import annotations

import json
import math
import urllib.request
from collections import Counter
from collections.abc import Sequence
from dataclasses import asdict, dataclass
from typing import Any, Protocol

import numpy as np
from scipy import sparse

from rag.embed.embedder import Embedder
from rag.index.lexical import K1, B, tokenize
from rag.index.version import IndexVersion
from rag.retrieve.fusion import RRF_K, rrf
from rag.retrieve.retrievers import CANDIDATES, hits_from
from rag.types import DocumentInfo, Hit, Passage


@dataclass(frozen=True)
class Stats:
    """A shard's (or, summed, the collection's) BM25 statistics for a query's terms."""

    documents: int
    total_length: int
    df: dict[str, int]

    def __add__(self, other: Stats) -> Stats:
        df = Counter(self.df)
        df.update(other.df)
        return Stats(self.documents + other.documents, self.total_length + other.total_length, dict(df))


class ShardTerms:
    """A shard's term frequencies (terms × passages, sparse) and passage lengths, built at open from
    the texts its BM25 index was built from."""

    def __init__(self, index: IndexVersion) -> None:
        rows: list[int] = []
        texts: list[str] = []
        for batch_rows, batch_texts in index.store.iter_index_texts():
            rows.extend(batch_rows)
            texts.extend(batch_texts)
        self.row_ids = np.asarray(rows, dtype=np.int64)
        tokens = tokenize(texts)
        self.vocab: dict[str, int] = tokens.vocab
        self.lengths = np.asarray([len(ids) for ids in tokens.ids], dtype=np.float64)
        cols = np.repeat(np.arange(len(tokens.ids)), [len(ids) for ids in tokens.ids])
        flat = np.asarray([i for ids in tokens.ids for i in ids], dtype=np.int64)
        tf = sparse.csr_matrix(
            (np.ones(len(flat)), (flat, cols)), shape=(max(len(self.vocab), 1), len(tokens.ids))
        )
        tf.sum_duplicates()
        self.tf = tf

    def stats(self, terms: Sequence[str]) -> Stats:
        df = {t: int(self.tf[self.vocab[t]].nnz) for t in set(terms) if t in self.vocab}
        return Stats(len(self.row_ids), int(self.lengths.sum()), df)

    def search(self, terms: Sequence[str], total: Stats, k: int) -> list[tuple[int, float]]:
        """Top-``k`` ``(row_id, score)`` of this shard, scored with the collection's ``total``."""
        if not len(self.row_ids) or not total.documents:
            return []
        avgdl = total.total_length / total.documents
        norm = K1 * ((1 - B) + B * self.lengths / avgdl)
        scores = np.zeros(len(self.row_ids), dtype=np.float64)
        for term in terms:  # a repeated query term counts again, as in bm25s
            if term not in self.vocab:
                continue
            df = total.df[term]
            idf = math.log(1 + (total.documents - df + 0.5) / (df + 0.5))
            row = self.tf[self.vocab[term]]
            docs, tf = row.indices, row.data
            scores[docs] += idf * tf / (tf + norm[docs])
        best = np.flatnonzero(scores > 0)
        if len(best) > k:  # the k best without sorting every passage
            best = best[np.argpartition(-scores[best], k - 1)[:k]]
        best = best[np.argsort(-scores[best], kind="stable")]
        return [(int(self.row_ids[i]), float(scores[i])) for i in best]


class Shard(Protocol):
    """What the router needs of a shard, in process (``LocalShard``) or over HTTP (``RemoteShard``,
    served by ``rag serve-shard``)."""

    def stats(self, terms: Sequence[str]) -> Stats: ...

    def bm25(self, terms: Sequence[str], total: Stats, k: int) -> list[Hit]: ...

    def dense(self, vector: Sequence[float], k: int) -> list[Hit]: ...


class LocalShard:
    """An index of this process as a shard."""

    def __init__(self, index: IndexVersion) -> None:
        self.index = index
        self.terms = ShardTerms(index)

    def stats(self, terms: Sequence[str]) -> Stats:
        return self.terms.stats(terms)

    def bm25(self, terms: Sequence[str], total: Stats, k: int) -> list[Hit]:
        return hits_from(self.index, self.terms.search(terms, total, k))

    def dense(self, vector: Sequence[float], k: int) -> list[Hit]:
        scores, ids = self.index.dense.search(np.asarray([vector], dtype=np.float32), k)
        return hits_from(
            self.index, [(int(i), float(s)) for i, s in zip(ids[0], scores[0], strict=True) if i >= 0]
        )


class RemoteShard:
    """A shard served by ``rag serve-shard`` at ``url`` (JSON over HTTP; ``key``: its API key)."""

    def __init__(self, url: str, *, key: str | None = None, timeout: float = 30) -> None:
        self.url = url.rstrip("/")
        self.key = key
        self.timeout = timeout

    def _post(self, route: str, body: dict[str, Any]) -> Any:
        headers = {"content-type": "application/json", **({"X-API-Key": self.key} if self.key else {})}
        request = urllib.request.Request(f"{self.url}{route}", json.dumps(body).encode(), headers)
        with urllib.request.urlopen(request, timeout=self.timeout) as response:
            return json.load(response)

    def stats(self, terms: Sequence[str]) -> Stats:
        return Stats(**self._post("/shard/v1/stats", {"terms": list(terms)}))

    def bm25(self, terms: Sequence[str], total: Stats, k: int) -> list[Hit]:
        body = {"terms": list(terms), "total": asdict(total), "k": k}
        return [hit_from_wire(h) for h in self._post("/shard/v1/bm25", body)["hits"]]

    def dense(self, vector: Sequence[float], k: int) -> list[Hit]:
        body = {"vector": [float(v) for v in vector], "k": k}
        return [hit_from_wire(h) for h in self._post("/shard/v1/dense", body)["hits"]]


def hit_to_wire(hit: Hit) -> dict[str, Any]:
    """A hit as JSON, whole (``Hit.to_dict`` is the public, flat shape)."""
    return {
        "passage": asdict(hit.passage),
        "document": asdict(hit.document),
        "rank": hit.rank,
        "score": hit.score,
    }


def hit_from_wire(data: dict[str, Any]) -> Hit:
    p, d = dict(data["passage"]), dict(data["document"])
    p["sentences"] = tuple(tuple(span) for span in p["sentences"])
    p["sentence_pages"] = tuple(p["sentence_pages"])
    d["publication_types"] = tuple(d["publication_types"])
    return Hit(passage=Passage(**p), document=DocumentInfo(**d), rank=data["rank"], score=data["score"])


def query_terms(query: str) -> list[str]:
    """The query's BM25 terms (stemmed, stopwords out), repeated ones kept, as the index tokenizes."""
    tokens = tokenize([query])
    words = {i: t for t, i in tokens.vocab.items()}
    return [words[i] for ids in tokens.ids for i in ids]


class ShardRouter:
    """Search several shards as one index (module docstring)."""

    def __init__(self, shards: Sequence[Shard], embedder: Embedder, *, rrf_k: int = RRF_K) -> None:
        self.shards = list(shards)
        self.embedder = embedder
        self.rrf_k = rrf_k

    def bm25(self, query: str, k: int) -> list[Hit]:
        terms = query_terms(query)
        total = Stats(0, 0, {})
        for shard in self.shards:
            total = total + shard.stats(terms)
        return self._merge([shard.bm25(terms, total, k) for shard in self.shards], k)

    def dense(self, query: str, k: int) -> list[Hit]:
        vector = [float(v) for v in self.embedder.embed([query])[0]]
        return self._merge([shard.dense(vector, k) for shard in self.shards], k)

    def hybrid(self, query: str, k: int) -> list[Hit]:
        depth = max(k, CANDIDATES)
        runs = [self.bm25(query, depth), self.dense(query, depth)]
        fused = rrf([[h.passage.passage_id for h in run] for run in runs], k=self.rrf_k)
        by_id = {h.passage.passage_id: h for run in runs for h in run}
        best = sorted(fused.items(), key=lambda kv: (-kv[1], kv[0]))[:k]
        return [_ranked(by_id[pid], rank, score) for rank, (pid, score) in enumerate(best, start=1)]

    def _merge(self, runs: Sequence[Sequence[Hit]], k: int) -> list[Hit]:
        hits = sorted((h for run in runs for h in run), key=lambda h: (-h.score, h.passage.passage_id))
        return [_ranked(h, rank, h.score) for rank, h in enumerate(hits[:k], start=1)]


def _ranked(hit: Hit, rank: int, score: float) -> Hit:
    return Hit(passage=hit.passage, document=hit.document, rank=rank, score=score)
