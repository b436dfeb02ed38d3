"""A clinician's word and a study's for the same thing match in the answer rules (rag.text.synonyms)."""

from __future__ import annotations

import numpy as np
import pytest
from conftest import make_hit

from rag.answer.answer_type import unanswered, with_answer_type
from rag.answer.answer_type.asks import kind_of
from rag.answer.answer_type.focus import named_in, words_of
from rag.answer.select import evidence_pool
from rag.embed.embedder import HashingEmbedder
from rag.text.synonyms import in_study_terms


@pytest.mark.parametrize(
    ("text", "terms"),
    [
        ("recurrent miscarriage", "recurrent abortion"),
        ("after a heart attack", "after a myocardial infarction"),
        ("lung biopsy", "pulmonary biopsy"),
        ("kidney failure and liver failure", "renal failure and hepatic failure"),
        ("high blood pressure in pregnancy", "hypertension in pregnancy"),
        ("emergency c-section", "emergency cesarean"),
        ("how often did the wire dislodge?", "how often did the wire displacement?"),
        ("urothelial carcinoma and bladder tumors", "urothelial cancer and bladder cancer"),
        ("which myomas grew?", "which myomas enlarged?"),
        ("Can ovarian stimulation cause twins?", "Can ovarian stimulation cause multiple pregnancy?"),
        ("do myomas shrink in pregnancy?", "do myomas decrease in pregnancy?"),
        ("and bleeding?", "and hemorrhage?"),  # PubMed 12070552: «… secondary hemorrhage …»
        ("patients who bled", "patients who hemorrhage"),
        ("consent for hip replacement", "consent for hip arthroplasty"),  # PubMed 12484580
        ("hormone replacement therapy", "hormone replacement therapy"),  # a joint's only
        ("brainstem", "brainstem"),  # a whole word only
        ("heartburn", "heartburn"),
    ],
)
def test_a_clinicians_word_reads_as_the_studys(text: str, terms: str) -> None:
    assert in_study_terms(text) == terms


def test_words_match_across_the_two_terms() -> None:
    asked = words_of("Is skewed X-inactivation associated with recurrent miscarriage?")
    sentence = words_of(
        "The rate of extreme skewing in the recurrent spontaneous abortion population was 8.6%."
    )
    assert "abort" in named_in(asked, sentence)
    assert named_in(words_of("air embolism after lung biopsy"), words_of("pulmonary biopsy")) >= {
        "pulmonari",
        "biopsi",
    }


# PubMed 17403428 (demo corpus)
QUESTION = "Is skewed X-inactivation associated with recurrent miscarriage?"
TITLE = "Recurrent spontaneous abortion and skewed X-inactivation: is there an association?"
CONCLUSION = (
    "Skewed X-inactivation is not associated with recurrent spontaneous abortion but is associated with "
    "increasing maternal age."
)
RATE = (
    "The rate of extreme skewing (90% or greater) in the recurrent spontaneous abortion population was 8.6%, "
    "and not statistically different from any of the other groups, except the Primiparous group (1.0%, "
    "P<.01)."
)
AGE = (
    "When age and skewing of 90% or greater are compared, subjects with extreme skewing have a mean age of 2 "
    "years older than those without extreme skewing (P<.05)."
)


def test_how_common_names_the_miscarriage_a_study_calls_an_abortion() -> None:
    """ "how common was it?" asks about the first question's subject; the study's rate names it in its
    own term, and is quoted (before, the conclusion was repeated with the caveat that none states how
    often)."""
    asked = f"how common was it? {QUESTION}"
    hits = [make_hit("17403428", f"{RATE} {AGE} {CONCLUSION}", title=TITLE)]
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    conclusion = texts.index(CONCLUSION)
    probabilities = np.array([0.05 if t != CONCLUSION else 0.9 for t in texts])
    chosen = with_answer_type(asked, pool.candidates, probabilities, [conclusion])
    assert [texts[i] for i in chosen] == [RATE, CONCLUSION]
    assert unanswered(asked, pool.candidates, chosen) is None


@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How resistant are urinary E. coli isolates to fluoroquinolones in older women?", "rate"),
        ("How prevalent is HIV among pregnant women?", "rate"),
        ("Is resistance increasing?", None),
    ],
)
def test_how_resistant_or_prevalent_asks_for_a_rate(question: str, kind: str | None) -> None:
    assert kind_of(question) == kind
