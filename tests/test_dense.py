"""FAISS wrappers: trained (IVF) indexes, search-time parameters, exactness against Flat."""

from pathlib import Path

import faiss
import numpy as np
import pytest

from rag.errors import RagError
from rag.index.dense import DenseIndex, default_search_params


def _unit(n: int, d: int = 32, seed: int = 0) -> np.ndarray:
    x = np.random.default_rng(seed).standard_normal((n, d)).astype(np.float32)
    return x / np.linalg.norm(x, axis=1, keepdims=True)


def test_default_search_params_by_factory() -> None:
    assert default_search_params("Flat") == ""
    assert default_search_params("HNSW32") == "efSearch=2048"
    assert default_search_params("IVF1024_HNSW32,PQ48") == "nprobe=512"


def test_ivf_index_is_trained_on_what_was_added_and_finds_exact_neighbours(tmp_path: Path) -> None:
    x = _unit(2000)
    ids = list(range(100, 2100))
    flat, ivf = DenseIndex.create(32), DenseIndex.create(32, "IVF16,Flat")
    for index in (flat, ivf):
        index.add(ids[:1000], x[:1000])  # two batches, as the builder adds them
        index.add(ids[1000:], x[1000:])
    assert len(ivf) == 2000 and not ivf.index.is_trained
    ivf.save(tmp_path / "ivf.faiss")
    loaded = DenseIndex.load(tmp_path / "ivf.faiss", "IVF16,Flat")
    assert faiss.extract_index_ivf(loaded.index).nprobe == 512  # >= 16 lists: exhaustive
    q = _unit(5, seed=1)
    assert (loaded.search(q, 10)[1] == flat.search(q, 10)[1]).all()
    assert np.allclose(loaded.vectors([105]), x[5:6], atol=1e-6)  # found by id (direct map)
    loaded.remove([105])
    assert len(loaded) == 1999 and 105 not in loaded.search(x[5:6], 5)[1]


def test_too_few_vectors_to_train_is_a_clear_error(tmp_path: Path) -> None:
    index = DenseIndex.create(32, "IVF256,Flat")
    index.add(list(range(50)), _unit(50))
    with pytest.raises(RagError, match="could not be trained"):
        index.save(tmp_path / "x.faiss")


def test_unknown_factory_is_a_clear_error() -> None:
    with pytest.raises(RagError, match="cannot build index factory"):
        DenseIndex.create(32, "NoSuchIndex")


def test_engine_applies_configured_faiss_search_params(tmp_path: Path) -> None:
    from rag.config import EngineOptions
    from rag.embed.embedder import HashingEmbedder
    from rag.engine import Engine
    from rag.errors import InvalidInput
    from rag.index.ingest import ingest
    from rag.index.options import WriteOptions
    from rag.readers import read_paths

    abstracts = Path(__file__).parent / "fixtures" / "abstracts" / "pubmedqa_10.jsonl"
    idx = tmp_path / "idx"
    ingest(read_paths([abstracts]), idx, HashingEmbedder(), WriteOptions(faiss_factory="HNSW32"))
    hnsw = lambda e: faiss.downcast_index(e.index.segments[0].dense.index.index).hnsw  # noqa: E731
    assert hnsw(Engine(idx, embedder=HashingEmbedder())).efSearch == 2048
    assert (
        hnsw(Engine(idx, EngineOptions(faiss_search="efSearch=64"), embedder=HashingEmbedder())).efSearch
        == 64
    )
    with pytest.raises(InvalidInput, match="RAG_FAISS_SEARCH"):
        Engine(idx, EngineOptions(faiss_search="nprobe=8"), embedder=HashingEmbedder())
