from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

from pathlib import Path  # noqa: E402

import pytest  # noqa: E402

from rag.embed import DEFAULT_MODEL, HashingEmbedder, SentenceTransformerEmbedder  # noqa: E402
from rag.ingest import ingest  # noqa: E402
from rag.readers import read_paths  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
ABSTRACTS = FIXTURES / "abstracts" / "pubmedqa_10.jsonl"
PUBMED = FIXTURES / "pubmed" / "air_embolism_6.xml"
PDF_DIR = FIXTURES / "pdf"
PDF = PDF_DIR / "10.1186_1752-2897-4-1.pdf"
PDF_MANIFEST = PDF_DIR / "manifest.csv"


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Abstracts + PubMed slice, embedded with the deterministic hashing embedder."""
    path = tmp_path_factory.mktemp("fake") / "index"
    report = ingest(read_paths([ABSTRACTS, PUBMED]), path, HashingEmbedder(), progress=False)
    assert report.failed == 0
    return path


@pytest.fixture(scope="session")
def real_embedder() -> SentenceTransformerEmbedder:
    """The packaged all-MiniLM-L6-v2, loaded once per test session."""
    return SentenceTransformerEmbedder(DEFAULT_MODEL)


@pytest.fixture(scope="session")
def real_index(tmp_path_factory: pytest.TempPathFactory, real_embedder: SentenceTransformerEmbedder) -> Path:
    """Abstracts, PubMed slice and the trauma review PDF, embedded with the real packaged model."""
    path = tmp_path_factory.mktemp("real") / "index"
    report = ingest(
        read_paths([ABSTRACTS, PUBMED, PDF_DIR], PDF_MANIFEST), path, real_embedder, progress=False
    )
    assert report.failed == 0, report.failures
    return path
