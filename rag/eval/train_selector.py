"""``rag train selector``: fit the evidence selector on a training split, reproducibly.

1. Examples come from the service's own retrieval over the dataset (``rag.eval.examples``).
2. Each model design is scored by 5-fold cross-validation over the training claims (claims that
   share a document stay in one fold): the policy (``rag.answer.select.policy``) is tuned on the
   out-of-fold probabilities, so the reported F1 is what the whole answer path achieves on claims
   the model did not see. The best design is refitted on all training claims; its policy and
   document-rerank weight come from the out-of-fold predictions. The designs and their fitting are
   in ``rag.eval.designs``.
3. Training is deterministic: fixed seed; MLPs on one thread with full-batch Adam, trees without
   early stopping.
"""

from __future__ import annotations

import time
from collections.abc import Sequence
from dataclasses import dataclass
from typing import Any

import numpy as np

from rag.answer.compose import CLOSEST
from rag.answer.select.features import feature_names
from rag.answer.select.model import FORMAT, FORMAT_VERSION, model_probabilities
from rag.answer.select.policy import Policy, choose
from rag.answer.select.rerank import closest_documents, rerank_documents
from rag.answer.select.trees import TreeEnsemble
from rag.config import EngineOptions
from rag.eval.designs import DESIGNS, SEED, Design, columns, fit
from rag.eval.evidence import quality_figures, refusal_figures
from rag.eval.examples import ClaimExamples, labelled_rows

FOLDS = 5
# the abstention the product promises: refuse at most 10 % of questions the corpus answers and at least
# half of those it cannot (issue 10's targets); the policy is tuned for both before sentence F1
MAX_REFUSAL_WITH_EVIDENCE = 0.10
MIN_REFUSAL_WITHOUT_EVIDENCE = 0.50


def training_options(settings: EngineOptions) -> EngineOptions:
    """The configured first stage (mode, fusion and weights, answer passages), which the selector's
    features depend on, with the caches off: every claim is asked once."""
    return settings.model_copy(update={"query_cache": 0, "answer_cache": 0})


