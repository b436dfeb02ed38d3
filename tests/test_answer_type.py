"""A question that asks for a quantity or for harms is answered with the cited study's sentence of
that kind (rag.answer.answer_type).

Quantity: PubMed 26772183's abstract (in the demo corpus), where the packaged selector gives the
conclusion p 0.90 and the pneumothorax sentence p 0.04 for the question below. Harms: the trauma DVT
review's sentences (tests/fixtures/pdfs), with the packaged selector's probabilities on the demo index.
"""

from __future__ import annotations

from dataclasses import replace

import numpy as np
import pytest
from conftest import FixedSelector, labelled_hits, make_hit

from rag.answer.answer_type import (
    UNANSWERED,
    asks_factors,
    asks_harms,
    asks_quantity,
    asks_recommendation,
    asks_treatment,
    harms_named,
    states_quantity,
    states_size,
    unanswered,
    with_answer_type,
)
from rag.answer.answer_type.asks import asked_parts, kind_of
from rag.answer.answer_type.focus import words_of
from rag.answer.answer_type.quantities import asked_about, comparing
from rag.answer.answer_type.states import (
    diagnoses,
    names_barriers,
    names_factors,
    names_symptoms,
    states_harms_in_general,
    states_outcome,
    treats,
)
from rag.answer.compose import compose
from rag.answer.select import EvidencePool, Policy, evidence_pool
from rag.embed.embedder import HashingEmbedder


def _one_study(question: str, doc: str, text: str, **fields: object) -> tuple[EvidencePool, list[str]]:
    """The evidence pool of one retrieved study ``doc`` holding ``text``, and its sentences."""
    pool = evidence_pool(question, [make_hit(doc, text, **fields)], HashingEmbedder(), {})
    return pool, [c.text for c in pool.candidates]


QUESTION = "What is the risk of pneumothorax after CT-guided hook wire localization?"
TITLE = (
    "Pre-operative localization of solitary pulmonary nodules with computed tomography-guided hook wire: "
    "report of 181 patients."
)
ENROLLED = (
    "One hundred eighty-one patients (90 females, mean age 63 y, range 28-82 y) underwent 187 pulmonary "
    "resections after CT-guided hook wire localization."
)
MIGRATION = (
    "Migration of the hook wire occurred in 7 patients (3.7%) although it did not affect the success of "
    "VATS resection."
)
PNEUMOTHORAX = (
    "Hook wire complications included pneumothorax requiring chest tube drainage in 4 patients (2.1%) and "
    "mild parenchymal haemorrhage in 11 (5.9%) patients."
)
CONCLUSION = (
    "VATS resection for SPN after CT-guided hook wire localization for SPN is safe and allows for proper "
    "diagnosis with a low thoracotomy conversion rate."
)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        ("How often did pneumothorax occur?", "rate"),
        (QUESTION, "rate"),
        ("What is the overall complication rate of coil localization?", "rate"),
        ("What is the 5-year survival of stage I non-small cell lung carcinoma?", "rate"),
        ("What percentage of patients develop pneumothorax after transbronchial biopsy?", "rate"),
        # asked in a word or two
        ("mortality?", "rate"),
        ("success rate?", "rate"),
        ("bleeding risk?", "rate"),
        ("what about mortality?", None),  # an aspect, which a finding without a figure may answer
        ("How many infants were studied? Does folic acid prevent heart defects?", "number"),  # a follow-up
        ("How long does oral intubation take in a helicopter?", "duration"),
        ("and how often does it occur?", "rate"),  # a follow-up
        ("What are the risks of inferior vena cava filters in trauma patients?", None),  # a list of harms
        ("What are the risk factors for systemic air embolism?", None),
        ("Is the risk of pneumothorax higher with larger needles?", None),  # yes or no
        ("How is venous air embolism treated?", None),
        ("Pneumothorax occurs in 2% of biopsies.", None),  # a claim
        ("What is the rate-limiting enzyme of serine synthesis?", None),
        ("what about sensitivity?", "number"),  # a test's figure: "sensitivity" names no aspect
        ("and the specificity?", "number"),
        ("what about the sensitivity of MRI?", None),  # a new subject: asks what was asked before
    ],
)
def test_which_questions_ask_for_a_quantity(question: str, asks: str | None) -> None:
    assert asks_quantity(question) == asks


@pytest.mark.parametrize(
    ("text", "number", "rate"),
    [
        (PNEUMOTHORAX, True, True),
        ("The failed retrieval rate is calculated to be 2.8%.", True, True),
        ("Pneumothorax was seen in 10 of 350 patients.", True, True),
        ("In only 89/754(11.8%) pairs, the EtCO(2) was higher than the PaCO(2).", True, True),
        ("Time-to-HBO2 ≤ 6 h increased the odds of favorable outcome.", True, False),  # a number, no rate
        ("The other three patients had only minimal pneumothorax (</= 10%).", True, False),  # a threshold
        ("Pneumothorax was diagnosed radiologically in 10 patients (2.9%).", True, True),
        ("8 patients developed an asymptomatic pneumothorax.", True, True),  # a count of cases
        ("Between 2001 and 2005 we reviewed every biopsy.", False, False),  # years
        ("Despite advances, 5-year survival of stage I carcinoma remains low.", False, False),  # names
        ("Patients with type 2 diabetes were excluded.", False, False),
        ("Heparin is the first-line agent [10].", False, False),  # the source's reference marker
        ("Activation of the pathway12 follows.", False, False),
        ("Pneumothorax was rare.", False, False),
    ],
)
def test_which_sentences_state_a_quantity(text: str, number: bool, rate: bool) -> None:
    assert states_quantity(text) is number
    assert states_quantity(text, "rate") is rate


def _pool() -> tuple[EvidencePool, list[str]]:
    text = " ".join([ENROLLED, MIGRATION, PNEUMOTHORAX, CONCLUSION])
    pool, texts = _one_study(QUESTION, "26772183", text, title=TITLE)
    assert texts == [ENROLLED, MIGRATION, PNEUMOTHORAX, CONCLUSION]
    return pool, texts


def test_the_cited_studys_number_for_what_is_asked_is_placed_before_its_first_sentence() -> None:
    pool, texts = _pool()
    probs = np.array([0.021, 0.064, 0.040, 0.902])  # the packaged selector's, on the demo index
    chosen = [texts.index(CONCLUSION)]
    added = with_answer_type(QUESTION, pool.candidates, probs, chosen)
    # not the enrolment count (its question words, "CT-guided", weigh less: every sentence has them)
    # nor the migration rate (hook wire is the study's topic, in its title, not what is asked about)
    assert [texts[i] for i in added] == [PNEUMOTHORAX, CONCLUSION]
    # the same, asked as a follow-up whose earlier question comes after it
    asked = "how often did pneumothorax occur? Is hook wire localization safe?"
    assert [texts[i] for i in with_answer_type(asked, pool.candidates, probs, chosen)] == [
        PNEUMOTHORAX,
        CONCLUSION,
    ]


def test_nothing_is_added_when_not_asked_already_stated_or_not_a_finding() -> None:
    pool, texts = _pool()
    probs = np.array([0.021, 0.064, 0.040, 0.902])
    conclusion, pneumothorax = texts.index(CONCLUSION), texts.index(PNEUMOTHORAX)
    unchanged = [conclusion]
    assert with_answer_type("Is hook wire localization safe?", pool.candidates, probs, unchanged) == unchanged
    assert with_answer_type(QUESTION, pool.candidates, probs, []) == []  # a refusal stays one
    with_number = [pneumothorax]  # the rate asked for is quoted already
    assert with_answer_type(QUESTION, pool.candidates, probs, with_number) == with_number
    # a rate of something else does not answer: the pneumothorax rate comes first
    migration = [texts.index(MIGRATION)]
    assert with_answer_type(QUESTION, pool.candidates, probs, migration) == [pneumothorax, *migration]
    assert unanswered(QUESTION, pool.candidates, migration) == UNANSWERED["rate"]
    # a labelled abstract's results state findings; its background and methods do not
    labelled = replace(pool.candidates[pneumothorax].hit.passage, section="METHODS")
    moved = [replace(c, hit=replace(c.hit, passage=labelled)) for c in pool.candidates]
    assert with_answer_type(QUESTION, moved, probs, unchanged) == unchanged


HELICOPTER = "Is oral endotracheal intubation efficacy impaired in the helicopter environment?"
SLOWER = (
    "Oral endotracheal intubation in the in-flight setting of the BO-105 helicopter takes approximately "
    "twice as long as intubation in a ground setting."
)
MISPLACED = (
    "All intubations performed in the control setting were placed correctly in the trachea; there were two "
    "(6.7%) esophageal intubations in the in-flight setting."
)


def test_what_is_asked_about_is_named_in_either_spelling_and_any_form() -> None:
    """PubMed 10135926 (demo corpus): the question's "oesophagus" is the sentence's "esophageal"; its
    "lithotripsy" is the title's "lithotripter" (the topic, not what is asked about)."""
    pool = evidence_pool(
        "x", [make_hit("10135926", f"{SLOWER} {MISPLACED}", title=HELICOPTER)], HashingEmbedder(), {}
    )
    asked = "How often are tubes misplaced in the oesophagus during intubation in a helicopter?"
    added = with_answer_type(asked, pool.candidates, np.array([0.6, 0.1]), [0])
    assert [pool.candidates[i].text for i in added] == [MISPLACED, SLOWER]
    # the same words in no form: nothing is asked about that the study's other sentence names
    unrelated = "How often are tubes misplaced in the stomach during intubation in a helicopter?"
    assert with_answer_type(unrelated, pool.candidates, np.array([0.6, 0.1]), [0]) == [0]


