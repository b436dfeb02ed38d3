"""Six more levers for the answer path, measured on SciFact *train* against the shipped design.

Every training claim's sentence probabilities come out of fold (``rag.eval.train_selector.out_of_fold``,
the shipped design; with ``--pubmedqa`` it also learns from PubMedQA's questions and their withheld
twins, as the shipped selector does), and each lever is judged on the same document-grouped folds:

- ``contextual``: one more feature, the cosine between the question and the sentence embedded after
  its document's title ("title. sentence"), so a sentence is read in its study's context (a PubMedQA
  abstract, indexed without a title, keeps its plain cosine). Model refitted out of fold; policy and
  rerank weight retuned on its predictions, as ``rag train selector`` does.
- ``document-model``: the document rerank learned instead of mixed with one weight: a logistic
  regression over each first-stage document's position, its best three sentence probabilities, its
  sentences' best cosine and question coverage, cross-validated over the same folds (rerank nDCG@10).
- ``document-prior``: the policy orders sentences by ``(1 - b) p + b (1 - position / n)`` (where the
  first stage put the sentence's study), abstaining on ``p`` as now; policy retuned for each ``b``.
- ``scifact-twins``: every training claim with evidence also asked with its evidence documents
  withheld (every sentence a negative), as the shipped selector does with PubMedQA's questions, so
  the model sees SciFact-style claims whose corpus holds only near misses. A twin stays in its
  claim's fold; only the claims themselves are judged.
- ``maxsim``: token-level matching, ColBERT-style and without training, from the packaged MiniLM's
  token vectors: for each question token its best cosine with the sentence's tokens, then the mean,
  the minimum and the mean of the worst quarter, and the mean relative to the pool's best, as four
  more features (so "complications" can meet "risks" even where the sentence vectors do not). Served,
  it would need every candidate's token vectors per request or stored at ingest.

- ``overlap-order``: the policy orders sentences by ``(1 - b) p + b s``, where ``s`` is the share of
  the claim's words the sentence names, each weighted by its rarity in the pool (as the answer rules
  weigh what a question asks about), abstaining on ``p`` as now; policy retuned for each ``b``. Among
  a study's near-tied sentences (a PubMedQA conclusion's, all labelled evidence in training), the one
  naming what is asked comes first.
- ``missing-terms``: two more features for a question whose subject the corpus lacks ("Does aspirin
  prevent stroke?" answered from a statins study): the pool-rarest question word that the
  sentence's document lacks (its in-pool idf over the highest), and the share of the question's words
  that no candidate sentence contains.

No test split is read.

    python -m benchmarks.selector_levers --data ../shared/data/scifact --pubmedqa ../shared/data/pubmedqa
    python -m benchmarks.selector_levers --data ... --pubmedqa ... --only scifact-twins
"""

from __future__ import annotations

import math
import sys
from collections import Counter
from collections.abc import Sequence

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks.abstention_model import pubmedqa_examples
from benchmarks.selector_designs import arguments, training_examples
from rag.answer.answer_type.focus import rarity, weight_named, words_of
from rag.answer.select.features import SCALAR_FEATURES
from rag.answer.select.policy import Policy, choose
from rag.eval import train_selector
from rag.eval.examples import ClaimExamples
from rag.eval.train_selector import grouped_folds, ndcg10, out_of_fold, tune_policy, tune_rerank
from rag.text.terms import content_terms

COLUMN = {name: i for i, name in enumerate(SCALAR_FEATURES)}
PRIOR_WEIGHTS = (0.05, 0.1, 0.2)
LEVERS = (
    "contextual",
    "document-model",
    "document-prior",
    "scifact-twins",
    "maxsim",
    "missing-terms",
    "overlap-order",
)


POLICY_FIGURES = ("f1", "citation_precision", "refusal_with_evidence", "refusal_without_evidence")
HEADERS = ["lever", "CV F1", "citation precision", "refused (evidence)", "refused (none)", "rerank nDCG@10"]


def learned_from(extra: Sequence[ClaimExamples]) -> str:
    """What the out-of-fold probabilities learned from besides SciFact's claims."""
    return f"with {len(extra)} PubMedQA questions and twins, as shipped" if extra else "SciFact alone"


