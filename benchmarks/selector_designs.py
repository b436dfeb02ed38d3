"""Compare evidence-selector designs on SciFact *train* claims: feature MLP, cross-encoder, both stacked.

The training claims are split once (seeded) into A (80 %) and B (20 %), claims that share a document
on the same side. On A: the feature model of
``rag/answer/select`` is fitted, and a cross-encoder is fine-tuned from the packaged all-MiniLM-L6-v2 weights
(two epochs, (claim, sentence) pairs: every candidate of a gold document plus two other candidates of
the claim's pool, label 1 for rationale sentences). On B: each design's probabilities go through the
same policy search (tuned on B for every design alike), and the stacked design is a logistic
regression over both logits, cross-validated within B. Latency is the time to score one question's
candidates, measured side by side in this run. No test split is touched.

    python -m benchmarks.selector_designs --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import sys
import time
from pathlib import Path

import numpy as np

from benchmarks._common import append_result, markdown_table

SEED = 13


def pairs_for(examples, rng):  # type: ignore[no-untyped-def]
    texts, labels = [], []
    for e in examples:
        gold_docs = {d for d, _ in e.gold}
        idx = [i for i, d in enumerate(e.documents) if d in gold_docs]
        others = [i for i in range(len(e.documents)) if i not in set(idx)]
        idx += [int(i) for i in rng.choice(others, size=min(2, len(others)), replace=False)] if others else []
        for i in idx:
            texts.append((e.claim, e.texts[i]))
            labels.append(float(e.labels[i]))
    return texts, np.array(labels, dtype=np.float32)


def fine_tune(base: str, pairs, labels, out: Path, *, batch: int = 16, lr: float = 4e-5, epochs: int = 2):  # type: ignore[no-untyped-def]
    import torch
    from sentence_transformers import CrossEncoder

    torch.manual_seed(SEED)
    ce = CrossEncoder(base, num_labels=1, device="cpu", max_length=128)
    model, tok = ce.model, ce.tokenizer
    model.train()
    opt = torch.optim.AdamW(model.parameters(), lr=lr)
    rng = np.random.default_rng(SEED)
    order = np.concatenate([rng.permutation(len(pairs)) for _ in range(epochs)])
    steps = (len(order) + batch - 1) // batch
    sched = torch.optim.lr_scheduler.LambdaLR(
        opt, lambda s: min(1.0, (s + 1) / (0.1 * steps)) * max(0.0, 1 - s / steps)
    )
    loss_fn = torch.nn.BCEWithLogitsLoss()
    t = time.perf_counter()
    for step in range(steps):
        chunk = order[step * batch : (step + 1) * batch]
        enc = tok(
            [pairs[i][0] for i in chunk],
            [pairs[i][1] for i in chunk],
            padding=True,
            truncation=True,
            max_length=128,
            return_tensors="pt",
        )
        loss = loss_fn(model(**enc).logits[:, 0], torch.from_numpy(labels[chunk]))
        opt.zero_grad()
        loss.backward()
        opt.step()
        sched.step()
        if step % 100 == 0:
            print(
                f"  step {step}/{steps} loss {loss.item():.4f} ({time.perf_counter() - t:.0f} s)",
                file=sys.stderr,
            )
    model.eval()
    ce.save(str(out))
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--work", type=Path, default=Path("runs/selector-designs"))
    parser.add_argument("--index-cache", type=Path, default=Path("indexes/eval"))
    args = parser.parse_args()

    from rag.answer.select.model import (
        CrossEncoderSelector,
        mlp_probabilities,
        model_probabilities,
        read_feature_selector,
    )
    from rag.chunking import ChunkingParams
    from rag.config import Settings
    from rag.embed.embedder import make_embedder, resolve_model
    from rag.engine import Engine
    from rag.eval.beir import load_beir
    from rag.eval.cache import cached_index
    from rag.eval.designs import DESIGNS, columns, fit
    from rag.eval.evidence import load_rationales, load_sentences
    from rag.eval.examples import collect, labelled_rows
    from rag.eval.train_selector import grouped_folds, training_options, tune_policy, tune_rerank

    s = Settings()
    dataset = load_beir(args.data, "train")
    embedder = make_embedder(s.model, batch_size=s.embed_batch)
    chunking = ChunkingParams(chunk_words=s.chunk_words, overlap_sentences=s.overlap_sentences)
    path, _ = cached_index(dataset.corpus, args.index_cache, embedder, chunking)
    engine = Engine(path, training_options(s), embedder=embedder)
    claims = load_rationales(args.data, "train")
    examples = collect(engine, claims, load_sentences(args.data), dataset.qrels)
    held = set(grouped_folds(examples)[0].tolist())  # claims sharing a document stay on one side
    a = [e for i, e in enumerate(examples) if i not in held]
    b = [e for i, e in enumerate(examples) if i in held]
    pools = {e.qid: engine.evidence_pool(e.claim) for e in b}  # for timing the designs on real pools

    design = next(
        d
        for d in DESIGNS
        if d.name == read_feature_selector(Path("rag/answer/select/packaged")).spec["design"]
    )
    cols = columns(design, a[0].features.shape[1])
    model = fit(*labelled_rows(a, cols), design)
    feat_p = [model_probabilities(model, e.features[:, cols]) for e in b]

    args.work.mkdir(parents=True, exist_ok=True)
    ce_dir = args.work / "cross-encoder"
    pairs, labels = pairs_for(a, np.random.default_rng(SEED))
    print(
        f"fine-tuning the cross-encoder on {len(pairs)} pairs ({int(labels.sum())} positive)", file=sys.stderr
    )
    train_seconds = fine_tune(resolve_model("packaged:all-MiniLM-L6-v2"), pairs, labels, ce_dir)
    ce = CrossEncoderSelector(str(ce_dir))
    ce_p = []
    ce_ms, feat_ms = [], []
    feature_selector = read_feature_selector(Path("rag/answer/select/packaged"))
    for e in b:
        pool = pools[e.qid]
        t = time.perf_counter()
        ce_p.append(ce.score(e.claim, pool.question_vector, pool.candidates, pool.vectors))
        ce_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        feature_selector.score(e.claim, pool.question_vector, pool.candidates, pool.vectors)
        feat_ms.append((time.perf_counter() - t) * 1000)

    # stacked: logistic regression over both logits, 5-fold within B
    def logit(p: np.ndarray) -> np.ndarray:
        p = np.clip(p, 1e-6, 1 - 1e-6)
        return np.log(p / (1 - p))

    from rag.eval.designs import Design
    from rag.eval.train_selector import folds

    stack_design = Design("stack", hidden=0, products=True, weight_decay=1e-4, epochs=300)
    stacked: list[np.ndarray] = [np.zeros(0)] * len(b)
    z = [np.stack([logit(f), logit(c)], axis=1) for f, c in zip(feat_p, ce_p, strict=True)]
    for held in folds(len(b)):
        hs = set(held.tolist())
        tr = [i for i in range(len(b)) if i not in hs and len(b[i].labels)]
        m = fit(np.vstack([z[i] for i in tr]), np.concatenate([b[i].labels for i in tr]), stack_design)
        for i in held:
            stacked[int(i)] = mlp_probabilities(m, z[int(i)]) if len(b[int(i)].labels) else np.zeros(0)

    rows = []
    for name, probs, ms in (
        (f"features ({design.name})", feat_p, np.median(feat_ms)),
        ("cross-encoder (MiniLM-L6 fine-tuned, 2 epochs)", ce_p, np.median(ce_ms)),
        ("stacked (logistic over both logits)", stacked, np.median(ce_ms) + np.median(feat_ms)),
    ):
        policy, m = tune_policy(b, probs, tune_rerank(b, probs)[0])
        rows.append(
            [
                name,
                f"{m['f1']:.3f}",
                f"{m['precision']:.3f}",
                f"{m['recall']:.3f}",
                f"{m['citation_precision']:.3f}",
                f"{m['refusal_with_evidence']:.3f}",
                f"{m['refusal_without_evidence']:.3f}",
                f"{ms:.1f}",
            ]
        )
        print(name, m, policy, file=sys.stderr)
    table = markdown_table(
        [
            "design",
            "sentence F1",
            "P",
            "R",
            "citation precision",
            "refused (evidence)",
            "refused (none)",
            "scoring ms / question (median)",
        ],
        rows,
    )
    pool_sizes = [len(e.labels) for e in b]
    notes = (
        f"SciFact train claims split {len(a)} (A, fitting) / {len(b)} (B, measured); candidates per question "
        f"median {int(np.median(pool_sizes))}; cross-encoder fine-tuned on {len(pairs)} pairs in "
        f"{train_seconds:.0f} s on this CPU (torch fp32). Policies tuned on B for each design alike, so the "
        "F1 are comparable with each other, not with the cross-validated figures of the model card."
    )
    append_result("Evidence selector designs (SciFact train, A/B split)", table, notes)


if __name__ == "__main__":
    main()
