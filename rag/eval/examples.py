"""Training and evaluation examples for evidence selection from a SciFact-style dataset.

For each claim the service's own retrieval runs (hybrid, the answer pool of ``rag.answer.select.candidates``)
and every candidate sentence gets the features the service computes and a label: 1 when it overlaps a
gold rationale sentence of the dataset (``corpus_sentences.jsonl`` indices), else 0. Sentences of
documents that are not relevant are negatives, so the model also learns which document to cite.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass

import numpy as np
from tqdm import tqdm

from rag.answer.select.candidates import Candidate
from rag.answer.select.features import featurize
from rag.answer.select.rerank import first_stage_documents
from rag.engine import Engine
from rag.eval.evidence import sentence_offsets


@dataclass
class ClaimExamples:
    qid: str
    claim: str
    features: np.ndarray  # (n, F)
    labels: np.ndarray  # (n,) 0/1
    documents: list[str]  # doc id per candidate
    texts: list[str]  # the candidate sentences
    vectors: np.ndarray  # (n, dim) sentence vectors
    covers: list[frozenset[tuple[str, int]]]  # dataset sentences each candidate overlaps
    gold: frozenset[tuple[str, int]]
    relevant: frozenset[str]
    first_stage: list[str]  # documents in first-stage order


def gold_sentences(claim: dict) -> frozenset[tuple[str, int]]:
    return frozenset(
        (doc, i) for doc, ev in claim["evidence"].items() for rationale in ev["sentences"] for i in rationale
    )


def collect(
    engine: Engine,
    claims: Iterable[dict],
    sentences: dict[str, list[str]],
    qrels: dict[str, dict[str, int]],
    *,
    progress: bool = True,
) -> list[ClaimExamples]:
    """Examples for every claim, through ``engine.evidence_pool`` (the path answers take)."""
    store = engine.index.store
    offsets: dict[str, list[tuple[int, int]]] = {}
    out = []
    for claim in tqdm(list(claims), desc="claims", disable=not progress):
        found = engine.evidence_pool(claim["claim"])
        pool, qvec, vectors, hits = found.candidates, found.question_vector, found.vectors, found.hits
        covers = []
        for c in pool:
            doc = c.hit.doc_id
            if doc not in offsets:
                offsets[doc] = sentence_offsets(store.document_text(doc) or "", sentences.get(doc, []))
            covers.append(_covered(c, offsets[doc]))
        gold = gold_sentences(claim)
        out.append(
            ClaimExamples(
                qid=str(claim["_id"]),
                claim=claim["claim"],
                features=featurize(claim["claim"], qvec, pool, vectors),
                labels=np.array([float(bool(cov & gold)) for cov in covers], dtype=np.float32),
                documents=[c.hit.doc_id for c in pool],
                texts=[c.text for c in pool],
                vectors=vectors,
                covers=covers,
                gold=gold,
                relevant=frozenset(d for d, r in qrels.get(str(claim["_id"]), {}).items() if r > 0),
                first_stage=first_stage_documents(hits),
            )
        )
    return out


def _covered(c: Candidate, spans: list[tuple[int, int]]) -> frozenset[tuple[str, int]]:
    start = c.hit.passage.char_start + c.start
    end = c.hit.passage.char_start + c.end
    return frozenset((c.hit.doc_id, i) for i, (s, e) in enumerate(spans) if s < end and start < e)
