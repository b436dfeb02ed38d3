"""``rag train selector``: a thin shell over ``rag.eval.examples`` and ``rag.eval.train_selector``."""

from __future__ import annotations

import argparse
import hashlib
import json
import platform
import sys
import time
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.chunking import ChunkingParams
from rag.embed import make_embedder
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval.beir import load_beir
from rag.eval.cache import cached_index
from rag.eval.designs import designs_named
from rag.eval.evidence import load_rationales, load_sentences
from rag.eval.examples import collect
from rag.eval.machine import machine
from rag.eval.pubmedqa import evidence_training_set
from rag.eval.train_selector import train, training_options

CARD = "MODEL_CARD.md"


def add_parsers(sub: Any) -> None:
    tr = sub.add_parser("train", help="train the evidence selector")
    trsub = tr.add_subparsers(dest="train_command", required=True)
    p = trsub.add_parser("selector", help="fit the evidence selector on SciFact-style training rationales")
    p.add_argument("--data", type=Path, required=True, help="SciFact folder (BEIR layout + rationales)")
    p.add_argument("--split", default="train", help="the split to learn from (never a test split)")
    p.add_argument("--out", type=Path, required=True, help="folder to write selector.json and MODEL_CARD.md")
    p.add_argument("--model", default=None, help="embedding model (default: RAG_MODEL)")
    p.add_argument(
        "--index-cache", type=Path, default=Path("indexes/eval"), help="where eval indexes are cached"
    )
    p.add_argument(
        "--pubmedqa",
        type=Path,
        default=None,
        help="also learn from PubMedQA questions (ori_pqal.json or its folder): items after the first 300 "
        "by PMID (those are the demo corpus), each question's conclusion as its evidence",
    )
    p.add_argument(
        "--designs",
        default="default",
        help="model designs to cross-validate, the best one shipped: 'default' (logistic, mlp32, mlp64, "
        "mlp32-products, mlp64+trees), 'all' (also trees: boosted trees alone) or comma-separated keys",
    )
    p.add_argument("--quiet", action="store_true")
    p.set_defaults(func=cmd_train_selector)


def _sha256(path: Path) -> str:
    return hashlib.sha256(path.read_bytes()).hexdigest()


def cmd_train_selector(args: argparse.Namespace) -> int:

    if "test" in args.split:
        raise InvalidInput("refusing to train on a test split; use --split train")
    designs = designs_named(args.designs)
    started = time.perf_counter()
    s = args.settings
    dataset = load_beir(args.data, args.split)
    rationales = load_rationales(args.data, args.split)
    sentences = load_sentences(args.data)
    embedder = make_embedder(args.model or s.model, batch_size=s.embed_batch)
    params = ChunkingParams(s.chunk_words, s.overlap_sentences)
    path, _ = cached_index(dataset.corpus, args.index_cache, embedder, params, progress=not args.quiet)
    options = training_options(s)
    engine = Engine(path, options, embedder=embedder)
    examples = collect(engine, rationales, sentences, dataset.qrels, progress=not args.quiet)
    files = [
        args.data / f"rationales_{args.split}.jsonl",
        args.data / "corpus_sentences.jsonl",
        dataset.corpus,
    ]
    extra = []
    if args.pubmedqa:
        pqa, pqa_rationales, pqa_sentences = evidence_training_set(
            args.pubmedqa, args.index_cache / "pubmedqa-evidence"
        )
        pqa_path, _ = cached_index(pqa.corpus, args.index_cache, embedder, params, progress=not args.quiet)
        pqa_engine = Engine(pqa_path, options, embedder=embedder)
        extra = collect(pqa_engine, pqa_rationales, pqa_sentences, pqa.qrels, progress=not args.quiet)
        source = args.pubmedqa / "ori_pqal.json" if args.pubmedqa.is_dir() else args.pubmedqa
        files.append(source)
    spec = train(examples, extra=extra, designs=designs, log=lambda m: print(m, file=sys.stderr))
    spec["name"] = f"features:{args.out.name}"
    spec["training"].update(
        {
            "command": "rag train selector "
            + " ".join(sys.argv[3:] if sys.argv[1:3] == ["train", "selector"] else []),
            "data": {f.name: _sha256(f) for f in files},
            "split": args.split,
            "pubmedqa_questions": sum(1 for e in extra if e.relevant),
            "pubmedqa_withheld": sum(1 for e in extra if not e.relevant),
            "embedding_model": embedder.name,
            "chunking": {
                "chunk_words": params.chunk_words,
                "overlap_sentences": params.overlap_sentences,
            },
            "retrieval": {
                "mode": options.mode,
                "fusion": options.fusion,
                "fusion_weights": options.fusion_weights,
                "answer_passages": options.answer_passages,
            },
            "date": datetime.now(UTC).isoformat(timespec="seconds"),
            "machine": machine(),
            "python": platform.python_version(),
            "total_seconds": round(time.perf_counter() - started, 1),
        }
    )
    args.out.mkdir(parents=True, exist_ok=True)
    (args.out / "selector.json").write_text(json.dumps(spec, indent=1) + "\n", encoding="utf-8")
    (args.out / CARD).write_text(model_card(spec), encoding="utf-8")
    cv = spec["cross_validation"]["chosen"]
    print(
        f"selector written to {args.out}: {spec['design']}; 5-fold CV on {args.split}: "
        f"sentence F1 {cv['f1']:.3f}, "
        f"citation precision {cv['citation_precision']:.3f}, refusals with/without evidence "
        f"{cv['refusal_with_evidence']:.3f}/{cv['refusal_without_evidence']:.3f}"
    )
    return 0


