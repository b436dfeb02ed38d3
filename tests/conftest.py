from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")

import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
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


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture(scope="session")
def server(real_index: Path):  # type: ignore[no-untyped-def]
    port = free_port()
    proc = subprocess.Popen(
        [sys.executable, "-m", "rag.cli", "serve", "--index", str(real_index), "--port", str(port)],
        env={**os.environ, "HF_HUB_OFFLINE": "1"},
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
    )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2) as r:
                if r.status == 200:
                    break
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(proc.stdout.read().decode() if proc.stdout else "server died")
    else:
        proc.kill()
        raise RuntimeError("server did not start in 120 s")
    yield base
    proc.terminate()
    proc.wait(timeout=20)
