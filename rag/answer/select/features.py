"""Features of a (question, candidate sentence) pair, from what the index already stores.

Everything here is cheap: the question's vector (computed once per request), the sentence vectors
stored at ingest, the words of both (and how much of the question the sentence's document covers
among the retrieved passages), where the sentence stands in its document (in a full text: within its
abstract or its body) and section, and cue words that mark findings ("significantly", "was associated
with", numbers and p-values) or background and methods ("little is known", "we aimed to", "were
randomised"; ``rag.text.cues``, found at ingest and stored with the passage). The learned selector
(``rag.answer.select.model``) turns these into a probability that the sentence is evidence for the
question.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from rag.answer.select.candidates import Candidate
from rag.text.cues import CUES, cue_bits, cue_flags
from rag.text.quotable import heading_length
from rag.text.terms import content_terms

SECTION_KINDS = ("background", "methods", "results", "conclusions")
_SECTION_WORDS = {
    "background": "background introduction objective objectives aim aims purpose purposes context "
    "rationale importance hypothesis hypotheses goal goals",
    "methods": "method methods methodology design setting settings participants patients subjects "
    "intervention interventions measurements measures measure measured materials selection sources "
    "extraction",
    "results": "results result findings outcomes observations case presentation report",
    "conclusions": "conclusion conclusions interpretation implications discussion summary significance",
}
# a label naming two kinds is the one that holds findings or, else, the one it is about:
# "METHODS AND RESULTS" holds the results, "SUMMARY OF BACKGROUND DATA" is background; outcomes are
# results ("OUTCOMES" of a case report) unless they are measures ("MAIN OUTCOMES AND MEASURES")
_PRIORITY = ("results", "background", "methods", "conclusions")
_MEASURES = re.compile(r"\boutcomes?\s+(?:and\s+)?measure", re.IGNORECASE)
_KIND_OF_WORD = {w: kind for kind, words in _SECTION_WORDS.items() for w in words.split()}

_NUMBER = re.compile(r"\d+(?:\.\d+)?")
_WH = re.compile(
    r"^\s*(?:what|which|who|when|where|why|how|is|are|does|do|did|can|could|should|was|were|has|have)\b", re.I
)

SCALAR_FEATURES: tuple[str, ...] = (
    "cosine",
    "cosine_minus_best",
    "cosine_minus_document_best",
    "cosine_rank_reciprocal",
    "overlap_question",
    "overlap_sentence",
    "overlap_rare",
    "overlap_numbers",
    "cosine_rank_in_document_reciprocal",
    "previous_cosine",
    "next_cosine",
    "previous_overlap",
    "passage_best_cosine",
    "question_form",
    "passage_rank_reciprocal",
    "document_rank_reciprocal",
    "document_best_cosine",
    "position",
    "first_sentence",
    "last_sentence",
    "section_none",
    *(f"section_{k}" for k in SECTION_KINDS),
    "log_words",
    *CUES,
    # the document's pool sentences together: does the study cover the question's words at all?
    "document_overlap_rare",
    "document_overlap_question",
    "document_overlap_rare_minus_best",
)


def feature_names(dimension: int) -> tuple[str, ...]:
    """Scalar features, then the element-wise product of question and sentence vectors."""
    return SCALAR_FEATURES + tuple(f"product_{i}" for i in range(dimension))


def section_kind(label: str | None, text: str) -> str | None:
    """``background``/``methods``/``results``/``conclusions`` from a section label or a heading that
    opens the sentence; ``None`` when neither names one."""
    for source in (label or "", text[: heading_length(text)]):
        if _MEASURES.search(source):
            return "methods"
        kinds = {_KIND_OF_WORD.get(word) for word in re.findall(r"[a-z]+", source.lower())}
        for kind in _PRIORITY:
            if kind in kinds:
                return kind
    return None


def part_of(offset: int, length: int, body_start: int | None) -> tuple[int, int]:
    """The span a sentence's position is measured in: the abstract or the body of a full text whose
    body start is known (so a finding in a PDF's abstract stands where it would in an abstract
    alone, not in its first 5 %), else the whole document. A span starting after 0 is a body."""
    if body_start is None or not 0 < body_start < length:
        return 0, length
    return (0, body_start) if offset < body_start else (body_start, length)


def featurize(
    question: str,
    question_vector: np.ndarray,
    pool: Sequence[Candidate],
    vectors: np.ndarray,
    *,
    products: bool = True,
) -> np.ndarray:
    """``(len(pool), len(feature_names(dim)))`` float32 features (only the scalar ones without
    ``products``); ``vectors`` are the candidates' unit-length sentence vectors in pool order."""
    n = len(pool)
    cos = vectors @ question_vector
    q_terms = content_terms(question)
    documents: dict[str, int] = {}
    for c in pool:
        documents.setdefault(c.hit.doc_id, len(documents) + 1)
    in_document: dict[str, list[float]] = {}
    in_passage: dict[str, list[float]] = {}
    for c, value in zip(pool, cos, strict=True):
        in_document.setdefault(c.hit.doc_id, []).append(float(value))
        in_passage.setdefault(c.hit.passage_id, []).append(float(value))
    doc_best = {doc: max(values) for doc, values in in_document.items()}
    passage_best = {pid: max(values) for pid, values in in_passage.items()}
    order = np.argsort(-cos, kind="stable")
    cos_rank = np.empty(n)
    cos_rank[order] = np.arange(1, n + 1)
    best = float(cos.max()) if n else 0.0
    position = {(c.hit.passage_id, c.index): i for i, c in enumerate(pool)}
    terms = [content_terms(c.hit.text[c.start : c.end]) for c in pool]
    overlaps = [len(q_terms & t) / max(len(q_terms), 1) for t in terms]
    # words that many candidates share (the topic) weigh less than the question's rarer words
    df = Counter(w for t in terms for w in t & q_terms)
    idf = {w: np.log((n + 1) / (df.get(w, 0) + 1)) + 1 for w in q_terms}
    # fsum: exactly rounded, so the order of these sets (the process's string hash seed) cannot
    # change the last bit of a feature, and retraining reproduces the weights in any process
    idf_total = math.fsum(idf.values()) or 1.0
    in_document_terms: dict[str, set[str]] = {}
    for c, t in zip(pool, terms, strict=True):
        in_document_terms.setdefault(c.hit.doc_id, set()).update(t & q_terms)
    doc_rare = {d: math.fsum(idf[w] for w in shared) / idf_total for d, shared in in_document_terms.items()}
    doc_plain = {d: len(shared) / max(len(q_terms), 1) for d, shared in in_document_terms.items()}
    best_doc_rare = max(doc_rare.values(), default=0.0)
    q_numbers = set(_NUMBER.findall(question))
    asks = float(question.rstrip().endswith("?") or bool(_WH.match(question)))
    rows = np.zeros((n, len(SCALAR_FEATURES)), dtype=np.float32)
    for i, c in enumerate(pool):
        text = c.hit.text[c.start : c.end]
        full = c.hit.text[c.hit.passage.sentences[c.index][0] : c.end] if c.hit.passage.sentences else text
        s_terms = terms[i]
        shared = len(q_terms & s_terms)
        before = position.get((c.hit.passage_id, c.index - 1))
        after = position.get((c.hit.passage_id, c.index + 1))
        absolute = c.offset
        length = c.hit.document.chars or (c.hit.passage.char_start + len(c.hit.text))
        start, end = part_of(absolute, length, c.hit.document.body_start)
        # a body's section labels are not the abstract's (its "Discussion" is mostly about other
        # work): there only a heading that opens the sentence names its kind
        kind = section_kind(None if start > 0 else c.hit.passage.section, full)
        values = [
            cos[i],
            cos[i] - best,
            cos[i] - doc_best[c.hit.doc_id],
            1.0 / cos_rank[i],
            shared / len(q_terms) if q_terms else 0.0,
            shared / len(s_terms) if s_terms else 0.0,
            math.fsum(idf[w] for w in q_terms & s_terms) / idf_total,
            len(q_numbers & set(_NUMBER.findall(text))) / len(q_numbers) if q_numbers else 0.0,
            1.0 / (1 + sum(v > cos[i] for v in in_document[c.hit.doc_id])),
            cos[before] if before is not None else 0.0,
            cos[after] if after is not None else 0.0,
            overlaps[before] if before is not None else 0.0,
            passage_best[c.hit.passage_id],
            asks,
            1.0 / c.hit.rank,
            1.0 / documents[c.hit.doc_id],
            doc_best[c.hit.doc_id],
            (absolute - start) / max(end - start, 1),
            float(c.hit.passage.char_start == 0 and c.index == 0),
            float(c.hit.passage.char_start + c.end >= length - 2),
            float(kind is None),
            *(float(kind == k) for k in SECTION_KINDS),
            np.log1p(len(text.split())),
            *cue_flags(c.hit.passage.cues[c.index] if c.hit.passage.cues else cue_bits(text)),
            doc_rare[c.hit.doc_id],
            doc_plain[c.hit.doc_id],
            doc_rare[c.hit.doc_id] - best_doc_rare,
        ]
        rows[i] = values
    if not products:
        return rows
    return np.hstack([rows, (vectors * question_vector[None, :]).astype(np.float32)])
