"""Quote spans decided at ingest against decided per request, side by side in one process.

For each SciFact test claim the service's own first stage retrieves the answer passages once; then
``candidates()`` (which sentences may be quoted, headings cut) runs on those hits as read from the
index, with the spans the chunker stored, and on the same hits with the spans removed, as an index
built before they were stored is read (the patterns of ``rag.text.quotable`` then run on every
sentence). The two alternate per claim, so both see the same machine load. The extra cost of reading
the stored spans (parsing a longer JSON per passage) is timed on the same passages.

    python -m benchmarks.quote_spans --index indexes/eval/scifact-<key> --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from pathlib import Path

from benchmarks._common import append_result, markdown_table
from rag.answer.select.candidates import candidates
from rag.config import Settings
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval.beir import load_beir
from rag.index.store import sentences_json

REPEATS = 5


def _ms(f, *args) -> float:  # type: ignore[no-untyped-def]
    t = time.perf_counter()
    f(*args)
    return (time.perf_counter() - t) * 1000


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__)
    parser.add_argument("--index", type=Path, required=True)
    parser.add_argument("--data", type=Path, required=True)
    args = parser.parse_args()
    engine = Engine(args.index, Settings())
    claims = list(load_beir(args.data, "test").queries.values())
    stored = [engine.evidence_pool(c).hits for c in claims]
    if not all(h.passage.quotes is not None for hits in stored for h in hits):
        raise InvalidInput(f"{args.index} was built before quote spans were stored; build it again")
    computed = [[replace(h, passage=replace(h.passage, quotes=None)) for h in hits] for hits in stored]
    for a, b in zip(stored, computed, strict=True):  # the same candidates either way
        assert [(c.start, c.end) for c in candidates(a)] == [(c.start, c.end) for c in candidates(b)]
    times: dict[str, list[float]] = {"stored": [], "computed": [], "read_with": [], "read_without": []}
    for _ in range(REPEATS):
        for a, b in zip(stored, computed, strict=True):
            times["stored"].append(_ms(candidates, a))
            times["computed"].append(_ms(candidates, b))
            with_spans = [json.dumps(sentences_json(h.passage)) for h in a]
            without = [json.dumps(sentences_json(h.passage)) for h in b]
            times["read_with"].append(_ms(lambda xs: [json.loads(x) for x in xs], with_spans))
            times["read_without"].append(_ms(lambda xs: [json.loads(x) for x in xs], without))
    med = {k: statistics.median(v) for k, v in times.items()}
    passages = statistics.mean(len(h) for h in stored)
    sentences = statistics.mean(sum(len(x.passage.sentences) for x in h) for h in stored)
    rows = [
        ["candidates(), spans computed per request (before)", f"{med['computed']:.3f}"],
        ["candidates(), spans stored at ingest (after)", f"{med['stored']:.3f}"],
        ["reading the passages' sentence JSON, without spans", f"{med['read_without']:.3f}"],
        ["reading the passages' sentence JSON, with spans", f"{med['read_with']:.3f}"],
    ]
    saved = med["computed"] - med["stored"] - (med["read_with"] - med["read_without"])
    notes = (
        f"{len(claims)} claims × {REPEATS} repeats, alternating; {passages:.0f} answer passages and "
        f"{sentences:.0f} sentences per claim; identical candidates either way (checked). Median ms per "
        f"claim. Net saving per question: {saved:.2f} ms; computed/stored ratio "
        f"{med['computed'] / med['stored']:.1f}."
    )
    append_result(
        f"Quote spans stored at ingest: {args.index.name}",
        markdown_table(["step", "median ms per question"], rows),
        notes,
    )


if __name__ == "__main__":
    main()
