"""The real path: packaged all-MiniLM-L6-v2, real FAISS, real SQLite, real PDF."""

import re
from pathlib import Path

import numpy as np
import pytest

from rag.engine import Engine
from rag.index.version import open_index

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
    # the bottom line comes from the systematic review, introduced with its design and year
    assert answer.bottom_line and answer.bottom_line.startswith("A 2010 systematic review [1] found: «")
    assert answer.citations[0].quote in answer.bottom_line
    assert answer.selector == "features:packaged"
    # the question asks for complications: the bottom line names them (``rag.answer.answer_type``),
    # not only the review's remark that they must be understood (the selector's best, p 0.22)
    heparin = "The risks of heparin include bleeding and heparin induced thrombocytopenia."
    assert heparin in answer.bottom_line
    assert [c.page for c in answer.citations if c.quote == heparin] == [1]
    _check_answer(answer, real_index)  # and no [n] that is not one of the references


def test_a_finding_in_a_pdfs_abstract_is_quoted(real_index: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    """The review's abstract ends at its "Introduction" heading (``body_start``); its sentences are
    placed within the abstract, as in the abstracts the selector learned from, so the abstract's
    finding is quoted, not a sentence of the discussion that mentions the same words."""
    engine = Engine(real_index, embedder=real_embedder)
    hits = engine.search("inferior vena cava filters in trauma", k=3)
    review = next(h.document for h in hits if h.doc_id == "10.1186/1752-2897-4-1")
    assert review.body_start is not None and 0 < review.body_start < (review.chars or 0) // 2
    answer = engine.ask("What are the risks of inferior vena cava filters in trauma patients?")
    assert answer.citations[0].quote == (
        "Inferior vena cava filters migrate, cause inferior vena cava occlusion, and penetrate the vessel "
        "wall."
    )
    assert answer.citations[0].page == 1
    _check_answer(answer, real_index)


def test_a_jats_full_text_is_answered_from_its_abstract_not_its_discussion(  # type: ignore[no-untyped-def]
    tmp_path: Path, real_embedder
) -> None:
    """The body's "Discussion" label is not a section feature (the selector learned CONCLUSIONS from
    abstracts): the article's conclusion is quoted, not discussion sentences that restate its words."""
    from conftest import ABSTRACTS, FIXTURES

    from rag.index.ingest import ingest
    from rag.readers import read_paths

    index = tmp_path / "index"
    ingest(read_paths([FIXTURES / "pmc" / "ohip_nl_18405359.nxml", ABSTRACTS]), index, real_embedder)
    engine = Engine(index, embedder=real_embedder)
    answer = engine.ask("Is the Dutch version of the Oral Health Impact Profile reliable and valid?")
    text = engine.index.store.document_text("18405359") or ""
    body_start = engine.search("Oral Health Impact Profile", k=1)[0].document.body_start
    assert body_start is not None  # the abstract ends with its conclusion:
    assert text[:body_start].rstrip().endswith("instrument to measure oral health-related quality of life.")
    cited = [text.index(c.quote) for c in answer.citations if c.doc_id == "18405359"]
    assert cited and all(offset < body_start for offset in cited), cited
    assert answer.citations[0].quote.startswith("In conclusion: the OHIP-NL can be considered a reliable")
    _check_answer(answer, index)


def test_packaged_selector_ranks_a_finding_above_background(real_embedder) -> None:  # type: ignore[no-untyped-def]
    """tests/fixtures/selector: abstracts' opening sentences versus their conclusions."""
    import json

    from conftest import FIXTURES, make_hit

    from rag.answer.select import evidence_pool, load_selector

    selector = load_selector()
    cases = json.loads((FIXTURES / "selector" / "finding_vs_background.json").read_text())
    assert len(cases) == 4
    for case in cases:
        hit = make_hit(case["pmid"], f"{case['background']} {case['finding']}", title="", year=None)
        pool = evidence_pool(case["question"], [hit], real_embedder, {})
        assert [c.text for c in pool.candidates] == [case["background"], case["finding"]]
        probs = selector.score(case["question"], pool.question_vector, pool.candidates, pool.vectors)
        assert probs[1] > probs[0], case["pmid"]


def test_a_cross_encoder_can_be_the_selector(tmp_path: Path, real_embedder) -> None:  # type: ignore[no-untyped-def]
    """`RAG_SELECTOR=cross-encoder:PATH` loads any sentence-transformers cross-encoder (here one made from
    the packaged MiniLM weights with a fresh, seeded scoring head) and scores every candidate."""
    import torch
    from conftest import make_hit
    from sentence_transformers import CrossEncoder

    from rag.answer.select import evidence_pool, load_selector
    from rag.embed.embedder import resolve_model

    torch.manual_seed(0)
    CrossEncoder(resolve_model("packaged:all-MiniLM-L6-v2"), num_labels=1).save(str(tmp_path / "ce"))
    selector = load_selector(f"cross-encoder:{tmp_path / 'ce'}")
    text = (
        "Heparin causes bleeding in many trauma patients. Mountains are very high in the Alps. "
        "Rivers are long and wide in the north."
    )
    hit = make_hit("d", text)
    pool = evidence_pool("Does heparin cause bleeding?", [hit], real_embedder, {})
    probs = selector.score(
        "Does heparin cause bleeding?", pool.question_vector, pool.candidates, pool.vectors
    )
    assert selector.name.startswith("cross-encoder:") and probs.shape == (3,)
    assert ((probs > 0) & (probs < 1)).all() and len(set(np.round(probs, 6))) == 3


def test_a_bi_encoder_or_a_missing_folder_is_refused_as_a_cross_encoder(tmp_path: Path) -> None:
    """The packaged bi-encoder would load as a cross-encoder with an untrained head and score at random:
    `cross-encoder:` refuses it, and a folder that does not exist, with errors that say what to give."""
    from rag.answer.select import load_selector
    from rag.embed.embedder import resolve_model
    from rag.errors import InvalidInput

    with pytest.raises(InvalidInput, match="is not a cross-encoder: its config names BertModel"):
        load_selector(f"cross-encoder:{resolve_model('packaged:all-MiniLM-L6-v2')}")
    with pytest.raises(InvalidInput, match="cannot load the cross-encoder"):
        load_selector(f"cross-encoder:{tmp_path / 'missing'}")
