"""Population caveats (rag.answer.population): what a question asks about that the cited passages never
mention. Strings are real: PubMedQA questions and abstract sentences, and the trauma review's."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cosine_selector, make_hit

from rag.answer.caveats import caveat
from rag.answer.compose import compose
from rag.answer.population import populations, unmentioned
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder


@pytest.mark.parametrize(
    ("text", "groups"),
    [
        (
            "Diagnosis and follow-up in constipated children: should we use ultrasound?",
            ["children or adolescents"],
        ),
        ("constipated (n = 35; mean age, 6.8 ± 2.9 years) and control", ["children or adolescents"]),
        (
            "correlation between changes in coverage and in under-5 mortality rates",
            ["children or adolescents"],
        ),
        (
            "Does folic acid prevent congenital heart defects in infants with Down syndrome?",
            ["children or adolescents"],
        ),
        ("Do uterine fibroids grow during pregnancy?", ["pregnancy"]),
        ("we identified patients aged>or =65 years whose myocardial infarction", ["older adults"]),
        ("Do older men benefit from curative therapy of localized prostate cancer?", ["older adults", "men"]),
        ("357,768 Swedish males born as singletons", ["men"]),
        (
            "Are women treated for hypothyroidism at higher risk of pregnancy complications?",
            ["pregnancy", "women"],
        ),
        # no population: an adult age, an age range reaching adults, "older" not said of people, words
        # that merely contain "men"
        ("patients aged 45 years underwent surgery", []),
        ("mean age of 68 ± 7 years", []),
        ("aged 18-65 years", []),
        ("the older techniques of fixation", []),
        ("Mendelian randomisation of the treatment segment", []),
        ("What complications are related to deep venous thrombosis prophylaxis in trauma?", []),
    ],
)
def test_populations_named(text: str, groups: list[str]) -> None:
    assert populations(text) == groups


def test_unmentioned_groups_and_the_caveat_sentence() -> None:
    review = "The risks of heparin include bleeding and heparin induced thrombocytopenia."
    assert unmentioned("and in children?", [review]) == ["children or adolescents"]
    assert unmentioned("and in children?", [review, "Paediatric trauma patients were excluded."]) == []
    assert unmentioned("What are the risks of heparin?", [review]) == []  # no population asked about
    assert unmentioned("in pregnant women?", [review]) == ["pregnancy", "women"]
    assert caveat([]) is None
    assert caveat(["pregnancy", "women"]) == (
        "None of the cited passages mentions pregnancy or women; check whether the findings apply."
    )


def _answer(question: str, texts: dict[str, str], **titles: str):  # type: ignore[no-untyped-def]
    hits = [
        make_hit(doc, text, rank, **({"title": titles[doc]} if doc in titles else {}))
        for rank, (doc, text) in enumerate(texts.items(), start=1)
    ]
    return compose(question, evidence_pool(question, hits, HashingEmbedder(), {}), cosine_selector(0.1))


def test_an_answer_warns_when_no_cited_passage_mentions_the_population() -> None:
    question = "Does heparin prophylaxis cause bleeding in children?"
    adults = "Heparin prophylaxis causes bleeding in trauma patients."
    answer = _answer(question, {"a": adults})
    assert not answer.insufficient_evidence and answer.references[0].doc_id == "a"
    note = "None of the cited passages mentions children or adolescents; check whether the findings apply."
    assert answer.caveats == [note]
    assert answer.answer.endswith(note) and note not in (answer.bottom_line or "")


def test_a_mention_anywhere_in_a_cited_document_counts_and_an_uncited_one_does_not() -> None:
    question = "Does heparin prophylaxis cause bleeding in children?"
    finding = "Heparin prophylaxis causes bleeding in trauma patients."
    # the population in another sentence of the cited passage, or in the cited document's title
    assert _answer(question, {"a": f"{finding} Infants were included."}).caveats == []
    assert _answer(question, {"a": finding}, a="Paediatric trauma: a review").caveats == []
    # a passage that the answer does not cite says nothing about the cited studies
    unrelated = "Volcanic basalt forms slowly over millennia among toddlers."
    uncited = _answer(question, {"a": finding, "z": unrelated})
    assert [r.doc_id for r in uncited.references] == ["a"] and uncited.caveats


def test_a_follow_up_is_checked_against_what_was_asked_not_the_retrieval_query() -> None:
    """ "what are the risks?" after "… in children?" still asks about children; a title word that the
    retrieval query borrowed ("paediatric") asks about nothing."""
    finding = "Heparin prophylaxis causes bleeding in trauma patients."
    hits = [make_hit("a", finding, 1)]
    query = "what are the risks? heparin prophylaxis bleeding paediatric"
    pool = evidence_pool(query, hits, HashingEmbedder(), {})
    asked = "what are the risks? Does heparin prophylaxis cause bleeding in children?"
    assert compose(query, pool, cosine_selector(0.1), asked=asked).caveats
    assert compose(query, pool, cosine_selector(0.1), asked="what are the risks?").caveats == []


def test_a_refusal_carries_no_caveat() -> None:
    answer = _answer("Does heparin cause bleeding in children?", {"x": "Unrelated geology of mountains."})
    assert answer.insufficient_evidence and answer.caveats == []


def test_follow_up_in_children_is_flagged_with_the_real_model(
    real_index: Path, real_embedder, tmp_path: Path
) -> None:  # type: ignore[no-untyped-def]
    """The packaged selector answers "and in children?" after the air embolism question from the
    fixture's case reports, none of which mentions children: the turn says so."""
    from rag.conversation import ConversationStore
    from rag.conversation.turns import ask_in_conversation
    from rag.engine import Engine

    engine = Engine(real_index, embedder=real_embedder)
    store = ConversationStore(tmp_path / "c.sqlite")
    cid = store.create()
    first = ask_in_conversation(engine, store, cid, "How is venous air embolism treated?")
    # the fixture's case reports say nothing of how it is treated, and the answer says so
    treatment = "None of the quoted sentences says how it is treated."
    assert not first.insufficient_evidence and first.caveats == [treatment]
    turn = ask_in_conversation(engine, store, cid, "and in children?")
    assert turn.follow_up_of == 1 and not turn.insufficient_evidence
    assert turn.caveats == [
        "None of the cited passages mentions children or adolescents; check whether the findings apply.",
        treatment,
    ]
    assert store.turns(cid)[-1].caveats == turn.caveats  # stored with the turn
    store.close()
