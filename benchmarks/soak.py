"""Soak: `/v1/ask` at concurrency 8 for ten minutes on a real `rag serve` while the content API
ingests 500 documents and a `rag reindex` rebuilds the index; errors, p95 beside the idle p95, and
memory growth.

    python -m benchmarks.soak --index indexes/demo --pubmedqa ../shared/data/pubmedqa
"""

from __future__ import annotations

import argparse
import json
import shutil
import subprocess
import tempfile
import threading
import time
import urllib.request
import uuid
from pathlib import Path

from benchmarks._common import append_result, markdown_table, rag_command, serving
from benchmarks.hostile_inputs import memory
from benchmarks.load import KEY, load
from rag.eval.pubmedqa import DEMO_ITEMS, read_items

QUESTIONS = [
    "What are the risks of heparin prophylaxis in trauma?",
    "Is hyperbaric oxygen used for arterial air embolism?",
    "Does topical ropivacaine reduce pain after tonsillectomy?",
    "Are vena cava filters effective in trauma patients?",
]


def documents(pubmedqa: Path, n: int) -> bytes:
    """``n`` PubMedQA abstracts the demo corpus does not hold (items after the first 300 by PMID)."""
    items = sorted(read_items(pubmedqa).items())[DEMO_ITEMS : DEMO_ITEMS + n]
    rows = []
    for pmid, item in items:
        text = " ".join(item["CONTEXTS"])
        rows.append({"_id": pmid, "title": item["QUESTION"], "text": text, "metadata": {"pmid": pmid}})
    return ("\n".join(json.dumps(r) for r in rows) + "\n").encode()


def upload(base: str, data: bytes) -> str:
    boundary = uuid.uuid4().hex
    body = (
        f"--{boundary}\r\nContent-Disposition: form-data; "
        'name="files"; filename="soak.jsonl"\r\n\r\n'.encode()
        + data
        + f"\r\n--{boundary}--\r\n".encode()
    )
    headers = {"content-type": f"multipart/form-data; boundary={boundary}", "X-API-Key": KEY}
    req = urllib.request.Request(base + "/v1/documents", data=body, headers=headers)
    with urllib.request.urlopen(req, timeout=60) as r:
        return str(json.loads(r.read())["job_id"])


def job(base: str, job_id: str) -> dict:
    req = urllib.request.Request(f"{base}/v1/jobs/{job_id}", headers={"X-API-Key": KEY})
    with urllib.request.urlopen(req, timeout=60) as r:
        return dict(json.loads(r.read()))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True, help="an index to copy and serve")
    parser.add_argument("--pubmedqa", type=Path, required=True, help="PubMedQA ori_pqal.json or its folder")
    parser.add_argument("--seconds", type=float, default=600.0, help="of load while the writes run")
    parser.add_argument("--idle-seconds", type=float, default=60.0)
    parser.add_argument("--documents", type=int, default=500)
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="soak-"))
    index = work / "index"
    shutil.copytree(args.index, index)
    data = documents(args.pubmedqa, args.documents)
    events: dict[str, str] = {}
    with serving(index, RAG_API_KEY=KEY, RAG_ANSWER_CACHE="0", RAG_CONVERSATIONS_DB=str(work / "c.db")) as (
        server,
        base,
    ):
        load(base, "/v1/ask", "question", QUESTIONS, 2, 5, 20)  # warm-up
        rss_start, _ = memory(server.pid)
        idle = load(base, "/v1/ask", "question", QUESTIONS, 8, args.idle_seconds, 10**9)
        result: dict = {}
        loader = threading.Thread(
            target=lambda: result.update(load(base, "/v1/ask", "question", QUESTIONS, 8, args.seconds, 10**9))
        )
        loader.start()
        started = time.perf_counter()
        reindex = subprocess.Popen(  # first: the upload's job then waits for the index, retrying
            rag_command("reindex", "--index", str(index), "--quiet"),
            stdout=subprocess.DEVNULL,
            stderr=subprocess.PIPE,
            text=True,
        )
        time.sleep(2)
        job_id = upload(base, data)
        reindex.wait()
        events["reindex"] = f"exit {reindex.returncode} after {time.perf_counter() - started:.0f} s"
        while (state := job(base, job_id))["status"] in ("queued", "running"):
            time.sleep(2)
        report = state.get("report") or {}
        events["upload"] = (
            f"{state['status']}: {report.get('added', 0)} added after {time.perf_counter() - started:.0f} s"
        )
        loader.join()
        rss_end, peak = memory(server.pid)
    rows = [
        ["idle", idle["n"], idle["errors"], f"{idle['p50']:.0f}", f"{idle['p95']:.0f}", f"{idle['rps']:.1f}"],
        [
            "during ingest + reindex",
            result["n"],
            result["errors"],
            f"{result['p50']:.0f}",
            f"{result['p95']:.0f}",
            f"{result['rps']:.1f}",
        ],
    ]
    table = markdown_table(
        ["/v1/ask at concurrency 8", "answers", "errors", "p50 ms", "p95 ms", "req/s"], rows
    )
    notes = (
        f"A copy of `{args.index}`; {args.idle_seconds:.0f} s idle, then {args.seconds:.0f} s while the "
        f"content API ingested {args.documents} PubMedQA abstracts the index did not hold "
        f"({events['upload']}) and "
        f"`rag reindex` rebuilt the index ({events['reindex']}); answer cache off. Server RSS "
        f"{rss_start:.0f} MB at the start, {rss_end:.0f} MB at the end, peak {peak:.0f} MB."
    )
    append_result("Soak: answers during ingestion and a reindex", table, notes)


if __name__ == "__main__":
    main()
