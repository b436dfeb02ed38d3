"""Condition and exposure caveats (rag.answer.conditions, rag.answer.caveats): a disease or exposure the
question names that the cited passages never name. Questions are real (PubMedQA, the unanswerable set
of benchmarks/clinical_answers) or the trauma review's own words."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cosine_selector, make_hit

from rag.answer.caveats import caveats_for, cited_texts, unmentioned
from rag.answer.compose import compose
from rag.answer.conditions import conditions
from rag.answer.conditions import unmentioned as conditions_unmentioned
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Do statins reduce mortality after myocardial infarction?", ["myocardial infarction"]),
        ("Does smoking cause lung cancer?", ["lung cancer", "smoking"]),
        ("Is year of radical prostatectomy a predictor of outcome in prostate cancer?", ["prostate cancer"]),
        ("Does high blood pressure reduce the risk of chronic low back pain?", ["hypertension"]),
        ("Outcome after acute MI in patients with T2DM", ["myocardial infarction", "diabetes"]),
        ("and in systemic sclerosis?", ["systemic sclerosis"]),  # a follow-up of the calcinosis question
        # the review's words: deep venous thrombosis and pulmonary embolism ("PE") are one group
        (
            "Without thromboprophylaxis, the rate of venous thrombosis and subsequent PE is substantial.",
            ["venous thromboembolism"],
        ),
        ("Deep venous thrombosis prophylaxis in trauma patients", ["venous thromboembolism"]),
        # abbreviations count in capitals only; words with no condition in them name none
        ("We found mi and af in the sequence data of the strain.", []),
        ("What complications are related to IVC filters in trauma patients?", []),
    ],
)
def test_conditions_named(text: str, names: list[str]) -> None:
    assert conditions(text) == names


def test_a_condition_counts_as_named_by_its_other_words_only() -> None:
    question = "Do statins reduce mortality after myocardial infarction?"
    assert conditions_unmentioned(question, ["Statins after heart attack: a cohort."]) == []
    assert conditions_unmentioned(question, ["Mortality after STEMI fell with statins."]) == []
    assert conditions_unmentioned(
        question, ["Does pretreatment with statins improve outcome after stroke?"]
    ) == ["myocardial infarction"]
    # words, not meanings: an acute coronary syndrome is not named a myocardial infarction
    assert conditions_unmentioned(question, ["Statins in acute coronary syndrome."]) == [
        "myocardial infarction"
    ]


def test_caveats_are_one_sentence_per_kind_drugs_conditions_then_populations() -> None:
    texts = ["Quality of life in adults with lung cancer: does socioeconomic status matter?"]
    assert unmentioned("Does nicotine gum or smoking harm children with lung cancer?", texts) == {
        "condition": ["smoking"],
        "population": ["children or adolescents"],
    }
    notes = caveats_for("Does aspirin prevent myocardial infarction or stroke in children?", texts)
    assert notes == [
        "None of the cited passages mentions aspirin; check whether the findings apply.",
        "None of the cited passages mentions myocardial infarction or stroke; check whether the findings "
        "apply.",
        "None of the cited passages mentions children or adolescents; check whether the findings apply.",
    ]
    assert caveats_for("Does smoking cause lung cancer?", ["Smoking and lung carcinoma."]) == []


def test_an_answer_about_another_disease_says_so() -> None:
    question = "Do statins reduce mortality after myocardial infarction?"
    hits = [make_hit("s", "Statin pretreatment reduces mortality after ischaemic stroke.", 1)]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    answer = compose(question, pool, cosine_selector(0.1))
    assert not answer.insufficient_evidence
    assert cited_texts(pool.hits, {"s"}) == ["Title s", hits[0].text]
    assert answer.caveats == [
        "None of the cited passages mentions myocardial infarction; check whether the findings apply."
    ]
    assert answer.answer.endswith(answer.caveats[0])


def test_a_condition_the_review_never_names_is_flagged_with_the_real_model(
    real_index: Path, real_embedder
) -> None:  # type: ignore[no-untyped-def]
    """The packaged selector answers a question about heparin's bleeding in trauma patients with
    atrial fibrillation from the trauma review, which never names atrial fibrillation; asked about
    pulmonary embolism, which the review names, the answer carries no caveat."""
    from rag.engine import Engine

    engine = Engine(real_index, embedder=real_embedder)
    fibrillation = engine.ask("Does heparin cause bleeding in trauma patients with atrial fibrillation?")
    assert not fibrillation.insufficient_evidence
    assert fibrillation.references[0].doc_id == "10.1186/1752-2897-4-1"
    assert fibrillation.caveats == [
        "None of the cited passages mentions atrial fibrillation; check whether the findings apply."
    ]
    embolism = engine.ask("Does heparin cause bleeding in trauma patients at risk of pulmonary embolism?")
    assert not embolism.insufficient_evidence and embolism.caveats == []
