"""Compare evidence-selector designs on SciFact *train* claims: feature model, cross-encoder, stacked.

The training claims are split once (seeded) into A (80 %) and B (20 %), claims that share a document
on the same side. On A: the feature model of ``rag/answer/select`` is fitted, and a cross-encoder is
fine-tuned from the packaged all-MiniLM-L6-v2 weights (two epochs, (claim, sentence) pairs: every
candidate of a gold document plus two other candidates of the claim's pool, label 1 for rationale
sentences; a mean-pooled head, see ``fine_tune``). On B: each design's probabilities go through the
same policy search (tuned on B for every design alike). The stacked designs are a logistic regression
over both logits, cross-validated within B: over every candidate, or (the cascade) over the feature
model's best ``CASCADE`` candidates only, which is what a service could afford per question. Latency
is the time to score one question's candidates on the service's own pools, measured side by side in
this run (the cross-encoder through OpenVINO, like the embedder). No test split is touched.

    python -m benchmarks.selector_designs --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import json
import sys
import time
from collections.abc import Callable, Sequence
from pathlib import Path

import numpy as np

from benchmarks._common import append_result, markdown_table
from benchmarks._training import run_steps

SEED = 13
CASCADE = 5  # candidates the cascade design sends to the cross-encoder


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
    """Fine-tune a cross-encoder from the bi-encoder weights ``base`` and save it to ``out``.

    The head reads the *mean* of the token vectors (the pooling all-MiniLM-L6-v2 was trained with),
    through one linear layer to a logit. With the classic [CLS] head (sentence-transformers'
    ``CrossEncoder``), this model learned nothing in two tries: its [CLS] output was never trained to
    summarise the input, and the loss stayed at the base rate. The model is a sentence-transformers
    model (Transformer, mean Pooling, Dense to one output) that takes (claim, sentence) pairs, so it
    runs through the embedder's OpenVINO and ONNX backends.
    """
    import torch
    from sentence_transformers import SentenceTransformer
    from sentence_transformers.sentence_transformer.modules import Dense, Pooling, Transformer

    torch.manual_seed(SEED)
    transformer = Transformer(base, max_seq_length=128)
    dim = transformer.get_word_embedding_dimension()
    head = Dense(dim, 1, activation_function=torch.nn.Identity())
    model = SentenceTransformer(modules=[transformer, Pooling(dim, "mean"), head], device="cpu")
    model.train()
    opt = torch.optim.AdamW(
        [{"params": transformer.parameters(), "lr": lr}, {"params": head.parameters(), "lr": 1e-3}]
    )
    rng = np.random.default_rng(SEED)
    order = np.concatenate([rng.permutation(len(pairs)) for _ in range(epochs)])
    steps = (len(order) + batch - 1) // batch
    loss_fn = torch.nn.BCEWithLogitsLoss()

    def loss_at(step: int) -> torch.Tensor:
        chunk = order[step * batch : (step + 1) * batch]
        logits = model(model.preprocess([pairs[i] for i in chunk]))["sentence_embedding"][:, 0]
        return loss_fn(logits, torch.from_numpy(labels[chunk]))

    t = time.perf_counter()
    run_steps(opt, steps, loss_at, report_every=100)
    model.eval()
    model.save(str(out))
    return time.perf_counter() - t


def fine_tuned(pairs, labels, out: Path, *, reuse: bool) -> float:  # type: ignore[no-untyped-def]
    """A cross-encoder fine-tuned from the packaged weights into ``out`` (with ``reuse``, the one an
    earlier run left there, named by its ``fine_tuning.json``); the seconds its fine-tuning took."""
    from rag.config import PACKAGED_MODEL
    from rag.embed.embedder import resolve_model

    record = out / "fine_tuning.json"
    if reuse and record.is_file():
        return float(json.loads(record.read_text())["seconds"])
    print(
        f"fine-tuning a cross-encoder on {len(pairs)} pairs ({int(labels.sum())} positive)", file=sys.stderr
    )
    seconds = fine_tune(resolve_model(PACKAGED_MODEL), pairs, labels, out)
    record.write_text(json.dumps({"pairs": len(pairs), "seconds": round(seconds, 1)}))
    return seconds


class PairScorer:
    """The fine-tuned cross-encoder through the OpenVINO backend: a logit per (claim, sentence)."""

    def __init__(self, path: Path) -> None:
        from sentence_transformers import SentenceTransformer

        self.model = SentenceTransformer(str(path), backend="openvino", device="cpu")

    def logits(self, claim: str, texts: list[str]) -> np.ndarray:
        if not texts:
            return np.zeros(0, dtype=np.float32)
        out = self.model.encode([(claim, t) for t in texts], batch_size=64, show_progress_bar=False)
        return np.asarray(out, dtype=np.float32)[:, 0]


def logit(p: np.ndarray) -> np.ndarray:
    p = np.clip(p, 1e-6, 1 - 1e-6)
    return np.log(p / (1 - p))


def stacked(b, feat_p, ce_z, top):  # type: ignore[no-untyped-def]
    """A logistic regression over the feature model's and the cross-encoder's logits, 5-fold within B.
    Only the candidates in ``top[i]`` (indices) are scored by both; the others get probability 0."""
    from rag.answer.select.model import mlp_probabilities
    from rag.eval.designs import Design, fit
    from rag.eval.train_selector import folds

    design = Design("stack", "stack", hidden=0, weight_decay=1e-4, epochs=300)
    z = [np.stack([logit(f[t]), c], axis=1) for f, c, t in zip(feat_p, ce_z, top, strict=True)]
    out: list[np.ndarray] = [np.zeros(0)] * len(b)
    for held in folds(len(b)):
        hs = set(held.tolist())
        tr = [i for i in range(len(b)) if i not in hs and len(top[i])]
        m = fit(np.vstack([z[i] for i in tr]), np.concatenate([b[i].labels[top[i]] for i in tr]), design)
        for i in (int(j) for j in held):
            p = np.zeros(len(b[i].labels), dtype=np.float32)
            if len(top[i]):
                p[top[i]] = mlp_probabilities(m, z[i])
            out[i] = p
    return out


def arguments(
    doc: str,
    work: str,
    *,
    pubmedqa: bool = False,
    choices: Sequence[str] = (),
    more: Callable[[argparse.ArgumentParser], None] | None = None,
) -> argparse.Namespace:
    """Common options; ``choices``: what ``--only`` may name (a set of them; default all); ``more``
    adds a script's own options."""
    parser = argparse.ArgumentParser(description=doc.split("\n")[0])
    if choices:

        def names(text: str) -> frozenset[str]:
            picked = frozenset(c.strip() for c in text.split(",") if c.strip())
            if picked - set(choices):
                raise argparse.ArgumentTypeError(
                    f"unknown {', '.join(sorted(picked - set(choices)))}; choose from {', '.join(choices)}"
                )
            return picked

        parser.add_argument(
            "--only",
            type=names,
            default=frozenset(choices),
            help=f"comma-separated, any of {', '.join(choices)}",
        )
    parser.add_argument("--data", type=Path, required=True)
    if pubmedqa:
        parser.add_argument("--pubmedqa", type=Path, help="also learn from PubMedQA, as the shipped selector")
    parser.add_argument("--work", type=Path, default=Path(work))
    parser.add_argument("--index-cache", type=Path, default=Path("indexes/eval"))
    parser.add_argument(
        "--reuse", action="store_true", help="reuse the cross-encoders an earlier run fine-tuned in --work"
    )
    if more:
        more(parser)
    return parser.parse_args()


