"""``rag eval evidence``: sentence-level evidence, citations and refusals of the answers on SciFact
rationales, optionally paired against an earlier run."""

from __future__ import annotations

import argparse
import json
import time
from pathlib import Path
from typing import Any

from rag.cli.evalrun import eval_index, out_dir, run_config
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval.beir import load_beir
from rag.eval.evidence import (
    check_baseline,
    compare_runs,
    evaluate_evidence,
    load_rationales,
    load_sentences,
)


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
    embedder, index, chunking, build = eval_index(args, dataset.corpus)
    engine = Engine(index.path.parent.parent, args.settings, embedder=embedder)
    t = time.perf_counter()
    result = evaluate_evidence(engine, rationales, sentences, dataset.qrels, progress=not args.quiet)
    seconds = time.perf_counter() - t
    out = out_dir(args, f"{args.data.name}-{args.split}-evidence")
    report = {
        "config": {
            **run_config(args, embedder, index, chunking),
            "selector": engine.selector.name,
            "policy": engine.selector.policy.to_dict(),
            "mode": args.settings.mode,
        },
        "sentence": result.sentence,
        "citation_precision": result.citation_precision,
        "answered_only": result.answered_only,
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
    a = result.answered_only
    print(
        f"SciFact's convention (a refusal predicts no rationale, cites nothing): precision "
        f"{a['precision']:.4f}  recall {a['recall']:.4f}  F1 {a['f1']:.4f}{band('f1_answered')}; "
        f"citation precision {a['citation_precision']:.4f}{band('citation_precision_answered')}"
    )
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
