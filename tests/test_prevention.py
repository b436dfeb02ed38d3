"""How to prevent it: the prevention answer type (rag.answer.answer_type). Texts: PubMed 30158359 of the
demo corpus, cerebral air embolism after a central venous catheter's removal through a pulmonary
arteriovenous malformation."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_hit

from rag.answer.answer_type import unanswered, with_answer_type
from rag.answer.answer_type.asks import kind_of
from rag.answer.answer_type.states import says_prevention
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder

FIRST = "Can a pulmonary arteriovenous malformation cause cerebral gas embolism?"
CASE = (
    "We report a case of cerebral air embolism with loss of consciousness after removal of CVC caused by "
    "pulmonary arteriovenous malformation (PAVM)."
)
TREATED = (
    "The cerebral air embolism was treated with hyperbaric oxygen and intravenous thrombolytic therapy, and "
    "transcatheter embolization of the PAVM was performed."
)
PREVENT = (
    "When inserting/removing CVC in a patient with a small PAVM, treatment of the PAVM, irrespective of its "
    "size, could prevent the type of complication that occurred in our present case."
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how can it be prevented?", "prevention"),
        ("How can air embolism be avoided during lung biopsy?", "prevention"),
        ("is it preventable?", "prevention"),
        ("can it be prevented?", "prevention"),
        ("how to reduce the risk?", "prevention"),
        ("what reduces the risk of pneumothorax?", "factors"),  # what predicts it
        ("how is it treated?", "treatment"),
    ],
)
def test_which_questions_ask_how_to_prevent_it(question: str, kind: str) -> None:
    assert kind_of(question) == kind


def test_which_sentences_say_how_to_prevent_it() -> None:
    assert says_prevention(PREVENT)
    assert says_prevention(  # PubMed 28660818 of the demo corpus
        "Recommendations to reduce the risk include requesting the patient to stop breathing during the "
        "procedure."
    )
    assert not says_prevention(TREATED)
    assert not says_prevention(CASE)


def test_a_prevention_question_quotes_the_cited_studys_sentence_on_it() -> None:
    hit = make_hit(
        "30158359", " ".join([CASE, TREATED, PREVENT]), title="Cerebral air embolism: a case report"
    )
    pool = evidence_pool(FIRST, [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == [CASE, TREATED, PREVENT]
    asked = f"how can it be prevented? {FIRST}"
    probs = np.array([0.8, 0.3, 0.1])
    chosen = with_answer_type(asked, pool.candidates, probs, [0])
    assert PREVENT in [texts[i] for i in chosen]
    assert unanswered(asked, pool.candidates, chosen) is None
    assert (
        unanswered(asked, pool.candidates, [0, 1]) == "None of the quoted sentences says how to prevent it."
    )
