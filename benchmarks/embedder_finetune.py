"""Would a fine-tuned embedder retrieve better? Cross-validated on SciFact's training claims.

python -m benchmarks.embedder_finetune --data ../shared/data/scifact

The packaged all-MiniLM-L6-v2 is fine-tuned on (claim, relevant abstract) pairs with one BM25 hard
negative each (in-batch negatives, sentence-transformers' MultipleNegativesRankingLoss written out:
cosine × 20, cross-entropy), once per document-grouped fold, and each fold's held-out claims are
retrieved with it. Every training claim is held out once, so the four pooled runs (packaged and
fine-tuned; dense and hybrid) cover all claims and ranx compares them pairwise.

An analysis setting, not the service's pipeline: whole abstracts (title and text, 256 tokens), exact
cosine, bm25s over the same texts, reciprocal rank fusion of the top 100 of each. It measures the
gain a fine-tuned embedder could bring before anyone pays for shipping one (its weights, re-embedding
every index, and a selector whose cosine features come from embedders that never saw its claims).
No test split is read.
"""

from __future__ import annotations

import argparse
import json
import random
import sys
import time
from pathlib import Path
from types import SimpleNamespace

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks._training import run_steps
from rag.eval.beir import load_beir
from rag.eval.train_selector import grouped_folds
from rag.retrieve.fusion import rrf

SEED = 13
DEPTH = 100
SCALE = 20.0  # MultipleNegativesRankingLoss's default: cosine similarities × 20


def fine_tune(base: str, pairs: list[tuple[str, str, str]], *, epochs: int, lr: float, batch: int):  # type: ignore[no-untyped-def]
    """``base`` fine-tuned on (claim, positive, hard negative) triples; returns the model."""
    import torch
    from sentence_transformers import SentenceTransformer

    torch.manual_seed(SEED)
    model = SentenceTransformer(base, device="cpu")
    model.max_seq_length = 256
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr, weight_decay=0.01)
    rng = random.Random(SEED)
    order = [i for _ in range(epochs) for i in rng.sample(range(len(pairs)), len(pairs))]
    steps = (len(order) + batch - 1) // batch

    def encode(texts: list[str]) -> torch.Tensor:
        out = model(model.preprocess(texts))["sentence_embedding"]
        return torch.nn.functional.normalize(out, dim=-1)

    def loss_at(step: int) -> torch.Tensor:
        chunk = [pairs[i] for i in order[step * batch : (step + 1) * batch]]
        claims = encode([c for c, _, _ in chunk])
        docs = encode([p for _, p, _ in chunk] + [n for _, _, n in chunk])
        return torch.nn.functional.cross_entropy(SCALE * claims @ docs.T, torch.arange(len(chunk)))

    run_steps(opt, steps, loss_at, report_every=20)
    model.eval()
    return model


def dense_run(model, doc_ids: list[str], doc_vectors: np.ndarray, claims: dict[str, str]) -> dict:  # type: ignore[no-untyped-def]
    vectors = model.encode(list(claims.values()), normalize_embeddings=True, convert_to_numpy=True)
    run = {}
    for qid, scores in zip(claims, vectors @ doc_vectors.T, strict=True):
        top = np.argsort(-scores)[:DEPTH]
        run[qid] = {doc_ids[j]: float(scores[j]) for j in top}
    return run


def hybrid_run(dense: dict, lexical: dict) -> dict:
    run = {}
    for qid in dense:
        ranked = [sorted(r[qid], key=r[qid].get, reverse=True) for r in (lexical, dense)]
        fused = rrf(ranked)
        run[qid] = dict(sorted(fused.items(), key=lambda kv: -kv[1])[:DEPTH])
    return run


