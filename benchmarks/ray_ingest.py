"""Distributed ingest throughput: ``rag ingest --ray`` with 1 and 2 embedding workers on a local Ray
cluster (a head and a worker node on loopback, one CPU each), beside a plain local ingest of the same
files, side by side in one run.

    python -m benchmarks.ray_ingest --data ../shared/data/scifact --docs 2000

Input: the first ``--docs`` SciFact abstracts, split into files of 250 (the unit Ray Data reads).
Each run builds a fresh index with the default model; documents per second are wall-clock, cluster
start excluded (it is started once). On a 2-core machine the driver (store, FAISS, BM25) shares the
cores with the workers, so the per-worker figure is a lower bound for a node of its own.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import subprocess
import sys
import tempfile
import time
from pathlib import Path

from benchmarks._common import append_result, free_port, markdown_table, rag_command

RAY = str(Path(sys.executable).with_name("ray"))


def _split(corpus: Path, docs: int, folder: Path, per_file: int = 250) -> list[Path]:
    lines = corpus.read_text().splitlines()[:docs]
    files = []
    for i in range(0, len(lines), per_file):
        path = folder / f"part{i // per_file:04d}.jsonl"
        path.write_text("\n".join(lines[i : i + per_file]) + "\n")
        files.append(path)
    return files


def _ingest(files: list[Path], env: dict[str, str], *extra: str) -> tuple[float, dict]:
    index = Path(tempfile.mkdtemp(prefix="ray-bench-")) / "index"
    report = index.parent / "report.json"
    cmd = [
        *rag_command("ingest", *map(str, files)),
        "--index",
        str(index),
        "--quiet",
        "--report",
        str(report),
    ]
    t = time.perf_counter()
    subprocess.run([*cmd, *extra], check=True, env=env, stdout=subprocess.DEVNULL)
    return time.perf_counter() - t, json.loads(report.read_text())


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--data", type=Path, required=True, help="SciFact folder (corpus.jsonl)")
    parser.add_argument("--docs", type=int, default=2000)
    args = parser.parse_args()

    env = {
        **os.environ,
        "RAY_USAGE_STATS_ENABLED": "0",
        "RAY_AUTH_MODE": "token",
        "RAY_AUTH_TOKEN": secrets.token_hex(32),
        "HF_HUB_OFFLINE": "1",
    }
    files = _split(args.data / "corpus.jsonl", args.docs, Path(tempfile.mkdtemp(prefix="ray-bench-in-")))
    port = free_port()
    address = f"127.0.0.1:{port}"
    node = ["--node-ip-address=127.0.0.1", "--num-cpus=1"]
    subprocess.run([RAY, "start", "--head", f"--port={port}", *node, "--include-dashboard=false",
                    "--disable-usage-stats"], check=True, env=env, capture_output=True)  # fmt: skip
    rows = []
    try:
        subprocess.run(
            [RAY, "start", f"--address={address}", *node], check=True, env=env, capture_output=True
        )
        time.sleep(3)
        runs = [("local (no Ray)", ()), ("Ray, 1 worker", ("--ray", address, "--ray-workers", "1")),
                ("Ray, 2 workers", ("--ray", address, "--ray-workers", "2"))]  # fmt: skip
        for name, extra in runs:
            seconds, report = _ingest(files, env, *extra)
            docs = report["added"]
            rows.append([name, docs, report["counts"]["passages"], f"{seconds:.1f}", f"{docs / seconds:.1f}"])
            print(rows[-1], file=sys.stderr)
    finally:
        subprocess.run([RAY, "stop", "--force"], env=env, capture_output=True)
    append_result(
        "Distributed ingest on Ray (issue 13)",
        markdown_table(["run", "documents", "passages", "seconds", "documents/s"], rows),
        notes=(
            f"{args.docs} SciFact abstracts in {len(files)} JSONL files, default model (OpenVINO), fresh "
            "index each run; a Ray head and a worker node on loopback (1 CPU each), started once; driver and "
            "workers share this machine's 2 cores."
        ),
    )


if __name__ == "__main__":
    main()
