"""Candidate sentences for an answer: the quotable sentences of the top retrieved passages.

A candidate is a span of a hit's text, so what is quoted is always verbatim. Which sentences are
quotable, and which of their characters (headings cut), is decided by ``rag.text.quotable``; the
chunker stores it with each passage, and a passage stored without it (an older index, or older
rules) has it computed here.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass

import numpy as np

from rag.config import ANSWER_PASSAGES
from rag.embed.embedder import Embedder
from rag.text.abbreviations import definitions
from rag.text.quotable import quote_spans
from rag.types import Hit, Passage

MAX_DOCUMENTS = 10  # documents whose sentences the selector scores


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
    def offset(self) -> int:
        """Where the sentence starts in its document's full text."""
        return self.hit.passage.char_start + self.start

    @property
    def page(self) -> int | None:
        pages = self.hit.passage.sentence_pages
        page = pages[self.index] if self.index < len(pages) else None
        return page if page is not None else self.hit.passage.page_start


def quotes(passage: Passage) -> tuple[tuple[int, int] | None, ...]:
    """Each sentence's quote span in ``passage.text`` (``None``: not evidence): as stored at ingest,
    else computed now (a passage without sentence spans is one sentence)."""
    if passage.quotes is not None:
        return passage.quotes
    return quote_spans(passage.text, passage.sentences or ((0, len(passage.text)),))


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
        for i, span in enumerate(quotes(hit.passage)):
            if span is None:
                continue
            key = (hit.doc_id, hit.passage.char_start + span[0])
            if key in seen:
                continue
            seen.add(key)
            out.append(Candidate(hit=hit, index=i, start=span[0], end=span[1]))
    return out


def defined_abbreviations(pool: Sequence[Candidate]) -> dict[str, dict[str, str]]:
    """For each study of ``pool``, the abbreviations its retrieved passages define ("complete response
    (CR)"; ``rag.text.abbreviations``): a sentence that uses "CR" also names "complete response"."""
    texts: dict[str, dict[str, None]] = {}
    for c in pool:
        texts.setdefault(c.hit.doc_id, {})[c.hit.text] = None
    return {doc: definitions(" ".join(passages)) for doc, passages in texts.items()}


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
    top_passages: int = ANSWER_PASSAGES,
    max_documents: int = MAX_DOCUMENTS,
) -> EvidencePool:
    """Candidates of the top ``top_passages`` of ``hits`` (``RAG_ANSWER_PASSAGES``; a reranked list
    may hold more hits than that) with vectors: stored at ingest when every candidate has one, else
    embedded now (one batch with the question)."""
    pool = candidates(hits, top_passages=top_passages, max_documents=max_documents)
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
