"""Training and evaluation examples for evidence selection from a SciFact-style dataset.

For each claim the service's own retrieval runs (hybrid, the answer pool of ``rag.answer.select.candidates``)
and every candidate sentence gets the features the service computes and a label: 1 when it overlaps a
gold rationale sentence of the dataset (``corpus_sentences.jsonl`` indices), else 0. Sentences of
documents that are not relevant are negatives, so the model also learns which document to cite.
A claim may name sentences whose label the dataset does not know (``"unlabelled": {doc: [indices]}``,
e.g. the results of PubMedQA's own article, which may well answer its question): they get ``nan``
and training leaves them out (``labelled_rows``) instead of calling them negatives. A claim may also
name ``"withheld"`` documents, left out of its retrieval as if not indexed: asked without its own
article, a question has no evidence in the corpus, which teaches the model when to abstain.
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
    labels: np.ndarray  # (n,) 1, 0, or nan: not known (left out of training)
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


def unlabelled_sentences(claim: dict) -> frozenset[tuple[str, int]]:
    return frozenset((doc, i) for doc, indices in claim.get("unlabelled", {}).items() for i in indices)


def withheld_twin(claim: dict, documents: Iterable[str]) -> dict:
    """``claim`` asked again (id ``ID:withheld``) with ``documents`` left out of its retrieval and no
    evidence: how a question the corpus cannot answer is taught."""
    return {
        "_id": f"{claim['_id']}:withheld",
        "claim": claim["claim"],
        "evidence": {},
        "withheld": sorted(documents),
    }


def label(covers: frozenset[tuple[str, int]], gold: frozenset, unknown: frozenset) -> float:
    """1 for a gold rationale sentence, ``nan`` for one the dataset does not label, else 0."""
    if covers & gold:
        return 1.0
    return float("nan") if covers & unknown else 0.0


def labelled_rows(examples: Iterable[ClaimExamples], cols: np.ndarray) -> tuple[np.ndarray, np.ndarray]:
    """Feature rows (``cols``) and labels of every candidate whose label is known, for fitting."""
    usable = [e for e in examples if len(e.labels)]
    x = np.vstack([e.features[:, cols] for e in usable])
    y = np.concatenate([e.labels for e in usable])
    known = ~np.isnan(y)
    return x[known], y[known]


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
        found = engine.evidence_pool(claim["claim"], without=frozenset(claim.get("withheld", ())))
        pool, qvec, vectors, hits = found.candidates, found.question_vector, found.vectors, found.hits
        covers = []
        for c in pool:
            doc = c.hit.doc_id
            if doc not in offsets:
                offsets[doc] = sentence_offsets(store.document_text(doc) or "", sentences.get(doc, []))
            covers.append(_covered(c, offsets[doc]))
        gold = gold_sentences(claim)
        unknown = unlabelled_sentences(claim)
        out.append(
            ClaimExamples(
                qid=str(claim["_id"]),
                claim=claim["claim"],
                features=featurize(claim["claim"], qvec, pool, vectors),
                labels=np.array([label(cov, gold, unknown) for cov in covers], dtype=np.float32),
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
    start = c.offset
    end = start + len(c.text)
    return frozenset((c.hit.doc_id, i) for i, (s, e) in enumerate(spans) if s < end and start < e)
