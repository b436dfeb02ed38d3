"""Answer-level evaluation on SciFact-style rationales.

For each claim, the normal answer pipeline runs (retrieve → compose). Each cited quote is mapped
back to the dataset's sentence indices (``corpus_sentences.jsonl``) through its character span in
the document; a cited sentence is correct when it belongs to a gold rationale of a relevant document.
"""

from __future__ import annotations

import json
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag.engine import Engine
from rag.errors import InvalidInput


@dataclass
class EvidenceResult:
    sentence: dict[str, float]
    citation_precision: float
    refusal_with_evidence: float
    answered_without_evidence: float
    claims: int
    claims_with_evidence: int
    per_claim: list[dict[str, Any]] = field(default_factory=list)


def sentence_offsets(text: str, sentences: list[str]) -> list[tuple[int, int]]:
    """Character spans of the dataset's sentences inside the document text."""
    spans, pos = [], 0
    for sent in sentences:
        start = text.find(sent, pos)
        if start < 0:
            start = text.find(sent)
        if start < 0:
            spans.append((-1, -1))
            continue
        spans.append((start, start + len(sent)))
        pos = start + len(sent)
    return spans


def load_rationales(root: Path, split: str) -> list[dict[str, Any]]:
    path = root / f"rationales_{split}.jsonl"
    if not path.exists():
        raise InvalidInput(f"{path} not found: evidence evaluation needs SciFact-style rationales")
    return [json.loads(line) for line in path.read_text(encoding="utf-8").splitlines() if line.strip()]


def load_sentences(root: Path) -> dict[str, list[str]]:
    path = root / "corpus_sentences.jsonl"
    if not path.exists():
        raise InvalidInput(f"{path} not found: evidence evaluation needs corpus_sentences.jsonl")
    out = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        if line.strip():
            row = json.loads(line)
            out[str(row["_id"])] = row["sentences"]
    return out


def _f1(p: float, r: float) -> float:
    return 2 * p * r / (p + r) if p + r else 0.0


def evaluate_evidence(
    engine: Engine,
    rationales: list[dict[str, Any]],
    sentences: dict[str, list[str]],
    qrels: dict[str, dict[str, int]],
    *,
    progress: bool = True,
) -> EvidenceResult:
    store = engine.index.store
    offsets_cache: dict[str, list[tuple[int, int]]] = {}

    def offsets(doc_id: str) -> list[tuple[int, int]]:
        if doc_id not in offsets_cache:
            text = store.document_text(doc_id) or ""
            offsets_cache[doc_id] = sentence_offsets(text, sentences.get(doc_id, []))
        return offsets_cache[doc_id]

    tp = n_pred = n_gold = 0
    cited_docs = cited_relevant = 0
    with_ev = refused_with_ev = without_ev = answered_without_ev = 0
    per_claim = []
    for claim in tqdm(rationales, desc="claims", disable=not progress):
        answer = engine.ask(claim["claim"])
        gold = {
            (doc, i)
            for doc, ev in claim["evidence"].items()
            for rationale in ev["sentences"]
            for i in rationale
        }
        pred: set[tuple[str, int]] = set()
        passages: dict[str, int] = {}
        for c in answer.citations:
            if c.passage_id not in passages:
                passages[c.passage_id] = store.passage_start(c.passage_id)
        for c in answer.citations:
            passage_text = store.passage_text(c.passage_id)
            local = passage_text.find(c.quote)
            start = passages[c.passage_id] + local
            end = start + len(c.quote)
            for i, (s, e) in enumerate(offsets(c.doc_id)):
                if s < end and start < e:  # overlapping character spans
                    pred.add((c.doc_id, i))
        relevant = qrels.get(claim["_id"], {})
        for ref in answer.references:
            cited_docs += 1
            cited_relevant += int(relevant.get(ref.doc_id, 0) > 0)
        tp += len(pred & gold)
        n_pred += len(pred)
        n_gold += len(gold)
        if gold:
            with_ev += 1
            refused_with_ev += int(answer.insufficient_evidence)
        else:
            without_ev += 1
            answered_without_ev += int(not answer.insufficient_evidence)
        per_claim.append(
            {
                "id": claim["_id"],
                "claim": claim["claim"],
                "correct": len(pred & gold),
                "cited": len(pred),
                "gold": len(gold),
                "insufficient": answer.insufficient_evidence,
            }
        )
    precision = tp / n_pred if n_pred else 0.0
    recall = tp / n_gold if n_gold else 0.0
    return EvidenceResult(
        sentence={"precision": precision, "recall": recall, "f1": _f1(precision, recall)},
        citation_precision=cited_relevant / cited_docs if cited_docs else 0.0,
        refusal_with_evidence=refused_with_ev / with_ev if with_ev else 0.0,
        answered_without_evidence=answered_without_ev / without_ev if without_ev else 0.0,
        claims=len(rationales),
        claims_with_evidence=with_ev,
        per_claim=per_claim,
    )
