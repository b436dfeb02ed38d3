"""Calibrated abstention: the best sentence's probability against a question-level model, on SciFact *train*.

The policy refuses when the best candidate's probability is below a threshold. Could a model of the
whole pool (the best three probabilities, how many sentences are likely, how much of the best
sentence's study covers the question, whether the first stage put that study first, the question's
length) tell questions with evidence from those without better? Every training claim's sentence
probabilities come out of fold (the shipped design, ``rag.eval.train_selector.out_of_fold``; with
``--pubmedqa``, learning from PubMedQA's questions and their withheld twins too, as the shipped
selector does); the question-level logistic regression learns from SciFact's claims, cross-validated
over the same document-grouped folds. Reported: ROC AUC for "has evidence" (with a paired bootstrap
of the difference over claims), and the most claims without evidence refused while at most 10 % of
those with evidence are. No test split is touched.

    python -m benchmarks.abstention_model --data ../shared/data/scifact --pubmedqa ../shared/data/pubmedqa
"""

from __future__ import annotations

import sys

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks.selector_designs import SEED, arguments, training_examples
from rag.answer.select.features import SCALAR_FEATURES
from rag.eval.train_selector import MAX_REFUSAL_WITH_EVIDENCE, grouped_folds, out_of_fold

COLUMN = {name: i for i, name in enumerate(SCALAR_FEATURES)}
RESAMPLES = 1000


def _logit(v: float) -> float:
    v = min(max(v, 1e-6), 1 - 1e-6)
    return float(np.log(v / (1 - v)))


def question_features(e, p: np.ndarray) -> list[float]:  # type: ignore[no-untyped-def]
    """What the whole pool says about a question (see module docstring)."""
    ranked = np.sort(p)[::-1]
    top = [float(ranked[k]) if len(ranked) > k else 0.0 for k in range(3)]
    best = int(np.argmax(p))
    doc = e.documents[best]
    in_doc = sorted((float(p[i]) for i, d in enumerate(e.documents) if d == doc), reverse=True)
    f = e.features
    return [
        *(_logit(v) for v in top),
        top[0] - top[1],
        float((p > 0.1).sum()),
        float((p > 0.3).sum()),
        float(np.log1p(len(p))),
        sum(in_doc[:3]),
        *(float(f[best, COLUMN[c]]) for c in ("cosine", "overlap_rare", "document_overlap_rare")),
        float(f[:, COLUMN["cosine"]].max()),
        float(f[:, COLUMN["document_overlap_rare"]].max()),
        float(e.first_stage[:1] == [doc]),
        float(len(e.claim.split())),
    ]


def operating_point(score: np.ndarray, has_evidence: np.ndarray) -> tuple[float, float, float]:
    """(threshold, refused without evidence, refused with) refusing the most claims without evidence
    while refusing at most ``MAX_REFUSAL_WITH_EVIDENCE`` of those with."""
    best = (0.0, 0.0, 0.0)
    for t in np.unique(score):
        with_ = float(np.mean(score[has_evidence] < t))
        without = float(np.mean(score[~has_evidence] < t))
        if with_ <= MAX_REFUSAL_WITH_EVIDENCE and without > best[1]:
            best = (float(t), without, with_)
    return best


def pubmedqa_training(engine, source, index_cache):  # type: ignore[no-untyped-def]
    """PubMedQA's evidence training set as ``rag train selector --pubmedqa`` builds it: an engine over
    its abstracts (same embedder and first stage as ``engine``), the dataset, its questions followed by
    their withheld twins, and its sentences."""
    from rag.chunking import ChunkingParams
    from rag.engine import Engine
    from rag.eval.cache import cached_index
    from rag.eval.pubmedqa import evidence_training_set

    pqa, rationales, sentences = evidence_training_set(source, index_cache / "pubmedqa-evidence")
    chunking = ChunkingParams(**engine.index.manifest.chunking)
    path, _ = cached_index(pqa.corpus, index_cache, engine.embedder, chunking)
    return Engine(path, engine.options, embedder=engine.embedder), pqa, rationales, sentences