CHILDREN = (
    "CT-guided lung nodule localization using the combined techniques of methylene blue blood patch and "
    "hook wire is safe, technically feasible and successful in children."
)


def test_a_quantity_no_cited_study_states_comes_from_another_answering_study_instead() -> None:
    """ "Is hook wire localization of lung nodules safe?", then "how often is there a pneumothorax?" on
    the demo index: the selector cites the children's study alone (p 0.91), which states no rate; the
    2016 study, cited in the first turn, clears the abstention bar (its best sentence p 0.14 > 0.09).
    The children's study, which says nothing of how often, is left out."""
    hits = [
        make_hit("29362842", CHILDREN, 1, title="CT-guided localization of pulmonary nodules in children"),
        make_hit("26772183", " ".join([ENROLLED, PNEUMOTHORAX, CONCLUSION]), 2, title=TITLE),
    ]
    pool = evidence_pool("x", hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == [CHILDREN, ENROLLED, PNEUMOTHORAX, CONCLUSION]
    probs = np.array([0.91, 0.02, 0.01, 0.14])
    asked = "how often is there a pneumothorax? Is hook wire localization of lung nodules safe?"
    added = with_answer_type(asked, pool.candidates, probs, [0], answering=0.09)
    assert [texts[i] for i in added] == [PNEUMOTHORAX]
    # only from a study that clears the bar; and never without one
    assert with_answer_type(asked, pool.candidates, probs, [0], answering=0.2) == [0]
    assert with_answer_type(asked, pool.candidates, probs, [0]) == [0]


def test_a_rate_may_name_the_studys_topic_when_it_names_most_of_what_is_asked() -> None:
    """ "How often does systemic air embolism occur after transthoracic needle biopsy?" on the demo
    index: PubMed 28660818's title names all but "needle", and its rate names none of that; it names
    most of what is asked, so it answers (its title is its topic, not a reason to leave it out). A
    rate of something else in the study (a pneumothorax) names too little of it."""
    case = "A 57-year-old man underwent prone position CT guided percutaneous transthoracic lung biopsy."
    rate = "Systemic air embolism occurs in around 0.001-0.003% of lung biopsy procedures."
    other = "Pneumothorax occurs in 20% of lung biopsy procedures."
    title = "Systemic air embolism as a complication of CT guided transthoracic lung biopsy."
    hit = make_hit("28660818", " ".join([case, other, rate]), title=title)
    pool = evidence_pool("x", [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == [case, other, rate]
    asked = "How often does systemic air embolism occur after transthoracic needle biopsy?"
    added = with_answer_type(asked, pool.candidates, np.array([0.5, 0.05, 0.05]), [0])
    assert [texts[i] for i in added] == [rate, case]  # before the study's quote
    without = evidence_pool(
        "x", [make_hit("28660818", " ".join([case, other]), title=title)], HashingEmbedder(), {}
    )
    assert with_answer_type(asked, without.candidates, np.array([0.5, 0.05]), [0]) == [0]


def test_a_follow_up_naming_nothing_asks_about_the_earlier_questions_subject() -> None:
    """ "how often does it happen?" after "What are the complications of hook wire localization?": what
    is asked about is the earlier question's subject, less how it asked (complications): here the
    study's topic itself, so the study's sentences that state a rate and name it."""
    pool, texts = _pool()
    probs = np.array([0.021, 0.064, 0.040, 0.902])
    asked = "how often does it happen? What are the complications of hook wire localization?"
    added = with_answer_type(asked, pool.candidates, probs, [texts.index(CONCLUSION)])
    assert [texts[i] for i in added] == [MIGRATION, CONCLUSION]  # the rate that names the hook wire


def _fixed() -> FixedSelector:
    """The packaged selector's probabilities on the demo index; cites the best alone."""
    probabilities = {ENROLLED: 0.021, MIGRATION: 0.064, PNEUMOTHORAX: 0.040, CONCLUSION: 0.902}
    return FixedSelector(
        probabilities, Policy(abstain=0.1, include=0.5, relative=0.5, max_sentences=3, max_documents=2)
    )


def test_the_answer_quotes_the_number_in_the_studys_own_order() -> None:
    """Through ``compose``: the bottom line quotes the number first, as the abstract has it."""
    pool, _ = _pool()
    answer = compose(QUESTION, pool, _fixed())
    assert [c.quote for c in answer.citations] == [PNEUMOTHORAX, CONCLUSION]
    assert answer.bottom_line == f"A 2020 study [1] found: «{PNEUMOTHORAX} {CONCLUSION}»"
    assert [c.quote for c in compose("Is hook wire localization safe?", pool, _fixed()).citations] == [
        CONCLUSION
    ]
    # quoted in an earlier turn, the number is still the answer, and the answer says it was quoted
    again = compose(QUESTION, pool, _fixed(), exclude=frozenset({CONCLUSION, PNEUMOTHORAX}))
    assert [c.quote for c in again.citations] == [PNEUMOTHORAX, CONCLUSION]
    assert (again.bottom_line or "").startswith("As quoted above, a 2020 study [1] found:")
    # a follow-up asking for the number after the conclusion was shown: the number alone, not the
    # conclusion again beside it
    follow_up = compose(QUESTION, pool, _fixed(), exclude=frozenset({CONCLUSION}))
    assert [c.quote for c in follow_up.citations] == [PNEUMOTHORAX]
    assert follow_up.bottom_line == f"A 2020 study [1] found: «{PNEUMOTHORAX}»"


# -- harms ------------------------------------------------------------------------------------------
DVT = "What complications are related to deep venous thrombosis prophylaxis in trauma patients?"
REMARK = (
    "While the essential nature of thromboprophylaxis in the management of multi-system trauma patients "
    "can not be understated, understanding their potential complications is an absolute requirement for "
    "both patient counselling and clinical care."
)
HEPARIN = "The risks of heparin include bleeding and heparin induced thrombocytopenia."
COMPRESSION = (
    "Mechanical compression devices can result in local soft tissue injury, bleeding and patient "
    "non-compliance."
)
FILTERS = (
    "Inferior vena cava filters migrate, cause inferior vena cava occlusion, and penetrate the vessel wall."
)
THROMBOSIS = (
    "Without thromboprophylaxis, the rate of venous thrombosis and subsequent pulmonary embolism is "
    "substantial."
)
INSERTION = (
    "The risk of insertion related complications, such as arterial puncture, hematoma, infection, and "
    "pneumothorax is calculated to be 2.6%."
)
# the packaged selector's probabilities on the demo index
DVT_PROBS = {
    REMARK: 0.219,
    HEPARIN: 0.024,
    COMPRESSION: 0.023,
    FILTERS: 0.019,
    THROMBOSIS: 0.006,
    INSERTION: 0.165,
}


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (DVT, True),
        ("What are the risks of inferior vena cava filters in trauma patients?", True),
        ("What harms can mechanical compression devices cause?", True),
        ("Which adverse events follow polyvalent antivenin?", True),
        ("What is the risk of pneumothorax after biopsy?", False),  # a rate: a quantity question
        ("What are the risk factors for systemic air embolism?", False),
        ("Is heparin prophylaxis safe after trauma?", False),  # yes or no
        ("What are the most common complications of hook wire localization?", True),
        ("What is the treatment for complications of pancreatitis?", False),  # asks for a treatment
        ("and what are the complications?", True),  # a follow-up
        ("side effects?", True),  # in a word or two
        ("any complications?", True),
        ("were there complications?", True),  # whether there were any: which they were
        ("did any side effects occur?", True),
        ("Is there a risk?", False),
        ("which is safest?", True),  # which of the options harms least: their harms
        ("which method is safer?", True),
        ("complications of surgery are common", False),  # a claim
        ("is it safe?", True),  # a follow-up on what was answered: what harms it did
        ("how safe is it?", True),
        ("any safety concerns?", True),
        ("Is laparoscopic cholecystectomy safe as a day case procedure?", False),  # answered by its finding
        ("Is it safe and effective?", False),
    ],
)
def test_which_questions_ask_for_harms(question: str, asks: bool) -> None:
    assert asks_harms(question) is asks


def test_harms_named_less_the_questions_own() -> None:
    assert harms_named(HEPARIN) == {"bleed", "thrombocytopenia"}
    assert harms_named(REMARK) == set()  # "complications" names no harm
    assert harms_named(THROMBOSIS, DVT) == {"embol"}  # thrombosis is the question's topic
    assert harms_named(INSERTION) == {"arteri punctur", "hematoma", "infect", "pneumothorax"}
    # PubMed 12407608 asks about cannulation "before puncture": an arterial puncture is still a harm
    arterial = "… and the incidence of arterial puncture (1.0% v 3.3%)."
    assert harms_named(arterial, "Does ultrasound imaging before puncture facilitate cannulation?") == {
        "arteri punctur"
    }
    died = "Three of nine patients in the MED group died primarily from i.v. access related problems."
    assert harms_named(died) == {"die"}  # PubMed 15670262
    # the condition of those studied is not a harm (PubMed 17916877), a harm in some of them is
    slowing = "… reducing the incidence of akathisia in patients with vascular type headache."
    assert harms_named(slowing) == {"akathisia"}
    assert harms_named("Three patients with pneumothorax required a chest tube.") == {"pneumothorax"}
    # a drug's adverse effects (PubMed 15125825), not its class
    insulin = "Patients had less weight gain (1.3 vs 4.2 kg), and they reported fewer hypoglycemic events."
    assert harms_named(insulin) == {"gain weight", "event hypoglycem"}  # one each
    assert harms_named("Their disease had not been controlled with oral hypoglycemic agents alone.") == set()


def test_the_harms_the_earlier_questions_name_are_their_topic_not_an_answer() -> None:
    """ "what are the risks of hyperbaric treatment?" after "Is hyperbaric oxygen effective for venous
    air embolism?" (demo corpus): «We report our experience with iatrogenic cerebral air embolism and
    hyperbaric oxygen treatment.» names the embolism treated, not a harm of the treatment."""
    experience = (
        "We report our experience with iatrogenic cerebral air embolism and hyperbaric oxygen treatment."
    )
    barotrauma = "One patient developed pulmonary barotrauma and seizures during hyperbaric treatment."
    pool = evidence_pool(
        "hyperbaric", [make_hit("21924628", f"{experience} {barotrauma}")], HashingEmbedder(), {}
    )
    texts = [c.text for c in pool.candidates]
    asked = (
        "what are the risks of hyperbaric treatment? Is hyperbaric oxygen effective for venous air embolism?"
    )
    assert unanswered(asked, pool.candidates, [0]) == UNANSWERED["harms"]
    assert [texts[i] for i in with_answer_type(asked, pool.candidates, np.array([0.5, 0.1]), [0])] == [
        barotrauma,
        experience,
    ]
    # asked first, the embolism is a harm the sentence names
    assert unanswered("what are the risks of hyperbaric treatment?", pool.candidates, [0]) is None


def test_a_contracted_question_asks_as_spelt_out() -> None:
    assert kind_of("what's the mortality?") == kind_of("what is the mortality?") == "rate"
    assert asks_quantity("what’s the risk of bleeding?") == "rate"


def test_a_question_for_complications_quotes_the_abstracts_sentences_that_name_them() -> None:
    """The review's remark that complications must be understood (its body, the selector's best) is
    kept, after two sentences of the abstract that name complications: the filters' (three named)
    and heparin's (two, the likelier of the two with two); the body's insertion complications (four
    named) come after the abstract's."""
    abstract = " ".join([THROMBOSIS, HEPARIN, COMPRESSION, FILTERS])
    text = f"{abstract} {INSERTION} {REMARK}"
    hit = make_hit("10.1186/1752-2897-4-1", text, title="Complications related to DVT prophylaxis in trauma")
    hit = replace(hit, document=replace(hit.document, body_start=len(abstract) + 1))
    pool = evidence_pool(DVT, [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    probs = np.array([DVT_PROBS[t] for t in texts])
    chosen = [texts.index(REMARK)]
    assert [texts[i] for i in with_answer_type(DVT, pool.candidates, probs, chosen)] == [
        FILTERS,
        HEPARIN,
        REMARK,
    ]
    # a cited sentence that names a harm already answers: nothing is added
    assert with_answer_type(DVT, pool.candidates, probs, [texts.index(COMPRESSION)]) == [
        texts.index(COMPRESSION)
    ]
    # a question that asks for something else is left alone
    assert with_answer_type("Is heparin safe after trauma?", pool.candidates, probs, chosen) == chosen


@pytest.mark.parametrize(
    ("asked", "kind"),
    [
        (f"what about IVC filters? {DVT}", "harms"),
        (f"IVC filters? {DVT}", "harms"),
        (f"and in children? {DVT}", "harms"),
        # a question of its own asks for its own kind or none, not the earlier one: no caveat that it
        # "states no number"
        (f"what kind of study was it? how many patients were studied? {QUESTION}", "design"),
        (f"is there a safer alternative? how many patients were studied? {QUESTION}", None),
    ],
)
def test_only_a_follow_up_naming_a_new_subject_inherits_the_earlier_kind(
    asked: str, kind: str | None
) -> None:
    assert asked_parts(asked)[2] == kind
    pool, texts = _pool()
    caveat = unanswered(asked, pool.candidates, [texts.index(ENROLLED)])
    assert (caveat is None) == (kind is None)


def test_a_follow_up_naming_a_new_subject_asks_for_the_earlier_kind_of_answer() -> None:
    """ "what about IVC filters?" after a complications question asks for the filters' complications;
    "what about migration?" after "how often …?" for the migration rate. On its own it asks for none."""
    abstract = " ".join([THROMBOSIS, HEPARIN, COMPRESSION, FILTERS])
    hit = make_hit("10.1186/1752-2897-4-1", f"{abstract} {REMARK}", title="Complications of DVT prophylaxis")
    pool = evidence_pool(DVT, [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    probs = np.array([DVT_PROBS[t] for t in texts])
    chosen = [texts.index(REMARK)]
    asked = f"what about IVC filters? {DVT}"
    assert [texts[i] for i in with_answer_type(asked, pool.candidates, probs, chosen)] == [FILTERS, REMARK]
    assert with_answer_type("what about IVC filters?", pool.candidates, probs, chosen) == chosen

    hook, hook_texts = _pool()
    hook_probs = np.array([0.021, 0.064, 0.040, 0.902])
    conclusion = [hook_texts.index(CONCLUSION)]
    asked = "what about migration? how often did pneumothorax occur? Is hook wire localization safe?"
    added = with_answer_type(asked, hook.candidates, hook_probs, conclusion)
    assert [hook_texts[i] for i in added] == [MIGRATION, CONCLUSION]


# -- recommendations --------------------------------------------------------------------------------
FIRST_LINE = "What is the first-line agent for thromboprophylaxis after major trauma?"
LMWH = (
    "Level one evidence currently supports the use of low molecular weight heparins for thromboprophylaxis "
    "in the trauma patient."
)
FILTERS_IF = (
    "When LMWH and mechanical device thromboprophylaxis are contraindicated, retrievable IVC filters should "
    "be considered in high-risk trauma patients."
)


@pytest.mark.parametrize(
    ("question", "asks"),
    [
        (FIRST_LINE, True),
        ("Which drug is recommended for DVT prophylaxis after trauma?", True),
        ("What is the treatment of choice for arterial gas embolism?", True),
        ("and what is the best therapy?", True),
        ("Is heparin the first-line agent after trauma?", False),  # yes or no
        ("What complications does the recommended agent cause?", False),  # asks for harms
        ("How is venous air embolism treated?", False),
    ],
)
def test_which_questions_ask_what_to_use(question: str, asks: bool) -> None:
    assert asks_recommendation(question) is asks


def test_a_question_for_the_first_line_agent_quotes_what_the_abstract_says_to_use() -> None:
    """The abstract's "supports the use of LMWH" comes before the body's "IVC filters should be
    considered" (the selector's likelier, p 0.11 against 0.06), and the remark stays after it."""
    abstract = " ".join([THROMBOSIS, LMWH, HEPARIN])
    text = f"{abstract} {FILTERS_IF} {REMARK}"
    hit = make_hit("10.1186/1752-2897-4-1", text, title="Complications of DVT prophylaxis in trauma")
    hit = replace(hit, document=replace(hit.document, body_start=len(abstract) + 1))
    pool = evidence_pool(FIRST_LINE, [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    probs = np.array([{LMWH: 0.056, FILTERS_IF: 0.115}.get(t, DVT_PROBS.get(t, 0.0)) for t in texts])
    chosen = [texts.index(REMARK)]
    assert [texts[i] for i in with_answer_type(FIRST_LINE, pool.candidates, probs, chosen)] == [LMWH, REMARK]
    says = [texts.index(FILTERS_IF)]  # a cited sentence that says what to use already answers
    assert with_answer_type(FIRST_LINE, pool.candidates, probs, says) == says


def test_a_should_question_quotes_what_the_study_says_to_do_beside_the_selectors_pick() -> None:
    """ "Should trauma patients receive low molecular weight heparin for DVT prophylaxis?" on the demo
    index: the selector's pick is the remark (p 0.140), the review's "supports the use of LMWH" a close
    second (p 0.131), under ``include``. The recommendation is quoted too, with no caveat when a study
    says none (a finding may answer whether to do something); a follow-up naming a new subject asks
    what the study found of it, not what to do."""
    question = "Should trauma patients receive low molecular weight heparin for DVT prophylaxis?"
    assert kind_of(question) == "advice"
    text = " ".join([THROMBOSIS, LMWH, HEPARIN, REMARK])
    pool, texts = _one_study(question, "10.1186/1752-2897-4-1", text)
    probs = np.array([{LMWH: 0.131, REMARK: 0.140}.get(t, 0.05) for t in texts])
    chosen = [texts.index(REMARK)]
    assert [texts[i] for i in with_answer_type(question, pool.candidates, probs, chosen)] == [LMWH, REMARK]
    assert unanswered(question, pool.candidates, [texts.index(HEPARIN)]) is None
    assert asked_parts(f"and in head injury? {question}")[2] is None


# -- timing -----------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("when should it be started?", "timing"),
        ("When should hyperbaric oxygen be given for cerebral arterial gas embolism?", "timing"),
        ("how soon?", "timing"),
        ("When should antibiotics be stopped after appendectomy?", "timing"),
        ("when does pneumothorax develop?", None),  # what befalls patients
        ("When is surgery indicated?", None),  # an indication, not a time
    ],
)
def test_which_questions_ask_when_to_do_something(question: str, kind: str | None) -> None:
    assert kind_of(question) == kind


def test_a_timing_question_quotes_the_cited_studys_sentence_saying_when() -> None:
    """ "When should hyperbaric oxygen be given for cerebral arterial gas embolism?" with PubMed
    25916498's sentences: its conclusion says earlier is better; its case narrative does not say when."""
    question = "When should hyperbaric oxygen be given for cerebral arterial gas embolism?"
    narrative = "A 62-year-old man developed cerebral arterial gas embolism during a lung biopsy."
    earlier = (
        "Hyperbaric oxygen therapy is the treatment of choice for cerebral arterial gas embolism, with "
        "earlier treatments resulting in better outcomes."
    )
    pool, texts = _one_study(question, "25916498", f"{narrative} {earlier}")
    chosen = with_answer_type(question, pool.candidates, np.array([0.6, 0.05]), [0])
    assert [texts[i] for i in chosen] == [earlier, narrative]  # before the study's quote
    assert unanswered(question, pool.candidates, [0]) == UNANSWERED["timing"]
    assert unanswered(question, pool.candidates, chosen) is None


# -- diagnosis and symptoms -------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How is cerebral air embolism diagnosed?", "diagnosis"),
        ("What is the best test for pulmonary embolism?", "diagnosis"),
        ("what imaging is best?", "diagnosis"),
        ("What are the symptoms of cerebral air embolism after lung biopsy?", "symptoms"),
        ("how does it present?", "symptoms"),
        ("How is venous air embolism treated?", "treatment"),
        ("What are the risk factors for systemic air embolism?", "factors"),
    ],
)
def test_which_questions_ask_how_a_condition_is_diagnosed_or_presents(question: str, kind: str) -> None:
    assert kind_of(question) == kind


@pytest.mark.parametrize(
    ("text", "diagnosis", "symptoms"),
    [  # case reports of the demo corpus (PubMed XML)
        ("Brain CT showed intravascular air bubbles in the right frontal lobe.", True, False),
        (
            "This procedure was complicated by massive systemic air embolism confirmed by CT scan.",
            True,
            False,
        ),
        ("Immediately after the procedure, the patient went into cardio-respiratory arrest.", False, True),
        ("Following the procedure, he developed seizures and cerebral edema.", False, True),
        # an image's signs say how it was found, not how it presented
        ("CT showed signs of air embolism in descending aorta and left atrium.", True, False),
        ("Signs of air embolism included hypotension and desaturation.", False, True),
        (  # PubMed 19943152: symptoms it names by their kind
            "The patient experienced cardiac symptoms, and systemic air embolism was confirmed on CT images.",
            True,
            True,
        ),
        (
            "Radiologists and physicians need to be aware of this rare but potentially fatal complication.",
            False,
            False,
        ),
    ],
)
def test_which_sentences_say_how_it_was_diagnosed_or_presented(
    text: str, diagnosis: bool, symptoms: bool
) -> None:
    assert (diagnoses(text), names_symptoms(text)) == (diagnosis, symptoms)


def test_a_symptoms_question_quotes_the_cited_studys_sentence_naming_them() -> None:
    """ "What are the symptoms of cerebral air embolism after lung biopsy?" on the demo index: the
    selector cites PubMed 21841875's (2011) advice to be aware; its narrative names the arrest."""
    question = "What are the symptoms of cerebral air embolism after lung biopsy?"
    arrest = "Immediately after the procedure, the patient went into cardio-respiratory arrest."
    aware = "Radiologists and physicians need to be aware of this rare but potentially fatal complication."
    pool, texts = _one_study(question, "21841875", f"{arrest} {aware}")
    chosen = with_answer_type(question, pool.candidates, np.array([0.1, 0.6]), [1])
    assert [texts[i] for i in chosen] == [arrest, aware]
    assert unanswered(question, pool.candidates, [1]) == UNANSWERED["symptoms"]
    assert unanswered("How is it diagnosed?", pool.candidates, [1]) == UNANSWERED["diagnosis"]


def test_a_rate_naming_what_is_asked_in_an_abbreviation_the_question_spells_out_answers() -> None:
    """ "What is the risk of heparin-induced thrombocytopenia …?" on the DVT review (demo corpus): the
    review gives the rate as «… HIT to be 3.9% and 0.7% respectively», never defining "HIT"."""
    question = "What is the risk of heparin-induced thrombocytopenia with unfractionated heparin?"
    risks = "The risks of heparin include bleeding and heparin induced thrombocytopenia."
    rate = "In this review we calculated the risk of bleeding and HIT to be 3.9% and 0.7% respectively."
    pool, texts = _one_study(question, "10.1186/1752-2897-4-1", f"{risks} {rate}")
    chosen = with_answer_type(question, pool.candidates, np.array([0.5, 0.05]), [0])
    assert [texts[i] for i in chosen] == [rate, risks]  # placed first among its study's
    assert unanswered(question, pool.candidates, chosen) is None


# -- how patients fare ------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("Can patients with cerebral air embolism recover completely?", "outcome"),
        ("What is the prognosis of coronary air embolism after lung biopsy?", "outcome"),
        ("What are the outcomes of preterm birth?", None),  # any finding: continence scores too
        ("is it fatal?", "outcome"),
        ("Do most patients survive?", "outcome"),
        ("Is recovery complete?", "outcome"),
        ("what was the outcome?", "results"),  # of the study read
        ("What is the 5-year survival?", "rate"),
        ("Which needle type carries more risk of air embolism?", "factors"),
        ("Which biopsy needles are riskiest for air embolism?", "factors"),
        ("what increases the risk of pneumothorax?", "factors"),
        ("Which patients with Cushing's disease are cured by transsphenoidal surgery?", "factors"),
        ("What are the reasons African Americans delay seeking help for heart attack symptoms?", "factors"),
        ("Does it reduce the risk?", None),
    ],
)
def test_which_questions_ask_how_patients_fare(question: str, kind: str | None) -> None:
    assert kind_of(question) == kind


@pytest.mark.parametrize(
    ("text", "fared"),
    [  # the demo corpus
        (
            "Eight patients (50%) had complete relief of symptoms as a result of hyperbaric treatment, five "
            "(31%) had partial relief, and three patients (19%) had no benefit, two of whom died.",
            True,
        ),
        ("Patient fully recovered after hyperbaric oxygen treatment with complete resolution of air.", True),
        (
            "Seven years later, the patient was functioning at his pre-event baseline.",
            True,
        ),  # PubMed 26591982
        (
            "Radiologists and physicians need to be aware of this rare but potentially fatal complication.",
            False,
        ),
        (
            "The treatment of cerebral air embolism with hyperbaric oxygen is based upon mechanical "
            "compression of air bubbles to a much smaller size.",
            False,
        ),
    ],
)
def test_which_sentences_say_how_patients_fared(text: str, fared: bool) -> None:
    assert states_outcome(text) is fared


def test_a_recovery_question_quotes_the_cited_studys_sentence_saying_how_patients_fared() -> None:
    """ "Can patients with cerebral air embolism recover completely?" on the demo index: the selector
    prefers PubMed 3918516's (1985) account of how hyperbaric oxygen works (p 0.23) to its finding of
    how the sixteen patients fared (p 0.08), which the answer type adds."""
    question = "Can patients with cerebral air embolism recover completely?"
    how = (
        "The treatment of cerebral air embolism with hyperbaric oxygen is based upon mechanical "
        "compression of air bubbles to a much smaller size."
    )
    fared = "Eight patients (50%) had complete relief of symptoms, and two patients died."
    pool, texts = _one_study(question, "3918516", f"{how} {fared}")
    assert unanswered(question, pool.candidates, [0]) == UNANSWERED["outcome"]
    chosen = with_answer_type(question, pool.candidates, np.array([0.23, 0.08]), [0])
    assert [texts[i] for i in chosen] == [fared, how]  # placed first among its study's
    assert unanswered(question, pool.candidates, chosen) is None


# -- what stands in the way ---------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("What are the barriers to quality improvement in resource-limited hospitals?", "barriers"),
        ("Why is quality improvement hard in resource-limited hospitals?", "barriers"),
        ("why was it so difficult?", "barriers"),
        ("Why does it work?", None),
        ("what were the main challenges?", "barriers"),
        ("What hinders adherence to exercise?", "barriers"),
        ("What are the risk factors for systemic air embolism?", "factors"),
    ],
)
def test_which_questions_ask_what_stands_in_the_way(question: str, kind: str) -> None:
    assert kind_of(question) == kind


