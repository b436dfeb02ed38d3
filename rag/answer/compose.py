"""Extractive answer composition (no LLM): the reference page's answer shape.

The learned selector (``rag.answer.select``) gives every candidate sentence a probability of being evidence
for the question; its calibrated policy either cites the best sentences (one when one study answers,
more when several do) or says the evidence is insufficient. The answer then reads:

- **bottom line**: the chosen sentence(s) of the strongest study (one whose quote is of the kind of
  answer asked for first: a rate for "how often …?", a treatment for "how is it treated?"; then
  evidence level, then the selector's probability, then recency), introduced with its design and
  year from metadata: "A 2010 systematic review [1] found: «…»" (what the study did, its methods,
  "reports: «…»"; a quote that reports other work, "Evangelista et al. found …", "reports, citing
  other work: «…»"; ``rag.answer.shape``);
- **findings**: one bullet per further study, with design and year (and one for a third sentence of
  the bottom line's study: "The same systematic review [1] also found: «…»");
- the numbered **references** (``Title. Journal, Year.``).

Quotes stay verbatim; only their display renders a source's own reference markers as superscripts
(``rag.answer.markers``), so no ``[n]`` appears in the answer that is not one of its references.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from typing import NamedTuple

import numpy as np

from rag.answer.answer_type import answers_asked, on_aspect, unanswered, with_answer_type
from rag.answer.answer_type.asks import asked_parts
from rag.answer.caveats import caveats_for, cited_texts
from rag.answer.evidence_level import ANIMAL_STUDY, LEVELS, in_animals, level_of
from rag.answer.markers import display
from rag.answer.references import make_reference
from rag.answer.select import Candidate, EvidencePool, Policy, Selector, choose
from rag.answer.select.rerank import closest_documents, first_stage_documents
from rag.answer.select.titled import titled_study
from rag.answer.shape import shape
from rag.types import Answer, Citation, Finding, Reference

DISCLAIMER = (
    "For health professionals, for educational and reference use only. This summary is assembled "
    "automatically from passages of the indexed literature; it is not medical advice and does not "
    "replace clinical judgment. Verify every statement against the cited primary sources."
)
INSUFFICIENT = "The indexed literature does not contain enough evidence to answer this question."
REPEATED = "As quoted above,"  # opens a follow-up's bottom line that only quotes what was shown before
CLOSEST = 1  # sources listed when the evidence is insufficient: the closest one, flagged as not answering
# designs that outrank the selector's probability for the bottom line; the rest (case reports, narrative
# reviews, unknown) tie, and the selector decides among them; studies in animals come after all of them
_STRONG = [level for level, _ in LEVELS][:5]
# the pool widened by the given studies' passages the first stage did not reach (``compose``)
Further = Callable[[frozenset[str]], EvidencePool]
_RANK = {**{level: n for n, level in enumerate(_STRONG)}, ANIMAL_STUDY: len(_STRONG) + 1}


class _Picked(NamedTuple):
    """What ``_pick`` chose from a pool: indices into ``cands``, and which of them answer the kind asked."""

    cands: list[Candidate]
    probs: np.ndarray
    chosen: list[int]
    answering: list[int]
    shown: list[bool]


def compose(
    question: str,
    pool: EvidencePool,
    selector: Selector,
    *,
    mode: str = "hybrid",
    exclude: frozenset[str] = frozenset(),
    policy: Policy | None = None,
    asked: str | None = None,
    more: bool = False,
    further: Further | None = None,
) -> Answer:
    """Build an ``Answer`` for ``question`` from the candidates in ``pool`` (see module docstring).

    Sentences in ``exclude`` were quoted in earlier turns of a conversation. A follow-up cites others
    when they reach the bar the best sentence of the whole pool sets, and quotes the shown ones again
    when none does (they are still the answer: "what about complications?" after the finding that
    says so); an answer that quotes anything new leaves them out. With ``more`` (the asker wants more
    of one study: "Tell me more about [1]") they are left out while others remain, and what remains is
    judged on its own.
    ``asked`` (default ``question``) is what the asker asked in their own words, for the caveats
    (``rag.answer.caveats``): a follow-up's questions so far, without the title words its retrieval
    query adds.
    ``further`` gives the pool widened by the cited studies' passages the first stage did not reach:
    when none of the quotes is of the kind asked for or names the aspect asked about ("what
    complications did they have?" whose answer sits in another passage of the cited study), the
    answer is chosen again from the wider pool and kept if it answers.
    """
    policy = policy or selector.policy
    asked = asked or question
    cands, probs, chosen, answering, shown = _pick(question, pool, selector, policy, exclude, asked, more)
    top = float(probs.max()) if len(probs) else None
    if not chosen:
        closest = _closest(pool, cands, probs)
        return _answer(question, closest, insufficient=True, mode=mode, top=top, selector=selector.name)
    cited = frozenset(cands[i].hit.doc_id for i in chosen)
    missing = unanswered(asked, cands, chosen, answering)
    if missing and further is not None:
        wider = further(cited)
        if len(wider.candidates) > len(pool.candidates):
            again = _pick(question, wider, selector, policy, exclude, asked, more)
            if again.chosen and not unanswered(asked, again.cands, again.chosen, again.answering):
                pool, (cands, probs, chosen, answering, shown), missing = wider, again, None
                top = float(probs.max())
                cited = frozenset(cands[i].hit.doc_id for i in chosen)
    return _answer(
        question,
        [(cands[i], float(probs[i])) for i in chosen],
        insufficient=False,
        mode=mode,
        top=top,
        selector=selector.name,
        caveats=[*caveats_for(asked, cited_texts(pool.hits, cited)), *filter(None, [missing])],
        repeated=all(shown[i] for i in chosen),
        answers=frozenset(cands[i].hit.doc_id for i in answering),
    )


def _pick(
    question: str,
    pool: EvidencePool,
    selector: Selector,
    policy: Policy,
    exclude: frozenset[str],
    asked: str,
    more: bool,
) -> _Picked:
    """The selector's choice from ``pool`` and the answer-type rules' amendments (``compose``)."""
    keep = list(range(len(pool.candidates)))
    if more:
        keep = [i for i in keep if pool.candidates[i].text not in exclude] or keep
    cands = [pool.candidates[i] for i in keep]
    vectors = pool.vectors[keep]
    probs = selector.score(question, pool.question_vector, cands, vectors)
    # a study in people before one in animals, for the places among the cited sentences too
    studies = {c.hit.doc_id: c.hit.document for c in cands}
    animal_study = {doc: in_animals(info) for doc, info in studies.items()}  # once a study
    animal = [animal_study[c.hit.doc_id] for c in cands]
    shown = [c.text in exclude for c in cands]
    chosen = choose(probs, [c.hit.doc_id for c in cands], vectors, policy, later=animal, shown=shown)
    if not chosen:  # a study titled with the question's words answers it, however its sentences say it
        this, earlier, _, _ = asked_parts(asked)  # a follow-up's: of the study titled so
        chosen = next(
            filter(None, (titled_study(q, cands, probs, vectors, policy) for q in [this, *earlier])), []
        )
    # a number, the complications …
    chosen = with_answer_type(asked, cands, probs, chosen, answering=policy.abstain, shown=shown)
    # "what about pain?", "what did [1] find about pain?": the cited studies' sentences on it
    chosen = on_aspect(asked, cands, probs, chosen, shown)
    new = [i for i in chosen if not shown[i]]
    # once: it matches words, slow for quantities
    answering = answers_asked(asked, cands, chosen) if chosen else []
    # something new (a number the rules added): not the old quotes too, unless only animal studies say it
    # (a study in people that answers stays: ``answer_type.of_subject.in_people_too``), or only old ones
    # are of the kind asked for ("how often do filters migrate?" after the quote with the migration rate,
    # when the selector's new pick is a call for more studies)
    if new and (not all(animal[i] for i in new) or all(animal[i] for i in chosen if shown[i])):
        if answering and all(shown[i] for i in answering):
            chosen = [i for i in chosen if not shown[i] or i in answering]
        else:
            chosen = new
            answering = [i for i in answering if i in new]
    return _Picked(cands, probs, chosen, answering, shown)


def _closest(
    pool: EvidencePool, cands: Sequence[Candidate], probs: np.ndarray
) -> list[tuple[Candidate, float]]:
    """The best sentence of each of the ``CLOSEST`` documents an abstaining answer names."""
    docs = [c.hit.doc_id for c in cands]
    picked = []
    for doc in closest_documents(first_stage_documents(pool.hits), docs, probs, CLOSEST):
        best = max((i for i, d in enumerate(docs) if d == doc), key=lambda i: float(probs[i]))
        picked.append((cands[best], float(probs[best])))
    return picked


def _strength(c: Candidate, prob: float, answers: frozenset[str]) -> tuple[bool, int, float, int]:
    """Sort key, strongest study first: one whose quote is of the kind of answer asked for (``answers``:
    a rate for "how often …?"), then evidence level, then probability, then recency."""
    level = _RANK.get(level_of(c.hit.document), len(_STRONG))
    return (c.hit.doc_id not in answers, level, -prob, -(c.hit.document.year or 0))


def _answer(
    question: str,
    chosen: list[tuple[Candidate, float]],
    *,
    insufficient: bool,
    mode: str,
    top: float | None,
    selector: str,
    caveats: list[str] | None = None,
    repeated: bool = False,
    answers: frozenset[str] = frozenset(),
) -> Answer:
    if not insufficient and chosen:  # strongest study first, so it becomes reference [1]
        best_doc = min(chosen, key=lambda cp: _strength(cp[0], cp[1], answers))[0].hit.doc_id
        chosen = sorted(chosen, key=lambda cp: cp[0].hit.doc_id != best_doc)
    numbers: dict[str, int] = {}
    references: list[Reference] = []
    citations: list[Citation] = []
    for cand, prob in chosen:
        hit = cand.hit
        if hit.doc_id not in numbers:
            numbers[hit.doc_id] = len(numbers) + 1
            references.append(
                make_reference(numbers[hit.doc_id], hit.document, evidence_level=level_of(hit.document))
            )
        citations.append(
            Citation(
                n=numbers[hit.doc_id],
                doc_id=hit.doc_id,
                passage_id=hit.passage_id,
                page=cand.page,
                quote=cand.text,
                score=round(prob, 4),
                display=display(cand.text),
            )
        )
    bottom: str | None = None
    findings: list[Finding] = []
    if insufficient:
        marks = "".join(f"[{n}]" for n in numbers.values())
        if len(numbers) > 1:
            tail = f" The closest passages found are {marks}; none of them addresses the question directly."
        elif numbers:
            tail = f" The closest passage found is {marks}; it does not address the question directly."
        else:
            tail = " No related passage was found."
        text = INSUFFICIENT + tail
    else:
        bottom, findings = shape(citations, [c for c, _ in chosen])
        if repeated:  # nothing new cleared the bar: say that these quotes were shown before
            bottom = f"{REPEATED} {bottom[0].lower()}{bottom[1:]}"
        text = " ".join([bottom] + [f.text for f in findings] + (caveats or []))
    return Answer(
        question=question,
        answer=text,
        citations=citations,
        references=references,
        insufficient_evidence=insufficient,
        disclaimer=DISCLAIMER,
        mode=mode,
        top_score=None if top is None else round(top, 4),
        bottom_line=bottom,
        findings=findings,
        selector=selector,
        caveats=caveats or [],
    )
