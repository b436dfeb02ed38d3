"""Run `rag eval evidence` (SciFact rationales) and append its figures to BENCHMARKS.md.

python -m benchmarks.eval_evidence --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
from pathlib import Path

from benchmarks._common import append_result, markdown_table, run_eval

ANCHOR = "Published anchor: VeriSci sentence selection with open retrieval ≈ 0.48 F1 (Wadden et al. 2020)."


def _band(interval: list[float]) -> str:
    return f"{interval[0]:.3f}–{interval[1]:.3f}"


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--whole-documents", action="store_true")
    args = parser.parse_args()
    options = ["--split", args.split] + (["--whole-documents"] if args.whole_documents else [])
    r = run_eval("evidence", args.data, *options, report="evidence.json")
    s, ci, a = r["sentence"], r["intervals_95"], r["answered_only"]
    table = markdown_table(
        [
            "sentence P",
            "sentence R",
            "sentence F1 (95% CI)",
            "citation precision (doc) (95% CI)",
            "F1 / citation precision, refusals count nothing (95% CI)",
            "refused with evidence",
            "answered without evidence",
        ],
        [
            [
                f"{s['precision']:.4f}",
                f"{s['recall']:.4f}",
                f"{s['f1']:.4f} ({_band(ci['f1'])})",
                f"{r['citation_precision']:.4f} ({_band(ci['citation_precision'])})",
                f"{a['f1']:.4f} ({_band(ci['f1_answered'])}) / {a['citation_precision']:.4f} "
                f"({_band(ci['citation_precision_answered'])})",
                f"{r['refusal_with_evidence']:.4f}",
                f"{r['answered_without_evidence']:.4f}",
            ]
        ],
    )
    cfg = r["config"]
    notes = (
        f"{r['claims']} claims ({r['claims_with_evidence']} with gold rationales); model `{cfg['model']}`, "
        f"chunking {cfg['chunking']}, mode {cfg['mode']}, selector `{cfg['selector']}` with policy "
        f"{cfg['policy']}; {r['timings']['seconds']} s "
        f"({r['timings']['claims_per_second']} claims/s). Intervals: bootstrap over claims "
        "(1,000 resamples, `rag.eval.bootstrap`). The plain figures count every quote and reference an "
        'answer shows, including the closest passage a refusal names; "refusals count nothing" follows '
        "SciFact's evaluation, where a claim labelled NEI predicts no rationale and no abstract."
        f"\n\n{ANCHOR}"
    )
    append_result(f"Answer evidence: {args.data.name} {args.split}", table, notes)


if __name__ == "__main__":
    main()
