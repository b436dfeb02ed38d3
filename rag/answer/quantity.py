"""Questions that ask for a quantity, and the cited study's sentence that states one.

"How often did pneumothorax occur?", "What is the risk of pneumothorax after CT-guided hook wire
localization?" ask for a number. The selector, trained on SciFact's claims and PubMedQA's yes/no
questions, has never seen such a question: it scores a study's conclusion ("… is safe and allows for
proper diagnosis", p 0.90) far above the sentence that answers ("Hook wire complications included
pneumothorax requiring chest tube drainage in 4 patients (2.1%) …", p 0.04). Out of fold, features for
quantity questions did not lift those sentences (BENCHMARKS.md): the training data holds no such
questions to learn from.

So this is an answer-type rule on top of the selector's choice, as a question-answering system checks
that an answer is of the type asked for. When the question asks for a quantity and none of the cited
sentences states one, the answer also quotes the cited study's sentence that states one (for "how
often", "what proportion", "what is the risk": a rate, such as "63%" or "10 of 350"; for "how many": any
number) and names what the question asks about:

- what is asked about: the question's words less the study's title (its topic), less the words of
  asking how often ("risk", "rate", "often", "occur") or when ("after"); words many candidate
  sentences share weigh less than rare ones, as in the selector's ``overlap_rare``;
- not from a labelled abstract's background or methods (the rate earlier studies found, the number
  of patients enrolled);
- the most weight wins; then a sentence that reports a rate ("in 4 patients (2.1%)", "10 of 350");
  then the selector's best.

The study was already judged to answer; this only picks which of its sentences to show. Nothing is
added to a refusal, and a question that asks no quantity is left alone.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from rag.answer.markers import MARKER
from rag.answer.select.candidates import Candidate
from rag.answer.select.features import section_kind
from rag.text.terms import content_terms

_MODIFIERS = r"(?:[\w-]+\s+){0,2}"  # "the overall complication rate", "the 5-year survival"
# how often: the answer is a rate ("in 4 patients (2.1%)", "10 of 350", "63%")
_HOW_OFTEN = re.compile(
    r"^\W*(?:how\s+(?:often|frequent(?:ly)?|common(?:ly)?|likely)\b"
    rf"|what\s+(?:is|are|was|were)\s+the\s+{_MODIFIERS}(?:(?:percentage|proportion|rate|incidence|prevalence|"
    r"frequency|odds|chance|likelihood|probability|mortality|survival)s?"
    r"|risk(?!\s+factor))\b"  # "the risk of" is a rate, "the risks of" and "risk factors" are not
    r"|what\s+(?:percentage|proportion|fraction|share)\b)",
    re.IGNORECASE,
)
# how many, how much: the answer is any number
_HOW_MANY = re.compile(
    r"^\W*(?:how\s+(?:many|much|long|accurate|sensitive|specific)\b"
    rf"|what\s+(?:is|are|was|were)\s+the\s+{_MODIFIERS}(?:number|sensitivity|specificity|accuracy|yield)s?\b"
    r"|what\s+number\b)",
    re.IGNORECASE,
)
# a labelled abstract's background and methods state numbers too (the rate other studies found, how
# many patients were enrolled), but not what this study found
_NOT_FINDINGS = ("background", "methods")
# a number that is not a year (1900-2099 alone), a name's part ("5-year", "type 2") or a reference marker
_NUMBER = re.compile(r"(?<![\w.])(?<!type )(?!(?:19|20)\d\d(?!\d|\s*%))\d+(?:[.,]\d+)?(?![\w]|-[a-z])", re.I)
# a rate as abstracts report one: a percentage ("in 4 patients (2.1%)", "63%"), "10 of 350", "89/754"
_RATE = re.compile(r"\d\s*%|\b\d+\s*(?:/|of|out of)\s*\d+\b", re.IGNORECASE)
# how much or how often a question asks, or when: never what makes a sentence the answer
_NOT_ASKED_ABOUT = content_terms(
    "often frequent frequently frequency common commonly likely likelihood many much long accurate "
    "accuracy sensitive sensitivity specific specificity percentage proportion fraction share number "
    "rate rates risk risks incidence prevalence odds chance probability yield occur occurs occurred "
    "occurrence happen develop after before during following since within"
)


def asks_quantity(question: str) -> str | None:
    """``rate`` ("how often …?", "what is the risk of …?"), ``number`` ("how many …?") or ``None``: what
    the question (its first sentence: a follow-up's ``asked`` starts with it) asks for."""
    if _HOW_OFTEN.match(question):
        return "rate"
    return "number" if _HOW_MANY.match(question) else None


def states_quantity(text: str, kind: str = "number") -> bool:
    """Does ``text`` state a ``rate`` (a percentage, "n of N") or, for ``number``, any number other than
    a year, part of a name or a reference marker?"""
    plain = MARKER.sub(" ", text)
    return bool((_RATE if kind == "rate" else _NUMBER).search(plain))


def with_quantity(
    question: str, candidates: Sequence[Candidate], probabilities: np.ndarray, chosen: list[int]
) -> list[int]:
    """``chosen`` with the cited studies' sentence that states the quantity asked for, placed right
    after the first chosen sentence of its study (so a bottom line quotes it); unchanged when the
    question asks no quantity, a chosen sentence already states one, or no sentence qualifies (module
    docstring). ``question`` may be a follow-up's questions so far, this one first: only its words
    say what is asked about. A sentence quoted in an earlier turn may be the one: it is still the
    answer, and the caller says it was quoted before."""
    kind = asks_quantity(question)
    if not chosen or kind is None or any(states_quantity(candidates[i].text, kind) for i in chosen):
        return chosen
    asked = content_terms(question.split("?", 1)[0]) - _NOT_ASKED_ABOUT  # this question's words
    topic = {candidates[i].hit.doc_id: content_terms(candidates[i].hit.document.title) for i in chosen}
    terms = [content_terms(c.text) for c in candidates]
    shared = Counter(w for t in terms for w in t & asked)
    weight = {w: math.log((len(candidates) + 1) / (shared[w] + 1)) + 1 for w in asked}
    best: tuple[float, bool, float, int] | None = None
    for i, c in enumerate(candidates):
        if c.hit.doc_id not in topic or i in chosen or not states_quantity(c.text, kind):
            continue
        if section_kind(c.hit.passage.section, c.text) in _NOT_FINDINGS:
            continue
        focus = math.fsum(weight[w] for w in (asked - topic[c.hit.doc_id]) & terms[i])
        key = (focus, bool(_RATE.search(c.text)), float(probabilities[i]))
        if focus and (best is None or key > best[:3]):
            best = (*key, i)
    if best is None:
        return chosen
    added = best[3]
    first = next(k for k, i in enumerate(chosen) if candidates[i].hit.doc_id == candidates[added].hit.doc_id)
    return [*chosen[: first + 1], added, *chosen[first + 1 :]]