def main() -> None:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--data", type=Path, required=True, help="SciFact in BEIR layout")
    parser.add_argument("--epochs", type=int, default=3)
    parser.add_argument("--lr", type=float, default=2e-5)
    parser.add_argument("--batch", type=int, default=32)
    args = parser.parse_args()

    import bm25s
    import torch
    from ranx import Qrels, Run, compare
    from sentence_transformers import SentenceTransformer

    from rag.config import PACKAGED_MODEL
    from rag.embed.embedder import resolve_model

    torch.set_num_threads(2)
    started = time.perf_counter()
    ds = load_beir(args.data, "train")
    rows = [json.loads(line) for line in ds.corpus.read_text(encoding="utf-8").splitlines() if line.strip()]
    doc_ids = [str(r["_id"]) for r in rows]
    text = {str(r["_id"]): f"{r.get('title', '')}. {r.get('text', '')}" for r in rows}
    claims = dict(ds.queries)
    qids = sorted(claims)
    relevant = {q: sorted(d for d, g in ds.qrels[q].items() if g > 0) for q in qids}

    bm25 = bm25s.BM25()
    bm25.index(
        bm25s.tokenize([text[d] for d in doc_ids], stopwords="en", show_progress=False), show_progress=False
    )
    hits, scores = bm25.retrieve(
        bm25s.tokenize([claims[q] for q in qids], stopwords="en", show_progress=False),
        k=min(DEPTH, len(doc_ids)),
        show_progress=False,
    )
    lexical = {
        q: {doc_ids[j]: float(s) for j, s in zip(hits[n], scores[n], strict=True)} for n, q in enumerate(qids)
    }

    base = resolve_model(PACKAGED_MODEL)
    packaged = SentenceTransformer(base, device="cpu")
    packaged.max_seq_length = 256
    corpus_texts = [text[d] for d in doc_ids]
    base_vectors = packaged.encode(
        corpus_texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True
    )
    runs: dict[str, dict] = {"packaged dense": dense_run(packaged, doc_ids, base_vectors, claims)}
    runs["fine-tuned dense"] = {}

    folds = grouped_folds([SimpleNamespace(relevant=frozenset(relevant[q]), gold=set()) for q in qids])
    rng = random.Random(SEED)
    fold_rows = []
    for n, held in enumerate(folds):
        held_ids = {qids[i] for i in held}
        pairs = []
        for q in qids:
            if q in held_ids:
                continue
            negatives = [d for d in list(lexical[q])[:10] if d not in relevant[q]]
            pairs += [(claims[q], text[d], text[rng.choice(negatives)]) for d in relevant[q] if negatives]
        t = time.perf_counter()
        model = fine_tune(base, pairs, epochs=args.epochs, lr=args.lr, batch=args.batch)
        seconds = time.perf_counter() - t
        vectors = model.encode(corpus_texts, batch_size=64, normalize_embeddings=True, convert_to_numpy=True)
        runs["fine-tuned dense"].update(
            dense_run(model, doc_ids, vectors, {q: claims[q] for q in sorted(held_ids)})
        )
        fold_rows.append((n, len(held_ids), len(pairs), seconds))
        print(f"fold {n}: {len(pairs)} pairs, {seconds:.0f} s", file=sys.stderr)
    runs["packaged hybrid"] = hybrid_run(runs["packaged dense"], lexical)
    runs["fine-tuned hybrid"] = hybrid_run(runs["fine-tuned dense"], lexical)

    qrels = Qrels({q: {d: 1 for d in relevant[q]} for q in qids})
    ranx_runs = [Run(run, name=name) for name, run in runs.items()]
    metrics = ["ndcg@10", "recall@100", "mrr@10"]
    report = compare(qrels, runs=ranx_runs, metrics=metrics, max_p=0.05, stat_test="student")
    table = markdown_table(
        ["run", *metrics],
        [[name, *(f"{report.results[name][m]:.4f}" for m in metrics)] for name in runs],
    )
    folds_text = "; ".join(f"fold {n}: {h} claims held out, {p} pairs, {s:.0f} s" for n, h, p, s in fold_rows)
    notes = (
        f"{len(qids)} SciFact train claims, {len(folds)} document-grouped folds; {args.epochs} epochs, "
        f"lr {args.lr}, batch {args.batch} (+ as many hard negatives), seed {SEED}. {folds_text}. "
        f"Wall time {time.perf_counter() - started:.0f} s.\n\nPaired t-test (ranx):\n\n```\n{report}\n```"
    )
    append_result("Fine-tuned embedder, cross-validated (SciFact train, whole abstracts)", table, notes)


if __name__ == "__main__":
    main()
