"""Fuzz every operation of a real `rag serve` (schemathesis: valid and invalid inputs, with and
without the key) and report the responses by status; any 5xx or error outside the documented shape
is listed.

    python -m benchmarks.fuzz --index indexes/demo --examples 100
"""

from __future__ import annotations

import argparse
import contextlib
import json
import shutil
import tempfile
import time
from collections import Counter
from pathlib import Path

import schemathesis
from hypothesis import HealthCheck, given, settings
from hypothesis.errors import Unsatisfiable
from schemathesis import GenerationMode

from benchmarks._common import append_result, markdown_table, serving

KEY = "fuzz-benchmark-key"


SEEN: Counter[tuple[str, int]] = Counter()
PROBLEMS: list[str] = []


def fuzzer(strategy, examples: int, label: str, headers: dict[str, str]):  # type: ignore[no-untyped-def]
    """A hypothesis test calling the server with each generated case and recording the outcome."""

    @settings(max_examples=examples, deadline=None, suppress_health_check=list(HealthCheck), derandomize=True)
    @given(case=strategy)
    def run(case) -> None:  # type: ignore[no-untyped-def]
        response = case.call(headers=headers, timeout=60)
        SEEN[(label, response.status_code)] += 1
        shaped = True
        if response.status_code >= 400:
            try:
                shaped = set(json.loads(response.text)) == {"error", "detail"}
            except ValueError:
                shaped = False
        if response.status_code >= 500 or not shaped:
            PROBLEMS.append(f"{case.method} {case.path} → {response.status_code}")

    return run


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True, help="an index to copy and serve")
    parser.add_argument("--examples", type=int, default=100, help="per operation, mode and key setting")
    args = parser.parse_args()
    work = Path(tempfile.mkdtemp(prefix="fuzz-"))
    index = work / "index"
    shutil.copytree(args.index, index)
    seen, problems = SEEN, PROBLEMS
    started = time.perf_counter()
    with serving(index, RAG_API_KEY=KEY, RAG_CONVERSATIONS_DB=str(work / "c.db")) as (server, base):
        schema = schemathesis.openapi.from_url(f"{base}/openapi.json")
        operations = [r.ok() for r in schema.get_all_operations()]
        for label, headers in (("no key", {}), ("key", {"X-API-Key": KEY})):
            for operation in operations:
                for mode in (GenerationMode.POSITIVE, GenerationMode.NEGATIVE):
                    run = fuzzer(operation.as_strategy(generation_mode=mode), args.examples, label, headers)
                    with contextlib.suppress(Unsatisfiable):  # nothing to make invalid in this operation
                        run()
    statuses = sorted({s for _, s in seen})
    rows = [
        [label, *(seen[(label, s)] for s in statuses), sum(seen[(label, s)] for s in statuses)]
        for label in ("no key", "key")
    ]
    table = markdown_table(["requests", *(str(s) for s in statuses), "total"], rows)
    notes = (
        f"{len(operations)} operations of the OpenAPI schema, up to {args.examples} valid and "
        f"{args.examples} invalid cases each (schemathesis {schemathesis.__version__}), against a real "
        "`rag serve` on a copy of "
        f"`{args.index}`; {time.perf_counter() - started:.0f} s. Responses ≥ 500 or errors outside the "
        f"documented shape: {len(problems)}" + (f" ({'; '.join(problems[:10])})" if problems else "") + "."
    )
    append_result("Fuzzing the HTTP API", table, notes)


if __name__ == "__main__":
    main()