# the quality-improvement PDF of the demo corpus (10.1186/1472-6963-14-1)
STAFF = (
    "Out of the 82 respondents answering this question, 41% of them cited ‘staff performance’ as the major "
    "problem/bottleneck, 27% suggested ‘patient focus’ in this regard."
)
TASK = (
    "Establishing a quality improvement process in resource-limited settings is an enormous task, "
    "considering the host of challenges that these facilities face."
)
THEMES = (
    "The responses by stakeholders from all categories were grouped into three main thematic areas of "
    "‘existing quality elements and models’, ‘challenges or problematic areas hindering good quality "
    "practices’ and ‘recommendations for quality improvement’."
)


def test_a_barriers_question_quotes_the_cited_studys_sentence_naming_them() -> None:
    assert names_barriers(STAFF) and not names_barriers(TASK) and not names_barriers(THEMES)
    assert names_barriers("A challenge in the future will be to develop rehabilitation services.")
    assert names_barriers(
        "Human resource shortages, staff attitudes and shortage of equipment were identified as major "
        "constraints to patient care."
    )
    question = "What are the barriers to quality improvement in resource-limited hospitals?"
    pool, texts = _one_study(question, "10.1186/1472-6963-14-1", f"{TASK} {THEMES} {STAFF}")
    assert unanswered(question, pool.candidates, [0]) == UNANSWERED["barriers"]
    chosen = with_answer_type(question, pool.candidates, np.array([0.4, 0.3, 0.05]), [0])
    assert [texts[i] for i in chosen] == [STAFF, TASK]


