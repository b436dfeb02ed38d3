"""Drug caveats (rag.answer.drugs, rag.answer.caveats): a drug the question names that the cited
passages never name. Names are real: PubMedQA and SciFact questions, the trauma review's text."""

from __future__ import annotations

from pathlib import Path

import pytest
from conftest import cosine_selector, make_hit

from rag.answer.caveats import caveats_for
from rag.answer.compose import compose
from rag.answer.drugs import drugs, unmentioned
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder


@pytest.mark.parametrize(
    ("text", "names"),
    [
        ("Does aspirin prevent stroke?", ["aspirin"]),
        ("Do statins reduce mortality after myocardial infarction?", ["statin"]),  # a class word
        ("Is telmisartan better than etoricoxib or infliximab?", ["telmisartan", "etoricoxib", "infliximab"]),
        ("Does vitamin D supplementation prevent fractures?", ["vitamin D"]),
        ("Folate and vitamin B12 levels influence homocysteine.", ["vitamin B12"]),
        ("The risks of heparin include bleeding and heparin induced thrombocytopenia.", ["heparin"]),
        # endings of a stem that name no drug, and words too short to carry one
        ("LDL cholesterol, oxysterol accumulation and histidine levels", []),
        ("Was surgery in April safer than in May?", []),
        ("What complications are related to deep venous thrombosis prophylaxis in trauma?", []),
    ],
)
def test_drugs_named(text: str, names: list[str]) -> None:
    assert drugs(text) == names


def test_a_class_word_is_named_by_any_of_its_drugs() -> None:
    assert unmentioned("Do statins reduce mortality?", ["Simvastatin lowered mortality."]) == []
    assert unmentioned("Do statins reduce mortality?", ["Aspirin lowered mortality."]) == ["statin"]
    assert unmentioned("Does aspirin prevent stroke?", ["The relationship between statins and stroke."]) == [
        "aspirin"
    ]
    assert unmentioned(
        "Does vitamin D prevent fractures?", ["Can vitamin C prevent pain after fractures?"]
    ) == ["vitamin D"]
    assert unmentioned("Does vitamin D prevent fractures?", ["VITAMIN D levels and fractures"]) == []


def test_caveats_name_drugs_and_populations_each_in_one_sentence() -> None:
    notes = caveats_for("Does aspirin prevent stroke in children?", ["Statins and stroke outcome in adults."])
    assert notes == [
        "None of the cited passages mentions aspirin; check whether the findings apply.",
        "None of the cited passages mentions children or adolescents; check whether the findings apply.",
    ]
    assert caveats_for("Does aspirin prevent stroke?", ["Aspirin and stroke in infants."]) == []


def test_an_answer_about_another_drug_says_so() -> None:
    question = "Does aspirin lower stroke risk?"
    hits = [make_hit("s", "Statin pretreatment lowers stroke risk after admission.", 1)]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    answer = compose(question, pool, cosine_selector(0.1))
    assert not answer.insufficient_evidence
    assert answer.caveats == [
        "None of the cited passages mentions aspirin; check whether the findings apply."
    ]
    assert answer.answer.endswith(answer.caveats[0])


def test_a_drug_the_review_never_names_is_flagged_with_the_real_model(
    real_index: Path, real_embedder
) -> None:  # type: ignore[no-untyped-def]
    """The packaged selector answers a warfarin question from the trauma review, which names heparin
    and enoxaparin but never warfarin; the same question about heparin gets no caveat."""
    from rag.engine import Engine

    engine = Engine(real_index, embedder=real_embedder)
    warfarin = engine.ask("Does warfarin prophylaxis cause bleeding in trauma patients?")
    assert not warfarin.insufficient_evidence
    assert warfarin.references[0].doc_id == "10.1186/1752-2897-4-1"
    assert warfarin.caveats == [
        "None of the cited passages mentions warfarin; check whether the findings apply."
    ]
    heparin = engine.ask("Does heparin prophylaxis cause bleeding in trauma patients?")
    assert not heparin.insufficient_evidence and heparin.caveats == []
