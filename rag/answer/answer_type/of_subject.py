"""Questions about a subject: the sentence of the kind of answer asked for (a quantity, the harms,
what to use or do, when, how it is treated, what predicts it) that the cited studies, or another
study that answers, state (the kinds are described in ``rag.answer.answer_type``)."""

from __future__ import annotations

from collections.abc import Callable, Sequence

import numpy as np

from rag.answer.answer_type.focus import (
    NOT_ASKED_ABOUT,
    named_in,
    rarity,
    sentence_words,
    weight_named,
    words_of,
)
from rag.answer.answer_type.states import SAYS, gives, harms_named, states_harms_in_general, states_quantity
from rag.answer.answer_type.studies import answering_studies, cited_findings, findings, in_abstract, placed
from rag.answer.evidence_level import in_animals
from rag.answer.followup import topic_of
from rag.answer.select.candidates import Candidate
from rag.text.terms import content_terms

MAX_HARM_SENTENCES = 2  # a list question: the two sentences naming most
# what a rate is of, when a question names it: a sentence must name it in some word ("What is the mortality
# of systemic air embolism …?" is not answered by how often the embolism occurs)
_MEASURES = [
    content_terms(words)
    for words in (
        "mortality death deaths died die dies dying fatal fatality fatalities dead",
        "survival survived survive survives surviving alive",
        "recurrence recurrences recurred recur recurs relapse relapses relapsed",
    )
]
MOST_ASKED = 0.5  # a quantity's sentence naming none of what the question adds to a study's topic names this
# share of all it asks about (each word weighted by its rarity)


def with_kind(
    this: str,
    earlier: list[str],
    kind: str | None,
    inherited: bool,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    answering: float | None,
) -> list[int]:
    """``chosen`` with a sentence of ``kind`` added when none of it is one (for a quantity: none states
    one about what is asked): the cited studies', or another study's that clears ``answering``
    (``rag.answer.answer_type.with_answer_type``)."""
    # the questions so far: the harms they name are their topic, not an answer ("what are the risks of
    # hyperbaric treatment?" after a question on air embolism is not answered by a sentence naming it)
    topic = " ".join([this, *earlier])
    if not chosen or kind is None:
        return chosen
    if kind in QUANTITIES:
        asked = _asked_about(this, earlier)
        terms = sentence_words(candidates, topic)  # once, for all studies
        # a quote with a number answers when it is one about what is asked: "how many patients improved?"
        # is not answered by «… followed for 3 years»
        if _quantity(asked, kind, candidates, terms, probabilities, chosen):
            return chosen
        added = _quantity(asked, kind, candidates, terms, probabilities, cited_findings(candidates, chosen))
        if not added and answering is not None:
            others = answering_studies(candidates, probabilities, chosen, answering)
            added = _quantity(
                asked, kind, candidates, terms, probabilities, findings(candidates, chosen, others)
            )
        return placed(chosen, added, candidates)
    if any(gives(kind, candidates[i].text, topic) for i in chosen):
        return chosen
    if kind == "harms":
        return placed(chosen, _harms(this, topic, candidates, probabilities, chosen, inherited), candidates)
    says = SAYS[kind]  # what to use, how it is treated, what predicts it
    added = _saying(says, candidates, probabilities, cited_findings(candidates, chosen))
    if not added and kind not in ("recommendation", "advice") and answering is not None:
        # another study's sentence must name what is asked about ("venous air embolism")
        about = words_of(topic_of(this)) or words_of(topic_of(" ".join(earlier)))
        theirs = findings(candidates, chosen, answering_studies(candidates, probabilities, chosen, answering))
        among = [i for i in theirs if named_in(about, words_of(candidates[i].text))]
        added = _saying(says, candidates, probabilities, among)
    return placed(chosen, added, candidates)


def _saying(
    says: Callable[[str], bool], candidates: Sequence[Candidate], probabilities: np.ndarray, among: list[int]
) -> list[int]:
    """The best sentence of ``among`` that ``says`` what is asked: a full text's abstract first."""
    keys = {
        i: (in_abstract(candidates[i]), float(probabilities[i])) for i in among if says(candidates[i].text)
    }
    return sorted(keys, key=keys.__getitem__, reverse=True)[:1]


QUANTITIES = ("rate", "duration", "number")


def _asked_about(this: str, earlier: list[str]) -> set[str]:
    """What a quantity question asks about: "how often does it happen?" names nothing, and asks about
    the earlier questions' subject."""
    return words_of(this) - NOT_ASKED_ABOUT or words_of(topic_of(" ".join(earlier))) - NOT_ASKED_ABOUT