# -- treatment --------------------------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("How is venous air embolism treated?", "treatment"),
        ("How should cerebral arterial gas embolism be treated?", "treatment"),
        ("and how is it treated?", "treatment"),  # a follow-up
        ("What is the management of air embolism?", "treatment"),
        ("What treatments are available for calcinosis cutis?", "treatment"),
        ("How can advanced gallbladder carcinoma be managed palliatively?", "treatment"),
        ("What is the treatment of choice for cerebral arterial gas embolism?", "recommendation"),
        ("How often is it treated?", "rate"),
        ("Is surgery effective for calcinosis cutis?", None),  # yes or no
        ("What are the risk factors for systemic air embolism after CT-guided lung biopsy?", "factors"),
        ("What predicts the outcome of in vitro fertilization?", "factors"),
        ("and what predicts mortality?", "factors"),  # a follow-up
        ("What determines successful CT-guided localization of lung nodules?", "factors"),
        ("Which factors are associated with thrombosis in medical inpatients?", "factors"),
        ("What is the risk of pneumothorax after biopsy?", "rate"),
        ("What are the risks of inferior vena cava filters?", "harms"),
        ("Does antral follicle assessment predict IVF outcome?", None),  # yes or no
    ],
)
def test_which_questions_ask_how_something_is_treated_or_what_predicts_it(
    question: str, kind: str | None
) -> None:
    assert kind_of(question) == kind
    assert asks_treatment(question) is (kind == "treatment")
    assert asks_factors(question) is (kind == "factors")


