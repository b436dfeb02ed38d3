"""The serving caches: LRU eviction, one query embedding per request, answers keyed by index version."""

from collections.abc import Sequence
from pathlib import Path

import numpy as np
import pytest
from conftest import cosine_selector

from rag.config import EngineOptions
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.index.ingest import ingest
from rag.lru import LRU
from rag.readers import ReadResult
from rag.types import Document, Section


class CountingEmbedder(HashingEmbedder):
    def __init__(self) -> None:
        super().__init__()
        self.texts: list[str] = []

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        self.texts.extend(texts)
        return super().embed(texts)


def test_lru_evicts_the_least_recently_used_and_counts() -> None:
    cache: LRU[int] = LRU(2)
    cache.put("a", 1)
    cache.put("b", 2)
    assert cache.get("a") == 1  # "b" is now the oldest
    cache.put("c", 3)
    assert cache.get("b") is None and cache.get("a") == 1 and cache.get("c") == 3
    assert cache.stats() == {"size": 2, "entries": 2, "hits": 3, "misses": 1}
    off: LRU[int] = LRU(0)
    off.put("a", 1)
    assert off.get("a") is None and len(off) == 0
    with pytest.raises(ValueError):
        LRU(-1)


def test_a_question_is_embedded_once_per_request_even_without_caches(fake_index: Path) -> None:
    emb = CountingEmbedder()
    options = EngineOptions(query_cache=0, answer_cache=0)
    engine = Engine(fake_index, options, embedder=emb, selector=cosine_selector())
    engine.ask("gluten tolerance in celiac disease")
    assert emb.texts.count("gluten tolerance in celiac disease") == 1
    engine.ask("gluten tolerance in celiac disease")  # no answer cache, no query cache: computed again
    assert emb.texts.count("gluten tolerance in celiac disease") == 2


def test_repeated_queries_read_the_query_cache(fake_index: Path) -> None:
    emb = CountingEmbedder()
    engine = Engine(fake_index, embedder=emb, selector=cosine_selector())
    engine.search("gluten tolerance in celiac disease", mode="dense")
    engine.ask("gluten tolerance in celiac disease")
    assert emb.texts.count("gluten tolerance in celiac disease") == 1
    assert engine.queries.cache.stats()["hits"] == 1


def test_answer_cache_is_keyed_by_normalised_question_and_index_version(tmp_path: Path) -> None:
    emb = HashingEmbedder()
    index = tmp_path / "idx"
    ingest([_read("a", "Gluten tolerance is lost in celiac disease.")], index, emb)
    engine = Engine(index, EngineOptions(answer_cache=8), embedder=emb, selector=cosine_selector())
    first = engine.ask("gluten tolerance?")
    again = engine.ask("  gluten   tolerance? ")
    assert again.question == "  gluten   tolerance? ".strip() and again.citations == first.citations
    assert engine.answers.stats()["hits"] == 1
    ingest([_read("b", "Gluten tolerance returns after a strict diet.")], index, emb)
    engine.reload()
    fresh = engine.ask("gluten tolerance?")  # a new version is never answered from the old one's cache
    assert engine.answers.stats()["misses"] == 2
    assert "b" in {c.doc_id for c in fresh.citations}


def _read(doc_id: str, text: str) -> ReadResult:
    return ReadResult(f"{doc_id}.txt", (Document(doc_id=doc_id, title="Gluten", sections=(Section(text),)),))
