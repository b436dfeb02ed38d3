"""Query latency and throughput of a real `rag serve` on 127.0.0.1.

Sends the SciFact test claims as `/v1/search` and `/v1/ask` requests at each concurrency for a
bounded time and count, then reports p50/p95/p99 latency, requests/s, errors, and the server's CPU
time and RSS (from /proc). Every loop stops by itself; traffic goes to loopback only.

    python -m benchmarks.load --index indexes/eval/scifact-<key> --data ../shared/data/scifact

With ``--before CHECKOUT`` the server of that checkout and of this one are measured alternately
(``--rounds``), and the ratio of their median latencies is reported: on a shared machine, numbers
from two separate runs differ by more than most changes do.
"""

from __future__ import annotations

import argparse
import json
import os
import secrets
import statistics
import subprocess
import threading
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

from benchmarks._common import ROOT, append_result, markdown_table, serving

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


def measure(
    index: Path,
    queries: list[str],
    concurrency: list[int],
    seconds: float,
    limit: int,
    cache: str,
    code: Path | None = None,
) -> list[list[Any]]:
    """One table's rows: each endpoint at each concurrency against a fresh server (of ``code``, a
    checkout, when given)."""
    rows: list[list[Any]] = []
    with serving(index, code, RAG_ANSWER_CACHE=cache, RAG_QUERY_CACHE=cache, RAG_API_KEY=KEY) as (
        server,
        base,
    ):
        load(base, "/v1/ask", "question", queries, 2, 5, 20)  # warm-up
        for path, key in (("/v1/search", "query"), ("/v1/ask", "question")):
            for c in concurrency:
                cpu0, _ = proc_cpu_rss(server.pid)
                hits0 = cache_hits(base, path)
                r = load(base, path, key, queries, c, seconds, limit)
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
    return rows


HEADERS = [
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
]


def commit(checkout: Path) -> str:
    """The short commit id of a git checkout ("?" when it is not one)."""
    out = subprocess.run(
        ["git", "-C", str(checkout), "rev-parse", "--short", "HEAD"], capture_output=True, text=True
    )
    return out.stdout.strip() or "?"


def side_by_side(args: argparse.Namespace, queries: list[str], concurrency: list[int]) -> None:
    """The server of ``--before`` and of this checkout, alternating ``--rounds`` times; the ratio of
    their median p50 per endpoint and concurrency (a shared machine's drift hits both alike)."""
    runs: dict[str, list[list[list[Any]]]] = {"before": [], "after": []}
    for _ in range(args.rounds):
        for code, path in (("before", args.before.resolve()), ("after", ROOT)):
            runs[code].append(
                measure(
                    args.index,
                    queries,
                    concurrency,
                    args.seconds,
                    args.limit,
                    str(args.cache),
                    path,
                )
            )
    p50_at, rps_at, errors_at = (HEADERS.index(h) for h in ("p50 ms", "req/s", "errors"))
    rows = []
    for i, row in enumerate(runs["after"][0]):
        p50 = {code: statistics.median(float(r[i][p50_at]) for r in runs[code]) for code in runs}
        rps = {code: statistics.median(float(r[i][rps_at]) for r in runs[code]) for code in runs}
        errors = sum(int(r[i][errors_at]) for code in runs for r in runs[code])
        rows.append(
            [
                row[0],
                row[1],
                " / ".join(f"{float(r[i][p50_at]):.1f}" for r in runs["before"]),
                " / ".join(f"{float(r[i][p50_at]):.1f}" for r in runs["after"]),
                f"{p50['after'] / p50['before']:.2f}",
                f"{rps['before']:.1f} / {rps['after']:.1f}",
                errors,
            ]
        )
    table = markdown_table(
        [
            "endpoint",
            "concurrency",
            "p50 ms before",
            "p50 ms after",
            "p50 after / before (medians)",
            "req/s before / after (medians)",
            "errors",
        ],
        rows,
    )
    append_result(
        f"Query load, before/after (side by side): rag serve on {args.index.name}",
        table,
        f"`--before` {args.before} (commit {commit(args.before)}) against this checkout (commit "
        f"{commit(ROOT)}, with its uncommitted changes), alternating, {args.rounds} rounds; "
        f"{len(queries)} SciFact test claims cycled; {args.seconds:.0f} s or {args.limit} requests per row; "
        f"client and server share the 2 cores; server caches: {args.cache} entries.",
    )


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
    parser.add_argument("--before", type=Path, help="a checkout of earlier code: measure both, side by side")
    parser.add_argument("--rounds", type=int, default=2, help="alternating rounds with --before")
    args = parser.parse_args()
    queries = [json.loads(line)["text"] for line in (args.data / "queries_test.jsonl").open()]
    concurrency = [int(x) for x in args.concurrency.split(",")]
    if args.before is not None:
        side_by_side(args, queries, concurrency)
        return
    rows = measure(args.index, queries, concurrency, args.seconds, args.limit, str(args.cache))
    append_result(
        f"Query load: rag serve on {args.index.name}",
        markdown_table(HEADERS, rows),
        f"{len(queries)} SciFact test claims cycled; {args.seconds:.0f} s or {args.limit} requests per row; "
        f"client and server share the 2 cores. Server caches (answers, query vectors): {args.cache} entries; "
        "the hit rate counts answer-cache hits for /v1/ask and query-vector hits for /v1/search.",
    )


if __name__ == "__main__":
    main()
