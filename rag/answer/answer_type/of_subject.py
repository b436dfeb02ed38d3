"""Questions about a subject: the sentence of the kind of answer asked for (a quantity, the harms,
what to use or do, when, how it is treated, what predicts it) that the cited studies, or another
study that answers, state (the kinds are described in ``rag.answer.answer_type``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rag.answer.answer_type.answers import of_kind
from rag.answer.answer_type.focus import NOT_ASKED_ABOUT, named_in, sentence_words, words_of
from rag.answer.answer_type.quantities import (
    QUANTITIES,
    asked_about,
    best_quantity,
    quantities_among,
)
from rag.answer.answer_type.states import SAYS, gives, harms_named, states_harms_in_general
from rag.answer.answer_type.studies import (
    answering_studies,
    cited_findings,
    earlier_findings,
    findings,
    in_abstract,
    placed,
)
from rag.answer.evidence_level import in_animals
from rag.answer.followup import topic_of
from rag.answer.select.candidates import Candidate

MAX_HARM_SENTENCES = 2  # a list question: the two sentences naming most


def with_kind(
    this: str,
    earlier: list[str],
    kind: str | None,
    inherited: bool,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    answering: float | None,
    shown: Sequence[bool] | None = None,
) -> list[int]:
    """``chosen`` with a sentence of ``kind`` added when none of it is one (for a quantity: none states
    one about what is asked): the cited studies', or another study's that clears ``answering``
    (``rag.answer.answer_type.with_answer_type``). When those of ``chosen`` that are were all quoted in
    earlier turns (``shown``), the cited studies' best sentence of ``kind`` not shown yet: "what side
    effects occurred?" after the conclusion «… reducing the incidence of akathisia …» quotes «17 of the
    58 patients in the BIG group (29.3%) and 4 of the 62 patients (6.5%) in the SIG group had
    akathisia», not the conclusion again."""
    if not chosen or kind is None:
        return chosen
    # a quote with a number answers when it is one about what is asked: "how many patients improved?"
    # is not answered by «… followed for 3 years»
    pick, give = _rules(this, earlier, kind, inherited, candidates, probabilities)
    if giving := give(chosen):
        if shown is None or not all(shown[i] for i in giving):
            return chosen
        fresh = [i for i in cited_findings(candidates, chosen) if not shown[i]]
        return placed(chosen, pick(fresh), candidates)
    # the cited studies', or those the asker read in earlier turns (a follow-up's pick may be another)
    added = pick(cited_findings(candidates, chosen)) or pick(earlier_findings(candidates, chosen, shown))
    if added or answering is None or kind in ("harms", "recommendation", "advice"):
        return placed(chosen, added, candidates)
    theirs = findings(candidates, chosen, answering_studies(candidates, probabilities, chosen, answering))
    if kind not in QUANTITIES:
        # another study's sentence must name what is asked about ("venous air embolism")
        about = words_of(topic_of(this)) or words_of(topic_of(" ".join(earlier)))
        theirs = [i for i in theirs if named_in(about, words_of(candidates[i].text))]
    return placed(chosen, pick(theirs), candidates)


_Rule = Callable[[list[int]], list[int]]


def _rules(
    this: str,
    earlier: list[str],
    kind: str,
    inherited: bool,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
) -> tuple[_Rule, _Rule]:
    """Two rules over some candidates: the one that picks the best sentence(s) of ``kind``, and the
    one that keeps those that give it."""
    # the questions so far: the harms they name are their topic, not an answer ("what are the risks of
    # hyperbaric treatment?" after a question on air embolism is not answered by a sentence naming it)
    topic = " ".join([this, *earlier])
    if kind in QUANTITIES:
        asked = asked_about(this, earlier)
        terms = sentence_words(candidates, topic)  # once, for all studies
        return (
            lambda among: best_quantity(asked, kind, candidates, terms, probabilities, among, this),
            lambda among: quantities_among(asked, kind, candidates, terms, among, this),
        )
    give: _Rule = lambda among: [i for i in among if gives(kind, candidates[i].text, topic)]  # noqa: E731
    if kind == "harms":
        return lambda among: _harms(this, topic, candidates, probabilities, among, inherited), give
    return lambda among: _saying(SAYS[kind], candidates, probabilities, among), give


def _saying(
    says: Callable[[str], bool], candidates: Sequence[Candidate], probabilities: np.ndarray, among: list[int]
) -> list[int]:
    """The best sentence of ``among`` that ``says`` what is asked: a full text's abstract first."""
    keys = {
        i: (in_abstract(candidates[i]), float(probabilities[i])) for i in among if says(candidates[i].text)
    }
    return sorted(keys, key=keys.__getitem__, reverse=True)[:1]


def _harms(
    question: str,
    topic: str,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    among: list[int],
    about: bool,
) -> list[int]:
    """``about``: the question is a follow-up naming what it asks about ("what about IVC filters?"),
    and the sentences that name it come first; the others only when none does. The harms ``topic``
    (the questions so far) names are not answers."""
    asked = words_of(question) - NOT_ASKED_ABOUT if about else set()
    keys = {}
    for i in among:
        c = candidates[i]
        if named := harms_named(c.text, topic):
            about_it = bool(named_in(asked, words_of(c.text)))
            keys[i] = (about_it, in_abstract(c), len(named), float(probabilities[i]))
    if any(key[0] for key in keys.values()):
        keys = {i: key for i, key in keys.items() if key[0]}
    if not keys:  # none names a harm: a finding about them in general ("No complications occurred.")
        general = {
            i: (in_abstract(candidates[i]), float(probabilities[i]))
            for i in among
            if states_harms_in_general(candidates[i].text)
        }
        return sorted(general, key=general.__getitem__, reverse=True)[:1]
    return sorted(keys, key=keys.__getitem__, reverse=True)[:MAX_HARM_SENTENCES]


def in_people_too(
    question: str,
    kind: str | None,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    answering: float | None,
) -> list[int]:
    """``chosen`` with a study in people's sentence of ``kind`` when only animal studies' quotes give
    it: "when should it be started?" after "How is cerebral arterial gas embolism treated?" is not
    answered by a rat study's «… after a delay of 2 or 4 hours» alone while the patients' study says
    «Time-to-HBO2 ≤ 6 h increased the odds of favorable outcome …». The study's best sentence must
    clear ``answering``; it takes its place before the animal study's (``rag.answer.compose``). What
    gives the kind is what the caveat reads (``rag.answer.answer_type.answers.of_kind``).
    ``question``: the questions so far (the harms they name are their topic)."""
    if not chosen or kind is None or answering is None:
        return chosen
    giving = of_kind(kind, question, candidates, chosen)
    if not giving or not all(in_animals(candidates[i].hit.document) for i in giving):
        return chosen
    documents = {c.hit.doc_id: c.hit.document for c in candidates}
    studies = answering_studies(candidates, probabilities, chosen, answering) | {
        candidates[i].hit.doc_id for i in chosen
    }
    people = {doc for doc in studies if not in_animals(documents[doc])}
    among = of_kind(kind, question, candidates, findings(candidates, chosen, people))
    best = sorted(among, key=lambda i: float(probabilities[i]), reverse=True)[:1]
    return placed(chosen, best, candidates)
