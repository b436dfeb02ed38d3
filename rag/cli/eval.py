"""``rag eval retrieval|evidence|pubmedqa``: thin shells over ``rag.eval``."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag.cli.evalrun import apply_fusion, eval_index, out_dir, run_config
from rag.cli.evidence import cmd_evidence
from rag.config import FUSIONS, MODES, RERANK, RETRIEVER_MODES
from rag.embed.embedder import Embedder
from rag.engine import Engine
from rag.eval.beir import BeirDataset, load_beir
from rag.eval.pubmedqa import DEMO_ITEMS, convert
from rag.eval.retrieval import METRICS, evaluate_retrieval
from rag.index.version import IndexVersion

PUBMEDQA_METRICS = ["recall@1", "mrr@10", "ndcg@10", "precision@1"]


def add_parsers(sub: Any) -> None:
    ev = sub.add_parser("eval", help="retrieval and answer benchmarks")
    evsub = ev.add_subparsers(dest="eval_command", required=True)

    def common(p: argparse.ArgumentParser) -> None:
        p.add_argument("--data", type=Path, required=True, help="dataset folder")
        p.add_argument("--model", default=None, help="embedding model (default: RAG_MODEL)")
        p.add_argument("--chunk-words", type=int, default=None, help="passage size in words")
        p.add_argument(
            "--whole-documents", action="store_true", help="one passage per document (no chunking)"
        )
        p.add_argument(
            "--index-cache", type=Path, default=Path("indexes/eval"), help="where eval indexes are cached"
        )
        p.add_argument(
            "--out", type=Path, default=None, help="output folder (default: runs/<dataset>-<split>)"
        )
        p.add_argument("--quiet", action="store_true")

    p = evsub.add_parser("retrieval", help="nDCG@10, Recall@100, MRR@10, P@1 per mode on a BEIR dataset")
    common(p)
    p.add_argument("--split", default="test")
    p.add_argument("--modes", default=",".join(RETRIEVER_MODES), help=f"comma-separated: {', '.join(MODES)}")
    p.add_argument("--k", type=int, default=100)
    p.add_argument("--fusion", default=None, choices=FUSIONS, help="hybrid fusion (default: RAG_FUSION)")
    p.set_defaults(func=cmd_retrieval)

    p = evsub.add_parser("evidence", help="sentence-level evidence P/R/F1 of answers (SciFact rationales)")
    common(p)
    p.add_argument("--split", default="test")
    p.add_argument(
        "--baseline",
        type=Path,
        default=None,
        help="evidence.json of another run on the same claims: report the paired differences",
    )
    p.set_defaults(func=cmd_evidence)

    p = evsub.add_parser("pubmedqa", help="PubMedQA: questions against the 1,000 labelled abstracts")
    common(p)
    p.add_argument("--fusion", default=None, choices=FUSIONS, help="hybrid fusion (default: RAG_FUSION)")
    p.set_defaults(func=cmd_pubmedqa)


def _run_retrieval(
    args: argparse.Namespace, dataset: BeirDataset, out: Path, modes: list[str], k: int, metrics: list[str]
) -> tuple[dict[str, Any], IndexVersion, Embedder]:
    embedder, index, chunking, build = eval_index(args, dataset.corpus)
    reranker = None
    if RERANK in modes:
        rerank_engine = Engine(index.path.parent.parent, args.settings, embedder=embedder)

        def reranker(query: str) -> list[tuple[str, float]]:
            return rerank_engine.rerank(query)[1]

    t = time.perf_counter()
    result = evaluate_retrieval(
        index,
        embedder,
        dataset,
        modes=modes,
        k=k,
        fusion=args.settings.fusion,
        weights=args.settings.fusion_weights,
        metrics=metrics,
        progress=not args.quiet,
        reranker=reranker,
    )
    total = time.perf_counter() - t
    from ranx import Run  # here: ranx compiles numba code on import (seconds)

    for mode, run in result.runs.items():
        Run(run, name=mode).save(str(out / f"run.{mode}.trec"), kind="trec")
    worst_mode = "hybrid" if "hybrid" in result.per_query else modes[-1]
    worst = sorted(result.per_query[worst_mode].items(), key=lambda kv: kv[1])[:10]
    report = {
        "config": {**run_config(args, embedder, index, chunking), "modes": modes, "k": k},
        "metrics": result.metrics,
        "timings": {
            "index_build": build,
            "query_seconds": {m: round(s, 3) for m, s in result.seconds.items()},
            "total_query_seconds": round(total, 3),
            "queries_per_second": round(len(dataset.queries) * len(modes) / total, 1) if total else None,
        },
        "queries": len(dataset.queries),
        "comparison": str(result.comparison) if result.comparison is not None else None,
        "worst_queries": [
            {
                "id": q,
                "query": dataset.queries[q],
                f"ndcg@10 ({worst_mode})": round(v, 4),
                "relevant": sorted(dataset.qrels[q]),
            }
            for q, v in worst
        ],
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    _print_metrics(report, out)
    return report, index, embedder


def _print_metrics(report: dict, out: Path) -> None:
    metrics = report["metrics"]
    names = list(next(iter(metrics.values())))
    print(f"\n{'mode':<8} " + " ".join(f"{m:>12}" for m in names))
    for mode, values in metrics.items():
        print(f"{mode:<8} " + " ".join(f"{values[m]:>12.4f}" for m in names))
    if report.get("comparison"):
        print(
            "\nPaired t-test (ranx compare; superscripts name modes that are significantly worse, p < 0.05):"
        )
        print(report["comparison"])
    print("\nWorst queries:")
    for w in report["worst_queries"][:5]:
        print(f"  {w['id']}: {w['query'][:100]}  relevant={w['relevant']}")
    t = report["timings"]
    print(
        f"\nindex: {t['index_build']}; querying {t['total_query_seconds']} s; report: {out / 'report.json'}"
    )


def cmd_retrieval(args: argparse.Namespace) -> int:
    apply_fusion(args)
    dataset = load_beir(args.data, args.split)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    _run_retrieval(args, dataset, out_dir(args, f"{args.data.name}-{args.split}"), modes, args.k, METRICS)
    return 0


def cmd_pubmedqa(args: argparse.Namespace) -> int:
    apply_fusion(args)

    dataset = convert(args.data, args.index_cache / "pubmedqa-beir")
    out = out_dir(args, "pubmedqa")
    report, index, embedder = _run_retrieval(args, dataset, out, list(RETRIEVER_MODES), 10, PUBMEDQA_METRICS)
    engine = Engine(index.path.parent.parent, args.settings, embedder=embedder)
    held_out = set(sorted(dataset.queries)[:DEMO_ITEMS])  # never seen by the packaged selector
    cited = first = cited_held = 0
    for qid, question in tqdm(dataset.queries.items(), desc="answers", disable=args.quiet):
        ids = [r.doc_id for r in engine.ask(question).references]
        cited += int(qid in ids)
        first += int(ids[:1] == [qid])
        cited_held += int(qid in ids and qid in held_out)
    n = len(dataset.queries)
    report["answers"] = {
        "cites_right_article": cited / n,
        "right_article_is_reference_1": first / n,
        "cites_right_article_held_out": cited_held / len(held_out),
        "selector": engine.selector.name,
    }
    (out / "report.json").write_text(json.dumps(report, indent=2) + "\n")
    print(
        f"\nanswers cite the right article: {cited / n:.3f} (as reference [1]: {first / n:.3f}); on the "
        f"{len(held_out)} questions the selector never trained on: {cited_held / len(held_out):.3f}"
    )
    return 0
