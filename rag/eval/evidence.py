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

import numpy as np
from tqdm import tqdm

from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval.bootstrap import Columns, intervals, paired_difference


@dataclass
class EvidenceResult:
    sentence: dict[str, float]
    citation_precision: float
    answered_only: dict[str, float]  # SciFact's convention: refusals predict nothing (``figures``)
    refusal_with_evidence: float
    answered_without_evidence: float
    claims: int
    claims_with_evidence: int
    per_claim: list[dict[str, Any]] = field(default_factory=list)
    intervals: dict[str, tuple[float, float]] = field(default_factory=dict)  # 95 % bootstrap over claims


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


def claim_columns(per_claim: list[dict[str, Any]]) -> dict[str, np.ndarray]:
    """Per-claim counts of ``per_claim`` rows, the inputs of ``figures``."""
    try:
        rows = [
            tuple(r[k] for k in ("correct", "cited", "gold", "references", "relevant_references"))
            + (r["insufficient"],)
            for r in per_claim
        ]
    except KeyError as exc:
        raise InvalidInput(
            f"per-claim rows lack {exc}: the report was written by an older release; "
            "run rag eval evidence again"
        ) from None
    a = np.array(rows, dtype=np.float64).reshape(len(rows), 6)
    correct, cited, gold, references, relevant, insufficient = a.T
    has_gold = gold > 0
    answered = (insufficient == 0).astype(np.float64)
    return {
        "correct": correct,
        "cited": cited,
        "gold": gold,
        "references": references,
        "relevant_references": relevant,
        # SciFact's convention: a refusal (label NEI) predicts no rationale and cites no abstract
        "correct_answered": correct * answered,
        "cited_answered": cited * answered,
        "references_answered": references * answered,
        "relevant_references_answered": relevant * answered,
        "with_evidence": has_gold.astype(np.float64),
        "refused_with_evidence": (has_gold & (insufficient > 0)).astype(np.float64),
        "without_evidence": (~has_gold).astype(np.float64),
        "answered_without_evidence": (~has_gold & (insufficient == 0)).astype(np.float64),
    }


def _ratio(a: np.ndarray, b: np.ndarray) -> np.ndarray:
    return np.divide(a, b, out=np.zeros_like(a, dtype=np.float64), where=b > 0)


def quality_figures(sums: Columns, suffix: str = "") -> dict[str, np.ndarray]:
    """Sentence precision, recall, F1 and document citation precision from the columns named with
    ``suffix`` (``""``: every quote and reference shown; ``"_answered"``: those of answers only)."""
    precision = _ratio(sums[f"correct{suffix}"], sums[f"cited{suffix}"])
    recall = _ratio(sums[f"correct{suffix}"], sums["gold"])
    return {
        f"precision{suffix}": precision,
        f"recall{suffix}": recall,
        f"f1{suffix}": _ratio(2 * precision * recall, precision + recall),
        f"citation_precision{suffix}": _ratio(
            sums[f"relevant_references{suffix}"], sums[f"references{suffix}"]
        ),
    }


def refusal_figures(sums: Columns) -> dict[str, np.ndarray]:
    return {
        "refusal_with_evidence": _ratio(sums["refused_with_evidence"], sums["with_evidence"]),
        "answered_without_evidence": _ratio(sums["answered_without_evidence"], sums["without_evidence"]),
    }


def figures(sums: Columns) -> dict[str, np.ndarray]:
    """Micro-averaged figures from column sums (arrays: one entry per bootstrap resample).

    Two conventions: the plain figures count every quote and reference an answer shows, including
    the closest passage a refusal names (flagged as not answering); the ``_answered`` figures follow
    SciFact's evaluation (Wadden et al. 2020), where a claim labelled NEI predicts no rationale and
    no abstract, so a refusal counts nothing (the selector's training metric counts sentences so too).
    """
    return {**quality_figures(sums), **quality_figures(sums, "_answered"), **refusal_figures(sums)}


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
        per_claim.append(
            {
                "id": claim["_id"],
                "claim": claim["claim"],
                "correct": len(pred & gold),
                "cited": len(pred),
                "gold": len(gold),
                "references": len(answer.references),
                "relevant_references": sum(relevant.get(r.doc_id, 0) > 0 for r in answer.references),
                "insufficient": answer.insufficient_evidence,
            }
        )
    columns = claim_columns(per_claim)
    totals = {name: values.sum(keepdims=True) for name, values in columns.items()}
    value = {name: float(v[0]) for name, v in figures(totals).items()}
    return EvidenceResult(
        sentence={k: value[k] for k in ("precision", "recall", "f1")},
        citation_precision=value["citation_precision"],
        answered_only={
            k.removesuffix("_answered"): value[k]
            for k in ("precision_answered", "recall_answered", "f1_answered", "citation_precision_answered")
        },
        refusal_with_evidence=value["refusal_with_evidence"],
        answered_without_evidence=value["answered_without_evidence"],
        claims=len(rationales),
        claims_with_evidence=int(totals["with_evidence"][0]),
        per_claim=per_claim,
        intervals=intervals(columns, figures),
    )


def check_baseline(baseline: list[dict[str, Any]], claim_ids: list[str]) -> None:
    """``InvalidInput`` unless ``baseline`` rows hold exactly these claims, with every count."""
    theirs, ours = {str(r.get("id")) for r in baseline}, {str(c) for c in claim_ids}
    if theirs != ours:
        raise InvalidInput(
            f"the baseline holds other claims ({len(theirs - ours)} not in this run, "
            f"{len(ours - theirs)} missing): compare runs of the same dataset and split"
        )
    claim_columns(baseline)


def compare_runs(
    per_claim: list[dict[str, Any]], baseline: list[dict[str, Any]]
) -> dict[str, dict[str, float]]:
    """This run minus ``baseline`` (the ``per_claim`` rows of another ``evidence.json``) on the same
    claims: each figure's difference, 95 % interval and paired-bootstrap p-value."""
    check_baseline(baseline, [r["id"] for r in per_claim])
    ours = {str(r["id"]): r for r in per_claim}
    theirs = {str(r["id"]): r for r in baseline}
    order = sorted(ours)
    return paired_difference(
        claim_columns([ours[c] for c in order]), claim_columns([theirs[c] for c in order]), figures
    )
