"""Run `rag eval evidence` (SciFact rationales) and append its figures to BENCHMARKS.md.

python benchmarks/eval_evidence.py --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from benchmarks._common import append_result, markdown_table  # noqa: E402

ANCHOR = "Published anchor: VeriSci sentence selection with open retrieval ≈ 0.48 F1 (Wadden et al. 2020)."


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--data", type=Path, required=True)
    parser.add_argument("--split", default="test")
    parser.add_argument("--whole-documents", action="store_true")
    args = parser.parse_args()
    out = Path(tempfile.mkdtemp(prefix="evidence-"))
    cmd = [
        sys.executable,
        "-m",
        "rag.cli",
        "eval",
        "evidence",
        "--data",
        str(args.data),
        "--split",
        args.split,
        "--out",
        str(out),
        "--quiet",
    ] + (["--whole-documents"] if args.whole_documents else [])
    subprocess.run(cmd, check=True)
    r = json.loads((out / "evidence.json").read_text())
    s = r["sentence"]
    table = markdown_table(
        [
            "sentence P",
            "sentence R",
            "sentence F1",
            "citation precision (doc)",
            "refused with evidence",
            "answered without evidence",
        ],
        [
            [
                f"{s['precision']:.4f}",
                f"{s['recall']:.4f}",
                f"{s['f1']:.4f}",
                f"{r['citation_precision']:.4f}",
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
        f"({r['timings']['claims_per_second']} claims/s)."
        f"\n\n{ANCHOR}"
    )
    append_result(f"Answer evidence: {args.data.name} {args.split}", table, notes)


if __name__ == "__main__":
    main()