VAE = "How is venous air embolism treated?"
HBO_EARLY = (
    "We stress the beneficial effect of an early HBO in air embolism, the importance of an increased "
    "awareness of physicians concerned with this severe complication, and the need to develop techniques "
    "to detect air emboli in the cerebral circulation."
)
VAE_CASE = (
    "Here we report on a patient who inadvertently received a venous infusion of 150 ml air resulting in a "
    "major embolism, and who underwent HBO2T, recovered well, and suffered no adverse events."
)
TECHNIQUES = (
    "Techniques used to eliminate embolisms including administration of 100% oxygen, placing the patient in "
    "lateral decubitus, and Trendelenburg position for no longer than 10 minutes, removing the embolism with "
    "a catheter, surfactants and hyperbaric oxygen therapy (HBO2T)."
)
CONSIDER = (
    "This result suggests that it is important to consider HBO2T as a recommended application for patients "
    "with venous embolisms."
)


def test_a_treatment_question_quotes_the_cited_studys_sentence_on_how_it_is_treated() -> None:
    """The issue's example on the demo index: the selector cites the 2002 study's remark on early HBO
    (p 0.73) and the 2011 case report's narrative (p 0.30, 0.25); its sentence listing 100% oxygen,
    positioning and HBO (p 0.11) is the answer. A recommendation to scan is not a treatment."""
    assert treats(TECHNIQUES) and treats("Hyperbaric oxygen therapy is the definitive treatment.")
    assert not treats(CONSIDER) and not treats(HBO_EARLY)
    assert not treats("If air embolism occurs, we recommend performing a delayed chest CT scan.")
    hits = [
        make_hit("12029402", HBO_EARLY, 1),
        make_hit("21877559", " ".join([VAE_CASE, TECHNIQUES, CONSIDER]), 2),
    ]
    pool = evidence_pool(VAE, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == [HBO_EARLY, VAE_CASE, TECHNIQUES, CONSIDER]
    probs = np.array([0.73, 0.30, 0.11, 0.25])
    chosen = [0, 1, 3]
    assert [texts[i] for i in with_answer_type(VAE, pool.candidates, probs, chosen)] == [
        HBO_EARLY,
        TECHNIQUES,
        VAE_CASE,
        CONSIDER,
    ]
    with_it = [0, 2]
    assert with_answer_type(VAE, pool.candidates, probs, with_it) == with_it  # already says how


def test_an_answer_says_when_none_of_its_quotes_is_of_the_kind_asked_for() -> None:
    """ "how often …?" answered with the conclusion alone (the rate is in the methods of a labelled
    abstract, so not added): the answer says that none of its quotes states how often."""
    pool, texts = _pool()
    conclusion, pneumothorax = texts.index(CONCLUSION), texts.index(PNEUMOTHORAX)
    assert unanswered(QUESTION, pool.candidates, [conclusion]) == UNANSWERED["rate"]
    assert unanswered(QUESTION, pool.candidates, [pneumothorax, conclusion]) is None
    assert unanswered("Is hook wire localization safe?", pool.candidates, [conclusion]) is None  # no kind
    assert unanswered(QUESTION, pool.candidates, []) is None  # a refusal says so already
    assert unanswered("and how is it treated?", pool.candidates, [conclusion]) == UNANSWERED["treatment"]
    # through compose: the caveat is part of the answer
    labelled = replace(pool.candidates[pneumothorax].hit.passage, section="METHODS")
    moved = [replace(c, hit=replace(c.hit, passage=labelled)) for c in pool.candidates]
    answer = compose(QUESTION, replace(pool, candidates=moved), _fixed())
    assert [c.quote for c in answer.citations] == [CONCLUSION]
    assert answer.caveats == [UNANSWERED["rate"]]
    assert answer.answer.endswith(UNANSWERED["rate"])
    assert compose(QUESTION, pool, _fixed()).caveats == []


# -- factors ----------------------------------------------------------------------------------------
IVF = "What predicts the outcome of in vitro fertilization?"
PREDICTOR = (
    "Antral follicle assessment was a better predictor of in vitro fertilization outcome than were age or "
    "follicle stimulated hormone."
)
MARKER_OF_AGE = (
    "Antral follicle assessment may provide a marker for ovarian age that is distinct from chronological age "
    "or hormonal markers."
)


def test_a_factors_question_quotes_the_cited_studys_sentence_naming_a_predictor() -> None:
    """PubMed 11411430 (demo corpus): a conclusion that names no predictor, and the finding that does."""
    assert names_factors(PREDICTOR) and not names_factors(MARKER_OF_AGE)
    assert names_factors(
        "We were unable to show a link between the presence of aPL and AVN."
    )  # a null finding
    # a remark that risk factors matter names none (PubMed 19182507, demo corpus)
    assert not names_factors(
        "Prevention is the best course and it is essential that possible risk factors be avoided."
    )
    assert names_factors("Lesions in the lower lobe may be risk factors for systemic air embolism.")
    # a group that fared better names what predicts survival (PubMed 14697414, demo corpus)
    assert names_factors(
        "Patients with<or =5 metastatic sites had significantly better survival rates than patients with>5 "
        "lesions."
    )
    assert not names_factors("Treatment improved outcomes in most patients.")
    # a group's likelihood, or its longer or shorter delay (PubMed 11380492, 17682349)
    assert names_factors(
        "When both radiological and histological findings were positive, the likelihood of achieving "
        "remission was significantly higher than if both modalities were negative (P = 0.038)."
    )
    assert names_factors("Single women delayed longer than single men (P = .03).")
    assert names_factors("Women who received advice to call 911 had shorter delays (P = .01).")
    assert not names_factors("Median delay time was 4.4 hours.")
    pool, texts = _one_study(IVF, "11411430", f"{PREDICTOR} {MARKER_OF_AGE}")
    assert texts == [PREDICTOR, MARKER_OF_AGE]
    probs = np.array([0.2, 0.6])
    assert [texts[i] for i in with_answer_type(IVF, pool.candidates, probs, [1])] == [
        PREDICTOR,
        MARKER_OF_AGE,
    ]
    assert with_answer_type(IVF, pool.candidates, probs, [0]) == [0]
    assert unanswered(IVF, pool.candidates, [1]) == UNANSWERED["factors"]
    assert unanswered(IVF, pool.candidates, [0, 1]) is None


def test_another_studys_treatment_sentence_must_name_what_is_asked_about() -> None:
    """When the cited study says nothing of treatment, an answering study's sentence may: only one
    that names the condition asked about (not "ulcers are treated with …" for venous air embolism)."""
    definitive = "Hyperbaric oxygen therapy is the definitive treatment of venous air embolism."
    ulcers = "Diabetic foot ulcers were treated with hyperbaric oxygen in 40 patients."
    hits = [
        make_hit("12029402", HBO_EARLY, 1),
        make_hit("ulcers", ulcers, 2),
        make_hit("review", definitive, 3),
    ]
    pool = evidence_pool(VAE, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == [HBO_EARLY, ulcers, definitive]
    both = np.array([0.73, 0.5, 0.12])
    assert [texts[i] for i in with_answer_type(VAE, pool.candidates, both, [0], answering=0.09)] == [
        HBO_EARLY,
        definitive,
    ]
    below = np.array([0.73, 0.5, 0.05])  # the review does not clear the bar: nothing, not the ulcers
    assert with_answer_type(VAE, pool.candidates, below, [0], answering=0.09) == [0]


# -- size: how many were studied -----------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("how many patients were studied?", "size"),
        ("how many patients were in the study?", "size"),
        ("and how many women were included?", "size"),
        ("how big was the study?", "size"),
        ("what was the sample size?", "size"),
        ("how many patients?", "size"),
        ("how many patients were in [1]?", "size"),  # a question about one reference
        ("how many people were surveyed?", "size"),
        ("how many patients were followed?", "size"),
        ("how many specimens?", "size"),  # what the study counts (PubMed 17940352: 114 specimens)
        ("how many athletes were tested?", "size"),  # PubMed 10593212 counts its 383 patients
        ("how many patients were interviewed?", "size"),
        ("how many studies were reviewed?", "size"),  # a review's size
        ("how many patients were treated?", "size"),  # a study of a treatment: all it studied
        ("how many patients were treated with surgery?", "number"),  # some of them
        ("how many carriers were studied?", "size"),  # PubMed 17113061
        ("sample size?", "size"),  # asked in a word or two
        ("how many biopsies were complicated by pneumothorax?", "number"),
        ("how many patients had a complete response?", "number"),  # what befell some of them
        ("How many patients with renal cell carcinoma have an abnormality on pelvic CT?", "number"),
    ],
)
def test_which_questions_ask_how_many_were_studied(question: str, kind: str) -> None:
    assert kind_of(question) == kind