def policy_cells(m: dict[str, float]) -> list[str]:
    return [f"{m[k]:.3f}" for k in POLICY_FIGURES]


def figures(examples: Sequence[ClaimExamples], probs: Sequence[np.ndarray]) -> list[str]:
    """CV F1, citation precision, both refusal rates and rerank nDCG@10, tuned as ``rag train selector``."""
    weight, scores = tune_rerank(examples, probs)
    _, m = tune_policy(examples, probs)
    return [*policy_cells(m), f"{scores[weight]:.4f} (w {weight})"]


def contextual(engine, examples, extra, design) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Out-of-fold probabilities with the title-and-sentence cosine as one more scalar feature."""
    store = engine.index.store
    titles = {d: (store.document(d) or {}).get("title") or "" for e in examples for d in e.documents}
    pairs = {(d, s) for e in examples for d, s in zip(e.documents, e.texts, strict=True) if titles[d]}
    texts = sorted(f"{titles[d]}. {s}" for d, s in pairs)
    row = {t: i for i, t in enumerate(texts)}
    vectors = engine.embedder.embed(texts, progress=True)
    questions = engine.embedder.embed([e.claim for e in examples])
    added = []
    for e, q in zip(examples, questions, strict=True):
        plain = e.features[:, COLUMN["cosine"]]
        ctx = np.array(
            [
                float(vectors[row[f"{titles[d]}. {s}"]] @ q) if titles[d] else float(plain[i])
                for i, (d, s) in enumerate(zip(e.documents, e.texts, strict=True))
            ],
            dtype=np.float32,
        )
        added.append(ctx[:, None])
    for e in extra:
        added.append(e.features[:, COLUMN["cosine"], None])
    return widened_out_of_fold([*examples, *extra], added, design)


def widened_out_of_fold(every: list[ClaimExamples], added: list[np.ndarray], design) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """``out_of_fold`` with each example's features replaced by its scalar features and its ``added``
    columns (one row per candidate)."""
    saved = [e.features for e in every]
    scalar = len(SCALAR_FEATURES)
    widened = [np.hstack([e.features[:, :scalar], a]) for e, a in zip(every, added, strict=True)]
    columns = train_selector.columns
    try:
        for e, f in zip(every, widened, strict=True):
            e.features = f
        train_selector.columns = lambda design, n: np.arange(n)  # type: ignore[assignment]
        return out_of_fold(every, design)
    finally:
        train_selector.columns = columns
        for e, f in zip(every, saved, strict=True):
            e.features = f


def maxsim(every: list[ClaimExamples], design) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Out-of-fold probabilities with token-level MaxSim features (module docstring)."""
    import torch
    from sentence_transformers import SentenceTransformer

    from rag.config import PACKAGED_MODEL
    from rag.embed.embedder import resolve_model

    torch.manual_seed(13)
    model = SentenceTransformer(resolve_model(PACKAGED_MODEL), device="cpu")

    def tokens(texts: list[str]) -> dict[str, np.ndarray]:
        out = model.encode(
            texts,
            output_value="token_embeddings",
            batch_size=64,
            show_progress_bar=True,
            convert_to_numpy=False,
        )
        vectors = {}
        for text, x in zip(texts, out, strict=True):
            x = x[1:-1].float().numpy()  # without [CLS] and [SEP]
            vectors[text] = x / np.maximum(np.linalg.norm(x, axis=1, keepdims=True), 1e-9)
        return vectors

    sentences = tokens(sorted({s for e in every for s in e.texts}))
    questions = tokens(sorted({e.claim for e in every}))
    added = []
    for e in every:
        q = questions[e.claim]
        rows = []
        for s in e.texts:
            best = (q @ sentences[s].T).max(axis=1) if len(q) and len(sentences[s]) else np.zeros(1)
            rows.append([best.mean(), best.min(), np.sort(best)[: max(1, len(best) // 4)].mean()])
        f = np.array(rows, dtype=np.float32).reshape(len(e.texts), 3)
        relative = f[:, :1] - f[:, :1].max(initial=0.0) if len(f) else f[:, :1]
        added.append(np.hstack([f, relative]))
    return widened_out_of_fold(every, added, design)


def missing_terms(every: list[ClaimExamples], design) -> list[np.ndarray]:  # type: ignore[no-untyped-def]
    """Out-of-fold probabilities with the two missing-word features (module docstring)."""
    added = []
    for e in every:
        question = content_terms(e.claim)
        terms = [content_terms(t) & question for t in e.texts]
        df = Counter(w for t in terms for w in t)
        idf = {w: math.log((len(terms) + 1) / (df.get(w, 0) + 1)) + 1 for w in question}
        top = max(idf.values(), default=1.0)
        nowhere = sum(1 for w in question if not df.get(w)) / len(question) if question else 0.0
        covered: dict[str, set[str]] = {}
        for d, t in zip(e.documents, terms, strict=True):
            covered.setdefault(d, set()).update(t)
        lacks = {d: max((idf[w] for w in question - got), default=0.0) / top for d, got in covered.items()}
        f = np.array([[lacks[d], nowhere] for d in e.documents], dtype=np.float32).reshape(
            len(e.documents), 2
        )
        added.append(f)
    return widened_out_of_fold(every, added, design)


def document_rows(e: ClaimExamples, p: np.ndarray) -> np.ndarray:
    """One row per first-stage document (see the module docstring)."""
    n = max(len(e.first_stage), 1)
    by_doc: dict[str, list[int]] = {}
    for i, d in enumerate(e.documents):
        by_doc.setdefault(d, []).append(i)
    rows = []
    for r, d in enumerate(e.first_stage):
        ix = by_doc.get(d, [])
        top = sorted((float(p[i]) for i in ix), reverse=True) + [0.0, 0.0, 0.0]

        def best(name: str, ix: list[int] = ix) -> float:
            return max((float(e.features[i, COLUMN[name]]) for i in ix), default=0.0)

        rows.append(
            [1 - r / n, 1 / (r + 1), float(bool(ix)), *top[:3], best("cosine"), best("document_overlap_rare")]
        )
    return np.array(rows, dtype=float).reshape(len(e.first_stage), 8)


def document_model(examples: Sequence[ClaimExamples], probs: Sequence[np.ndarray]) -> float:
    """Rerank nDCG@10 of the learned document model, out of fold."""
    from sklearn.linear_model import LogisticRegression
    from sklearn.pipeline import make_pipeline
    from sklearn.preprocessing import StandardScaler

    x = [document_rows(e, p) for e, p in zip(examples, probs, strict=True)]
    y = [np.array([d in e.relevant for d in e.first_stage], dtype=float) for e in examples]
    scores: list[float] = [0.0] * len(examples)
    for held in grouped_folds(examples):
        held_set = set(held.tolist())
        train = [i for i in range(len(examples)) if i not in held_set and len(x[i])]
        model = make_pipeline(StandardScaler(), LogisticRegression(max_iter=3000))
        model.fit(np.vstack([x[i] for i in train]), np.concatenate([y[i] for i in train]))
        for i in (int(j) for j in held):
            s = model.predict_proba(x[i])[:, 1] if len(x[i]) else np.zeros(0)
            order = [examples[i].first_stage[j] for j in np.argsort(-s, kind="stable")]
            scores[i] = ndcg10(order, examples[i].relevant)
    return float(np.mean(scores))


def prior_policy(examples, probs, b: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Policy figures with sentences ordered by probability and first-stage position (module docstring)."""
    priors = []
    for e in examples:
        n = max(len(e.first_stage), 1)
        position = {d: r for r, d in enumerate(e.first_stage)}
        priors.append(np.array([1 - position.get(d, n) / n for d in e.documents]))
    return mixed_policy(examples, probs, priors, b)


def overlap_shares(e: ClaimExamples) -> np.ndarray:
    """Each candidate's share of the claim's words it names, each word weighted by its rarity in the
    pool (``rag.answer.answer_type.focus``, as the answer rules weigh what a question asks about)."""
    asked = words_of(e.claim)
    terms = [words_of(t) for t in e.texts]
    weight = rarity(asked, terms)
    whole = weight_named(weight, asked, asked) or 1.0
    return np.array([weight_named(weight, asked, t) / whole for t in terms])


def mixed_policy(examples, probs, extra: Sequence[np.ndarray], b: float) -> dict[str, float]:  # type: ignore[no-untyped-def]
    """Policy figures with sentences ordered by ``(1 - b) p + b x`` for each claim's ``extra`` x,
    abstaining on ``p`` as served."""
    raw: dict[int, np.ndarray] = {}
    mixed = []
    for p, x in zip(probs, extra, strict=True):
        mixed.append((1 - b) * p + b * x if len(p) else p)
        raw[id(mixed[-1])] = p

    def choose_mixed(q: np.ndarray, documents, vectors, policy: Policy) -> list[int]:  # type: ignore[no-untyped-def]
        p = raw[id(q)]
        if len(p) == 0 or float(p.max()) < policy.abstain:
            return []
        return choose(q, documents, vectors, Policy(**{**policy.to_dict(), "abstain": -1.0}))

    saved = train_selector.choose
    try:
        train_selector.choose = choose_mixed  # type: ignore[assignment]
        _, m = tune_policy(examples, mixed)
    finally:
        train_selector.choose = saved
    return m


def scifact_twins(engine, data) -> list[ClaimExamples]:  # type: ignore[no-untyped-def]
    """The training claims with evidence, asked again without their evidence documents."""
    from rag.eval.beir import load_beir
    from rag.eval.evidence import load_rationales, load_sentences
    from rag.eval.examples import collect, withheld_twin

    qrels = load_beir(data, "train").qrels
    twins = [
        withheld_twin(c, {d for d, r in qrels.get(str(c["_id"]), {}).items() if r > 0} | set(c["evidence"]))
        for c in load_rationales(data, "train")
        if c["evidence"]
    ]
    examples = collect(engine, twins, load_sentences(data), {})
    for e, twin in zip(examples, twins, strict=True):
        # keeps the twin in its claim's fold (``grouped_folds``); twins are not judged
        e.relevant = frozenset(twin["withheld"])
    return examples


def main() -> None:
    args = arguments(__doc__, "runs/selector-levers", pubmedqa=True, choices=LEVERS)
    only = args.only
    engine, examples, design = training_examples(args.data, args.index_cache)
    extra = pubmedqa_examples(engine, args.pubmedqa, args.index_cache) if args.pubmedqa else []
    n = len(examples)
    probs = out_of_fold([*examples, *extra], design)[:n]
    rows: list[list[str]] = []

    def add(row: list[str]) -> None:
        rows.append(row)
        print(row, file=sys.stderr)

    add([f"shipped ({design.name})", *figures(examples, probs)])
    if "contextual" in only:
        add(
            [
                "contextual: + title-and-sentence cosine",
                *figures(examples, contextual(engine, examples, extra, design)[:n]),
            ]
        )
    if "document-model" in only:
        add(
            [
                "document-model: learned document rerank",
                "",
                "",
                "",
                "",
                f"{document_model(examples, probs):.4f}",
            ]
        )
    for b in PRIOR_WEIGHTS if "document-prior" in only else ():
        m = prior_policy(examples, probs, b)
        add([f"document-prior: b = {b}", *policy_cells(m), ""])
    shares = [overlap_shares(e) for e in examples] if "overlap-order" in only else []
    for b in PRIOR_WEIGHTS if "overlap-order" in only else ():
        m = mixed_policy(examples, probs, shares, b)
        add([f"overlap-order: b = {b}", *policy_cells(m), ""])
    if "maxsim" in only:
        add(["maxsim: + token-level MaxSim", *figures(examples, maxsim([*examples, *extra], design)[:n])])
    if "missing-terms" in only:
        add(
            [
                "missing-terms: + two missing-word features",
                *figures(examples, missing_terms([*examples, *extra], design)[:n]),
            ]
        )
    if "scifact-twins" in only:
        twins = scifact_twins(engine, args.data)
        with_twins = out_of_fold([*examples, *extra, *twins], design)[:n]
        add([f"scifact-twins: + {len(twins)} claims with evidence withheld", *figures(examples, with_twins)])
    table = markdown_table(HEADERS, rows)
    learned = learned_from(extra)
    notes = (
        f"{n} SciFact train claims, 5 document-grouped folds; sentence probabilities out of fold "
        f"({learned}); each lever's policy (and rerank weight) tuned on its own out-of-fold predictions, "
        "as `rag train selector` does. No test split was read."
    )
    title = "Answer-path levers against the shipped selector (SciFact train, cross-validated)"
    append_result(title, table, notes)


if __name__ == "__main__":
    main()
