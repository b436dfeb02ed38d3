from pathlib import Path

import pytest

from rag.compose import cite_sentence, compose
from rag.embed import HashingEmbedder
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.types import Hit


def test_retrieval_modes_find_the_obvious_document(fake_index: Path) -> None:
    engine = Engine(fake_index, embedder=HashingEmbedder())
    for mode in ("bm25", "dense", "hybrid"):
        hits = engine.search("gluten tolerance celiac disease", k=5, mode=mode)
        assert hits[0].doc_id == "18403944", mode
        assert [h.rank for h in hits] == list(range(1, len(hits) + 1))
        assert hits[0].title.startswith("Gluten tolerance") and hits[0].year == 2008
    with pytest.raises(InvalidInput, match="unknown retrieval mode"):
        engine.search("x", mode="magic")
    with pytest.raises(InvalidInput, match="empty"):
        engine.search("   ")
    with pytest.raises(InvalidInput, match="limit"):
        engine.ask("x" * 5000)


def test_cite_sentence() -> None:
    assert cite_sentence("It works.", [1]) == "It works [1]."
    assert cite_sentence("Does it?", [1, 2]) == "Does it [1][2]?"
    assert cite_sentence("No stop", [3]) == "No stop [3]."


def _hit(doc: str, text: str, rank: int) -> Hit:
    from rag.sentences import split_sentences

    return Hit(
        passage_id=f"{doc}#0",
        doc_id=doc,
        rank=rank,
        score=1.0,
        text=text,
        title=f"Title {doc}",
        journal="J",
        year=2020,
        sentences=tuple(split_sentences(text)),
        page_start=3,
        page_end=3,
    )


def test_compose_numbers_by_first_appearance_and_quotes_verbatim() -> None:
    hits = [
        _hit("b", "Aspirin lowers stroke risk in adults. Unrelated weather report follows here.", 1),
        _hit("a", "Aspirin lowers stroke risk in older adults with atrial fibrillation.", 2),
        _hit("b2", "Aspirin lowers stroke risk in adults.", 3),  # exact duplicate of a sentence of b
    ]
    answer = compose("Does aspirin lower stroke risk in adults?", hits, HashingEmbedder(), min_cosine=0.1)
    assert not answer.insufficient_evidence
    numbers = [int(n) for n in __import__("re").findall(r"\[(\d+)\]", answer.answer)]
    assert numbers and sorted(set(numbers)) == list(range(1, max(numbers) + 1))
    assert numbers[0] == 1
    assert {r.n for r in answer.references} == set(numbers)
    by_doc = {c.doc_id for c in answer.citations}
    assert "b2" not in by_doc or "b" not in by_doc  # the near-duplicate was dropped
    texts = {h.doc_id: h.text for h in hits}
    for c in answer.citations:
        assert c.quote in texts[c.doc_id] and c.page == 3


def test_compose_insufficient_evidence_lists_closest_sources() -> None:
    hits = [_hit("x", "Completely unrelated content about geology of mountains.", 1)]
    answer = compose("Does aspirin lower stroke risk?", hits, HashingEmbedder(), min_cosine=0.9)
    assert answer.insufficient_evidence
    assert "not contain enough evidence" in answer.answer and "[1]" in answer.answer
    assert answer.references[0].doc_id == "x"
    assert compose("q", [], HashingEmbedder()).insufficient_evidence


def test_reference_format_and_links() -> None:
    from rag.references import format_reference, make_reference

    assert format_reference("Heparin in trauma.", "J Trauma", 2010) == "Heparin in trauma. J Trauma, 2010."
    assert format_reference("Is heparin safe?", None, 2011) == "Is heparin safe? 2011."
    assert format_reference("Untitled", None, None) == "Untitled."
    ref = make_reference(1, doc_id="d", title="T", journal="J", year=2020, pmid="123", doi="10.1/x")
    assert ref.url == "https://pubmed.ncbi.nlm.nih.gov/123/"
    ref = make_reference(1, doc_id="d", title="T", journal="J", year=2020, pmid=None, doi="10.1/x")
    assert ref.url == "https://doi.org/10.1/x"
