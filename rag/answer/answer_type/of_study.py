"""Questions about a study rather than a subject: how many it studied, what else it found, how it was
done, how long it followed those studied, what its limitations are.

"what was the study design?" or "how long was follow-up?" after an answer asks about the study the
asker has just read, so these kinds read the studies quoted in earlier turns that are among the
candidates (in retrieval order), or, in a first question or when none is, the cited ones: a follow-up
retrieved with the conversation's words may rank another study first ("how was the study done?" after
"Is hook wire localization of lung nodules safe?"), which is not the one asked about. Each kind picks
the studies' sentences that answer; unlike the other kinds, it may quote a labelled abstract's methods
(where a study says how it was done, how many it enrolled and for how long).
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from dataclasses import dataclass

import numpy as np

from rag.answer.answer_type.focus import (
    aspect_words,
    named_in,
    rarity,
    sentence_words,
    weight_named,
    words_of,
)
from rag.answer.answer_type.states_study import (
    states_design,
    states_dose,
    states_follow_up,
    states_limitation,
    states_size,
    states_weakness,
)
from rag.answer.answer_type.studies import findings, in_abstract, quoted_before, section_of
from rag.answer.select.candidates import Candidate
from rag.text.cues import CUES

MAX_RESULT_SENTENCES = 2  # "what were the results?": the study's two next best findings
MAX_DESIGN_SENTENCES = 2  # "how was the study done?": its two sentences that say most of it
MAX_LIMITATION_SENTENCES = 2  # "what are the limitations?": the study's first two naming them
MAX_STUDIES = 2  # "how many patients were studied?", "how long was follow-up?": each of the first two


def asked_studies(candidates: Sequence[Candidate], chosen: list[int], shown: Sequence[bool]) -> list[str]:
    """The studies a question about "the study" means, first one first (module docstring)."""
    return quoted_before(candidates, shown) or list(dict.fromkeys(candidates[i].hit.doc_id for i in chosen))


def how_done(c: Candidate) -> bool:
    """Does the sentence say how its study was done rather than what it found: a labelled abstract's
    methods, or, unlabelled, a sentence naming a design or a measurement with no finding cue?"""
    kind = section_of(c)
    if kind is not None:
        return kind == "methods"
    return states_design(c.text) and not any(CUES[cue].search(c.text) for cue in _FINDING_CUES)


_FINDING_CUES = ("cue_finding", "cue_statistics", "cue_claim")


def says_how_done(c: Candidate) -> bool:
    """Does the sentence answer "how was the study done?": a labelled abstract's methods, whatever
    their words, or any sentence naming a design or a measurement (findings included, unlike
    ``how_done``)?"""
    return section_of(c) == "methods" or states_design(c.text)


@dataclass(frozen=True, slots=True)
class Asked:
    """What each kind reads: the question (this one), the candidates and their probabilities, the
    chosen sentences of the studies asked about, and those studies, first one first."""

    question: str
    candidates: Sequence[Candidate]
    probabilities: np.ndarray
    chosen: list[int]
    studies: list[str]


def size(a: Asked) -> list[int]:
    """For each of the first two studies, its first sentence that says how many were studied, its
    methods included: where a labelled abstract says it."""
    candidates, chosen = a.candidates, a.chosen
    studies = a.studies[:MAX_STUDIES]
    among = findings(candidates, chosen, set(studies), leave_out=("background",))
    added = []
    for doc in studies:
        theirs = [i for i in among if candidates[i].hit.doc_id == doc and states_size(candidates[i].text)]
        added.extend(sorted(theirs, key=lambda i: candidates[i].offset)[:1])
    return added


def dose(a: Asked) -> list[int]:
    """For each of the first two studies, its first sentence that states a dose ("… were given 10 mg
    metoclopramide as a slow intravenous infusion over 15 min …"), its methods included."""
    candidates = a.candidates
    studies = a.studies[:MAX_STUDIES]
    among = findings(candidates, a.chosen, set(studies), leave_out=("background",))
    added = []
    for doc in studies:
        theirs = [i for i in among if candidates[i].hit.doc_id == doc and states_dose(candidates[i].text)]
        added.extend(sorted(theirs, key=lambda i: candidates[i].offset)[:1])
    return added


def results(a: Asked) -> list[int]:
    """The first study's next best findings, at most ``MAX_RESULT_SENTENCES`` (a full text's abstract
    first, then the selector's best), not how many it studied nor how (an unlabelled text's "Focus
    groups were conducted with fifteen participants …")."""
    candidates, chosen = a.candidates, a.chosen
    keys = {
        i: (in_abstract(candidates[i]), float(a.probabilities[i]))
        for i in findings(candidates, chosen, set(a.studies[:1]))
        if not states_size(candidates[i].text) and not how_done(candidates[i])
    }
    return sorted(keys, key=keys.__getitem__, reverse=True)[:MAX_RESULT_SENTENCES]


def design(a: Asked) -> list[int]:
    """The first study's sentences that say how it was done (a labelled abstract's methods, or a
    sentence naming a design or a measurement: "The patients were randomly divided into 2 groups."),
    at most ``MAX_DESIGN_SENTENCES``: those naming most of what the question names beyond the study's
    title ("was it randomised?") first, then the methods, then the study's order."""
    candidates, chosen = a.candidates, a.chosen
    among = [
        i
        for i in findings(candidates, chosen, set(a.studies[:1]), leave_out=())
        if says_how_done(candidates[i])
    ]
    # what the question names beyond the study's topic: "was it randomised?", not "erosion" in "how was
    # erosion measured?" of a study titled "Are sugars-free medicines more erosive …?"
    named = aspect_words(a.question)
    asked = named - named_in(named, words_of(candidates[among[0]].hit.document.title)) if among else named
    terms = sentence_words(candidates)
    weight = rarity(asked, terms)
    keys = {
        i: (
            weight_named(weight, asked, terms[i]),
            section_of(candidates[i]) == "methods",
            states_design(candidates[i].text),
            -candidates[i].offset,
        )
        for i in among
    }
    return sorted(keys, key=keys.__getitem__, reverse=True)[:MAX_DESIGN_SENTENCES]


def follow_up(a: Asked) -> list[int]:
    """For each of the first two studies, the sentence that says for how long it followed those
    studied: a length of time said to be a follow-up ("a 4-year period", "studied over more than 4
    years", "in a 4-year follow-up"), a methods' or results' before the others', then the earliest. A
    sentence already quoted may be it. Any other length of time ("minor oozing in the first 24 hours")
    is not how long they were followed: a study without one has none."""
    candidates, chosen = a.candidates, a.chosen
    added = []
    for doc in a.studies[:MAX_STUDIES]:
        keys = {
            i: (section_of(candidates[i]) in ("methods", "results", None), -candidates[i].offset)
            for i in findings(candidates, chosen, {doc}, leave_out=())
            if states_follow_up(candidates[i].text)
        }
        added.extend(sorted(keys, key=keys.__getitem__, reverse=True)[:1])
    return added


def limitations(a: Asked) -> list[int]:
    """The first study's sentences naming its weaknesses ("The small size of the focus groups … does not
    allow for statistically significant generalisation …"), at most ``MAX_LIMITATION_SENTENCES``, in the
    study's order; one that only says it names them ("it is also important to note its limitations")
    when none names one."""
    candidates = a.candidates
    among = [
        i
        for i in findings(candidates, a.chosen, set(a.studies[:1]), leave_out=())
        if states_limitation(candidates[i].text)
    ]
    weak = [i for i in among if states_weakness(candidates[i].text)]
    return sorted(weak or among, key=lambda i: candidates[i].offset)[:MAX_LIMITATION_SENTENCES]


Pick = Callable[[Asked], list[int]]
OF_STUDY: dict[str, Pick] = {
    "size": size,
    "dose": dose,
    "results": results,
    "design": design,
    "follow-up": follow_up,
    "limitations": limitations,
}