def pubmedqa_examples(engine, source, index_cache):  # type: ignore[no-untyped-def]
    """PubMedQA's training questions and their withheld twins, as ``rag train selector --pubmedqa``
    collects them (same embedder and first stage as ``engine``)."""
    from rag.eval.examples import collect

    pubmed, pqa, rationales, sentences = pubmedqa_training(engine, source, index_cache)
    return collect(pubmed, rationales, sentences, pqa.qrels)


def auc_difference(y: np.ndarray, a: np.ndarray, b: np.ndarray) -> tuple[float, float, float]:
    """AUC(a) − AUC(b) over the same claims, with a 95 % percentile interval of a paired bootstrap."""
    from sklearn.metrics import roc_auc_score

    rng = np.random.default_rng(SEED)
    diffs = []
    for _ in range(RESAMPLES):
        i = rng.integers(0, len(y), len(y))
        if y[i].all() or not y[i].any():
            continue
        diffs.append(roc_auc_score(y[i], a[i]) - roc_auc_score(y[i], b[i]))
    low, high = np.percentile(diffs, [2.5, 97.5])
    return float(roc_auc_score(y, a) - roc_auc_score(y, b)), float(low), float(high)


def main() -> None:
    args = arguments(__doc__, "runs/abstention-model", pubmedqa=True)
    from sklearn.linear_model import LogisticRegression
    from sklearn.metrics import roc_auc_score
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    engine, examples, design = training_examples(args.data, args.index_cache)
    extra = pubmedqa_examples(engine, args.pubmedqa, args.index_cache) if args.pubmedqa else []
    probs = out_of_fold([*examples, *extra], design)[: len(examples)]
    keep = [i for i, p in enumerate(probs) if len(p)]  # a claim without candidates is refused either way
    x = np.array([question_features(examples[i], probs[i]) for i in keep])
    y = np.array([bool(examples[i].gold) for i in keep])
    position = {i: n for n, i in enumerate(keep)}
    model_score = np.zeros(len(keep))
    for held in grouped_folds(examples):
        test = [position[int(i)] for i in held if int(i) in position]
        train = sorted(set(range(len(keep))) - set(test))
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=2000)).fit(x[train], y[train])
        model_score[test] = model.predict_proba(x[test])[:, 1]
    best = np.array([float(probs[i].max()) for i in keep])
    rows = []
    for name, score in (
        ("best sentence's probability (shipped)", best),
        ("logistic regression over the pool (question level)", model_score),
    ):
        _, without, with_ = operating_point(score, y)
        rows.append([name, f"{roc_auc_score(y, score):.3f}", f"{without:.3f}", f"{with_:.3f}"])
        print(rows[-1], file=sys.stderr)
    table = markdown_table(
        ["abstention score", "ROC AUC (has evidence)", "refused without evidence", "refused with evidence"],
        rows,
    )
    difference, low, high = auc_difference(y, model_score, best)
    learned = (
        f"with {len(extra)} PubMedQA questions and twins, as shipped"
        if extra
        else "fitted on SciFact alone, without the PubMedQA questions the shipped selector also learns from"
    )
    notes = (
        f"{len(keep)} SciFact train claims with candidates ({int(y.sum())} with evidence); sentence "
        f"probabilities out of fold ({design.name}, {learned}), the question-level model cross-validated "
        f"over the same 5 document-grouped folds. AUC difference (question level − best probability) "
        f"{difference:+.3f}, 95 % paired bootstrap interval {low:+.3f} to {high:+.3f}. Refusal figures: "
        "the best threshold for refusing claims without evidence while refusing at most "
        f"{MAX_REFUSAL_WITH_EVIDENCE:.0%} of those with, chosen "
        "on these same scores (an optimistic operating point for both rows alike)."
    )
    append_result("Abstention: best probability against a question-level model (SciFact train)", table, notes)


if __name__ == "__main__":
    main()
