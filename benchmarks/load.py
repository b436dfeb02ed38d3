"""Query latency and throughput of a real `rag serve` on 127.0.0.1.

Sends the SciFact test claims as `/v1/search` and `/v1/ask` requests at each concurrency for a
bounded time and count, then reports p50/p95/p99 latency, requests/s, errors, and the server's CPU
time and RSS (from /proc). Every loop stops by itself; traffic goes to loopback only.

    python -m benchmarks.load --index indexes/eval/scifact-<key> --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path

from benchmarks._common import append_result, markdown_table, serving

TICKS = os.sysconf("SC_CLK_TCK")


def proc_cpu_rss(pid: int) -> tuple[float, float]:
    fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    cpu = (int(fields[11]) + int(fields[12])) / TICKS
    rss = (
        next(
            int(line.split()[1])
            for line in Path(f"/proc/{pid}/status").read_text().splitlines()
            if line.startswith("VmRSS")
        )
        / 1024
    )
    return cpu, rss


def load(
    base: str, path: str, key: str, queries: list[str], concurrency: int, seconds: float, limit: int
) -> dict:
    latencies: list[float] = []
    errors = 0
    lock = threading.Lock()
    deadline = time.perf_counter() + seconds
    counter = iter(range(limit))

    def worker() -> None:
        nonlocal errors
        for i in counter:
            if time.perf_counter() > deadline:
                return
            body = json.dumps({key: queries[i % len(queries)]}).encode()
            req = urllib.request.Request(base + path, data=body, headers={"content-type": "application/json"})
            t = time.perf_counter()
            try:
                with urllib.request.urlopen(req, timeout=60) as r:
                    r.read()
                ok = True
            except (urllib.error.URLError, OSError):
                ok = False
            with lock:
                if ok:
                    latencies.append(time.perf_counter() - t)
                else:
                    errors += 1

    started = time.perf_counter()
    threads = [threading.Thread(target=worker) for _ in range(concurrency)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    elapsed = time.perf_counter() - started
    q = statistics.quantiles(latencies, n=100) if len(latencies) > 1 else [0.0] * 99
    return {
        "n": len(latencies),
        "errors": errors,
        "rps": len(latencies) / elapsed,
        "p50": q[49] * 1000,
        "p95": q[94] * 1000,
        "p99": q[98] * 1000,
    }


KEY = secrets.token_hex(16)  # this run's server key (cache statistics are only shown with it)


def cache_hits(base: str, path: str) -> int:
    """Hits so far of the cache that answers ``path`` whole (answers for /v1/ask, query vectors for
    /v1/search), from /v1/health."""
    request = urllib.request.Request(base + "/v1/health", headers={"X-API-Key": KEY})  # stats need the key
    with urllib.request.urlopen(request, timeout=10) as r:
        caches = json.loads(r.read()).get("caches") or {}
    return int(caches.get("answers" if path == "/v1/ask" else "queries", {}).get("hits", 0))


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True, help="BEIR dataset with queries_test.jsonl")
    parser.add_argument("--seconds", type=float, default=15.0, help="per endpoint and concurrency")
    parser.add_argument("--limit", type=int, default=2000, help="requests per endpoint and concurrency")
    parser.add_argument("--concurrency", default="1,8,32")
    parser.add_argument(
        "--cache",
        type=int,
        default=0,
        help="RAG_ANSWER_CACHE and RAG_QUERY_CACHE of the server (default 0: every request is computed)",
    )
    args = parser.parse_args()
    queries = [json.loads(line)["text"] for line in (args.data / "queries_test.jsonl").open()]
    cache = str(args.cache)
    rows = []
    with serving(args.index, RAG_ANSWER_CACHE=cache, RAG_QUERY_CACHE=cache, RAG_API_KEY=KEY) as (
        server,
        base,
    ):
        load(base, "/v1/ask", "question", queries, 2, 5, 20)  # warm-up
        for path, key in (("/v1/search", "query"), ("/v1/ask", "question")):
            for c in (int(x) for x in args.concurrency.split(",")):
                cpu0, _ = proc_cpu_rss(server.pid)
                hits0 = cache_hits(base, path)
                r = load(base, path, key, queries, c, args.seconds, args.limit)
                cpu1, rss = proc_cpu_rss(server.pid)
                hits = cache_hits(base, path) - hits0
                rows.append(
                    [
                        path,
                        c,
                        r["n"],
                        f"{r['p50']:.1f}",
                        f"{r['p95']:.1f}",
                        f"{r['p99']:.1f}",
                        f"{r['rps']:.1f}",
                        r["errors"],
                        f"{cpu1 - cpu0:.1f}",
                        f"{rss:.0f}",
                        f"{hits / max(r['n'], 1):.2f}",
                    ]
                )
                print(rows[-1], flush=True)
    table = markdown_table(
        [
            "endpoint",
            "concurrency",
            "requests",
            "p50 ms",
            "p95 ms",
            "p99 ms",
            "req/s",
            "errors",
            "server CPU s",
            "server RSS MB",
            "cache hit rate",
        ],
        rows,
    )
    append_result(
        f"Query load: rag serve on {args.index.name}",
        table,
        f"{len(queries)} SciFact test claims cycled; {args.seconds:.0f} s or {args.limit} requests per row; "
        f"client and server share the 2 cores. Server caches (answers, query vectors): {args.cache} entries; "
        "the hit rate counts answer-cache hits for /v1/ask and query-vector hits for /v1/search.",
    )


if __name__ == "__main__":
    main()
