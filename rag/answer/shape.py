"""The answer's shape (the reference page's): a bottom line and one finding per further study, each
introduced with the study's design and year, so that no sentence is shown twice.

"A 2010 systematic review [1] found: «…»" introduces what a study found; "reports: «…»" what it did
(its methods: "A 2007 study [1] reports: «The patients were randomly divided into 2 groups.»"); and
"reports, citing other work: «…»" a sentence that reports others' work ("Evangelista et al. found …",
``rag.answer.markers.cites_other_work``), which the study did not find itself. One study's quoted
sentences read in its own order, an ellipsis marking words left out between them.
"""

from __future__ import annotations

import itertools
from collections.abc import Sequence

from rag.answer.answer_type.of_study import how_done
from rag.answer.evidence_level import ANIMAL_STUDY, level_of
from rag.answer.markers import cites_other_work
from rag.answer.select import Candidate
from rag.types import Citation, Finding

_DESIGN = {
    "meta-analysis / systematic review": "systematic review",
    "guideline": "guideline",
    "randomised controlled trial": "randomised controlled trial",
    "clinical trial": "clinical trial",
    "cohort / observational": "observational study",
    "case report": "case report",
    "review": "review",
    ANIMAL_STUDY: "animal study",
}


def design_of(evidence_level: str | None, title: str) -> str:
    """The study design named in an answer ("systematic review", "case report", "study")."""
    if evidence_level == "meta-analysis / systematic review" and "meta-analy" in title.lower():
        return "meta-analysis"
    return _DESIGN.get(evidence_level or "", "study")


def introduce(design: str, year: int | None, n: int) -> str:
    """ "A 2010 systematic review [1]" / "An observational study [2]"."""
    words = f"{year} {design}" if year else design
    article = "An" if words[0].lower() in "aeiou" and not words[0].isdigit() else "A"
    return f"{article} {words} [{n}]"


FOUND = "found"
REPORTS = "reports"  # how the study was done: "A 2007 study [1] reports: «The patients were randomly …»"
CITING = "reports, citing other work"  # "Evangelista et al. found …": not the study's own finding


def statement(design: str, year: int | None, n: int, quote: str, *, verb: str = FOUND) -> str:
    """One study's statement as every surface shows it: "A 2010 systematic review [1] found: «…»";
    what the study did rather than found ``REPORTS``; a quote that reports other work, which the study
    did not find itself, ``CITING``: "A 2010 study [1] reports, citing other work: «…»"."""
    return f"{introduce(design, year, n)} {verb}: «{quote}»"


def further_statement(design: str, n: int, quote: str, *, verb: str = FOUND) -> str:
    """More from the bottom line's study, as a finding: "The same systematic review [1] also found: «…»"."""
    return f"The same {design} [{n}] also {verb}: «{quote}»"


def shape(citations: list[Citation], candidates: list[Candidate]) -> tuple[str, list[Finding]]:
    """The bottom line (reference 1's sentences, at most two) and one finding per further study or
    further sentences, so that no sentence is shown twice. A study's sentences that report other work
    are a finding of their own after its own ones ("The same study [1] also reports, citing other
    work: «…»"), so that neither is framed as the other. ``candidates`` are the citations' sentences."""
    groups: dict[int, list[tuple[Citation, Candidate]]] = {}
    for c, cand in zip(citations, candidates, strict=True):
        groups.setdefault(c.n, []).append((c, cand))
    findings = []
    bottom = ""
    for n, group in groups.items():
        hit = group[0][1].hit
        design = design_of(level_of(hit.document), hit.document.title)
        year = hit.document.year
        own = [g for g in group if not cites_other_work(g[0].quote)]
        others = [g for g in group if cites_other_work(g[0].quote)]
        done = bool(own) and all(how_done(cand) for _, cand in own)
        parts = [
            (part, CITING if part is others else REPORTS if done else FOUND) for part in (own, others) if part
        ]
        for k, (part, verb) in enumerate(parts):
            if n == 1 and k == 0:
                bottom = statement(design, year, n, joined(part[:2]), verb=verb)
                part = part[2:]
                if not part:
                    continue
            quote = joined(part)
            more = n == 1 or k > 0  # more from a study already introduced
            findings.append(
                Finding(
                    n=n,
                    design=design,
                    year=year,
                    quote=quote,
                    citation=part[0][0],
                    text=further_statement(design, n, quote, verb=verb)
                    if more
                    else statement(design, year, n, quote, verb=verb),
                )
            )
    return bottom, findings


def joined(group: Sequence[tuple[Citation, Candidate]]) -> str:
    """One study's quoted sentences in the order the study has them (not the selector's), an ellipsis
    marking words left out between two that do not follow each other: «A. … C.»"""
    ordered = sorted(group, key=lambda cc: cc[1].offset)
    parts = [ordered[0][0].display]
    for (_, before), (citation, after) in itertools.pairwise(ordered):
        parts.append(citation.display if _follows(before, after) else f"… {citation.display}")
    return " ".join(parts)


def _follows(before: Candidate, after: Candidate) -> bool:
    """``after`` is the sentence right after ``before`` in their document (a cut heading between
    them aside), also across two passages that overlap or meet."""
    p, q = before.hit.passage, after.hit.passage
    if before.hit.doc_id != after.hit.doc_id:
        return False
    if not p.sentences or not q.sentences:  # a passage stored without sentence spans is one sentence
        return p.passage_id == q.passage_id and after.index == before.index + 1
    if before.index + 1 < len(p.sentences):  # the sentence after ``before`` is in its passage
        return p.char_start + p.sentences[before.index + 1][0] == q.char_start + q.sentences[after.index][0]
    if after.index > 0:  # the sentence before ``after`` is in its passage
        return q.char_start + q.sentences[after.index - 1][0] == p.char_start + p.sentences[before.index][0]
    return q.ordinal == p.ordinal + 1  # two passages that meet
