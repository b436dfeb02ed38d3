"""Which sentences are of the kind of answer asked for: one test, used to order the studies, to leave
out those that give none, to say when no quote answers, and to find a study in people that gives it.
(Adding a sentence of the kind, ``of_subject.with_kind`` asks more of a harm: one named, not a word on
harms in general, while a cited study names one.)"""

from __future__ import annotations

from collections.abc import Sequence

from rag.answer.answer_type.asks import asked_parts
from rag.answer.answer_type.of_study import says_how_done
from rag.answer.answer_type.quantities import QUANTITIES, quantities_asked
from rag.answer.answer_type.states import gives, states_harms_in_general
from rag.answer.select.candidates import Candidate


def of_kind(kind: str, question: str, candidates: Sequence[Candidate], among: list[int]) -> list[int]:
    """The sentences of ``among`` that are answers of ``kind`` to ``question`` (a follow-up's questions
    so far, this one first): for a quantity, a number about what is asked («… followed for 3 years»
    does not answer "how many patients improved?"); for the harms, one the questions so far do not
    name, or a finding about harms in general ("No complications occurred."); for the design, a
    labelled abstract's methods too, whatever their words."""
    if kind in QUANTITIES:
        this, earlier, _, _ = asked_parts(question)
        return quantities_asked(this, earlier, kind, candidates, among)
    return [
        i
        for i in among
        if gives(kind, candidates[i].text, question)  # the harms the questions so far name are their topic
        or (kind == "harms" and states_harms_in_general(candidates[i].text))
        or (kind == "design" and says_how_done(candidates[i]))
    ]
