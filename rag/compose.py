"""Extractive answer composition (no LLM).

Candidate sentences come from the top retrieved passages of the best-ranked ``max_documents``
documents. Each is scored against the question as
``(1 - l - r) * cosine(question, sentence) + l * term overlap + r / passage rank``, where term
overlap is the share of the question's stemmed content words found in the sentence
(``l = lexical_weight``, ``r = rank_weight``). Sentences are then picked greedily, best first,
skipping near-duplicates (cosine above ``DUPLICATE_COSINE`` to one already picked) and anything
scoring more than ``margin`` below the best, up to ``max_sentences``; if that leaves fewer than
``MIN_SENTENCES``, the next best sentences whose own cosine passes ``min_cosine`` fill up. Each
sentence keeps its citation; references are numbered by first appearance. Defaults were tuned on
the SciFact *train* rationales (``rag eval evidence --split train``); the test split is only reported.

When the best sentence's cosine is below ``min_cosine`` the evidence is judged insufficient: the
answer says so and lists the closest sources. The threshold is calibrated on data by
``benchmarks/calibrate_threshold.py`` (see README, "Answers").
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.embed import Embedder
from rag.references import make_reference
from rag.terms import content_terms
from rag.types import Answer, Citation, Hit, Reference

DISCLAIMER = (
    "For health professionals, for educational and reference use only. This summary is assembled "
    "automatically from passages of the indexed literature; it is not medical advice and does not "
    "replace clinical judgment. Verify every statement against the cited primary sources."
)
INSUFFICIENT = "The indexed literature does not contain enough evidence to answer this question."
MIN_COSINE = 0.55
LEXICAL_WEIGHT = 0.1
RANK_WEIGHT = 0.2
MAX_DOCUMENTS = 3
DUPLICATE_COSINE = 0.9
MARGIN = 0.15
MAX_SENTENCES = 4
MIN_SENTENCES = 3
TOP_PASSAGES = 8
MIN_WORDS = 5
MAX_WORDS = 80


@dataclass(frozen=True, slots=True)
class Candidate:
    hit: Hit
    index: int  # sentence number within the passage
    start: int
    end: int

    @property
    def text(self) -> str:
        return self.hit.text[self.start : self.end]


def quotable(text: str) -> bool:
    """A whole prose sentence: not a fragment (lower-case start), not a list of keywords or numbers
    (few digits, few commas/quotes/semicolons per word)."""
    if text[:1].islower():
        return False
    words = len(text.split())
    digits = sum(c.isdigit() for c in text)
    separators = sum(text.count(c) for c in ',;“”"')
    return digits <= 0.3 * len(text) and separators <= 0.3 * words


def candidates(
    hits: Sequence[Hit], *, top_passages: int = TOP_PASSAGES, max_documents: int = MAX_DOCUMENTS
) -> list[Candidate]:
    """Sentences worth quoting (5–80 words, not mostly numbers) of the top passages, from at most
    ``max_documents`` documents (the best-ranked ones)."""
    out = []
    documents: list[str] = []
    for hit in hits[:top_passages]:
        if hit.doc_id not in documents:
            if len(documents) >= max_documents:
                continue
            documents.append(hit.doc_id)
        for i, (start, end) in enumerate(hit.sentences or ((0, len(hit.text)),)):
            text = hit.text[start:end]
            if not MIN_WORDS <= len(text.split()) <= MAX_WORDS:
                continue
            if not quotable(text):
                continue
            out.append(Candidate(hit=hit, index=i, start=start, end=end))
    return out


def compose(
    question: str,
    hits: Sequence[Hit],
    embedder: Embedder,
    *,
    max_sentences: int = MAX_SENTENCES,
    min_cosine: float = MIN_COSINE,
    top_passages: int = TOP_PASSAGES,
    max_documents: int = MAX_DOCUMENTS,
    lexical_weight: float = LEXICAL_WEIGHT,
    rank_weight: float = RANK_WEIGHT,
    margin: float = MARGIN,
    mode: str = "hybrid",
    exclude: frozenset[str] = frozenset(),
    sentence_vectors: Mapping[str, np.ndarray] | None = None,
) -> Answer:
    """Build an ``Answer`` from retrieved ``hits`` (see module docstring).

    Sentences in ``exclude`` (quoted in earlier turns of a conversation) are left out while others remain.
    """
    pool = candidates(hits, top_passages=top_passages, max_documents=max_documents)
    fresh = [c for c in pool if c.text not in exclude]
    pool = fresh or pool
    if not pool:
        return _answer(question, [], insufficient=True, mode=mode, top=None)
    vectors = _vectors(question, pool, embedder, sentence_vectors or {})
    cosines = vectors[1:] @ vectors[0]
    q_terms = content_terms(question)
    overlap = np.array(
        [len(q_terms & content_terms(c.text)) / len(q_terms) if q_terms else 0.0 for c in pool]
    )
    prior = np.array([1.0 / c.hit.rank for c in pool])
    scores = (1 - lexical_weight - rank_weight) * cosines + lexical_weight * overlap + rank_weight * prior
    order = np.argsort(-scores, kind="stable")
    best = int(order[0])
    if float(cosines[best]) < min_cosine:
        closest = _closest_per_document(pool, order, limit=3)
        return _answer(
            question,
            [(pool[i], float(scores[i])) for i in closest],
            insufficient=True,
            mode=mode,
            top=float(cosines[best]),
        )
    chosen: list[int] = []
    for i in order:
        if len(chosen) >= max_sentences:
            break
        close_to_best = scores[i] >= scores[best] - margin
        # below the margin, still fill up to MIN_SENTENCES with sentences that are on topic themselves
        if not close_to_best and (len(chosen) >= MIN_SENTENCES or cosines[i] < min_cosine):
            continue
        if any(float(vectors[1 + i] @ vectors[1 + j]) > DUPLICATE_COSINE for j in chosen):
            continue
        chosen.append(int(i))
    return _answer(
        question,
        [(pool[i], float(scores[i])) for i in chosen],
        insufficient=False,
        mode=mode,
        top=float(cosines[best]),
    )


def _vectors(
    question: str, pool: list[Candidate], embedder: Embedder, stored: Mapping[str, np.ndarray]
) -> np.ndarray:
    """Question vector, then one vector per candidate: stored at ingest when every candidate has one,
    else embedded now."""
    rows = [stored.get(c.hit.passage_id) for c in pool]
    if all(r is not None and c.index < len(r) for r, c in zip(rows, pool, strict=True)):
        picked = np.vstack([r[c.index] for r, c in zip(rows, pool, strict=True) if r is not None])
        picked /= np.maximum(np.linalg.norm(picked, axis=1, keepdims=True), 1e-12)  # undo float16 rounding
        return np.vstack([embedder.embed([question]), picked])
    return embedder.embed([question] + [c.text for c in pool])


def _closest_per_document(pool: list[Candidate], order: np.ndarray, *, limit: int) -> list[int]:
    seen: set[str] = set()
    picked = []
    for i in order:
        doc = pool[int(i)].hit.doc_id
        if doc not in seen:
            seen.add(doc)
            picked.append(int(i))
        if len(picked) == limit:
            break
    return picked


def _answer(
    question: str, chosen: list[tuple[Candidate, float]], *, insufficient: bool, mode: str, top: float | None
) -> Answer:
    numbers: dict[str, int] = {}
    references: list[Reference] = []
    citations: list[Citation] = []
    statements: list[str] = []
    for cand, score in chosen:
        hit = cand.hit
        if hit.doc_id not in numbers:
            numbers[hit.doc_id] = len(numbers) + 1
            references.append(
                make_reference(
                    numbers[hit.doc_id],
                    doc_id=hit.doc_id,
                    title=hit.title,
                    journal=hit.journal,
                    year=hit.year,
                    pmid=hit.pmid,
                    doi=hit.doi,
                    evidence_level=hit.evidence_level,
                )
            )
        n = numbers[hit.doc_id]
        page = hit.sentence_pages[cand.index] if cand.index < len(hit.sentence_pages) else hit.page_start
        citations.append(
            Citation(
                n=n,
                doc_id=hit.doc_id,
                passage_id=hit.passage_id,
                page=page,
                quote=cand.text,
                score=round(score, 4),
            )
        )
        statements.append(cite_sentence(cand.text, [n]))
    if insufficient:
        marks = "".join(f"[{n}]" for n in numbers.values())
        tail = (
            f" The closest passages found are {marks}; none of them addresses the question directly."
            if marks
            else " No related passage was found."
        )
        text = INSUFFICIENT + tail
    else:
        text = " ".join(statements)
    return Answer(
        question=question,
        answer=text,
        citations=citations,
        references=references,
        insufficient_evidence=insufficient,
        disclaimer=DISCLAIMER,
        mode=mode,
        top_score=None if top is None else round(top, 4),
    )


def cite_sentence(sentence: str, numbers: Sequence[int]) -> str:
    """``"Finding."`` + [1, 2] → ``"Finding [1][2]."`` (the marker goes before the final stop)."""
    marks = "".join(f"[{n}]" for n in numbers)
    text = sentence.rstrip()
    if text and text[-1] in ".!?":
        return f"{text[:-1]} {marks}{text[-1]}"
    return f"{text} {marks}."