def model_card(spec: dict[str, Any]) -> str:
    t = spec["training"]
    pubmedqa = (
        f"\n- PubMedQA labelled set (Jin et al., EMNLP 2019; MIT): {t['pubmedqa_questions']} questions, the "
        "items after the first 300 by PMID (those are the demo corpus and the clinical answer set); each "
        "abstract indexed without its title, its conclusion labelled as the question's evidence and its "
        "results sentences left unlabelled (one may answer the question; PubMedQA does not say which); "
        f"{t.get('pubmedqa_withheld', 0)} of the questions asked again with their article withheld, "
        "every sentence a negative (no evidence in the corpus), so the model also sees clinical "
        "questions the corpus cannot answer."
        if t.get("pubmedqa_questions")
        else ""
    )
    files = ", ".join(f"`{k}` {v[:12]}…" for k, v in t["data"].items())
    unlabelled = f"; {t['unlabelled']} more left out as unlabelled" if t.get("unlabelled") else ""
    retrieval = t.get("retrieval")  # recorded since the first stage follows the settings
    first_stage = (
        f"\n- First stage the candidates came from: {retrieval['mode']}, fusion {retrieval['fusion']}, "
        f"weights {json.dumps(retrieval['fusion_weights']) if retrieval['fusion_weights'] else 'equal'}, "
        f"answer passages {retrieval['answer_passages']}."
        if retrieval
        else ""
    )
    cv = spec["cross_validation"]
    rows = "\n".join(
        f"| {d['design']} | {d['f1']:.3f} | {d['precision']:.3f} | {d['recall']:.3f} | "
        f"{d['citation_precision']:.3f} | {d['refusal_with_evidence']:.3f} | "
        f"{d['refusal_without_evidence']:.3f} |"
        for d in cv["designs"]
    )
    ex = cv.get("extra")
    extra = (
        f"\nOut of fold on the extra (PubMedQA) questions, with this model and policy: refused "
        f"{ex['refusal_with_evidence']:.3f} of the {ex['with_evidence']} whose article is in the corpus "
        f"and {ex['refusal_without_evidence']:.3f} of the {ex['without_evidence']} asked without it.\n"
        if ex
        else ""
    )
    return f"""# Evidence selector `{spec["name"]}`

A model ({spec["design"]}) over the {len(spec["features"])} features of
`rag/answer/select/features.py`:
given a question and a candidate sentence of the retrieved passages, the probability that the
sentence is evidence for (or against) the question. `rag/answer/select/policy.py` turns probabilities into
citations or an "insufficient evidence" answer; the policy below was chosen on out-of-fold
predictions of the training split.

## Training data and licences
- SciFact (Wadden et al., EMNLP 2020; CC BY-NC 2.0), **{t["split"]} split only**: {t["claims"]} claims with
  their rationale sentences.{pubmedqa}
- In all, {t["sentences"]} labelled candidate sentences retrieved by the service itself,
  {t["positives"]} of them labelled as evidence{unlabelled}.
  SHA-256 of the files: {files}.
- Embedding model for the sentence vectors: `{t["embedding_model"]}` (all-MiniLM-L6-v2,
  Apache-2.0).{first_stage}
- No test split was used for training, model choice, policy or rerank weight.

## Command
`{t["command"]}` (seed {cv["seed"]}; MLPs: one thread, full-batch Adam; trees: scikit-learn's
histogram gradient boosting without early stopping; {t["total_seconds"]} s on
{t["machine"]}, {t["date"]}). Retraining on the same machine reproduces the
weights exactly; on another CPU the index's sentence vectors (OpenVINO, bf16 where the CPU has it) can
differ in the last digits, and so can the weights and the probabilities, slightly.

## {cv["folds"]}-fold cross-validation on the training claims (whole answer path)

| design | sentence F1 | P | R | citation precision | refused, with evidence | refused, without |
|---|---|---|---|---|---|---|
{rows}

Chosen: **{spec["design"]}**, policy `{json.dumps(spec["policy"])}`, document-rerank weight
{spec["rerank_weight"]} (nDCG@10 by weight on training claims: {cv["rerank_ndcg@10_by_weight"]}).
{extra}"""