# real sentences of the demo corpus's abstracts (PubMed 12070552, 26772183, 12095973, 17032327, 17914515)
@pytest.mark.parametrize(
    ("text", "size"),
    [
        ("A total of 185 patients underwent tonsillectomy with or without adenoidectomy.", True),
        (ENROLLED, True),
        ("Fifty-two patients with mid or low rectal tumors underwent CRT.", True),
        ("Three thousand four hundred and ninety-four patients participated (13% were black).", True),
        ("Eighty-nine operations were performed by consultants and 41 by senior colorectal trainees.", True),
        ("Of 324 patients studied, 317 (98%) had CT scans negative for abdominal injury.", True),
        ("The total number of patients included in this study was 383.", True),  # PubMed 10593212
        (  # PubMed 10877371
            "Central anterior chamber depth was measured in 39 patients with clinically apparent unilateral "
            "pseudoexfoliation and elevated intraocular pressure.",
            True,
        ),
        (
            "In a 1:2 case-control study of sex and age-related (+/-5 y) subjects (n=114), cIMT was similar.",
            True,
        ),
        (  # PubMed 15141797
            "The morning following cardiac surgery, simultaneous arterial line and peripheral venous blood "
            "samples were taken for APTT ratio in 49 randomly selected patients.",
            True,
        ),
        (  # PubMed 10158597: three words between the number and the patients
            "600 randomly sampled adult patients admitted to the medical wards of the study hospital, who "
            "were resident in the district (but not in institutions), were discharged home.",
            True,
        ),
        # the heart failure programmes' focus groups (doi 10.1155/2010/157939, a PDF of the demo corpus)
        (
            "Fifteen participants took part, seven from the rural hospital and eight from the urban "
            "hospital.",
            True,
        ),
        (
            "Focus groups were conducted with fifteen participants (men, n = 12) attending one of two heart "
            "failure rehabilitation programmes.",
            True,
        ),
        (  # PubMed 12029402
            "We retrieved the cases of 86 patients who benefited from an identical HBO and analyzed the "
            "relationship between the time period before HBO and clinical outcome.",
            True,
        ),
        ("Thirty-nine patients had radical surgery.", False),
        ("Four patients (4.8%) developed septal hematoma in the second group.", False),
        ("The patients were randomly divided into 2 groups.", False),
    ],
)
def test_which_sentences_say_how_many_were_studied(text: str, size: bool) -> None:
    assert states_size(text) == size


