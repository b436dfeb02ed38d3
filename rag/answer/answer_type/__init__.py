"""What kind of answer a question asks for, and the cited study's sentence of that kind.

"How often did pneumothorax occur?" asks for a number; "What complications are related to DVT
prophylaxis in trauma patients?" for the complications; "What is the first-line agent …?" for what to
use. The selector, trained on SciFact's claims and PubMedQA's yes/no questions, has seen none of these
kinds: it scores a study's conclusion ("… is safe and
allows for proper diagnosis", p 0.90) far above the sentence with the figure ("Hook wire complications
included pneumothorax requiring chest tube drainage in 4 patients (2.1%) …", p 0.04), and a review's
remark that its complications must be understood (p 0.22) above "The risks of heparin include
bleeding and heparin induced thrombocytopenia." (p 0.02). Out of fold, features for such questions did
not lift those sentences (BENCHMARKS.md): the training data holds no such questions to learn from.

So these are answer-type rules on top of the selector's choice, as a question-answering system checks
that an answer is of the type asked for. When none of the cited sentences is of that type, the answer
also quotes the cited studies' sentences that are, placed first among their study's (so its bottom
line quotes them, in the study's order); never from a labelled abstract's background or methods (the
rate earlier studies found, the number of patients enrolled), except the study's size, which its
methods state. The studies were already judged to
answer; this only picks which of their sentences to show. Nothing is added to a refusal, and a
question that asks for none of these kinds is left alone.

- **Size** ("how many patients were studied?", "how big was the study?", "what was the sample
  size?"): for each of the first two cited studies, its first sentence that counts those studied ("A
  total of 185 patients underwent …", "One hundred eighty-one patients … underwent"), its methods
  included (a labelled abstract states its size there), not what befell some of them ("Four patients
  (4.8%) developed …").
- **Results** ("what were the results?", "what did they find?", "show me the numbers", "tell me
  more about [1]", asked as a whole question): the first cited study's two next best findings beside
  its quotes, whatever they state, not the sentence saying how many it studied.
- **Design** ("what was the study design?", "was it randomised?", "how was erosion measured?"): the
  study's two sentences that say how it was done (its methods, or a sentence naming a design or a
  measurement), those naming what the question names beyond the study's title first.
- **Follow-up** ("how long was follow-up?", "how long were patients followed?"): for each of the
  first two studies, its sentence stating a length of time said to be a follow-up ("evaluated for a
  4-year period"), its background and methods included; another length of time ("oozing in the
  first 24 hours") is not one, and a study without one gets the caveat.
- **Limitations** ("what are the limitations?", "any weaknesses?", "was it biased?", "how reliable
  is the evidence?"): the study's two sentences naming its weaknesses (a small sample, a bias,
  limited generalisation: "The small size of the focus groups … does not allow for statistically
  significant generalisation …"), in its order; most abstracts name none, and the answer says so.

- **Dose** ("dose?", "what dose was used?", "how much was given?"): for each of the first two cited
  studies, its first sentence stating a dose ("… were given 10 mg metoclopramide as a slow intravenous
  infusion over 15 min …", "… a mean dose of 65 Gy"), its methods included.

These six ask about the study the asker has read: the one quoted in an earlier turn, when the
follow-up's retrieval put another first (``rag.answer.answer_type.of_study``); the size, the dose, the
design, the follow-up and the limitations are quoted without the other findings beside them.

- **Quantity** ("how often …?", "what is the risk of …?", "how many …?", "how long …?"): one sentence
  that states a number (for "how often", "what proportion", "what is the risk": a rate, such as "63%"
  or "10 of 350"; for "how long": a length of time, such as "10 min") and names what is asked about:
  the question's words less the study's title (its topic, unless that is all that is asked), less the
  words of asking how often ("risk", "rate", "often", "occur") or when ("after"), or, naming none of
  those, at least half of all the question asks about ("Systemic air embolism occurs in around
  0.001-0.003% of lung biopsy procedures.", in a study titled with all the question names but
  "needle"); a follow-up naming nothing ("how often does it happen?") asks about the earlier
  questions' subject. Words match in either spelling and any form ("oesophagus", "esophageal"); words
  many candidate sentences share weigh less than rare ones, as in the selector's ``overlap_rare``. The
  most weight wins; then the most of the whole question named; then one that reports a rate; then the
  selector's best.
- **Harms** ("what complications …?", "what are the risks of …?", "what side effects …?"): up to two
  sentences that name harms (bleeding, thrombocytopenia, infection, migration … other than those the
  question names), those of a full text's abstract first (it states the paper's findings; its body
  also reviews other work), then the most harms named, then the selector's best; after a follow-up
  that names a new subject ("what about IVC filters?"), only the sentences naming it when any does.
  When none names a harm, one finding about harms in general: "No complications occurred.",
  "Treated hypothyroidism was not associated with any increase in maternal, fetal, or neonatal
  complications." (the answer to "which complications?" may be none).
- **Recommendation** ("what is the first-line agent for …?", "which drug is recommended …?", "what
  is the treatment of choice …?"): one sentence that says what to use ("supports the use of",
  "recommended", "treatment of choice", "should be considered", "is not necessary"), a full text's
  abstract first, then the selector's best.
- **Advice** ("Should trauma patients receive low molecular weight heparin …?"): as for what to
  use, one cited study's sentence that says what to do ("Level one evidence currently supports the
  use of …") beside the selector's pick; a finding may answer whether to do something, so no caveat
  when none says it, and a follow-up naming a new subject ("and hypoglycaemia?") asks what the study
  found of it, not what to do.
- **Timing** ("when should it be started?", "When should hyperbaric oxygen be given …?", "how
  soon?"): one cited study's sentence that says when or how soon (a length of time, "as soon as
  possible", "earlier treatments resulting in better outcomes"), as for how it is treated.
- **Treatment** ("how is venous air embolism treated?", "how should … be managed?", "what is the
  treatment of …?"): one sentence that says how it is treated ("treatment options include",
  "techniques used to eliminate", "is the definitive treatment", "treated with"; not any
  recommendation: "we recommend performing a delayed chest CT scan" is about diagnosis), a full
  text's abstract first, then the selector's best.
- **Diagnosis** ("How is cerebral air embolism diagnosed?", "what is the best test for …?"): one
  sentence saying how it was or is diagnosed ("confirmed by CT scan", "Brain CT showed intravascular
  air bubbles …", "the investigation of choice"), as for how it is treated.
- **Symptoms** ("What are the symptoms of …?", "how does it present?"): one sentence saying how it
  presents or naming a symptom or sign ("went into cardio-respiratory arrest", "developed seizures"),
  as for how it is treated.
- **Outcome** ("Can patients with cerebral air embolism recover completely?", "What is the prognosis
  of …?", "is it fatal?"): one sentence saying how patients fared ("Eight patients (50%) had complete
  relief of symptoms …", "fully recovered", "died"), as for how it is treated.
- **Barriers** ("What are the barriers to quality improvement in resource-limited hospitals?", "what
  were the main challenges?"): one sentence naming what stood in the way, or helped («Human resource
  shortages, staff attitudes and shortage of equipment were identified as major constraints …»,
  "barriers included", "was hampered by"), as for how it is treated.
- **Factors** ("what are the risk factors for …?", "what predicts …?", "which factors are
  associated with …?"): one sentence that names a predictor or a risk factor, or finds none ("was the
  only predictor of", "may be risk factors for", "independently associated with", "could distinguish
  survivors from nonsurvivors", "unable to show a link"), a full text's abstract first, then the
  selector's best.

- **Prevention** ("how can it be prevented?", "is it avoidable?", "how to reduce the risk?"): one
  sentence saying how to prevent it or what to avoid («… treatment of the PAVM, irrespective of its
  size, could prevent the type of complication that occurred in our present case»), as for how it is
  treated.

A quantity, a treatment or a factor that none of the cited studies states may come from another
study whose best sentence clears the abstention bar (one the policy's limit on documents left out)
and that names what is asked about: "how often is there a pneumothorax?" after "Is hook wire
localization of lung nodules safe?". When some quotes are of the kind asked for (a quantity, a harm,
a factor), the studies none of whose quotes is are left out ("What is the incidence of air embolism
after lung biopsy?" quotes the rate, not another case report's advice to scan), and the answer's
bottom line is of a study that answers (``rag.answer.compose``). When even then none of the quotes
is of the kind asked for, ``unanswered`` gives the caveat that says so.
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answer.answer_type.answers import of_kind
from rag.answer.answer_type.asks import (
    asked_parts,
    asks_factors,
    asks_harms,
    asks_quantity,
    asks_recommendation,
    asks_treatment,
)
from rag.answer.answer_type.aspect import on_aspect, unnamed_aspect
from rag.answer.answer_type.of_study import OF_STUDY, Asked, asked_studies
from rag.answer.answer_type.of_subject import in_people_too, with_kind
from rag.answer.answer_type.states import gives, harms_named, states_quantity
from rag.answer.answer_type.states_study import states_size, states_weakness
from rag.answer.answer_type.studies import placed
from rag.answer.select.candidates import Candidate

__all__ = [
    "answers_asked",
    "asks_factors",
    "asks_harms",
    "asks_quantity",
    "asks_recommendation",
    "asks_treatment",
    "harms_named",
    "on_aspect",
    "states_quantity",
    "states_size",
    "unanswered",
    "with_answer_type",
]

# kinds whose answers are told from other sentences reliably (a figure, a harm named, a predictor), so
# that a study with none of them is left out; what to use and how it is treated are said in too many
# ways ("We stress the beneficial effect of an early HBO in air embolism" says how, in other words)
ONLY_ANSWERING = ("rate", "duration", "number", "harms", "factors")


def with_answer_type(
    question: str,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    *,
    answering: float | None = None,
    shown: Sequence[bool] | None = None,
) -> list[int]:
    """``chosen`` with the cited studies' sentences of the kind of answer the question asks for, if
    none of ``chosen`` is, less the studies that then give none of it (``ONLY_ANSWERING``; module
    docstring). ``question`` may be a follow-up's questions so far, this one first: its words say what
    is asked about, and a follow-up that asks for no kind of its own ("what about IVC filters?" after
    "what complications …?") asks for the latest earlier one's. A
    sentence quoted in an earlier turn may be the one: it is still the answer, and the caller says it
    was quoted before. ``answering`` (the policy's abstention bar): a quantity, a treatment or a factor
    none of the cited studies states may come from another study whose best sentence clears it.
    ``shown`` marks the sentences quoted in earlier turns: a question about the study ("how was it
    done?") asks about theirs (``rag.answer.answer_type.of_study``)."""
    this, earlier, kind, inherited = asked_parts(question)
    if (earlier or kind) and kind != "limitations":
        # a study's weakness does not answer a follow-up or a question of a kind ("what did patients
        # dislike?" is not answered by «… may not represent views held by the wider population …»); a
        # first question's quotes are the selector's, which may weigh a finding said with its caveat
        chosen = [i for i in chosen if not states_weakness(candidates[i].text)] or chosen
    if chosen and kind in OF_STUDY:
        return _of_study(kind, this, candidates, probabilities, chosen, shown)
    added = with_kind(this, earlier, kind, inherited, candidates, probabilities, chosen, answering, shown)
    if kind not in OF_STUDY:  # a study in people before one in animals
        added = in_people_too(question, kind, candidates, probabilities, added, answering)
    if kind not in ONLY_ANSWERING:
        return added
    # a study none of whose quotes is of the kind asked for does not answer it: "What is the incidence
    # of air embolism after lung biopsy?" is not answered by a case report's advice to scan
    studies = {candidates[i].hit.doc_id for i in answers_asked(question, candidates, added)}
    return [i for i in added if candidates[i].hit.doc_id in studies] if studies else added


# what an answer says when none of its quotes is of the kind asked for
UNANSWERED = {
    "size": "None of the quoted sentences states how many were studied.",
    "dose": "None of the quoted sentences states a dose.",
    "design": "None of the quoted sentences says how the study was done.",
    "follow-up": "None of the quoted sentences says how long those studied were followed.",
    "limitations": "None of the quoted sentences names a limitation of the study.",
    "rate": "None of the quoted sentences states how often.",
    "duration": "None of the quoted sentences states how long.",
    "number": "None of the quoted sentences states the number asked for.",
    "harms": "None of the quoted sentences names a harm or complication.",
    "recommendation": "None of the quoted sentences says what to use.",
    "treatment": "None of the quoted sentences says how it is treated.",
    "timing": "None of the quoted sentences says when.",
    "diagnosis": "None of the quoted sentences says how it is diagnosed.",
    "symptoms": "None of the quoted sentences names a symptom or sign.",
    "outcome": "None of the quoted sentences says how patients fared.",
    "barriers": "None of the quoted sentences names what stood in the way.",
    "factors": "None of the quoted sentences says what predicts it or raises its risk.",
    "prevention": "None of the quoted sentences says how to prevent it.",
}


def unanswered(
    question: str, candidates: Sequence[Candidate], chosen: list[int], answering: list[int] | None = None
) -> str | None:
    """The sentence an answer adds when the question asks for a kind of answer (a number, the harms,
    what to use, how it is treated, what predicts it) and none of ``chosen`` (after
    ``with_answer_type``) is of it, or when a follow-up names something none of them mentions
    (``unnamed_aspect``): the asker sees that the quotes are the closest the cited studies come, not
    the answer. ``answering``: ``answers_asked`` of ``chosen``, when the caller has it."""
    if not chosen:
        return None  # a refusal says so already
    if caveat := unnamed_aspect(question, candidates, chosen):  # "what about preterm delivery?"
        return caveat
    kind = asked_parts(question)[2]
    if kind not in UNANSWERED:
        return None  # "what were the results?" is answered by findings with or without figures
    if answering is None:
        answering = answers_asked(question, candidates, chosen)
    return None if answering else UNANSWERED[kind]


def answers_asked(question: str, candidates: Sequence[Candidate], chosen: list[int]) -> list[int]:
    """The sentences of ``chosen`` that are of the kind of answer ``question`` asks for (a rate for
    "how often …?", a harm or "No complications occurred." for "which complications?";
    ``rag.answer.answer_type.answers``); none when it asks for no such kind, or for the results, which
    any finding is."""
    kind = asked_parts(question)[2]
    return of_kind(kind, question, candidates, chosen) if kind in UNANSWERED else []


def _of_study(
    kind: str,
    question: str,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    shown: Sequence[bool] | None,
) -> list[int]:
    """The asked-about studies' sentences of ``kind``: for their results, beside their chosen ones;
    otherwise with those of their chosen ones that are of ``kind`` only (the study's size already
    quoted is the answer as it stands; its design is always more of it). When the studies have
    none, ``chosen`` as it was."""
    studies = asked_studies(candidates, chosen, shown or [False] * len(candidates))
    theirs = [i for i in chosen if candidates[i].hit.doc_id in studies]
    if kind == "results":  # more of the study beside its quotes, whatever they state
        added = OF_STUDY[kind](Asked(question, candidates, probabilities, theirs, studies))
        return placed(theirs, added, candidates) if added else chosen
    answering = [i for i in theirs if gives(kind, candidates[i].text, question)]
    if answering and kind != "design":  # the size or the follow-up is quoted: that is the answer
        return answering
    added = OF_STUDY[kind](Asked(question, candidates, probabilities, answering, studies))
    return placed(answering, added, candidates) if added else chosen
