"""A study whose title is the question is cited even when the selector abstains
(rag.answer.select.titled): PubMed 10759659 of the demo corpus (PubMedQA), with the packaged selector's
probabilities for "Is the nurse cystoscopist a feasible option?" on the demo index (best 0.021, under
the abstention bar 0.09)."""

from __future__ import annotations

from conftest import FixedSelector, make_hit

from rag.answer.compose import compose
from rag.answer.select import Policy, evidence_pool
from rag.embed.embedder import HashingEmbedder

TITLE = "The nurse cystoscopist: a feasible option?"
SIZE = (
    "Eighty-three patients underwent flexible cystoscopy by both the UNP and consultant urologist, each "
    "unaware of the other's findings."
)
CONCLUSION = (
    "A UNP can be trained to perform cystoscopy and detect suspicious lesions as accurately as can a "
    "consultant urologist."
)
LEGAL = "Legal and training issues in implementation are important."
OTHER = "Transgastric endoscopic splenectomy in a porcine model appears technically feasible."
PROBABILITY = {SIZE: 0.001, CONCLUSION: 0.021, LEGAL: 0.017, OTHER: 0.0004}
POLICY = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)  # the packaged one


def _answer(question: str, asked: str | None = None):  # type: ignore[no-untyped-def]
    hits = [
        make_hit("16432652", OTHER, 1, title="Transgastric endoscopic splenectomy: is it possible?"),
        make_hit("10759659", " ".join([SIZE, CONCLUSION, LEGAL]), 2, title=TITLE, year=2000),
    ]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    return compose(question, pool, FixedSelector(PROBABILITY, POLICY), asked=asked)


def test_a_study_titled_with_the_question_answers_it_when_the_selector_abstains() -> None:
    answer = _answer("Is the nurse cystoscopist a feasible option?")
    assert not answer.insufficient_evidence
    assert (
        answer.bottom_line == f"A 2000 study [1] found: «{CONCLUSION}»"
    )  # the best alone, under ``include``
    assert [r.doc_id for r in answer.references] == ["10759659"]


def test_other_words_or_too_few_of_them_are_refused_as_before() -> None:
    assert _answer("Can a nurse replace a urologist?").insufficient_evidence  # not the title's words
    assert _answer("Is it feasible?").insufficient_evidence  # too few words to match a title


def test_a_follow_up_reads_the_study_its_conversation_asked_by_title() -> None:
    first = "Is the nurse cystoscopist a feasible option?"
    answer = _answer(f"{first} how many patients?", asked=f"how many patients? {first}")
    assert not answer.insufficient_evidence
    assert [c.quote for c in answer.citations] == [SIZE]  # the size, as the question asks