def quantities_asked(
    this: str, earlier: list[str], kind: str, candidates: Sequence[Candidate], among: list[int]
) -> list[int]:
    """The sentences of ``among`` that state a quantity of ``kind`` about what is asked, as
    ``with_kind`` picks one: «… followed for 3 years» does not answer "how many patients improved?"."""
    asked = _asked_about(this, earlier)
    terms = sentence_words(candidates, " ".join([this, *earlier]))
    answering = _quantities(asked, kind, candidates, terms, np.zeros(len(candidates)), among)
    return [i for i in among if i in answering]


def _quantity(
    asked: set[str],
    kind: str,
    candidates: Sequence[Candidate],
    terms: list[set[str]],
    probabilities: np.ndarray,
    among: list[int],
) -> list[int]:
    """The best sentence of ``among`` stating a quantity of ``kind`` about ``asked`` (less its study's
    topic, unless that is all that is asked about: "how often does systemic air embolism occur?");
    ``terms``: each candidate's ``words_of``."""
    keys = _quantities(asked, kind, candidates, terms, probabilities, among)
    return sorted(keys, key=keys.__getitem__, reverse=True)[:1]


def _quantities(
    asked: set[str],
    kind: str,
    candidates: Sequence[Candidate],
    terms: list[set[str]],
    probabilities: np.ndarray,
    among: list[int],
) -> dict[int, tuple[float, float, bool, float]]:
    """The sentences of ``among`` that ``_quantity`` may pick, with the keys it orders them by."""
    # a study's topic: the asked words its title names
    topic = {
        c.hit.doc_id: named_in(asked, words_of(c.hit.document.title)) for c in (candidates[i] for i in among)
    }
    weight = rarity(asked, terms)
    whole = weight_named(weight, asked, asked)
    measures = [group for group in _MEASURES if group & asked]
    keys = {}
    for i in among:
        text = candidates[i].text
        if not all(group & terms[i] for group in measures):
            continue
        # "died" names the "mortality" asked about
        words = terms[i].union(*(group & asked for group in measures))
        about = asked - topic[candidates[i].hit.doc_id] or asked
        focus = weight_named(weight, about, words)
        # or one that names most of what is asked, its study's topic included: «Systemic air embolism
        # occurs in around 0.001-0.003% of lung biopsy procedures.» in a study titled with all the
        # question names but "needle"
        named = weight_named(weight, asked, words)
        if (focus or named >= MOST_ASKED * whole) and states_quantity(text, kind):
            keys[i] = (focus, named, states_quantity(text, "rate"), float(probabilities[i]))
    return keys


def _harms(
    question: str,
    topic: str,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    about: bool,
) -> list[int]:
    """``about``: the question is a follow-up naming what it asks about ("what about IVC filters?"),
    and the sentences that name it come first; the others only when none does. The harms ``topic``
    (the questions so far) names are not answers."""
    asked = words_of(question) - NOT_ASKED_ABOUT if about else set()
    keys = {}
    for i in cited_findings(candidates, chosen):
        c = candidates[i]
        if named := harms_named(c.text, topic):
            about_it = bool(named_in(asked, words_of(c.text)))
            keys[i] = (about_it, in_abstract(c), len(named), float(probabilities[i]))
    if any(key[0] for key in keys.values()):
        keys = {i: key for i, key in keys.items() if key[0]}
    if not keys:  # none names a harm: a finding about them in general ("No complications occurred.")
        general = {
            i: (in_abstract(candidates[i]), float(probabilities[i]))
            for i in cited_findings(candidates, chosen)
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
    clear ``answering``; it takes its place before the animal study's (``rag.answer.compose``).
    ``question``: the questions so far (the harms they name are their topic)."""
    if not chosen or kind is None or answering is None:
        return chosen
    giving = [i for i in chosen if gives(kind, candidates[i].text, question)]
    if not giving or not all(in_animals(candidates[i].hit.document) for i in giving):
        return chosen
    documents = {c.hit.doc_id: c.hit.document for c in candidates}
    studies = answering_studies(candidates, probabilities, chosen, answering) | {
        candidates[i].hit.doc_id for i in chosen
    }
    people = {doc for doc in studies if not in_animals(documents[doc])}
    among = [i for i in findings(candidates, chosen, people) if gives(kind, candidates[i].text, question)]
    best = sorted(among, key=lambda i: float(probabilities[i]), reverse=True)[:1]
    return placed(chosen, best, candidates)
