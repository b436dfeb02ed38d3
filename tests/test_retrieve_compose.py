from pathlib import Path

import pytest
from conftest import cosine_selector, make_hit

from rag.answer.compose import compose
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.types import Hit  # noqa: F401


def _compose(question: str, hits: list[Hit], threshold: float):  # type: ignore[no-untyped-def]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    return compose(question, pool, cosine_selector(threshold))


def test_retrieval_modes_find_the_obvious_document(fake_index: Path) -> None:
    engine = Engine(fake_index, embedder=HashingEmbedder())
    for mode in ("bm25", "dense", "hybrid"):
        hits = engine.search("gluten tolerance celiac disease", k=5, mode=mode)
        assert hits[0].doc_id == "18403944", mode
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert hits[0].document.title.startswith("Gluten tolerance") and hits[0].document.year == 2008
    with pytest.raises(InvalidInput, match="unknown retrieval mode"):
        engine.search("x", mode="magic")
    with pytest.raises(InvalidInput, match="empty"):
        engine.search("   ")
    with pytest.raises(InvalidInput, match="limit"):
        engine.ask("x" * 5000)


def test_evidence_pool_can_withhold_a_document_as_if_not_indexed(fake_index: Path) -> None:
    """Training asks a question again without its own article: no hit, no candidate of it, and the
    remaining passages renumbered from 1 as a first stage without that article would rank them."""
    engine = Engine(fake_index, embedder=HashingEmbedder())
    question = "gluten tolerance celiac disease"
    full = engine.evidence_pool(question, k=5)
    assert full.hits[0].doc_id == "18403944"
    pool = engine.evidence_pool(question, k=5, without=frozenset({"18403944"}))
    assert len(pool.hits) == 5 and [h.rank for h in pool.hits] == [1, 2, 3, 4, 5]
    assert all(h.doc_id != "18403944" for h in pool.hits)
    assert pool.candidates and all(c.hit.doc_id != "18403944" for c in pool.candidates)
    others = [h.passage_id for h in full.hits if h.doc_id != "18403944"]
    assert [h.passage_id for h in pool.hits][: len(others)] == others  # the rest keep their order
    with pytest.raises(InvalidInput, match="first-stage"):
        engine.search(question, mode="rerank", without=frozenset({"18403944"}))


PAGE3 = {"page_start": 3, "page_end": 3}


def test_compose_numbers_by_first_appearance_and_quotes_verbatim() -> None:
    hits = [
        make_hit(
            "b", "Aspirin lowers stroke risk in adults. Unrelated weather report follows here.", 1, **PAGE3
        ),
        make_hit("a", "Aspirin lowers stroke risk in older adults with atrial fibrillation.", 2, **PAGE3),
        make_hit("b2", "Aspirin lowers stroke risk in adults.", 3, **PAGE3),  # duplicate of a sentence of b
    ]
    answer = _compose("Does aspirin lower stroke risk in adults?", hits, 0.1)
    assert not answer.insufficient_evidence
    numbers = [int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.answer)]
    assert numbers and sorted(set(numbers)) == list(range(1, max(numbers) + 1))
    assert numbers[0] == 1
    assert {r.n for r in answer.references} == set(numbers)
    quotes = [c.quote for c in answer.citations]
    assert quotes.count("Aspirin lowers stroke risk in adults.") == 1  # the duplicate was dropped
    assert "Unrelated weather report follows here." not in quotes
    texts = {h.doc_id: h.text for h in hits}
    for c in answer.citations:
        assert c.quote in texts[c.doc_id] and c.page == 3


def test_compose_insufficient_evidence_lists_closest_sources() -> None:
    hits = [make_hit("x", "Completely unrelated content about geology of mountains.", 1)]
    answer = _compose("Does aspirin lower stroke risk?", hits, 0.9)
    assert answer.insufficient_evidence
    assert "not contain enough evidence" in answer.answer and "[1]" in answer.answer
    assert answer.references[0].doc_id == "x"
    assert _compose("q", [], 0.1).insufficient_evidence


def test_reference_format_and_links() -> None:
    from rag.answer.references import format_reference, make_reference
    from rag.types import DocumentInfo

    assert format_reference("Heparin in trauma.", "J Trauma", 2010) == "Heparin in trauma. J Trauma, 2010."
    assert format_reference("Is heparin safe?", None, 2011) == "Is heparin safe? 2011."
    assert format_reference("Untitled", None, None) == "Untitled."
    ref = make_reference(1, DocumentInfo("d", "T", "J", 2020, pmid="123", doi="10.1/x"))
    assert ref.url == "https://pubmed.ncbi.nlm.nih.gov/123/"
    ref = make_reference(1, DocumentInfo("d", "T", "J", 2020, doi="10.1/x"))
    assert ref.url == "https://doi.org/10.1/x"


def test_rerank_mode_regroups_hybrid_passages_by_selected_document(fake_index: Path) -> None:
    engine = Engine(fake_index, embedder=HashingEmbedder(), selector=cosine_selector())
    reranked = engine.search("gluten tolerance celiac disease", k=10, mode="rerank")
    hybrid = engine.search("gluten tolerance celiac disease", k=30, mode="hybrid")
    assert [h.rank for h in reranked] == list(range(1, len(reranked) + 1))
    assert {h.passage_id for h in reranked} <= {h.passage_id for h in hybrid}
    assert reranked[0].doc_id == "18403944"
    docs = [h.doc_id for h in reranked]
    assert all(docs.index(d) == i or docs[i - 1] == d for i, d in enumerate(docs))  # grouped by document
