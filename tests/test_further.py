"""An answer of the kind asked for may sit in a passage of the cited study that the first stage did not
reach (``compose(..., further=...)``, ``Engine._further``). Texts: PubMed 12407608 of the demo corpus
(PubMedQA), prepuncture ultrasound for internal jugular vein cannulation, whose results name the
arterial punctures its conclusion does not."""

from __future__ import annotations

from pathlib import Path

from conftest import FixedSelector, labelled_hits

from rag.answer.compose import compose
from rag.answer.select import EvidencePool, Policy, evidence_pool
from rag.answer.select.candidates import candidates
from rag.config import EngineOptions
from rag.embed.embedder import HashingEmbedder
from rag.engine import Engine

FIRST = "Does ultrasound imaging before puncture facilitate internal jugular vein cannulation?"
CONCLUSION = (
    "Prepuncture ultrasound evaluation did not improve the result of right internal jugular vein "
    "cannulation compared with the respiratory jugular venodilation-guided approach."
)
RESULT = (
    "In the remaining 52 respiratory jugular venodilation-unidentified patients, the access rate (30.4% v "
    "86.2%, p<0.001) and the success rate (78.3 v 100%, p<0.05) were significantly better in the "
    "ultrasound group, and no arterial puncture was recorded in the ultrasound group, whereas the "
    "incidence was 13.0% in the landmark group."
)
DESIGN = "Prospective randomized study."
PROBABILITY = {CONCLUSION: 0.62, RESULT: 0.05, DESIGN: 0.01}
POLICY = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)  # the packaged one
ASKED = f"what complications occurred? {FIRST}"


def _pools() -> tuple[EvidencePool, EvidencePool]:
    hits = labelled_hits(
        "12407608",
        [("DESIGN", DESIGN), ("RESULTS", RESULT), ("CONCLUSIONS", CONCLUSION)],
        title=FIRST,
        year=2002,
    )
    reached = [hits[2], hits[0]]  # the first stage reached the conclusion and the design, not the results
    embedder = HashingEmbedder()
    return (
        evidence_pool(ASKED, reached, embedder, {}),
        evidence_pool(ASKED, [*reached, hits[1]], embedder, {}, top_passages=3),
    )


def test_the_cited_studys_other_passages_answer_what_the_retrieved_ones_do_not() -> None:
    pool, wider = _pools()
    selector = FixedSelector(PROBABILITY, POLICY)
    asked: list[frozenset[str]] = []

    def further(studies: frozenset[str]) -> EvidencePool:
        asked.append(studies)
        return wider

    before = compose(ASKED, pool, selector, asked=ASKED)
    assert [c.quote for c in before.citations] == [CONCLUSION]
    assert before.caveats == ["None of the quoted sentences names a harm or complication."]
    after = compose(ASKED, pool, selector, asked=ASKED, further=further)
    assert asked == [frozenset({"12407608"})]  # only the cited study is read further
    assert RESULT in [c.quote for c in after.citations]  # "arterial puncture" is the harm
    assert after.caveats == []


def test_a_wider_pool_that_does_not_answer_either_leaves_the_answer_as_it_was() -> None:
    pool, _ = _pools()
    selector = FixedSelector(PROBABILITY, POLICY)
    before = compose(ASKED, pool, selector, asked=ASKED)
    again = compose(ASKED, pool, selector, asked=ASKED, further=lambda studies: pool)
    assert again == before


def test_a_question_the_pool_answers_never_reads_further() -> None:
    pool, _ = _pools()

    def further(studies: frozenset[str]) -> EvidencePool:
        raise AssertionError("read further although answered")

    question = f"Was the result of cannulation improved? {FIRST}"
    answer = compose(question, pool, FixedSelector(PROBABILITY, POLICY), further=further)
    assert [c.quote for c in answer.citations] == [CONCLUSION]


def test_the_engine_widens_a_pool_with_the_studys_next_closest_passages(fake_index: Path) -> None:
    options = EngineOptions(answer_passages=1)
    engine = Engine(fake_index, options, embedder=HashingEmbedder(), selector=FixedSelector({}, POLICY))
    query = "Does topical ropivacaine reduce the post-tonsillectomy morbidity in pediatric patients?"
    pool = engine.evidence_pool(query)
    study = pool.hits[0].doc_id
    assert study == "18179827"  # seven passages
    ranked = engine.document_hits(study, query, k=100)  # all the study's passages, closest first
    assert len(ranked) > 2
    wider = engine._further(query, pool, engine.index)(frozenset({study}))
    # the pool's passage, then the study's closest other one: as many more as the pool holds
    others = [h for h in ranked if h.passage_id != pool.hits[0].passage_id]
    assert [h.passage_id for h in wider.hits] == [pool.hits[0].passage_id, others[0].passage_id]
    assert [h.rank for h in wider.hits] == [1, 2]
    texts = [c.text for c in candidates([*pool.hits[:1], others[0]], top_passages=2)]
    assert [c.text for c in wider.candidates] == texts