def test_a_size_question_quotes_the_count_of_those_studied_from_the_methods() -> None:
    """A labelled abstract states its size in its methods, which the other kinds never quote from."""
    parts = [
        ("METHODS", "Fifty-two patients with mid or low rectal tumors underwent CRT."),
        ("RESULTS", "Thirty-nine patients had radical surgery. Two patients (4%) are still alive."),
        (
            "CONCLUSIONS",
            "Exclusive CRT approach is not safe to treat patients with low infiltrative rectal carcinoma.",
        ),
    ]
    hits = labelled_hits("12095973", parts, title="Chemoradiation instead of surgery")
    pool = evidence_pool("rectal cancer", hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    conclusion = [texts.index(parts[2][1])]
    asked = (
        "how many patients were in the study? Does chemoradiation work instead of surgery for rectal cancer?"
    )
    added = with_answer_type(asked, pool.candidates, np.full(len(texts), 0.5), conclusion)
    assert [texts[i] for i in added] == [parts[0][1]]  # the answer, not the conclusion beside it
    assert unanswered(asked, pool.candidates, conclusion) == UNANSWERED["size"]
    assert unanswered(asked, pool.candidates, added) is None
    number = f"how many patients had radical surgery? {asked.split('? ', 1)[1]}"
    assert parts[0][1] not in [
        texts[i] for i in with_answer_type(number, pool.candidates, np.full(len(texts), 0.5), conclusion)
    ]


# -- harms in general: the answer to "which complications?" may be none ----------------------------
# PubMed 16647887 (demo corpus)
NO_INCREASE = (
    "Treated hypothyroidism was not associated with any increase in maternal, fetal, or neonatal "
    "complications."
)
NO_MORBIDITY = (
    "Compared with patients without hypothyroidism, patients with treated hypothyroidism are not at any "
    "increased risk for perinatal morbidity."
)


@pytest.mark.parametrize(
    ("text", "general"),
    [
        (NO_INCREASE, True),
        ("No complications occurred.", True),
        ("The complication rate was 3%.", True),
        ("Septal suturing offers the following advantages: minimal complications, a shorter stay.", True),
        (REMARK, False),  # that complications matter is no finding about them
        ("Treatment of complications of pancreatitis is difficult.", False),
    ],
)
def test_which_sentences_state_a_finding_on_harms_in_general(text: str, general: bool) -> None:
    assert states_harms_in_general(text) == general


def test_a_harms_question_quotes_a_finding_on_harms_in_general_when_none_names_one() -> None:
    parts = [
        ("RESULTS", f"Among 20,499 deliveries, 419 women were treated for hypothyroidism. {NO_INCREASE}"),
        ("CONCLUSIONS", NO_MORBIDITY),
    ]
    hits = labelled_hits("16647887", parts, title="Are women treated for hypothyroidism at risk?")
    pool = evidence_pool("hypothyroidism", hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    asked = "which complications? Are women treated for hypothyroidism at risk of pregnancy complications?"
    conclusion = [texts.index(NO_MORBIDITY)]
    added = with_answer_type(asked, pool.candidates, np.full(len(texts), 0.5), conclusion)
    assert [texts[i] for i in added] == [NO_INCREASE, NO_MORBIDITY]
    assert unanswered(asked, pool.candidates, added) is None
    # a sentence naming a harm still comes first, and the general one is not added beside it
    bleeding = "Two women (0.5%) had postpartum bleeding."
    parts[0] = ("RESULTS", f"{bleeding} {NO_INCREASE}")
    pool = evidence_pool("hypothyroidism", labelled_hits("16647887", parts), HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    added = with_answer_type(asked, pool.candidates, np.full(len(texts), 0.5), [texts.index(NO_MORBIDITY)])
    assert [texts[i] for i in added] == [bleeding, NO_MORBIDITY]


def test_a_hyphenated_word_is_found_in_its_parts() -> None:
    """ "what was the false-positive rate?" after the axilla question (PubMed 15631914): the study says
    «… was falsely positive in 53% of patients …», never "false-positive"."""
    assert {"fals", "posit"} <= words_of("what was the false-positive rate?")
    question = "what was the false-positive rate? Is the clinically positive axilla a contraindication?"
    conclusion = "Clinical axillary examination is subject to false-positive results."
    rate = "Clinical examination of the axilla was falsely positive in 53% of patients (33 of 62)."
    pool = evidence_pool("axilla", [make_hit("15631914", f"{rate} {conclusion}")], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    chosen = with_answer_type(question, pool.candidates, np.array([0.1, 0.9]), [texts.index(conclusion)])
    assert [texts[i] for i in chosen] == [rate, conclusion]


def test_a_rate_of_deaths_must_name_them() -> None:
    """ "What is the mortality of systemic air embolism after lung biopsy?" (demo corpus): how often the
    embolism occurs names all the question's words but the one it asks about; a count of deaths answers."""
    question = "What is the mortality of systemic air embolism after lung biopsy?"
    advice = "If air embolism occurs, we recommend performing a delayed chest CT scan."
    occurs = "Systemic air embolism occurs in around 0.001-0.003% of lung biopsy procedures."
    died = "Two of the nine patients (22%) with systemic air embolism died."
    title = "Systemic air embolism as a complication of percutaneous lung biopsy"
    pool = evidence_pool(
        question, [make_hit("28660818", f"{advice} {occurs}", title=title)], HashingEmbedder(), {}
    )
    assert with_answer_type(question, pool.candidates, np.array([0.5, 0.1]), [0]) == [0]
    assert unanswered(question, pool.candidates, [0]) == UNANSWERED["rate"]
    hits = [make_hit("28660818", f"{advice} {occurs} {died}", title=title)]
    pool = evidence_pool(question, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    chosen = with_answer_type(question, pool.candidates, np.array([0.5, 0.2, 0.1]), [0])
    assert [texts[i] for i in chosen] == [died, advice]
    # how often it occurs answers how often it occurs
    asked = "How often does systemic air embolism occur after lung biopsy?"
    chosen = with_answer_type(asked, pool.candidates, np.array([0.5, 0.2, 0.1]), [0])
    assert [texts[i] for i in chosen] == [occurs, advice]


def test_how_long_something_takes_names_no_topic_word() -> None:
    """ "How long does hook wire localization take?": "take" is how the question asks, not what the
    procedure-time sentence must name (PubMed 25539609, demo corpus)."""
    question = "How long does hook wire localization take?"
    useful = "Intraoperative CT-guided hook wire localization is useful in VATS wedge resection."
    time = (
        "The mean procedure time for the CT-guided hook wire localization was 8.4 min (range: 4 min-18 min)."
    )
    title = "Intra-operative computed tomography guided localization with a hook-wire system"
    pool, texts = _one_study(question, "25539609", f"{time} {useful}", title=title)
    chosen = with_answer_type(question, pool.candidates, np.array([0.1, 0.6]), [texts.index(useful)])
    assert [texts[i] for i in chosen] == [time, useful]
    assert kind_of("Which patients benefit most from hyperbaric oxygen for gas embolism?") == "factors"
    assert not names_factors(
        "Gas embolism takes two forms, venous and arterial, distinguished by the mechanism."
    )


def test_a_study_in_people_is_quoted_when_only_an_animal_study_gives_the_kind_asked_for() -> None:
    """ "when should it be started?" after "How is cerebral arterial gas embolism treated?" (demo corpus):
    the selector puts the swine study's sentences far first (p 0.89); the patients' study (p 0.15, over
    the abstention bar) says when, and it is quoted too."""
    asked = "when should it be started? How is cerebral arterial gas embolism treated?"
    swine = "We did not observe an effect of hyperbaric oxygenation after a delay of 2 or 4 hours."
    patients = "Time-to-HBO2 ≤ 6 h increased the odds of favorable outcome."
    hits = [
        make_hit("23632435", swine, title="Hyperbaric oxygen does not improve cerebral function in swine"),
        make_hit("22396189", patients, rank=2, title="Factors associated with favorable response to HBO2"),
    ]
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    chosen = with_answer_type(asked, pool.candidates, np.array([0.89, 0.15]), [0], answering=0.09)
    assert [texts[i] for i in chosen] == [swine, patients]
    # below the abstention bar the patients' study does not answer; in people, the first one stands
    assert with_answer_type(asked, pool.candidates, np.array([0.89, 0.05]), [0], answering=0.09) == [0]
    hits[0] = make_hit("23632435", swine, title="Hyperbaric oxygen and cerebral function in divers")
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    assert with_answer_type(asked, pool.candidates, np.array([0.89, 0.15]), [0], answering=0.09) == [0]


def test_a_follow_up_answer_keeps_the_quote_in_people_that_an_animal_study_would_replace() -> None:
    """In the conversation the patients' sentence was shown; the follow-up's new quotes are the swine
    study's only, so the shown one is quoted again, first (the bottom line), not dropped for them."""
    asked = "when should it be started? How is cerebral arterial gas embolism treated?"
    swine = "We did not observe an effect of hyperbaric oxygenation after a delay of 2 or 4 hours."
    patients = "Time-to-HBO2 ≤ 6 h increased the odds of favorable outcome."
    hits = [
        make_hit("23632435", swine, title="Hyperbaric oxygen does not improve cerebral function in swine"),
        make_hit("22396189", patients, rank=2, title="Factors associated with favorable response to HBO2"),
    ]
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    policy = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)
    selector = FixedSelector({swine: 0.89, patients: 0.15}, policy)
    answer = compose(asked, pool, selector, exclude=frozenset({patients}), asked=asked)
    assert [c.quote for c in answer.citations] == [patients, swine]
    assert answer.bottom_line is not None and patients in answer.bottom_line


def test_a_study_in_people_is_sought_by_the_same_test_of_the_kind_as_the_caveat() -> None:
    """An animal study's «No complications occurred.» answers "what are the complications?" (the caveat
    says nothing is missing), so it is an answer only animals give: the patients' study that names a
    harm is quoted before it, as for any other kind (``answer_type.answers.of_kind``)."""
    asked = "What are the complications of hyperbaric oxygen for gas embolism?"
    rats = "No complications occurred in the hyperbaric group."
    patients = "Ear pain occurred in 4 of 31 patients during the first session."
    hits = [
        make_hit("1", rats, title="Hyperbaric oxygen after arterial gas embolism in rats"),
        make_hit("2", patients, rank=2, title="Hyperbaric oxygen for gas embolism: a case series"),
    ]
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert unanswered(asked, pool.candidates, [0]) is None  # «No complications occurred.» answers
    chosen = with_answer_type(asked, pool.candidates, np.array([0.89, 0.15]), [0], answering=0.09)
    assert [texts[i] for i in chosen] == [rats, patients]


# PubMed 17916877 (demo corpus): metoclopramide for headache, by bolus or slow infusion
METOCLOPRAMIDE = "Does a 15 minute metoclopramide infusion cause fewer side effects than a bolus?"
SLOWING = (
    "Slowing the infusion rate of metoclopramide is an effective strategy for the improvement of headache "
    "and reducing the incidence of akathisia in patients with vascular type headache."
)
AKATHISIA = (
    "17 of the 58 patients in the BIG group (29.3%) and 4 of the 62 patients (6.5%) in the SIG group had "
    "akathisia (p = 0.001)."
)
SCORES = (
    "There were no significant differences between the BIG and SIG groups in terms of mean headache scores "
    "(p = 0.34) and no adverse reactions in the study period."
)
RELIEVED = (
    "Metoclopramide successfully relieved the headache symptom(s) of patients in both the BIG and SIG groups."
)


def test_a_harm_word_naming_what_was_treated_or_measured_names_no_harm() -> None:
    assert "akathisia" in harms_named(SLOWING)  # its "improvement of headache" names no harm
    assert harms_named(RELIEVED) == set()
    assert harms_named(SCORES) == set()
    assert harms_named("Pain relief was better with ketorolac.") == set()
    assert harms_named("Postoperative pain was higher in group A.") == {"pain"}
    assert harms_named(AKATHISIA) == {"akathisia"}


def test_a_follow_up_shown_its_answer_quotes_the_studys_sentence_of_the_kind_not_shown_yet() -> None:
    """ "what side effects occurred?" after the conclusion that names akathisia: the asker has read it,
    and the study's rates are quoted instead of «As quoted above …» (compose keeps the new quote only);
    not shown, the conclusion answers as it stands."""
    asked = f"what side effects occurred? {METOCLOPRAMIDE}"
    pool, texts = _one_study(asked, "17916877", f"{SLOWING} {AKATHISIA} {SCORES} {RELIEVED}")
    probabilities = np.array([0.876, 0.014, 0.036, 0.043])
    shown = [True, False, False, False]
    chosen = with_answer_type(asked, pool.candidates, probabilities, [0], shown=shown)
    assert [texts[i] for i in chosen] == [AKATHISIA, SLOWING]  # the added one placed first
    assert with_answer_type(asked, pool.candidates, probabilities, [0]) == [0]
    policy = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)
    selector = FixedSelector(dict(zip(texts, probabilities.tolist(), strict=True)), policy)
    answer = compose(asked, pool, selector, exclude=frozenset({SLOWING}), asked=asked)
    assert [c.quote for c in answer.citations] == [AKATHISIA]


def test_by_how_much_asks_about_the_earlier_subject_not_the_comparison() -> None:
    """ "how much less?" after "Does a slow metoclopramide infusion reduce akathisia?" asks for the
    akathisia figures; "less" names nothing to find. A comparison word beside a subject is asked about:
    "How often is end-tidal CO2 higher than arterial CO2 …?" is answered by «… the EtCO(2) was higher
    than the PaCO(2)»."""
    assert "akathisia" in asked_about(
        "how much less?", ["Does a slow metoclopramide infusion reduce akathisia?"]
    )
    assert "less" not in asked_about(
        "how much less?", ["Does a slow metoclopramide infusion reduce akathisia?"]
    )
    assert "higher" in asked_about("How often is end-tidal CO2 higher than arterial CO2 in infants?", [])
    assert kind_of("how much less?") == "number"
    assert kind_of("how large was each group?") == "number"
    assert kind_of("how big was the study?") == "size"
    asked = "how much less? Does a slow metoclopramide infusion reduce akathisia?"
    pool, texts = _one_study(asked, "17916877", f"{SLOWING} {AKATHISIA} {SCORES}")
    chosen = with_answer_type(asked, pool.candidates, np.array([0.95, 0.04, 0.05]), [0])
    assert [texts[i] for i in chosen] == [AKATHISIA, SLOWING]


def test_an_experiments_injury_is_no_harm_of_the_treatment() -> None:
    """ "is it safe?" after the gas embolism treatment questions: the swine study's «The injury caused
    in our model …» is the embolism's, which the treatment is for (PubMed 23632435, demo corpus)."""
    injury = (
        "The injury caused in our model could be too severe for a single session of hyperbaric oxygenation "
        "to be effective."
    )
    assert harms_named(injury) == set()
    assert harms_named("Pulmonary injury occurred in two patients.") == {"injuri"}


def test_in_how_many_asks_for_a_share_of_the_earlier_subject() -> None:
    """ "in how many patients?" after "Is troponin elevated in pulmonary embolism?" (PubMed 17276801, demo
    corpus): «Thirty-three patients (42%) had elevated cTnI levels.», not a sentence of P values."""
    assert kind_of("in how many patients?") == "rate"
    assert kind_of("how many patients?") == "size"
    assert asked_about("in how many patients?", ["Is troponin elevated in pulmonary embolism?"]) >= {
        "troponin",
        "elev",
    }
    asked = "in how many patients? Is troponin elevated in pulmonary embolism?"
    conclusion = "Troponin I may play an important role for the risk assessment of patients with PE."
    share = "Thirty-three patients (42%) had elevated cTnI levels."
    values = "Elevated cTnI levels were associated with inhospital mortality (P = .02)."
    title = "Can elevated troponin I levels predict inhospital mortality in acute pulmonary embolism?"
    pool, texts = _one_study(asked, "17276801", f"{share} {values} {conclusion}", title=title)
    chosen = with_answer_type(asked, pool.candidates, np.array([0.01, 0.07, 0.9]), [2])
    assert [texts[i] for i in chosen] == [share, conclusion]


def test_how_many_had_a_high_value_counts_those_with_it_in_a_study_of_it() -> None:
    """ "how many had high cholesterol?" of a cholesterol screening study (PubMed 17971187): "high"
    adds nothing the figure must name (it says ">or=200 mg/dL"), and "had" is how it asks."""
    asked = "how many had high cholesterol? Does a family history identify children with high cholesterol?"
    count = "In 135 of the subjects' serum cholesterol level was>or=200 mg/dL."
    advice = "We suggest that regardless of family history, all children over 5 years should be screened."
    title = (
        "Cholesterol screening in school children: is family history reliable to choose the ones to screen?"
    )
    pool, texts = _one_study(asked, "17971187", f"{count} {advice}", title=title)
    chosen = with_answer_type(asked, pool.candidates, np.array([0.01, 0.6]), [1])
    assert [texts[i] for i in chosen] == [count, advice]


def test_should_consider_prescribing_says_what_to_use() -> None:
    text = (
        "Physicians who opt to treat UTI in postmenopausal women empirically should consider prescribing "
        "drugs other than fluoroquinolones."
    )
    assert (
        unanswered(
            "What is the first-line treatment of uncomplicated UTI in older women?",
            _one_study("UTI", "17105833", text)[0].candidates,
            [0],
        )
        is None
    )


def test_by_how_much_asks_for_the_figure() -> None:
    """ "by how much?" after "Does insulin with metformin cause less weight gain?" (PubMed 15125825):
    «… less weight gain than those in the IM group (1.3 vs 4.2 kg; P=.01) …»."""
    assert kind_of("by how much?") == "number"
    assert kind_of("and by how much did it differ?") == "number"
    asked = "by how much? Does insulin with metformin cause less weight gain?"
    gain = "Patients in the IC group had less weight gain than those in the IM group (1.3 vs 4.2 kg; P=.01)."
    conclusion = "Bedtime NPH insulin added to metformin is an effective, simple, well-tolerated approach."
    pool, texts = _one_study(asked, "15125825", f"{gain} {conclusion}")
    chosen = with_answer_type(asked, pool.candidates, np.array([0.05, 0.9]), [1])
    assert [texts[i] for i in chosen] == [gain, conclusion]


def test_a_follow_up_keeps_the_shown_quote_that_alone_answers_its_kind() -> None:
    """ "how often do filters migrate?" after the quote with the migration rate (the trauma DVT review):
    the selector's new pick calls for more studies; the rate, shown before, is still the answer and
    stays beside it instead of the caveat that nothing states how often."""
    asked = "how often do filters migrate? and with IVC filters? What are the risks of DVT prophylaxis?"
    rate = (
        "In studies involving non-trauma patients with permanent retrievable filters, filter migration "
        "occurred between 3% and 8%, and IVC occlusion rates were reported between 4% and 15%."
    )
    more = "Long-term follow-up studies of permanent IVC filtration using retrievable filters are required."
    pool, texts = _one_study(asked, "10.1186/1752-2897-4-1", f"{rate} {more}", title="DVT prophylaxis")
    policy = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)
    selector = FixedSelector({rate: 0.3, more: 0.5}, policy)
    answer = compose(asked, pool, selector, exclude=frozenset({rate}), asked=asked)
    assert rate in [c.quote for c in answer.citations]
    assert answer.caveats == []


def test_a_follow_up_finds_its_kind_in_the_study_quoted_before_when_its_pick_is_another() -> None:
    """ "what are the risks?" after the DVT review was quoted: this turn's pick is a study of medical
    wards that names no harm; the review, read in earlier turns, does, and its sentence answers (the
    other study, naming none, is left out)."""
    asked = (
        "what are the risks? Tell me more about [1]? What complications are related to deep venous "
        "thrombosis prophylaxis in trauma patients?"
    )
    devices = (
        "Mechanical compression devices can result in local soft tissue injury, bleeding and non-compliance."
    )
    shown_before = "Level one evidence currently supports the use of low molecular weight heparins."
    ward = "Cancer is a strong risk factor for hospital-acquired thrombosis in the medical ward."
    hits = [
        make_hit(
            "10.1186/1752-2897-4-1", f"{shown_before} {devices}", title="Complications of DVT prophylaxis"
        ),
        make_hit("10874110", ward, rank=2, title="Venous thrombosis in internal medicine"),
    ]
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    shown = [t == shown_before for t in texts]
    probabilities = np.array([0.2, 0.05, 0.6])
    chosen = with_answer_type(asked, pool.candidates, probabilities, [texts.index(ward)], shown=shown)
    assert [texts[i] for i in chosen] == [devices]
    # in a first question (nothing shown), the other study's pick stands, with its caveat
    assert with_answer_type(asked, pool.candidates, probabilities, [texts.index(ward)]) == [texts.index(ward)]


def test_in_how_many_tumours_is_answered_by_the_share_of_carcinomas() -> None:
    """ "in how many tumours was it found?" after "Does HER2 matter in bladder cancer?" (PubMed 17940352):
    a tumour is the study's carcinoma ("found" is how it asks); «… bladder had a significantly higher
    frequency of HER2 immunoreactivity than that of the upper urinary tract (60.7 vs. 20.7%,
    p<0.0001).» answers."""
    assert asked_about("in how many tumours was it found?", ["Does HER2 matter in bladder cancer?"]) == {
        "cancer"
    }
    asked = "in how many tumours was it found? Does HER2 matter in bladder cancer?"
    frequency = (
        "Urothelial carcinoma of the bladder had a significantly higher frequency of HER2 immunoreactivity "
        "than that of the upper urinary tract (60.7 vs. 20.7%, p<0.0001)."
    )
    conclusion = (
        "HER2 immunoreactivity might have a limited prognostic value for advanced urothelial carcinoma."
    )
    title = (
        "Does HER2 immunoreactivity provide prognostic information in locally advanced urothelial carcinoma?"
    )
    pool, texts = _one_study(asked, "17940352", f"{frequency} {conclusion}", title=title)
    chosen = with_answer_type(asked, pool.candidates, np.array([0.05, 0.9]), [1])
    assert [texts[i] for i in chosen] == [frequency, conclusion]


def test_by_how_much_asks_for_a_sentence_that_compares() -> None:
    """PubMed 12484580 (demo corpus): how many got the sheet is a number, not by how much recall rose;
    PubMed 17916877: two shares side by side compare."""
    size = (
        "The test group was 126 patients undergoing revision or primary total hip arthroplasty; 65 patients "
        "were given information verbally, 61 patients were given written information."
    )
    higher = (
        "The patients receiving written information scored significantly higher (48% correct answers) than "
        "the patients receiving verbal information (38% correct answers)."
    )
    shares = "17 of the 58 patients in the BIG group (29.3%) and 4 of the 62 patients (6.5%) had akathisia."
    pool, texts = _one_study("written information", "12484580", " ".join([size, higher, shares]))
    assert texts == [size, higher, shares]
    assert comparing("by how much?", pool.candidates, [0, 1, 2]) == [1, 2]
    assert comparing("how much less?", pool.candidates, [0, 1, 2]) == [1, 2]
    assert comparing("how many patients?", pool.candidates, [0, 1, 2]) == [0, 1, 2]