def training_examples(data: Path, index_cache: Path):  # type: ignore[no-untyped-def]
    """The service's engine over SciFact train, every train claim's examples, and the shipped design."""
    from rag.answer.select.model import read_feature_selector
    from rag.chunking import ChunkingParams
    from rag.config import Settings
    from rag.embed.embedder import make_embedder
    from rag.engine import Engine
    from rag.eval.beir import load_beir
    from rag.eval.cache import cached_index
    from rag.eval.designs import DESIGNS
    from rag.eval.evidence import load_rationales, load_sentences
    from rag.eval.examples import collect
    from rag.eval.train_selector import training_options

    s = Settings()
    dataset = load_beir(data, "train")
    embedder = make_embedder(s.model, batch_size=s.embed_batch)
    chunking = ChunkingParams(chunk_words=s.chunk_words, overlap_sentences=s.overlap_sentences)
    path, _ = cached_index(dataset.corpus, index_cache, embedder, chunking)
    engine = Engine(path, training_options(s), embedder=embedder)
    examples = collect(engine, load_rationales(data, "train"), load_sentences(data), dataset.qrels)
    shipped = read_feature_selector(Path("rag/answer/select/packaged")).spec["design"]
    return engine, examples, next(d for d in DESIGNS if d.name == shipped)


