"""Quantity questions ("how often …?", "how long …?", "how many …?"): which sentences state a number about
what is asked (the rule is described in ``rag.answer.answer_type``)."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rag.answer.answer_type.focus import (
    NO_SUBJECT,
    NOT_ASKED_ABOUT,
    named_in,
    rarity,
    sentence_words,
    weight_named,
    words_of,
)
from rag.answer.answer_type.states import states_quantity
from rag.answer.followup import topic_of
from rag.answer.select.candidates import Candidate
from rag.text.terms import content_terms

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

QUANTITIES = ("rate", "duration", "number")


def asked_about(this: str, earlier: list[str]) -> set[str]:
    """What a quantity question asks about: "how often does it happen?" names nothing, and "how much
    less?" or "in how many patients?" no subject (``NO_SUBJECT``): both ask about the earlier
    questions' subject. "in how many tumours was it found?" asks about tumours, which a study of
    HER2 in urothelial carcinoma names in its word (``rag.text.synonyms``)."""
    own = words_of(this) - NOT_ASKED_ABOUT
    if own - NO_SUBJECT:
        return own
    return words_of(topic_of(" ".join(earlier))) - NOT_ASKED_ABOUT or own


def quantities_asked(
    this: str, earlier: list[str], kind: str, candidates: Sequence[Candidate], among: list[int]
) -> list[int]:
    """The sentences of ``among`` that state a quantity of ``kind`` about what is asked, as
    ``best_quantity`` picks one: «… followed for 3 years» does not answer "how many patients improved?"."""
    terms = sentence_words(candidates, " ".join([this, *earlier]))
    return quantities_among(asked_about(this, earlier), kind, candidates, terms, among, this)


def comparing(question: str, candidates: Sequence[Candidate], among: list[int]) -> list[int]:
    """``among``, or those that compare when ``question`` asks for a difference ("by how much?"): how
    many were given written information does not say by how much they recalled more."""
    if not _DIFFERENCE.search(question):
        return among
    return [i for i in among if _COMPARES.search(candidates[i].text)]


def quantities_among(
    asked: set[str],
    kind: str,
    candidates: Sequence[Candidate],
    terms: list[set[str]],
    among: list[int],
    question: str,
) -> list[int]:
    """``quantities_asked`` for what is ``asked`` about, with each candidate's ``terms`` given."""
    answering = _quantities(asked, kind, candidates, terms, np.zeros(len(candidates)), among, question)
    return [i for i in among if i in answering]


def best_quantity(
    asked: set[str],
    kind: str,
    candidates: Sequence[Candidate],
    terms: list[set[str]],
    probabilities: np.ndarray,
    among: list[int],
    question: str,
) -> list[int]:
    """The best sentence of ``among`` stating a quantity of ``kind`` about ``asked`` (less its study's
    topic, unless that is all that is asked about: "how often does systemic air embolism occur?");
    ``terms``: each candidate's ``words_of``. When ``question`` asks for a difference ("by how
    much?"), one that compares (``comparing``): «The patients receiving written information scored
    significantly higher (48% correct answers) than …», not how many were given it."""
    keys = _quantities(asked, kind, candidates, terms, probabilities, among, question)
    return sorted(keys, key=keys.__getitem__, reverse=True)[:1]


# a question asking by how much one differs from another, and a sentence that compares
_DIFFERENCE = re.compile(
    r"\bby\s+how\s+much\b|\bhow\s+much\s+(?:more|less|higher|lower|better|worse|greater|smaller|fewer)\b",
    re.IGNORECASE,
)
_COMPARES = re.compile(
    r"\b(?:than|compared|versus|vs|differ\w*|increas\w*|decreas\w*|reduc\w*|higher|lower|fewer|greater|"
    r"smaller)\b"
    # two shares side by side: «17 of the 58 patients in the BIG group (29.3%) and 4 of the 62 (6.5%) …»
    r"|\d\s*%.*?\d\s*%",
    re.IGNORECASE,
)


def _quantities(
    asked: set[str],
    kind: str,
    candidates: Sequence[Candidate],
    terms: list[set[str]],
    probabilities: np.ndarray,
    among: list[int],
    question: str,
) -> dict[int, tuple[float, float, bool, float]]:
    """The sentences of ``among`` that ``best_quantity`` may pick, with the keys it orders them by
    (for a difference asked by ``question``, only those that compare: ``comparing``)."""
    among = comparing(question, candidates, among)
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
        # what the question adds to the study's topic; none, or no subject ("how many had high
        # cholesterol?" of a cholesterol study): all it asks about
        about = asked - topic[candidates[i].hit.doc_id]
        if not about - NO_SUBJECT:
            about = asked
        focus = weight_named(weight, about, words)
        # or one that names most of what is asked, its study's topic included: «Systemic air embolism
        # occurs in around 0.001-0.003% of lung biopsy procedures.» in a study titled with all the
        # question names but "needle"
        named = weight_named(weight, asked, words)
        if (focus or named >= MOST_ASKED * whole) and states_quantity(text, kind):
            keys[i] = (focus, named, states_quantity(text, "rate"), float(probabilities[i]))
    return keys
