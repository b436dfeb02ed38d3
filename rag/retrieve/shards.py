"""One corpus served from several shards: the router's merge, with collection-wide BM25 statistics.

A shard is an ordinary index holding part of the documents (a document lives in one shard). For a
query the router asks every shard and merges, so that the result is the one index over all the
documents would give (``tests/test_shards.py``):

* **dense**: each shard's exact top-k (Flat) merged by score;
* **BM25**: scores depend on collection statistics (document count, average length, each term's
  document frequency), so each shard first reports its share of them for the query's terms
  (``rag.index.terms``, as the segments of one index do), the router adds them up, and every shard
  scores its passages with the global figures before the merge;
* **hybrid**: reciprocal rank fusion of the two merged rankings, as ``HybridRetriever`` does.

This is the scale-out path README "Scaling out" describes: a shard is ``LocalShard`` (an index of
this process) or ``RemoteShard`` (one served by ``rag serve-shard`` on another machine).
"""

from __future__ import annotations

import json
import urllib.request
from collections.abc import Sequence
from dataclasses import asdict
from typing import Any, Protocol

import numpy as np

from rag.embed.embedder import Embedder
from rag.index.terms import EMPTY, Stats, query_terms
from rag.index.version import IndexVersion
from rag.retrieve.fusion import RRF_K, rrf
from rag.retrieve.retrievers import CANDIDATES, hits_from
from rag.types import DocumentInfo, Hit, Passage


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

    def stats(self, terms: Sequence[str]) -> Stats:
        return self.index.lexical.stats(terms)

    def bm25(self, terms: Sequence[str], total: Stats, k: int) -> list[Hit]:
        return hits_from(self.index, self.index.lexical.search_terms(terms, total, k))

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
    quotes = p.get("quotes")  # absent from a shard of an older release
    p["quotes"] = None if quotes is None else tuple(None if q is None else (q[0], q[1]) for q in quotes)
    p["cues"] = None if p.get("cues") is None or p["quotes"] is None else tuple(p["cues"])
    d["publication_types"] = tuple(d["publication_types"])
    d["mesh"] = tuple(d.get("mesh") or ())  # absent from a shard of an older release
    return Hit(passage=Passage(**p), document=DocumentInfo(**d), rank=data["rank"], score=data["score"])


class ShardRouter:
    """Search several shards as one index (module docstring)."""

    def __init__(self, shards: Sequence[Shard], embedder: Embedder, *, rrf_k: int = RRF_K) -> None:
        self.shards = list(shards)
        self.embedder = embedder
        self.rrf_k = rrf_k

    def bm25(self, query: str, k: int) -> list[Hit]:
        terms = query_terms(query)
        total = EMPTY
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
