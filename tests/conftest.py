from __future__ import annotations

import os

os.environ.setdefault("HF_HUB_OFFLINE", "1")
os.environ.setdefault("TRANSFORMERS_OFFLINE", "1")
# conversations are kept under $XDG_STATE_HOME by default: never in the tester's home
os.environ["XDG_STATE_HOME"] = __import__("tempfile").mkdtemp(prefix="rag-test-state-")

import socket  # noqa: E402
import subprocess  # noqa: E402
import sys  # noqa: E402
import time  # noqa: E402
import urllib.request  # noqa: E402
from collections.abc import Sequence  # noqa: E402
from pathlib import Path  # noqa: E402

import numpy as np  # noqa: E402
import pytest  # noqa: E402

from rag.answer.select.candidates import Candidate  # noqa: E402
from rag.answer.select.model import FeatureSelector, linear_selector  # noqa: E402
from rag.answer.select.policy import Policy  # noqa: E402
from rag.embed.embedder import DEFAULT_MODEL, HashingEmbedder, SentenceTransformerEmbedder  # noqa: E402
from rag.index.ingest import ingest  # noqa: E402
from rag.readers import read_paths  # noqa: E402
from rag.types import DocumentInfo, Hit, Passage  # noqa: E402

FIXTURES = Path(__file__).parent / "fixtures"
BASE = "http://127.0.0.1"  # an allowed Host (RAG_ALLOWED_HOSTS) for TestClient
ABSTRACTS = FIXTURES / "abstracts" / "pubmedqa_10.jsonl"
PUBMED = FIXTURES / "pubmed" / "air_embolism_6.xml"
PDF_DIR = FIXTURES / "pdf"
PDF = PDF_DIR / "10.1186_1752-2897-4-1.pdf"
PDF_MANIFEST = PDF_DIR / "manifest.csv"


@pytest.fixture(scope="session")
def fake_index(tmp_path_factory: pytest.TempPathFactory) -> Path:
    """Abstracts + PubMed slice, embedded with the deterministic hashing embedder."""
    path = tmp_path_factory.mktemp("fake") / "index"
    report = ingest(read_paths([ABSTRACTS, PUBMED]), path, HashingEmbedder())
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
    report = ingest(read_paths([ABSTRACTS, PUBMED, PDF_DIR], PDF_MANIFEST), path, real_embedder)
    assert report.failed == 0, report.failures
    return path


def make_hit(doc: str, text: str, rank: int = 1, **fields: object) -> Hit:
    """A retrieved passage of one whole document ``doc`` with text ``text`` (sentences split as at ingest)."""
    from rag.text.sentences import split_sentences

    pages = {k: fields.pop(k) for k in ("page_start", "page_end") if k in fields}
    meta: dict = {"title": f"Title {doc}", "journal": "J", "year": 2020, **fields}
    passage = Passage(
        passage_id=f"{doc}#0",
        doc_id=doc,
        ordinal=0,
        text=text,
        char_start=0,
        char_end=len(text),
        page_start=pages.get("page_start"),  # type: ignore[arg-type]
        page_end=pages.get("page_end"),  # type: ignore[arg-type]
        sentences=tuple(split_sentences(text)),
    )
    return Hit(
        passage=passage, document=DocumentInfo(doc_id=doc, chars=len(text), **meta), rank=rank, score=1.0
    )


def labelled_hits(doc: str, parts: Sequence[tuple[str, str]], **fields: object) -> list[Hit]:
    """One passage of ``doc`` per ``(section label, text)`` of a labelled abstract, in order."""
    from dataclasses import replace

    hits, start = [], 0
    for n, (label, text) in enumerate(parts):
        hit = make_hit(doc, text, n + 1, **fields)
        passage = replace(hit.passage, passage_id=f"{doc}#{n}", ordinal=n, section=label, char_start=start)
        hits.append(replace(hit, passage=passage))
        start += len(text) + 1
    return hits


def cosine_selector(threshold: float = 0.05, max_sentences: int = 4) -> FeatureSelector:
    """A selector for the hashing embedder, checkable by hand: probability ½ at ``cosine == threshold``;
    cites every sentence above it (best first), abstains when none is."""
    return linear_selector(
        {"cosine": 50.0},
        bias=-50.0 * threshold,
        policy=Policy(abstain=0.5, include=0.5, relative=0.0, max_sentences=max_sentences, max_documents=3),
        name="cosine-test",
    )


TEST_SELECTOR = Path(__import__("tempfile").mkdtemp(prefix="selector-")) / "cosine"
cosine_selector().save(TEST_SELECTOR)  # for subprocesses: RAG_SELECTOR=TEST_SELECTOR


class FixedSelector:
    """A selector that gives each sentence the probability ``probabilities`` holds for its text (e.g.
    the packaged selector's on the demo index), under ``policy``."""

    name = "fixed-test"
    rerank_weight = 0.0

    def __init__(self, probabilities: dict[str, float], policy: Policy) -> None:
        self.probabilities = probabilities
        self.policy = policy

    def score(
        self, question: str, question_vector: object, pool: Sequence[Candidate], vectors: object
    ) -> np.ndarray:
        return np.array([self.probabilities[c.text] for c in pool])


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def start_server(index: Path) -> tuple[subprocess.Popen, str]:
    """`rag serve --index INDEX` on a free loopback port; returns once /v1/health answers 200.

    The server's output goes to a file (a pipe nobody reads would fill up with access logs and
    block the server under load).
    """
    port = free_port()
    log = index.parent / f"serve-{port}.log"
    with log.open("wb") as out:
        proc = subprocess.Popen(
            [sys.executable, "-m", "rag.cli", "serve", "--index", str(index), "--port", str(port)],
            env={**os.environ, "HF_HUB_OFFLINE": "1"},
            stdout=out,
            stderr=subprocess.STDOUT,
        )
    base = f"http://127.0.0.1:{port}"
    deadline = time.time() + 120
    while time.time() < deadline:
        try:
            with urllib.request.urlopen(base + "/v1/health", timeout=2) as r:
                if r.status == 200:
                    return proc, base
        except OSError:
            time.sleep(0.3)
        if proc.poll() is not None:
            raise RuntimeError(f"server died: {log.read_text()}")
    proc.kill()
    raise RuntimeError("server did not start in 120 s")


@pytest.fixture(scope="session")
def server(real_index: Path):  # type: ignore[no-untyped-def]
    proc, base = start_server(real_index)
    yield base
    proc.terminate()
    proc.wait(timeout=20)
