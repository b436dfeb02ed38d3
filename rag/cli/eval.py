"""``rag eval retrieval|evidence|pubmedqa``: thin shells over ``rag.eval``."""

from __future__ import annotations

import argparse
import json
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from tqdm import tqdm

from rag.chunking import ChunkingParams
from rag.cli.common import chunking as configured_chunking
from rag.config import FUSIONS, MODES, RERANK, RETRIEVER_MODES
from rag.embed.embedder import Embedder, make_embedder
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval.beir import BeirDataset, load_beir
from rag.eval.cache import cached_index
from rag.eval.evidence import (
    check_baseline,
    compare_runs,
    evaluate_evidence,
    load_rationales,
    load_sentences,
)
from rag.eval.machine import machine
from rag.eval.pubmedqa import DEMO_ITEMS, convert
from rag.eval.retrieval import METRICS, evaluate_retrieval
from rag.index.version import IndexVersion, open_index

PUBMEDQA_METRICS = ["recall@1", "mrr@10", "ndcg@10", "precision@1"]

WHOLE_DOCUMENT_WORDS = 100_000


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


def _chunking(args: argparse.Namespace) -> ChunkingParams:
    if args.whole_documents:
        return ChunkingParams(chunk_words=WHOLE_DOCUMENT_WORDS, overlap_sentences=0)
    return configured_chunking(args, args.settings)


def _index(
    args: argparse.Namespace, corpus: Path
) -> tuple[Embedder, IndexVersion, ChunkingParams, dict[str, Any]]:
    embedder = make_embedder(args.model or args.settings.model, batch_size=args.settings.embed_batch)
    chunking = _chunking(args)
    t = time.perf_counter()
    path, reused = cached_index(corpus, args.index_cache, embedder, chunking, progress=not args.quiet)
    build = time.perf_counter() - t
    return (
        embedder,
        open_index(path, model=embedder.name),
        chunking,
        {"seconds": round(build, 2), "reused": reused},
    )


def _apply_fusion(args: argparse.Namespace) -> None:
    """``--fusion`` overrides ``RAG_FUSION`` in the run's settings, so the hybrid mode, the reranked
    mode's first stage and the answers all fuse alike, with ``RAG_FUSION_WEIGHTS``."""
    if args.fusion:
        args.settings = args.settings.model_copy(update={"fusion": args.fusion})


def _out(args: argparse.Namespace, name: str) -> Path:
    out = args.out or Path("runs") / name
    out.mkdir(parents=True, exist_ok=True)
    return out


def _config(args: argparse.Namespace, embedder: Any, index: Any, chunking: ChunkingParams) -> dict[str, Any]:
    return {
        "data": str(args.data),
        "split": getattr(args, "split", None),
        "model": embedder.name,
        "chunking": asdict(chunking),
        "fusion": args.settings.fusion,
        "fusion_weights": args.settings.fusion_weights,
        "index": str(index.path),
        "index_version": index.version,
        "manifest_documents_hash": index.manifest.documents_hash,
        "counts": index.manifest.counts,
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }


def _run_retrieval(
    args: argparse.Namespace, dataset: BeirDataset, out: Path, modes: list[str], k: int, metrics: list[str]
) -> tuple[dict[str, Any], IndexVersion, Embedder]:
    embedder, index, chunking, build = _index(args, dataset.corpus)
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
        "config": {**_config(args, embedder, index, chunking), "modes": modes, "k": k},
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
    _apply_fusion(args)
    dataset = load_beir(args.data, args.split)
    modes = [m.strip() for m in args.modes.split(",") if m.strip()]
    _run_retrieval(args, dataset, _out(args, f"{args.data.name}-{args.split}"), modes, args.k, METRICS)
    return 0


def cmd_pubmedqa(args: argparse.Namespace) -> int:
    _apply_fusion(args)

    dataset = convert(args.data, args.index_cache / "pubmedqa-beir")
    out = _out(args, "pubmedqa")
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


def _baseline_rows(path: Path) -> list[dict[str, Any]]:
    try:
        return list(json.loads(path.read_text(encoding="utf-8"))["per_claim"])
    except (OSError, ValueError, KeyError, TypeError) as exc:
        raise InvalidInput(
            f"--baseline {path}: not an evidence.json written by rag eval evidence ({exc})"
        ) from None


def cmd_evidence(args: argparse.Namespace) -> int:
    baseline = _baseline_rows(args.baseline) if args.baseline else None  # fail before the long run
    dataset = load_beir(args.data, args.split)
    rationales = load_rationales(args.data, args.split)
    if baseline is not None:
        check_baseline(baseline, [c["_id"] for c in rationales])
    sentences = load_sentences(args.data)
    embedder, index, chunking, build = _index(args, dataset.corpus)
    engine = Engine(index.path.parent.parent, args.settings, embedder=embedder)
    t = time.perf_counter()
    result = evaluate_evidence(engine, rationales, sentences, dataset.qrels, progress=not args.quiet)
    seconds = time.perf_counter() - t
    out = _out(args, f"{args.data.name}-{args.split}-evidence")
    report = {
        "config": {
            **_config(args, embedder, index, chunking),
            "selector": engine.selector.name,
            "policy": engine.selector.policy.to_dict(),
            "mode": args.settings.mode,
        },
        "sentence": result.sentence,
        "citation_precision": result.citation_precision,
        "refusal_with_evidence": result.refusal_with_evidence,
        "answered_without_evidence": result.answered_without_evidence,
        "claims": result.claims,
        "claims_with_evidence": result.claims_with_evidence,
        "intervals_95": {k: list(v) for k, v in result.intervals.items()},
        "comparison": None,
        "timings": {
            "index_build": build,
            "seconds": round(seconds, 2),
            "claims_per_second": round(result.claims / seconds, 2) if seconds else None,
        },
        "per_claim": result.per_claim,
    }
    comparison = compare_runs(result.per_claim, baseline) if baseline is not None else {}
    if comparison:
        report["comparison"] = {"baseline": str(args.baseline), "figures": comparison}
    (out / "evidence.json").write_text(json.dumps(report, indent=2) + "\n")
    sent, ci = result.sentence, result.intervals

    def band(name: str) -> str:
        return f" (95% CI {ci[name][0]:.3f}-{ci[name][1]:.3f})" if name in ci else ""

    print(
        f"\nsentence-level evidence: precision {sent['precision']:.4f}  recall {sent['recall']:.4f}  "
        f"F1 {sent['f1']:.4f}{band('f1')}"
    )
    print(f"citation precision (document level): {result.citation_precision:.4f}{band('citation_precision')}")
    print(
        f"'insufficient evidence' although evidence exists: {result.refusal_with_evidence:.4f} "
        f"of {result.claims_with_evidence} claims"
    )
    print(
        f"answered although no evidence exists: {result.answered_without_evidence:.4f} "
        f"of {result.claims - result.claims_with_evidence} claims"
    )
    if comparison:
        print(f"\nagainst {args.baseline} (paired bootstrap over claims, 95% interval of the difference):")
        for name, d in comparison.items():
            interval = f"[{d['low']:+.4f}, {d['high']:+.4f}]"
            print(f"  {name:<26} {d['difference']:+.4f}  {interval}  p={d['p']:.3f}")
    print(f"report: {out / 'evidence.json'} (95% intervals: bootstrap over claims)")
    return 0
