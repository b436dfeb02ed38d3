"""A follow-up asking about one aspect of what was answered quotes the cited study's sentences on it
(rag.answer.answer_type.aspect), not the quotes already shown; one asking for the results quotes the
study's next findings (the ``results`` answer type).

PubMed 12070552's abstract (PubMedQA, in the demo corpus), with the packaged selector's probabilities
for "Do antibiotics reduce morbidity after tonsillectomy? what about pain?" on the demo index.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np
import pytest
from conftest import FixedSelector, labelled_hits, make_hit

from rag.answer.answer_type import UNANSWERED, on_aspect, unanswered, with_answer_type
from rag.answer.answer_type.asks import asked_parts, kind_of
from rag.answer.compose import REPEATED, compose
from rag.answer.select import Policy, document_policy, evidence_pool
from rag.embed.embedder import HashingEmbedder

FIRST = "Do antibiotics reduce morbidity after tonsillectomy?"
CHILDREN = "The patients age ranged between 2 years to 53 years and the majority were children."
PAIN = (
    "Moreover, postoperative antibiotics had no role in pain control, postoperative fever, secondary "
    "hemorrhage or reduction in hospital stay."
)
POOR_PAIN = "The administration of analgesics on the basis of, as required, had poor pain control."
CONCLUSION = (
    "Post tonsillectomy antibiotics did not prove to have a role in minimizing postoperative morbidity."
)
LIMITED = "Moreover, analgesics given on the basis of as required had a limited value."
TEXTS = [CHILDREN, PAIN, POOR_PAIN, CONCLUSION, LIMITED]
PROBABILITY = {CHILDREN: 0.005, PAIN: 0.057, POOR_PAIN: 0.025, CONCLUSION: 0.927, LIMITED: 0.875}
SHOWN = frozenset({CONCLUSION, LIMITED})  # the first turn's answer


def _pool():  # type: ignore[no-untyped-def]
    hit = make_hit("12070552", " ".join(TEXTS), title="Do antibiotics decrease post-tonsillectomy morbidity?")
    pool = evidence_pool(FIRST, [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    assert texts == TEXTS
    return pool, texts


def _aspect(question: str, chosen_texts: Sequence[str] = (CONCLUSION, LIMITED)) -> list[str]:
    pool, texts = _pool()
    probs = np.array([PROBABILITY[t] for t in texts])
    chosen = [texts.index(t) for t in chosen_texts]
    shown = [t in SHOWN for t in texts]
    return [texts[i] for i in on_aspect(question, pool.candidates, probs, chosen, shown)]


def test_a_follow_up_on_one_aspect_quotes_the_cited_studys_sentences_naming_it() -> None:
    assert _aspect(f"what about pain? {FIRST}") == [
        PAIN,
        POOR_PAIN,
    ]  # both name it; the selector's best first
    assert _aspect(f"and in children? {FIRST}") == [CHILDREN]


@pytest.mark.parametrize(
    "question",
    [
        f"what did they conclude? {FIRST}",  # names no aspect
        f"is there newer evidence? {FIRST}",  # nor does asking for more recent studies
        f"what about women? {FIRST}",  # no sentence names it
        f"how often is there pain? {FIRST}",  # asks for a kind of answer: the answer-type rules decide
        "what about pain?",  # not a follow-up of anything
        f"and what about morbidity? {FIRST}",  # the earlier question's own word
    ],
)
def test_the_answer_stays_when_no_new_aspect_is_named_or_nothing_names_it(question: str) -> None:
    assert _aspect(question) == [CONCLUSION, LIMITED]


def test_an_answer_that_names_none_of_the_aspect_says_so() -> None:
    """ "what about cost?": no sentence of the study names it, so the answer repeats the conclusion
    and says that none of its quotes mentions it; a follow-up whose quotes name it, or that names
    nothing new, gets no such caveat, nor one of whom it asks (the population caveat's)."""
    pool, texts = _pool()
    chosen = [texts.index(CONCLUSION), texts.index(LIMITED)]
    caveat = unanswered(f"what about cost? {FIRST}", pool.candidates, chosen)
    assert caveat == "None of the quoted sentences mentions “cost”."
    # "matter" names no aspect: the caveat names what was asked about
    assert unanswered(f"does cost matter? {FIRST}", pool.candidates, chosen) == caveat
    assert unanswered(f"what about women? {FIRST}", pool.candidates, chosen) is None
    assert unanswered(f"what about pain? {FIRST}", pool.candidates, [texts.index(PAIN)]) is None
    assert unanswered(f"what did they conclude? {FIRST}", pool.candidates, chosen) is None
    # "is it safe?" names no aspect; it asks what harms were found, and these quotes name none
    assert unanswered(f"is it safe? {FIRST}", pool.candidates, chosen) == UNANSWERED["harms"]
    assert unanswered(f"is the evidence strong? {FIRST}", pool.candidates, chosen) is None
    assert unanswered(f"what did they compare? {FIRST}", pool.candidates, chosen) is None
    assert unanswered(f"which ones were the worst? {FIRST}", pool.candidates, chosen) is None
    assert unanswered(f"which patients should get one? {FIRST}", pool.candidates, chosen) is None
    assert unanswered(f"what are the advantages? {FIRST}", pool.candidates, chosen) is None
    assert unanswered(f"what about cost? {FIRST}", pool.candidates, []) is None  # a refusal says so
    selector = FixedSelector(PROBABILITY, POLICY)
    answer = compose(f"{FIRST} cost", pool, selector, exclude=SHOWN, asked=f"what about cost? {FIRST}")
    assert answer.caveats == [caveat] and answer.answer.endswith(caveat)


def test_an_answer_with_something_new_on_the_aspect_is_left_alone() -> None:
    assert _aspect(f"what about pain? {FIRST}", (CONCLUSION, POOR_PAIN)) == [CONCLUSION, POOR_PAIN]


def test_a_new_sentence_that_names_none_of_the_aspect_gives_way_to_those_that_do() -> None:
    assert _aspect(f"what about pain? {FIRST}", (CHILDREN,)) == [PAIN, POOR_PAIN]


def test_an_earlier_quote_naming_the_aspect_as_much_as_any_other_stays() -> None:
    """ "what about analgesics?": the quote already shown names them, as does a results sentence."""
    assert _aspect(f"what about analgesics? {FIRST}") == [CONCLUSION, LIMITED]


def test_a_quote_read_in_an_earlier_turn_answers_a_later_aspect_it_names() -> None:
    """ "and fever?" after "what about pain?" showed PAIN («… no role in pain control, postoperative
    fever, …»): that quote still answers, before a new sentence that names fever no more (here a
    methods-like one, as «… oral hypoglycemic agents …» against the shown «… fewer hypoglycemic events
    …» in 15125825); a new sentence naming more of it would win."""
    excluded = "Children with fever before surgery were excluded."
    texts = [*TEXTS, excluded]
    hit = make_hit("12070552", " ".join(texts), title="Do antibiotics decrease post-tonsillectomy morbidity?")
    pool = evidence_pool(FIRST, [hit], HashingEmbedder(), {})
    assert [c.text for c in pool.candidates] == texts
    probs = np.array([PROBABILITY.get(t, 0.3) for t in texts])  # the new sentence above the shown one
    shown = [t in SHOWN | {PAIN} for t in texts]
    asked = f"and fever? what about pain? {FIRST}"
    chosen = on_aspect(asked, pool.candidates, probs, [texts.index(CONCLUSION)], shown)
    assert [texts[i] for i in chosen] == [PAIN]
    assert unanswered(asked, pool.candidates, chosen) is None
    asked = f"and fever in children? what about pain? {FIRST}"  # the new sentence names both
    chosen = on_aspect(asked, pool.candidates, probs, [texts.index(CONCLUSION)], shown)
    assert [texts[i] for i in chosen] == [excluded]


POLICY = Policy(abstain=0.09, include=0.2, relative=0.3, max_sentences=3, max_documents=2)  # the packaged one


def test_the_follow_ups_answer_quotes_the_aspect_not_the_earlier_quotes_again() -> None:
    pool, _ = _pool()
    selector = FixedSelector(PROBABILITY, POLICY)
    before = compose(
        f"{FIRST} and what about morbidity?",
        pool,
        selector,
        exclude=SHOWN,
        asked=f"and what about morbidity? {FIRST}",
    )
    assert before.bottom_line is not None and before.bottom_line.startswith(REPEATED)  # no new aspect
    answer = compose(
        f"{FIRST} what about pain?", pool, selector, exclude=SHOWN, asked=f"what about pain? {FIRST}"
    )
    assert answer.bottom_line == f"A 2020 study [1] found: «{PAIN} {POOR_PAIN}»"
    assert [c.quote for c in answer.citations] == [PAIN, POOR_PAIN]
    assert not any(shown in answer.answer for shown in SHOWN)


def test_a_question_about_one_reference_quotes_its_sentences_on_the_aspect() -> None:
    """ "what did [1] find about pain?" is answered from reference 1 alone, the quotes shown before left
    out (``more``), as ``Engine.ask_document`` composes it; the selector's best for that query (here
    the audit's finding on surgeons, as on the demo index) names no pain."""
    grades = "In our audit we found no difference with regard to grade of surgeons, method of hemostasis."
    hit = make_hit("12070552", " ".join([grades, *TEXTS]), title="Do antibiotics decrease morbidity?")
    pool = evidence_pool(FIRST, [hit], HashingEmbedder(), {})

    audit = FixedSelector({grades: 0.3, **PROBABILITY}, POLICY)
    asked = f"what did [1] find about pain? {FIRST}"
    policy = document_policy(POLICY)
    answer = compose(asked, pool, audit, exclude=SHOWN, asked=asked, more=True, policy=policy)
    assert [c.quote for c in answer.citations] == [PAIN, POOR_PAIN]
    more = compose(f"Tell me more about [1] {FIRST}", pool, audit, exclude=SHOWN, more=True, policy=policy)
    assert [c.quote for c in more.citations] == [grades]  # asks about no aspect


def test_an_aspect_is_found_under_the_abbreviation_the_study_defines() -> None:
    """ "and in those with a complete response?": the results say "CR", which the methods define as
    "complete response (CR)" (PubMed 12095973)."""
    parts = [
        (
            "METHODS",
            "Patients who had low rectal tumors with complete response (CR) were not submitted to surgery.",
        ),
        (
            "RESULTS",
            "Among the 10 cases with CR, 8 presented with local recurrence within 3.7 to 8.8 months.",
        ),
        (
            "CONCLUSIONS",
            "Exclusive CRT approach is not safe to treat patients with low infiltrative rectal carcinoma.",
        ),
    ]
    hits = labelled_hits("12095973", parts, title="Chemoradiation instead of surgery")
    pool = evidence_pool("rectal cancer", hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    conclusion = texts.index(parts[2][1])
    asked = (
        "and in those with a complete response? Is chemoradiation safe instead of surgery for rectal cancer?"
    )
    shown = [i == conclusion for i in range(len(texts))]
    chosen = on_aspect(asked, pool.candidates, np.full(len(texts), 0.5), [conclusion], shown)
    assert [texts[i] for i in chosen] == [parts[1][1]]  # the methods' definition is not a finding


# -- "what were the results?" -----------------------------------------------------------------------
@pytest.mark.parametrize(
    ("question", "kind"),
    [
        ("what were the results?", "results"),
        ("and what were the main findings?", "results"),
        ("what did they find?", "results"),
        ("show me the numbers", "results"),
        ("what did they conclude?", None),  # the conclusion, already quoted
        ("what did [1] find about pain?", None),  # an aspect
        ("what were the results in children?", None),
        ("Tell me more about [1]?", "results"),
        ("tell me more?", "results"),
        ("any more details?", "results"),
        ("what was the outcome?", "results"),
        ("how did patients do?", "results"),
        ("and how did they fare?", "results"),
        ("how did they do?", "results"),
        ("how did they do it?", "design"),
        ("what was the outcome of surgery in children?", None),  # a question of its own
        ("what were the outcomes in children?", None),
        ("what are the differences?", "results"),  # what the findings compare (PubMed 14655021)
        ("what differs?", "results"),  # PubMed 16414216
        ("how did they differ?", "results"),
        ("what differs in children?", None),
        ("what are the differences in survival?", "rate"),  # the survival rates, not all findings
    ],
)
def test_which_questions_ask_for_the_results(question: str, kind: str | None) -> None:
    assert kind_of(question) == kind


@pytest.mark.parametrize(
    ("asked", "kind"),
    [
        (f"and in [2]? what were the results? {FIRST}", "results"),  # the same of another study
        (f"what about pain? Tell me more about [1]? {FIRST}", None),  # a subject: the aspect rule
        (f"what about pneumothorax? how many patients were studied? {FIRST}", None),
    ],
)
def test_a_follow_up_naming_a_subject_does_not_ask_for_more_of_a_study(asked: str, kind: str | None) -> None:
    assert asked_parts(asked)[2] == kind


def test_a_follow_up_asking_for_the_results_quotes_the_next_findings_not_the_conclusion_again() -> None:
    size = "A total of 185 patients underwent tonsillectomy with or without adenoidectomy."
    hit = make_hit("12070552", " ".join([size, *TEXTS]), title="Do antibiotics decrease morbidity?")
    pool = evidence_pool(FIRST, [hit], HashingEmbedder(), {})
    selector = FixedSelector({size: 0.1, **PROBABILITY}, POLICY)
    asked = f"what were the results? {FIRST}"
    answer = compose(f"{FIRST} what were the results?", pool, selector, exclude=SHOWN, asked=asked)
    assert [c.quote for c in answer.citations] == [PAIN, POOR_PAIN]  # not how many were studied
    assert answer.caveats == []  # findings without figures still answer
    concluded = compose(
        f"{FIRST} what did they conclude?",
        pool,
        selector,
        exclude=SHOWN,
        asked=f"what did they conclude? {FIRST}",
    )
    assert concluded.bottom_line is not None and concluded.bottom_line.startswith(REPEATED)


def test_more_of_a_study_is_its_next_findings_even_when_a_quote_states_a_figure() -> None:
    """ "Tell me more about [1]": one quote with a figure is not the study's results; its next best
    findings follow (not how many it studied)."""
    size = "A total of 185 patients underwent tonsillectomy with or without adenoidectomy."
    hit = make_hit("12070552", " ".join([size, *TEXTS]), title="Do antibiotics decrease morbidity?")
    pool = evidence_pool(FIRST, [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    probs = np.array([{size: 0.1, **PROBABILITY}[t] for t in texts])
    asked = f"Tell me more about [1]? {FIRST}"
    added = with_answer_type(asked, pool.candidates, probs, [texts.index(PAIN)])
    assert [texts[i] for i in added] == [CONCLUSION, LIMITED, PAIN]  # placed before it, best first


def test_a_comparison_finds_its_measure_in_the_studys_words() -> None:
    """ "which is faster?" after the septoplasty question (PubMed 17914515) asks about time: the study
    says «The operating time was 4 minutes longer in the first group.», never "faster"."""
    conclusion = "Therefore, suturing of the nasal septum should be a preferred alternative to nasal packing."
    stay = "The hospital stay was shorter with suturing than with nasal packing."
    timed = "The operating time was 4 minutes longer in the first group."
    hit = make_hit("17914515", " ".join([stay, timed, conclusion]), title="Suturing of the nasal septum")
    pool = evidence_pool("septoplasty", [hit], HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    probs = np.array([0.1, 0.05, 0.9])
    shown = [t == conclusion for t in texts]
    asked = "which is faster? Can the septum be sutured instead of packing after septoplasty?"
    chosen = on_aspect(asked, pool.candidates, probs, [texts.index(conclusion)], shown)
    assert [texts[i] for i in chosen] == [timed]
    assert unanswered(asked, pool.candidates, chosen) is None
    cheaper = asked.replace("faster", "cheaper")
    assert on_aspect(cheaper, pool.candidates, probs, [texts.index(conclusion)], shown) == [
        texts.index(conclusion)
    ]
    caveat = unanswered(cheaper, pool.candidates, [texts.index(conclusion)])
    assert caveat == "None of the quoted sentences mentions “cheaper”."


def test_a_class_is_found_by_the_names_of_its_members() -> None:
    """ "what about the dose form?" after the sugars-free medicines question (PubMed 17559449): the
    conclusion names "dose form" and was shown; the results name the forms («Chewable and dispersible
    tablets …», «… effervescent tablets …»), never "dose form"."""
    conclusion = (
        "Paediatric SF medicines were not more erosive than SC medicines in vitro; a more significant "
        "predictor of their erosive potential was dose form."
    )
    chewable = (
        "Chewable and dispersible tablets (P<0.001) and antibiotics (P = 0.007) were predictors of higher pH."
    )
    acidity = "In contrast, effervescent tablets (P<0.001) were predictors of higher titratable acidity."
    strength = "Higher-strength medicines showed lower pH (P = 0.035) than their lower-strength equivalents."
    texts = [strength, chewable, acidity, conclusion]
    hit = make_hit("17559449", " ".join(texts), title="Are sugars-free medicines more erosive?")
    pool = evidence_pool("sugars-free medicines", [hit], HashingEmbedder(), {})
    assert [c.text for c in pool.candidates] == texts
    probs = np.array([0.1, 0.05, 0.04, 0.9])
    shown = [t == conclusion for t in texts]
    asked = "what about the dose form? Are sugar-free medicines more erosive?"
    chosen = on_aspect(asked, pool.candidates, probs, [texts.index(conclusion)], shown)
    assert [texts[i] for i in chosen] == [chewable]  # names three forms; the other two, so it stays out
    # "form" alone names no class: "what about the form?" finds only the conclusion's word
    asked = "what about the form? Are sugar-free medicines more erosive?"
    assert on_aspect(asked, pool.candidates, probs, [texts.index(conclusion)], shown) == [
        texts.index(conclusion)
    ]


def test_a_study_in_animals_answers_what_was_found_in_the_animals() -> None:
    """ "what did they find in the animals?" after the 6 bar question: the quote is the dog study's
    (PubMed 6506335, titled "… in dogs"), which the caveat must not say misses "animals"; a study in
    people's quote still gets it."""
    finding = (
        "It appeared that there was no advantage in preceding 2.8-bar (60-ft) oxygen treatments with "
        "compression to 6 bar (165 ft) on air for the treatment of arterial air embolism in this model."
    )
    asked = "what did they find in the animals? Can a 6 bar HBO treatment help cerebral air embolism?"
    dogs = make_hit("6506335", finding, title="Cerebral arterial air embolism: 6 bar HBO treatment in dogs")
    pool = evidence_pool(asked, [dogs], HashingEmbedder(), {})
    assert unanswered(asked, pool.candidates, [0]) is None
    people = make_hit("6506335", finding, title="Cerebral arterial air embolism: 6 bar HBO treatment")
    pool = evidence_pool(asked, [people], HashingEmbedder(), {})
    assert unanswered(asked, pool.candidates, [0]) == "None of the quoted sentences mentions “animals”."


def test_an_aspect_named_only_by_the_study_quoted_before_is_quoted_again() -> None:
    """ "what position should the patient be in?" after «… placing the patient in lateral decubitus,
    and Trendelenburg position …» was quoted (PubMed 21877559): this turn's pick is another study's
    advice to give oxygen, which names no position."""
    techniques = (
        "Techniques used to eliminate embolisms including administration of 100% oxygen, placing the patient "
        "in lateral decubitus, and Trendelenburg position for no longer than 10 minutes."
    )
    advice = "When neurologic findings remain after air embolism, hyperbaric oxygen should be arranged."
    hits = [
        make_hit("21877559", techniques, title="Hyperbaric oxygen to eliminate a venous air embolism"),
        make_hit("22233444", advice, rank=2, title="Cerebral air embolism after biopsy"),
    ]
    asked = "what position should the patient be in? How is venous air embolism treated?"
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    shown = [t == techniques for t in texts]
    chosen = on_aspect(asked, pool.candidates, np.array([0.3, 0.5]), [texts.index(advice)], shown)
    assert [texts[i] for i in chosen] == [techniques]
    assert unanswered(asked, pool.candidates, chosen) is None


def test_who_was_enrolled_does_not_say_what_was_found_about_an_aspect() -> None:
    """ "what about hypoglycaemia?" after the insulin-with-metformin question (PubMed 15125825): the
    abstract's POPULATION names the "oral hypoglycemic agents" the patients took; the results' «…
    fewer hypoglycemic events (2.7 vs 4.3; P=.02).» is what was found."""
    enrolled = (
        "Persons younger than 76 years whose disease had not been controlled with oral hypoglycemic agents."
    )
    events = "Patients in the IC group reported fewer hypoglycemic events (2.7 vs 4.3; P=.02)."
    conclusion = "Bedtime NPH insulin added to sulfonylurea and metformin is an effective, simple approach."
    hits = labelled_hits(
        "15125825", [("POPULATION", enrolled), ("RESULTS", events), ("CONCLUSIONS", conclusion)]
    )
    asked = "what about hypoglycaemia? Should metformin be continued when starting insulin?"
    pool = evidence_pool(asked, hits, HashingEmbedder(), {})
    texts = [c.text for c in pool.candidates]
    shown = [t == conclusion for t in texts]
    chosen = on_aspect(asked, pool.candidates, np.array([0.6, 0.1, 0.9]), [texts.index(enrolled)], shown)
    assert [texts[i] for i in chosen] == [events]


def test_asking_how_they_differ_names_no_aspect() -> None:
    """PubMed 14655021 (demo corpus): its findings are the differences asked for, whatever their words."""
    finding = "Hip and knee joint involvement was more common in JAS than AAS."
    hit = make_hit("14655021", finding, title="Juvenile ankylosing spondylitis--is it the same disease?")
    pool = evidence_pool("spondylitis", [hit], HashingEmbedder(), {})
    first = "Is juvenile ankylosing spondylitis the same disease as the adult form?"
    assert unanswered(f"how did they differ? {first}", pool.candidates, [0]) is None
    assert unanswered(f"any similarities? {first}", pool.candidates, [0]) is None
    assert unanswered(f"what about uveitis? {first}", pool.candidates, [0]) == (
        "None of the quoted sentences mentions “uveitis”."
    )
