"""A follow-up that asks about one aspect of what was answered.

"what about pain?" after "Do antibiotics reduce morbidity after tonsillectomy?" is retrieved with the
earlier question's words and scored by a selector trained on questions that stand alone: the study's
conclusion, already quoted, comes first again (p 0.93) and its results sentence on pain far below
(«Moreover, postoperative antibiotics had no role in pain control, …», p 0.06), so the answer only
repeats what the asker has read ("As quoted above, …").

When the follow-up asks for no kind of answer of its own (``rag.answer.answer_type.asks``; those rules
come first) but names words the earlier questions did not ("pain", "bone metastases", "local
recurrence"), and the answer would only repeat earlier quotes or name none of those words ("would it
change the warfarin dose?" answered with another conclusion sentence), the answer quotes instead the
cited studies' sentences that name more of them than it does: their findings, not a labelled
abstract's background or methods. The studies were already judged to answer; this only picks which
of their sentences to show. The sentences naming most of the new words win (words many candidate
sentences share weigh less, as in the selector's ``overlap_rare``), then one quoted in an earlier
turn (quoted again, "As quoted above, …": "and hypoglycaemia?" after «… less weight gain …, and they
reported fewer hypoglycemic events …» is answered by it, not by the methods' «… oral hypoglycemic
agents …»), then a full text's abstract, then the selector's best; a second one is quoted when it
names as much. When no sentence names more of them, the answer stays as it was, and says that none
of its quotes mentions what was asked about (``unnamed_aspect``): «None of the quoted sentences
mentions “preterm delivery”.»
"""

from __future__ import annotations

from collections.abc import Sequence

import numpy as np

from rag.answer.answer_type.asks import asked_parts
from rag.answer.answer_type.focus import (
    aspect_words,
    named_in,
    rarity,
    sentence_words,
    weight_named,
    words_of,
)
from rag.answer.answer_type.studies import cited_findings, earlier_findings, in_abstract, is_finding
from rag.answer.evidence_level import in_animals, names_animals
from rag.answer.followup import is_follow_up, topic_of
from rag.answer.select.candidates import Candidate

MAX_SENTENCES = 2


def on_aspect(
    question: str,
    candidates: Sequence[Candidate],
    probabilities: np.ndarray,
    chosen: list[int],
    shown: Sequence[bool],
) -> list[int]:
    """``chosen``, or when ``question`` (a follow-up's questions so far, this one first) names an aspect
    the earlier ones did not and ``chosen`` would only repeat what was ``shown`` in an earlier turn or
    name none of it, the cited studies' sentences that name it most, if they name more of it than
    ``chosen`` does (module docstring)."""
    if not chosen:
        return chosen
    this, earlier, kind, _ = asked_parts(question)
    if not earlier or kind is not None or not is_follow_up(this):
        return chosen
    new = _new_words(this, earlier)
    if not new:
        return chosen
    terms = sentence_words(candidates)  # "CR" names "complete response" where the study defines it
    weight = rarity(new, terms)

    def focus(i: int) -> float:
        return weight_named(weight, new, terms[i])

    # what the quotes say of it: a labelled abstract's methods name the "oral hypoglycemic agents" the
    # patients took, not the hypoglycaemia asked about
    said = max((focus(i) for i in chosen if is_finding(candidates[i])), default=0.0)
    if said and not all(shown[i] for i in chosen):  # something new that names the aspect
        return chosen
    # a sentence quoted in an earlier turn that names it as much as any other is the answer still
    # ("and hypoglycaemia?" after «… less weight gain …, and they reported fewer hypoglycemic events …»,
    # not the methods' «… oral hypoglycemic agents …»); quoted again, it is introduced "As quoted above"
    # the cited studies', then those quoted in earlier turns ("what position should the patient be in?"
    # after «… placing the patient in lateral decubitus, and Trendelenburg position …» was quoted)
    keys = {}
    for among in (cited_findings(candidates, chosen), earlier_findings(candidates, chosen, shown)):
        keys = {
            i: (f, shown[i], in_abstract(candidates[i]), float(probabilities[i]))
            for i in among
            if (f := focus(i)) > said
        }
        if keys:
            break
    if not keys:
        return chosen
    ranked = sorted(keys, key=keys.__getitem__, reverse=True)
    return [i for i in ranked[:MAX_SENTENCES] if keys[i][:2] == keys[ranked[0]][:2]]


def unnamed_aspect(question: str, candidates: Sequence[Candidate], chosen: list[int]) -> str | None:
    """The caveat of a follow-up that names something the earlier questions did not ("what about
    preterm delivery?", "what about cost?") and asks for no kind of answer of its own, when none of
    the quotes names it: they are the closest the studies come, not the answer."""
    if not chosen:
        return None
    this, earlier, kind, inherited = asked_parts(question)
    if not earlier or not is_follow_up(this) or (kind is not None and not inherited):
        return None
    new = _new_words(this, earlier)
    # as asked, in order; of whom it asks ("and in women?") is the population caveats' (rag.answer.caveats),
    # and "what did they find in the animals?" is answered by a study in animals
    if any(in_animals(candidates[i].hit.document) for i in chosen):
        new -= set().union(*(words_of(w) for w in topic_of(this).split() if names_animals(w)))
    named = [w for w in topic_of(this).split() if words_of(w) & new]
    if not named:
        return None
    terms = sentence_words(candidates)
    if any(named_in(new, terms[i]) for i in chosen):  # "faster" is answered by a time
        return None
    return f"None of the quoted sentences mentions “{' '.join(named)}”."


def _new_words(this: str, earlier: list[str]) -> set[str]:
    """The aspect words of a follow-up (``this``) that its ``earlier`` questions did not name."""
    return aspect_words(this) - words_of(" ".join(earlier))
