"""The cascade design, cross-validated on every SciFact *train* claim: does a cross-encoder re-scoring the
feature model's best candidates make better answers than the feature model alone?

``selector_designs`` measures it on one split of 164 claims, too few to tell a gain of 0.02 F1 from
noise. Here every claim is scored by models that did not see it: in each of the 5 document-grouped
folds of ``rag train selector``, the feature model (the shipped design) is fitted and a cross-encoder
is fine-tuned (``selector_designs.fine_tune``) on the other folds, and the cross-encoder scores the
held-out fold's best ``CASCADE`` candidates. The stacker (a logistic regression over both logits) is
cross-validated over the claims too. Then the policy and the rerank weight are chosen on these
out-of-fold probabilities for both designs alike, as ``rag train selector`` chooses them, and their
figures are compared. PubMedQA questions are not used (the feature model of the model card learns
from them too, so its figures here are a little lower). No test split is touched.

    python -m benchmarks.selector_cascade --data ../shared/data/scifact
"""

from __future__ import annotations

import sys
import time

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks.selector_designs import (
    CASCADE,
    SEED,
    PairScorer,
    arguments,
    fine_tuned,
    pairs_for,
    stacked,
    training_examples,
)


def main() -> None:
    args = arguments(__doc__, "runs/selector-cascade")

    from rag.eval.train_selector import grouped_folds, out_of_fold, tune_policy, tune_rerank

    _, examples, design = training_examples(args.data, args.index_cache)
    started = time.perf_counter()
    feat_p = out_of_fold(examples, design)
    top = [np.argsort(-p, kind="stable")[:CASCADE] for p in feat_p]

    ce_top: list[np.ndarray] = [np.zeros(0, dtype=np.float32)] * len(examples)
    seconds = []
    for n, held in enumerate(grouped_folds(examples)):
        held_set = set(held.tolist())
        fold_dir = args.work / f"fold-{n}"
        rest = [e for i, e in enumerate(examples) if i not in held_set]
        pairs, labels = pairs_for(rest, np.random.default_rng(SEED))
        seconds.append(fine_tuned(pairs, labels, fold_dir, reuse=args.reuse))
        scorer = PairScorer(fold_dir)
        for i in (int(j) for j in held):
            e = examples[i]
            ce_top[i] = scorer.logits(e.claim, [e.texts[int(k)] for k in top[i]])

    cascade = stacked(examples, feat_p, ce_top, top)
    rows = []
    for name, probs in ((f"features ({design.name})", feat_p), (f"cascade: top {CASCADE}, stacked", cascade)):
        weight, rerank = tune_rerank(examples, probs)
        policy, m = tune_policy(examples, probs)
        print(name, m, policy, file=sys.stderr)
        rows.append(
            [name]
            + [f"{m[k]:.3f}" for k in ("f1", "precision", "recall", "citation_precision")]
            + [f"{m['refusal_with_evidence']:.3f}", f"{m['refusal_without_evidence']:.3f}"]
            + [f"{rerank[weight]:.4f}"]
        )
    table = markdown_table(
        [
            "design",
            "CV F1",
            "P",
            "R",
            "citation precision",
            "refused (evidence)",
            "refused (none)",
            "rerank nDCG@10",
        ],
        rows,
    )
    notes = (
        f"{len(examples)} SciFact train claims, 5 document-grouped folds; a cross-encoder per fold "
        f"fine-tuned on the other folds' pairs ({np.mean(seconds):.0f} s each on this CPU); wall time "
        f"{time.perf_counter() - started:.0f} s."
    )
    append_result("Evidence selector: cascade, cross-validated (SciFact train)", table, notes)


if __name__ == "__main__":
    main()