def folds(n: int, k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    order = np.random.default_rng(seed).permutation(n)
    return [order[i::k] for i in range(k)]


def grouped_folds(examples: Sequence[ClaimExamples], k: int = FOLDS, seed: int = SEED) -> list[np.ndarray]:
    """Folds in which claims that share a relevant document stay together.

    SciFact writes several claims from one citing sentence (often a claim and its negation, with the
    same rationale); folds by claim would test on documents the model has seen, which flatters it.
    """
    parent = list(range(len(examples)))

    def root(i: int) -> int:
        while parent[i] != i:
            parent[i] = parent[parent[i]]
            i = parent[i]
        return i

    first: dict[str, int] = {}
    for i, e in enumerate(examples):
        for doc in sorted(e.relevant | {d for d, _ in e.gold}):
            if doc in first:
                parent[root(i)] = root(first[doc])
            else:
                first[doc] = i
    groups: dict[int, list[int]] = {}
    for i in range(len(examples)):
        groups.setdefault(root(i), []).append(i)
    order = np.random.default_rng(seed).permutation(len(groups))
    keys = sorted(groups)
    out: list[list[int]] = [[] for _ in range(k)]
    for n, g in enumerate(order):
        out[n % k].extend(groups[keys[int(g)]])
    return [np.array(sorted(f), dtype=int) for f in out]


def out_of_fold(examples: Sequence[ClaimExamples], design: Design) -> list[np.ndarray]:
    """Each claim's probabilities from a model that did not see it."""
    cols = columns(design, examples[0].features.shape[1])
    probs: list[np.ndarray] = [np.zeros(0)] * len(examples)
    for held in grouped_folds(examples):
        held_set = set(held.tolist())
        model = fit(*labelled_rows((e for i, e in enumerate(examples) if i not in held_set), cols), design)
        trees = TreeEnsemble(model["trees"]) if "trees" in model else None  # converted once per fold
        for i in held:
            e = examples[int(i)]
            usable = len(e.labels)
            probs[int(i)] = model_probabilities(model, e.features[:, cols], trees) if usable else np.zeros(0)
    return probs


def evidence_metrics(
    examples: Sequence[ClaimExamples],
    probs: Sequence[np.ndarray],
    policy: Policy,
    *,
    dedup: bool = False,
) -> dict[str, float]:
    """Sentence P/R/F1, document citation precision and refusal rates of ``policy``: the counts of
    ``rag eval evidence``, turned into figures by its ``quality_figures`` and ``refusal_figures``."""
    tp = n_pred = n_gold = cited = cited_relevant = 0
    with_ev = refused = without = answered = 0
    for e, p in zip(examples, probs, strict=True):
        chosen = choose(p, e.documents, e.vectors if dedup else None, policy)
        pred = set().union(*(e.covers[i] for i in chosen)) if chosen else set()
        tp += len(pred & e.gold)
        n_pred += len(pred)
        n_gold += len(e.gold)
        docs = {e.documents[i] for i in chosen}
        if not chosen and len(p):  # a refusal still lists the closest source(s), and the eval counts them
            docs = set(closest_documents(e.first_stage, e.documents, p, CLOSEST))
        cited += len(docs)
        cited_relevant += len(docs & e.relevant)
        if e.gold:
            with_ev += 1
            refused += int(not chosen)
        else:
            without += 1
            answered += int(bool(chosen))
    sums = {
        "correct": tp,
        "cited": n_pred,
        "gold": n_gold,
        "references": cited,
        "relevant_references": cited_relevant,
        "with_evidence": with_ev,
        "refused_with_evidence": refused,
        "without_evidence": without,
        "answered_without_evidence": answered,
    }
    # sentences are counted as SciFact does (a refusal predicts none), references with the closest
    # source a refusal names
    columns = {k: np.array([float(v)]) for k, v in sums.items()}
    m = {k: float(v[0]) for k, v in {**quality_figures(columns), **refusal_figures(columns)}.items()}
    answered_share = m.pop("answered_without_evidence")
    return {**m, "refusal_without_evidence": 1 - answered_share if without else 0.0}


def policy_key(m: dict[str, float]) -> tuple[float, float, float]:
    """How ``tune_policy`` ranks a policy's figures: first the excess over the refusal limit on claims
    with evidence, then the shortfall from the refusal goal on claims without (while sentence F1 is
    flat along the abstention threshold, the threshold is spent on refusing what should be refused),
    then sentence F1."""
    excess = max(0.0, m["refusal_with_evidence"] - MAX_REFUSAL_WITH_EVIDENCE)
    shortfall = max(0.0, MIN_REFUSAL_WITHOUT_EVIDENCE - m["refusal_without_evidence"])
    return (-excess, -shortfall, m["f1"])


def tune_policy(
    examples: Sequence[ClaimExamples], probs: Sequence[np.ndarray]
) -> tuple[Policy, dict[str, float]]:
    """The best policy by ``policy_key``: within the refusal limit on claims with evidence, closest
    to the refusal goal on claims without, then the best sentence F1 (where no policy keeps to the
    limit, as on tiny data: the one refusing fewest)."""
    best: tuple[tuple[float, float, float], Policy, dict[str, float]] | None = None
    for abstain in (*np.arange(0.02, 0.10, 0.01), *np.arange(0.1, 0.80, 0.05)):  # finer where it matters
        for include in np.arange(0.1, 0.9, 0.1):
            for relative in (0.3, 0.5, 0.7, 0.9):
                for max_sentences in (2, 3, 4):
                    for max_documents in (1, 2, 3):
                        policy = Policy(
                            abstain=round(float(abstain), 3),
                            include=round(float(include), 3),
                            relative=relative,
                            max_sentences=max_sentences,
                            max_documents=max_documents,
                        )
                        m = evidence_metrics(examples, probs, policy)
                        key = policy_key(m)
                        if best is None or key > best[0]:
                            best = (key, policy, m)
    assert best is not None
    return best[1], best[2]


def rerank_order(e: ClaimExamples, probs: np.ndarray, weight: float) -> list[str]:
    """Documents as ``rag.answer.select.rerank`` orders them for this claim."""
    return [d for d, _ in rerank_documents(e.first_stage, e.documents, probs, weight)]


def ndcg10(order: Sequence[str], relevant: frozenset[str]) -> float:
    dcg = sum(1 / np.log2(r + 2) for r, d in enumerate(order[:10]) if d in relevant)
    ideal = sum(1 / np.log2(r + 2) for r in range(min(len(relevant), 10)))
    return float(dcg / ideal) if ideal else 0.0


def refusal_rates(
    examples: Sequence[ClaimExamples], probs: Sequence[np.ndarray], policy: Policy
) -> dict[str, float | int]:
    """How often ``policy`` refuses the questions that have evidence and those that have none."""
    m = evidence_metrics(examples, probs, policy)
    return {
        "with_evidence": sum(1 for e in examples if e.gold),
        "without_evidence": sum(1 for e in examples if not e.gold),
        "refusal_with_evidence": round(m["refusal_with_evidence"], 4),
        "refusal_without_evidence": round(m["refusal_without_evidence"], 4),
    }


def tune_rerank(
    examples: Sequence[ClaimExamples], probs: Sequence[np.ndarray]
) -> tuple[float, dict[float, float]]:
    scores: dict[float, float] = {}
    for w in np.round(np.arange(0.0, 1.01, 0.1), 2):
        scores[float(w)] = float(
            np.mean(
                [
                    ndcg10(rerank_order(e, p, float(w)), e.relevant)
                    for e, p in zip(examples, probs, strict=True)
                ]
            )
        )
    best = max(scores, key=lambda w: (scores[w], -w))
    return best, scores


@dataclass(frozen=True)
class _Fitted:
    """One design's cross-validation: its out-of-fold probabilities (all examples), and the policy,
    figures and rerank weight chosen on them."""

    design: Design
    probabilities: list[np.ndarray]
    policy: Policy
    metrics: dict[str, float]
    rerank_weight: float
    rerank_scores: dict[float, float]


def train(
    examples: Sequence[ClaimExamples],
    *,
    extra: Sequence[ClaimExamples] = (),
    designs: Sequence[Design] = DESIGNS,
    log: Any = print,
) -> dict[str, Any]:
    """Cross-validate every design, refit the best one; returns the artifact's JSON spec.

    ``extra`` examples (e.g. PubMedQA questions) are learned from and cross-validated with the rest, but
    the policy, the rerank weight and the choice of design are judged on ``examples`` alone.
    """
    started = time.perf_counter()
    target = len(examples)
    examples = [*examples, *extra]
    comparison = []
    seconds: dict[str, float] = {}  # kept apart from the results, which must reproduce exactly
    chosen: _Fitted | None = None
    for design in designs:
        t = time.perf_counter()
        every = out_of_fold(examples, design)
        probs = every[:target]
        weight, rerank_scores = tune_rerank(examples[:target], probs)
        policy, metrics = tune_policy(examples[:target], probs)
        row = {
            "design": design.name,
            **{k: round(v, 4) for k, v in metrics.items()},
            "policy": policy.to_dict(),
        }
        seconds[design.name] = round(time.perf_counter() - t, 1)
        log(f"{design.name}: {row}")
        comparison.append(row)
        if chosen is None or metrics["f1"] > chosen.metrics["f1"]:
            chosen = _Fitted(design, every, policy, metrics, weight, rerank_scores)
    assert chosen is not None
    design, every, policy, metrics = chosen.design, chosen.probabilities, chosen.policy, chosen.metrics
    weight, rerank_scores = chosen.rerank_weight, chosen.rerank_scores
    cols = columns(design, examples[0].features.shape[1])
    x, y = labelled_rows(examples, cols)
    model = fit(x, y, design)

    names = list(feature_names(examples[0].vectors.shape[1]))
    return {
        "format": FORMAT,
        "format_version": FORMAT_VERSION,
        "kind": design.kind,
        "design": design.name,
        "features": [names[i] for i in cols],
        **model,
        "policy": policy.to_dict(),
        "rerank_weight": weight,
        "cross_validation": {
            "folds": FOLDS,
            "seed": SEED,
            "chosen": {k: round(v, 4) for k, v in metrics.items()},
            # the chosen model and policy on the extra questions (e.g. PubMedQA with and without their
            # article), out of fold too: how often it refuses questions the corpus can or cannot answer
            "extra": refusal_rates(examples[target:], every[target:], policy) if extra else None,
            "designs": comparison,
            "rerank_ndcg@10_by_weight": {str(k): round(v, 4) for k, v in rerank_scores.items()},
        },
        "training": {
            "claims": target,
            "extra_questions": len(examples) - target,
            "sentences": len(y),  # with a known label
            "positives": int(y.sum()),
            "unlabelled": int(sum(np.isnan(e.labels).sum() for e in examples)),
            "seconds": round(time.perf_counter() - started, 1),
            "cross_validation_seconds": seconds,
        },
    }
