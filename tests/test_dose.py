"""The dose a study gave: the dose answer type (rag.answer.answer_type.of_study). Texts: PubMed 17916877
of the demo corpus, a slow against a bolus infusion of metoclopramide."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import labelled_hits

from rag.answer.answer_type import unanswered, with_answer_type
from rag.answer.answer_type.asks import kind_of
from rag.answer.answer_type.states_study import states_dose
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder

FIRST = "Does metoclopramide infusion rate affect akathisia?"
GIVEN = (
    "Of these, 62 patients (51.7%) were given 10 mg metoclopramide as a slow intravenous infusion over 15 "
    "min (SIG group) and 58 patients (48.3%) were given 10 mg metoclopramide intravenous bolus infusion "
    "over 2 min (BIG group)."
)
CONCLUSION = (
    "Slowing the infusion rate of metoclopramide is an effective strategy for the improvement of headache "
    "and reducing the incidence of akathisia in patients with vascular type headache."
)


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("dose?", "dose"),
        ("what dose was used?", "dose"),
        ("what was the dosage?", "dose"),
        ("what doses of radiation?", "dose"),
        ("how much was given?", "dose"),
        ("what about the dose?", "dose"),
        ("what about the dose form?", None),  # an aspect (PubMed 17559449: chewable tablets …)
        ("how much less?", "number"),
        ("how much folic acid?", "number"),
    ],
)
def test_which_questions_ask_for_the_dose(question: str, kind: str | None) -> None:
    assert kind_of(question) == kind


@pytest.mark.parametrize(
    ("text", "dose"),
    [
        (GIVEN, True),
        ("All patients were treated with curative intent to a mean dose of 65 Gy.", True),  # PubMed 14697414
        ("Enoxaparin 30 mg twice daily or 0.5 mg/kg was given.", True),
        ("The R-value for arterial samples was higher (406.00 +/- 64.44 s).", False),  # a time
        ("Mean haemoglobin was 10 g/dL and cholesterol 200 mg/dl.", False),  # concentrations
        ("Thirty-three patients (42%) had elevated cTnI levels.", False),
    ],
)
def test_which_sentences_state_a_dose(text: str, dose: bool) -> None:
    assert states_dose(text) == dose


def test_a_dose_question_quotes_the_studys_methods() -> None:
    hits = labelled_hits("17916877", [("METHODS", GIVEN), ("CONCLUSIONS", CONCLUSION)], title=FIRST)
    pool = evidence_pool(FIRST, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == [GIVEN, CONCLUSION]
    asked = f"dose? {FIRST}"
    chosen = with_answer_type(asked, pool.candidates, np.array([0.1, 0.9]), [1])
    assert [texts[i] for i in chosen] == [GIVEN]  # the methods say it; a finding does not
    assert unanswered(asked, pool.candidates, chosen) is None
    assert unanswered(asked, pool.candidates, [1]) == "None of the quoted sentences states a dose."
