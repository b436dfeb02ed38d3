"""The sentences of an answer's studies that the answer-type rules may add: the cited studies' other
findings (never a labelled abstract's background or methods), those of the studies quoted in earlier
turns, or those of a study that answers too."""

from __future__ import annotations

import re
from collections.abc import Sequence

import numpy as np

from rag.answer.select.candidates import Candidate
from rag.answer.select.features import section_kind

# a labelled abstract's background and methods state numbers too (the rate other studies found, how
# many patients were enrolled), but not what this study found
_NOT_FINDINGS = ("background", "methods")


def cited_findings(candidates: Sequence[Candidate], chosen: list[int]) -> list[int]:
    """The cited studies' other sentences (module docstring)."""
    return findings(candidates, chosen, {candidates[i].hit.doc_id for i in chosen})


def earlier_findings(
    candidates: Sequence[Candidate], chosen: list[int], shown: Sequence[bool] | None
) -> list[int]:
    """The findings of the studies quoted in earlier turns (``shown``) that ``chosen`` does not cite:
    what the asker has been reading about ("what are the risks?" after the DVT review was quoted, when
    this turn's pick is another study)."""
    if shown is None:
        return []
    earlier = set(quoted_before(candidates, shown)) - {candidates[i].hit.doc_id for i in chosen}
    return findings(candidates, chosen, earlier) if earlier else []


def quoted_before(candidates: Sequence[Candidate], shown: Sequence[bool]) -> list[str]:
    """The studies with a sentence quoted in an earlier turn (``shown``), in retrieval order."""
    return list(dict.fromkeys(c.hit.doc_id for c, was in zip(candidates, shown, strict=True) if was))


def answering_studies(
    candidates: Sequence[Candidate], probabilities: np.ndarray, chosen: list[int], bar: float
) -> set[str]:
    """The studies not cited whose best sentence clears ``bar``."""
    cited = {candidates[i].hit.doc_id for i in chosen}
    return {c.hit.doc_id for c, p in zip(candidates, probabilities, strict=True) if p >= bar} - cited


def is_finding(c: Candidate) -> bool:
    """Is the sentence one of its study's findings: not a labelled abstract's background or methods?"""
    return section_of(c) not in _NOT_FINDINGS


# labels of whom a study enrolled, which the selector's section features leave unnamed (it was trained so):
# for these rules they are its methods ("POPULATION: Persons younger than 76 years … oral hypoglycemic
# agents alone" names the drugs the patients took, not a finding about hypoglycaemia)
_ENROLLED = re.compile(r"\b(?:population|sample|study\s+group|cohort)\b", re.IGNORECASE)


def section_of(c: Candidate) -> str | None:
    """The kind of section the sentence stands in (a labelled abstract's label, or a heading opening
    it): ``background``, ``methods``, ``results``, ``conclusions`` or ``None``."""
    label = c.hit.passage.section
    kind = section_kind(label, c.text)
    return "methods" if kind is None and label and _ENROLLED.search(label) else kind


def findings(
    candidates: Sequence[Candidate],
    chosen: list[int],
    studies: set[str],
    *,
    leave_out: tuple[str, ...] = _NOT_FINDINGS,
) -> list[int]:
    """The sentences of ``studies`` not among ``chosen`` (one of each text: a study may say it twice),
    less a labelled abstract's background and methods (``leave_out``)."""
    texts = {candidates[i].text for i in chosen}
    found = []
    for i, c in enumerate(candidates):
        if c.hit.doc_id in studies and c.text not in texts:
            texts.add(c.text)
            if section_of(c) not in leave_out:
                found.append(i)
    return found


def placed(chosen: list[int], added: list[int], candidates: Sequence[Candidate]) -> list[int]:
    """``added`` (best first) placed before the first chosen sentence of their study, or after all when
    their study was not cited."""
    out = list(chosen)
    for i in reversed(added):
        doc = candidates[i].hit.doc_id
        first = next((k for k, j in enumerate(out) if candidates[j].hit.doc_id == doc), len(out))
        out.insert(first, i)
    return out


def in_abstract(c: Candidate) -> bool:
    """Is the sentence in its document's abstract (a full text whose body start is known), or in an
    abstract alone? The split the selector's positions use (``features.part_of``; a body start is
    never 0)."""
    body = c.hit.document.body_start
    return body is None or c.offset < body
