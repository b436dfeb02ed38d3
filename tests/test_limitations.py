"""A study's limitations (rag.answer.answer_type.of_study.limitations): "what are the limitations?"
after an answer quotes the sentences in which the study names its weaknesses, or says that none of
its quotes names one.

The sentences are real: the demo corpus's heart failure PDF (10.1155/2010/157939, its discussion),
PubMed 15954832, 15050326 and 12040336 (PubMedQA), and 15631914 (the axilla study, which names none).
"""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_hit

from rag.answer.answer_type import UNANSWERED, unanswered, with_answer_type
from rag.answer.answer_type.asks import kind_of
from rag.answer.answer_type.states_study import states_limitation, states_weakness
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder

FIRST = "How do patients with heart failure experience structured rehabilitation programmes?"
EFFECTIVE = (
    "Structured rehabilitation programmes are effective in enabling patients to develop lifestyle skills "
    "to live with heart failure."
)
ADJUST = (
    "This enabled patients to negotiate and adjust to the limitations placed upon physical activity by the "
    "condition."
)
NOTE = "While the findings of this study are significant it is also important to note its limitations."
SMALL = (
    "The small size of the focus groups carried out does not allow for statistically significant "
    "generalisation of responses to the greater heart failure patient population."
)
RECRUITED = (
    "The fact that patients were recruited by the heart failure programme coordinator in each hospital and "
    "that participants attended the meeting voluntarily also means that the participant group may not "
    "represent views held by the wider population of heart failure patients."
)
HEART_FAILURE = [EFFECTIVE, ADJUST, NOTE, SMALL, RECRUITED]


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what are the limitations?", "limitations"),
        ("any limitations?", "limitations"),
        ("and the limitations of [1]?", "limitations"),
        ("what are its weaknesses?", "limitations"),
        ("was it biased?", "limitations"),
        ("how reliable is the evidence?", "limitations"),
        ("what are the limitations of ultrasound?", None),  # of a subject, not of the study
        ("Is the evidence strong?", None),
    ],
)
def test_which_questions_ask_for_a_studys_limitations(question: str, kind: str | None) -> None:
    assert kind_of(question) == kind


@pytest.mark.parametrize(
    ("text", "weakness", "limitation"),
    [
        (SMALL, True, True),
        (RECRUITED, True, True),
        (NOTE, False, True),  # says it names them
        (ADJUST, False, False),  # a limitation of the patients, not of the study
        (
            "While limited by its retrospective design, the present study indicates that it is safe.",
            True,
            True,
        ),
        (
            "Because of the small sample size and limited follow-up, additional studies are recommended.",
            True,
            True,
        ),
        ("Angioplasty registries are subject to selection bias.", True, True),
        (
            "After adjustment for confounding factors, smoking remained a predictor.",
            False,
            False,
        ),  # a strength
        ("After limitation, 21 (31% of total deaths) children died.", False, False),  # limiting treatment
    ],
)
def test_which_sentences_name_a_studys_weakness(text: str, weakness: bool, limitation: bool) -> None:
    assert (states_weakness(text), states_limitation(text)) == (weakness, limitation)


def _pool(doc: str, texts: list[str]):  # type: ignore[no-untyped-def]
    pool = evidence_pool(FIRST, [make_hit(doc, " ".join(texts))], HashingEmbedder(), {})
    assert [c.text for c in pool.candidates] == texts
    return pool.candidates


def test_the_limitations_are_the_sentences_naming_the_studys_weaknesses() -> None:
    """After the conclusion was quoted: the two sentences naming a weakness, in the study's order, not
    the one announcing them nor the patients' "limitations placed upon physical activity"."""
    candidates = _pool("10.1155/2010/157939", HEART_FAILURE)
    shown = [t == EFFECTIVE for t in HEART_FAILURE]
    asked = f"what are the limitations? {FIRST}"
    chosen = with_answer_type(asked, candidates, np.full(5, 0.5), [0], shown=shown)
    assert [HEART_FAILURE[i] for i in chosen] == [SMALL, RECRUITED]
    assert unanswered(asked, candidates, chosen) is None
    # the announcement and one weakness: the weakness alone
    some = [EFFECTIVE, NOTE, RECRUITED]
    candidates = _pool("10.1155/2010/157939", some)
    chosen = with_answer_type(asked, candidates, np.full(3, 0.5), [0], shown=[True, False, False])
    assert [some[i] for i in chosen] == [RECRUITED]
    # only the announcement retrieved: it is quoted, and the caveat says no weakness is named
    few = [EFFECTIVE, ADJUST, NOTE]
    candidates = _pool("10.1155/2010/157939", few)
    chosen = with_answer_type(asked, candidates, np.full(3, 0.5), [0], shown=[True, False, False])
    assert [few[i] for i in chosen] == [NOTE]
    assert unanswered(asked, candidates, chosen) == UNANSWERED["limitations"]


def test_a_study_naming_no_limitation_keeps_its_answer_and_says_so() -> None:
    conclusion = (
        "Clinical axillary examination in breast cancer is subject to false-positive results, and is by "
        "itself insufficient justification for axillary lymph node dissection."
    )
    inaccurate = "Clinical examination of the axilla was inaccurate in 41% of patients (43 of 106) overall."
    candidates = _pool("15631914", [conclusion, inaccurate])
    asked = "any limitations? Is a clinically positive axilla a contraindication to sentinel node biopsy?"
    assert with_answer_type(asked, candidates, np.full(2, 0.5), [0], shown=[True, False]) == [0]
    assert unanswered(asked, candidates, [0]) == UNANSWERED["limitations"]


def test_a_weakness_is_not_quoted_as_the_answer_to_a_follow_up_or_a_question_of_a_kind() -> None:
    """ "what did patients dislike?" after the heart-failure question: the selector's best sentence was
    «… may not represent views held by the wider population …», a weakness of the study, not what the
    patients said. A first question of no kind keeps the selector's quotes (SciFact's evidence holds
    findings said with their caveat: «The available data are limited by their nonrandomized design,
    but overall they do not suggest …»)."""
    candidates = _pool("10.1155/2010/157939", [EFFECTIVE, RECRUITED])
    probabilities = np.array([0.2, 0.3])
    follow_up = f"what did patients dislike? {FIRST}"
    assert with_answer_type(follow_up, candidates, probabilities, [1, 0]) == [0]
    assert with_answer_type(follow_up, candidates, probabilities, [1]) == [1]  # nothing else: kept
    assert with_answer_type(FIRST, candidates, probabilities, [1, 0]) == [1, 0]
    assert with_answer_type(f"what are the limitations? {FIRST}", candidates, probabilities, [1]) == [1]
