"""The real path: packaged all-MiniLM-L6-v2, real FAISS, real SQLite, real PDF."""

import re
from pathlib import Path

import numpy as np
import pytest

from rag.engine import Engine
from rag.index import open_index

pytestmark = pytest.mark.slow


def test_packaged_model_embeds_offline(real_embedder) -> None:  # type: ignore[no-untyped-def]
    vectors = real_embedder.embed(
        ["heparin causes bleeding", "anticoagulants increase haemorrhage", "mountains"]
    )
    assert vectors.shape == (3, 384)
    assert np.allclose(np.linalg.norm(vectors, axis=1), 1.0, atol=1e-5)
    assert vectors[0] @ vectors[1] > vectors[0] @ vectors[2] + 0.2


def _check_answer(answer, index_dir: Path) -> None:  # type: ignore[no-untyped-def]
    numbers = [int(n) for n in re.findall(r"\[(\d+)\]", answer.answer)]
    refs = {r.n for r in answer.references}
    assert set(numbers) == refs
    first_seen = list(dict.fromkeys(numbers))
    assert first_seen == sorted(first_seen) == list(range(1, len(refs) + 1))
    store = open_index(index_dir).store
    for c in answer.citations:
        [passage] = [p for p in store.passages_of(c.doc_id) if p.passage.passage_id == c.passage_id]
        assert c.quote in passage.passage.text


def test_answer_cites_the_obvious_document(real_index: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(real_index, embedder=real_embedder)
    answer = engine.ask("Can adult celiac disease patients develop tolerance to gluten?")
    assert not answer.insufficient_evidence
    assert answer.references[0].doc_id == "18403944"
    assert answer.references[0].url == "https://pubmed.ncbi.nlm.nih.gov/18403944/"
    _check_answer(answer, real_index)


def test_pdf_answer_has_page_numbers_and_doi(real_index: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    engine = Engine(real_index, embedder=real_embedder)
    answer = engine.ask(
        "What complications are related to deep venous thrombosis prophylaxis in trauma patients?"
    )
    ref = answer.references[0]
    assert ref.doi == "10.1186/1752-2897-4-1" and ref.year == 2010
    assert ref.formatted == (
        "Complications related to deep venous thrombosis prophylaxis in trauma: a systematic review. "
        "J. Trauma Management & Outcomes, 2010."
    )
    pdf_citations = [c for c in answer.citations if c.doc_id == ref.doc_id]
    assert pdf_citations and all(c.page in (1, 2) for c in pdf_citations)
    _check_answer(answer, real_index)


def test_off_topic_question_is_insufficient(real_index: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    answer = Engine(real_index, embedder=real_embedder).ask("What is the boiling point of liquid nitrogen?")
    assert answer.insufficient_evidence
    assert "not contain enough evidence" in answer.answer
    _check_answer(answer, real_index)


@pytest.mark.parametrize(
    ("backend", "module", "min_cosine"),
    [
        ("onnx", "optimum.onnxruntime", 0.999),
        ("onnx-int8", "optimum.onnxruntime", 0.95),
        ("openvino", "optimum.intel", 0.995),
        ("openvino-int8", "nncf", 0.95),
    ],
)
def test_fast_backends_are_close_to_torch_and_never_mixed(  # type: ignore[no-untyped-def]
    backend, module, min_cosine, real_index: Path, tmp_path: Path, monkeypatch
) -> None:
    pytest.importorskip(module, reason=f"the {backend} backend needs the `fast` extra")
    from rag.embed import SentenceTransformerEmbedder
    from rag.errors import IndexMismatch

    monkeypatch.setenv("RAG_MODEL_CACHE", str(tmp_path / "models"))
    torch = SentenceTransformerEmbedder("packaged:all-MiniLM-L6-v2")
    fast = SentenceTransformerEmbedder(f"packaged:all-MiniLM-L6-v2@{backend}")
    texts = ["Heparin increases bleeding risk in trauma patients.", "Hyperbaric oxygen for air embolism."]
    cos = np.sum(fast.embed(texts) * torch.embed(texts), axis=1)
    assert cos.min() > min_cosine
    [exported] = (tmp_path / "models").iterdir()  # exported once into the model cache, no temp left
    assert exported.name.endswith(tuple("0123456789abcdef")) and f"-{backend}-" in exported.name
    for other in (torch, fast):
        if other.name != open_index(real_index).manifest.model:
            with pytest.raises(IndexMismatch, match=other.name.split("@")[-1]):
                Engine(real_index, embedder=other)


def test_default_embedder_is_safe_to_call_from_many_threads(real_embedder) -> None:  # type: ignore[no-untyped-def]
    from concurrent.futures import ThreadPoolExecutor

    texts = [f"question number {i} about heparin" for i in range(64)]
    with ThreadPoolExecutor(8) as pool:  # the server calls the embedder from its worker threads
        vectors = list(pool.map(lambda t: real_embedder.embed([t])[0], texts))
    assert np.allclose(np.vstack(vectors), real_embedder.embed(texts), atol=1e-3)
