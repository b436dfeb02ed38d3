"""Candidate sentences for an answer: whole prose sentences of the top retrieved passages.

A candidate is a span of a hit's text, so what is quoted is always verbatim. Section headings that
open a sentence ("BACKGROUND:", "AIM:") or are glued after its stop ("… glioma.STUDY DESIGN/") are
left out of the span. Footers, licence lines, e-mail addresses, author-contribution or
competing-interest statements, back matter (funding, acknowledgements, data availability, web
addresses) and short lines without a sentence's end (headings, fragments) are not evidence.
"""

from __future__ import annotations

import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.config import ANSWER_PASSAGES
from rag.embed.embedder import Embedder
from rag.types import Hit

MIN_WORDS = 5
MAX_WORDS = 80
HEADING_WORDS = 10  # a shorter line without a sentence's end is a heading or a fragment, not a finding
MAX_DOCUMENTS = 10  # documents whose sentences the selector scores

# "BACKGROUND:", "AIM:", "Conclusions:", "MATERIALS AND METHODS" at the start of a sentence
HEADING = re.compile(
    r"^(?:(?:[A-Z][A-Z ,&/-]{2,40}|[A-Z][a-z]+(?: (?:and|of|&) [A-Z]?[a-z]+)?)\s*[:.]\s+|"
    r"(?:BACKGROUND|INTRODUCTION|OBJECTIVES?|AIMS?|PURPOSE|METHODS?|RESULTS?|CONCLUSIONS?|FINDINGS|"
    r"DESIGN|SETTING|CONTEXT|INTERPRETATION|DISCUSSION)\s+(?=[A-Z]))"
)
_HEADING_WORDS = frozenset(
    """background introduction objective objectives aim aims purpose method methods results result
    conclusion conclusions findings design setting context interpretation discussion summary
    importance rationale hypothesis materials participants patients interventions measurements
    outcomes main significance case presentation report study selection data sources extraction
    synthesis limitations and of &""".split()  # noqa: SIM905
)
NOT_EVIDENCE = re.compile(
    r"@|\bcreative commons\b|\blicen[cs]ee\b|\bopen access\b|\bcompeting interests?\b|"
    r"\bconflicts? of interest\b|\bauthors?'? contributions?\b|\bcontributed equally\b|"
    r"\b(?:read|and) approved the final manuscript\b|\bcorrespondence\b|\bfunding\b.*\bgrant\b|"
    r"\bcited by\b|\bdoi: ?10\.|\bretrieved from\b|\ball rights reserved\b|\bcopyright\b|©|"
    r"\b(?:received|accepted|published|revised)(?: online)?: ?\d",
    re.IGNORECASE,
)
# a sentence's end: a full stop, question or exclamation mark, then closing brackets or quotes and a
# reference number glued to it ("… risk.15")
SENTENCE_END = re.compile(r"[.?!][)\]\"'”’]*(?:\d+(?:[,–-]\d+)*)?\s*$")
# A full text's back matter, whatever its heading (PDFs have none the reader keeps): funding,
# acknowledgements, data and code availability, authors' contributions, and sentences that point at a
# web address
BACK_MATTER = re.compile(
    r"https?:|\bwww\.|^this (?:work|research|study|project)\b[^.]{0,30}\b(?:funded|sponsored) by\b|"
    r"\b(?:(?:funded|supported|sponsored) by|funding (?:by|from))\b[^.]*\b(?:grants?|awards?|foundation|"
    r"fellowships?|council|institutes? of|programme|trust|ministry|NIH|NSF|and others)\b|"
    r"\bgrants? (?:no\b|number|[A-Z0-9]*\d)|"
    r"^(?:we|the authors?) (?:would (?:also )?like to )?(?:thank|acknowledge)\b|\bare grateful to\b|"
    r"\backnowledges? (?:support|funding)\b|\bdata availability\b|\baccession (?:numbers?|codes?)\b|"
    # authors' contributions without their heading: "JBK - Study design, data analysis, manuscript writing"
    r"^(?-i:(?:[A-Z]\.?){2,4})\s*[-–—]\s*(?:study|data|manuscript|concept\w*|design|analysis|writing|drafting|"
    r"editing|statistic\w*|supervision|acquisition|interpretation)\b|"
    r"\b(?:wrote|drafted) the (?:manuscript|paper|article|first draft)\b|"
    r"\bmanuscript (?:writing|preparation|drafting|editing)\b|"
    r"\b(?:data|reads|sequences|files?|datasets?|code|scripts?|scores)\b[^.]*\bdeposited (?:in|at|to|on)\b|"
    r"\bsupplementa(?:ry|l) (?:material|information|data|files?)\b[^.]*\b(?:available|found|downloaded)\b",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Candidate:
    """One quotable sentence: the ``index``-th sentence of ``hit``, at ``hit.text[start:end]``."""

    hit: Hit
    index: int  # sentence number within the passage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]

    @property
    def page(self) -> int | None:
        pages = self.hit.passage.sentence_pages
        page = pages[self.index] if self.index < len(pages) else None
        return page if page is not None else self.hit.passage.page_start


def heading_length(text: str) -> int:
    """Characters of a section heading opening ``text`` ("BACKGROUND: …" → 12), else 0."""
    match = HEADING.match(text)
    if not match:
        return 0
    words = re.findall(r"[A-Za-z&]+", match.group(0))
    if not words or any(w.lower() not in _HEADING_WORDS for w in words):
        return 0
    return match.end()


# a heading glued after the sentence's stop, as PubMedQA's contexts end: "… glioma.STUDY DESIGN/"
TRAILING_HEADING = re.compile(r"(?<=[.?!])[A-Z][A-Z][A-Z &/,-]{0,40}[:/-]?\s*$")


def trailing_heading_length(text: str) -> int:
    """Characters of a capitalised heading glued after the final stop of ``text``, else 0."""
    match = TRAILING_HEADING.search(text)
    return len(text) - match.start() if match else 0


def quotable(text: str) -> bool:
    """A whole prose sentence: not a fragment (lower-case start, or a short line without a sentence's
    end, like a heading), not a list of keywords or numbers (few digits, few commas/quotes/semicolons
    per word), not a footer, declaration or back matter."""
    if text[:1].islower():
        return False
    if NOT_EVIDENCE.search(text) or BACK_MATTER.search(text):
        return False
    words = len(text.split())
    if words <= HEADING_WORDS and not SENTENCE_END.search(text):
        return False
    digits = sum(c.isdigit() for c in text)
    separators = sum(text.count(c) for c in ',;“”"')
    return digits <= 0.3 * len(text) and separators <= 0.3 * words


def candidates(
    hits: Sequence[Hit], *, top_passages: int = ANSWER_PASSAGES, max_documents: int = MAX_DOCUMENTS
) -> list[Candidate]:
    """Quotable sentences (5–80 words) of the top passages, from at most ``max_documents`` documents
    (the best-ranked ones); a sentence repeated by overlapping passages is kept once."""
    out = []
    documents: list[str] = []
    seen: set[tuple[str, int]] = set()
    for hit in hits[:top_passages]:
        if hit.doc_id not in documents:
            if len(documents) >= max_documents:
                continue
            documents.append(hit.doc_id)
        for i, (start, end) in enumerate(hit.passage.sentences or ((0, len(hit.text)),)):
            start += heading_length(hit.text[start:end])
            end -= trailing_heading_length(hit.text[start:end])
            text = hit.text[start:end]
            key = (hit.doc_id, hit.passage.char_start + start)
            if key in seen or not MIN_WORDS <= len(text.split()) <= MAX_WORDS or not quotable(text):
                continue
            seen.add(key)
            out.append(Candidate(hit=hit, index=i, start=start, end=end))
    return out


@dataclass(frozen=True)
class EvidencePool:
    """Everything the selector sees for one question."""

    hits: list[Hit]
    candidates: list[Candidate]
    question_vector: np.ndarray  # unit length
    vectors: np.ndarray  # (len(candidates), dim) unit-length sentence vectors


def evidence_pool(
    question: str,
    hits: Sequence[Hit],
    embedder: Embedder,
    stored: Mapping[str, np.ndarray],
    *,
    max_documents: int = MAX_DOCUMENTS,
) -> EvidencePool:
    """Candidates of ``hits`` with vectors: stored at ingest when every candidate has one, else
    embedded now (one batch with the question)."""
    pool = candidates(hits, max_documents=max_documents)
    rows = [stored.get(c.hit.passage_id) for c in pool]
    if all(r is not None and c.index < len(r) for r, c in zip(rows, pool, strict=True)):
        qvec = embedder.embed([question])[0]
        if pool:
            vectors = np.vstack([r[c.index] for r, c in zip(rows, pool, strict=True) if r is not None])
            vectors /= np.maximum(np.linalg.norm(vectors, axis=1, keepdims=True), 1e-12)  # float16 rounding
        else:
            vectors = np.zeros((0, len(qvec)), dtype=np.float32)
    else:
        both = embedder.embed([question] + [c.text for c in pool])
        qvec, vectors = both[0], both[1:]
    return EvidencePool(
        list(hits), pool, np.asarray(qvec, dtype=np.float32), np.asarray(vectors, dtype=np.float32)
    )