def main() -> None:
    args = arguments(__doc__, "runs/selector-designs")

    from rag.answer.select.model import model_probabilities, read_feature_selector
    from rag.eval.designs import columns, fit
    from rag.eval.examples import labelled_rows
    from rag.eval.train_selector import grouped_folds, tune_policy

    engine, examples, design = training_examples(args.data, args.index_cache)
    held = set(grouped_folds(examples)[0].tolist())  # claims sharing a document stay on one side
    a = [e for i, e in enumerate(examples) if i not in held]
    b = [e for i, e in enumerate(examples) if i in held]
    pools = {e.qid: engine.evidence_pool(e.claim) for e in b}  # for timing the designs on real pools

    cols = columns(design, a[0].features.shape[1])
    model = fit(*labelled_rows(a, cols), design)
    feat_p = [model_probabilities(model, e.features[:, cols]) for e in b]

    args.work.mkdir(parents=True, exist_ok=True)
    ce_dir = args.work / "cross-encoder"
    pairs, labels = pairs_for(a, np.random.default_rng(SEED))
    train_seconds = fine_tuned(pairs, labels, ce_dir, reuse=args.reuse)
    ce = PairScorer(ce_dir)
    feature_selector = read_feature_selector(Path("rag/answer/select/packaged"))
    every = [np.arange(len(e.labels)) for e in b]
    top = [np.argsort(-p, kind="stable")[:CASCADE] for p in feat_p]  # the feature model's best
    ce_all, ce_top = [], []
    all_ms, top_ms, feat_ms = [], [], []
    for e, best in zip(b, top, strict=True):  # timed side by side on the service's pools
        pool = pools[e.qid]
        texts = [c.text for c in pool.candidates]
        t = time.perf_counter()
        scored = feature_selector.score(e.claim, pool.question_vector, pool.candidates, pool.vectors)
        feat_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()
        ce.logits(e.claim, [texts[int(i)] for i in np.argsort(-scored, kind="stable")[:CASCADE]])
        top_ms.append((time.perf_counter() - t) * 1000)
        t = time.perf_counter()  # every candidate: the examples were collected from these same pools
        ce_all.append(ce.logits(e.claim, e.texts))
        all_ms.append((time.perf_counter() - t) * 1000)
        ce_top.append(ce_all[-1][best])
    ce_p = [1 / (1 + np.exp(-z)) for z in ce_all]

    rows = []
    for name, probs, ms in (
        (f"features ({design.name})", feat_p, np.median(feat_ms)),
        (
            "cross-encoder (MiniLM-L6 fine-tuned, mean-pooled head, 2 epochs), every candidate",
            ce_p,
            np.median(all_ms),
        ),
        (
            "stacked: logistic over both logits, every candidate",
            stacked(b, feat_p, ce_all, every),
            np.median(all_ms) + np.median(feat_ms),
        ),
        (
            f"cascade: cross-encoder on the feature model's top {CASCADE}, stacked",
            stacked(b, feat_p, ce_top, top),
            np.median(top_ms) + np.median(feat_ms),
        ),
    ):
        policy, m = tune_policy(b, probs)
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
        f"{train_seconds:.0f} s on this CPU (torch fp32), scored through OpenVINO. Policies tuned on B for "
        "each design alike, so the F1 are comparable with each other, not with the cross-validated "
        "figures of the model card."
    )
    append_result("Evidence selector designs (SciFact train, A/B split)", table, notes)


if __name__ == "__main__":
    main()
