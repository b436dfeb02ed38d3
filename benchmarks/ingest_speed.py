"""Ingest wall time of two checkouts of the code, side by side on this machine (alternating runs).

    python -m benchmarks.ingest_speed --before /tmp/before --rounds 2

Each run ingests the demo corpus (``corpus/literature`` with its PDF manifest) into a fresh index
with the default model, the code taken from ``--before`` or from this checkout (``PYTHONPATH``).
"""

from __future__ import annotations

import argparse
import os
import subprocess
import tempfile
import time
from pathlib import Path

from benchmarks._common import ROOT, append_result, markdown_table, rag_command


def run(code: Path) -> float:
    index = Path(tempfile.mkdtemp(prefix="ingest-")) / "index"
    corpus = ROOT / "corpus" / "literature"
    # --manifest, not --metadata: the --before checkout may predate the new name (it is kept as an alias)
    cmd = rag_command("ingest", str(corpus), "--manifest", str(corpus / "pdfs" / "manifest.csv"))
    env = {**os.environ, "PYTHONPATH": str(code), "HF_HUB_OFFLINE": "1"}
    t = time.perf_counter()
    subprocess.run(
        [*cmd, "--index", str(index), "--quiet"],
        check=True,
        env=env,
        cwd=code,
        stdout=subprocess.DEVNULL,
        stderr=subprocess.DEVNULL,
    )
    return time.perf_counter() - t


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--before", type=Path, required=True, help="a checkout of the earlier code")
    parser.add_argument("--rounds", type=int, default=2)
    args = parser.parse_args()
    times: dict[str, list[float]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        times["before"].append(run(args.before.resolve()))
        times["after"].append(run(ROOT))
    best = {k: min(v) for k, v in times.items()}
    rows = [[k, " / ".join(f"{t:.1f}" for t in v), f"{best[k]:.1f}"] for k, v in times.items()]
    table = markdown_table(["code", "runs (s)", "best (s)"], rows)
    change = best["after"] / best["before"] - 1
    notes = f"Demo corpus (425 documents, 1,844 passages); after vs before (best runs): {change:+.1%}."
    append_result("Ingest speed, before/after (side by side)", table, notes)


if __name__ == "__main__":
    main()
