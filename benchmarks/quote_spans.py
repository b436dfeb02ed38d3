"""Quote spans and cue words decided at ingest against decided per request, side by side in one process.

For each SciFact test claim the service's own first stage retrieves the answer passages once; then
``candidates()`` (which sentences may be quoted, headings cut) and ``featurize()`` (the selector's
features, whose cue-word flags depend on the sentence alone) run on those hits as read from the
index, with the spans and cue bits the chunker stored, and on the same hits with both removed, as an
index built before they were stored is read (the patterns of ``rag.text.quotable`` and
``rag.text.cues`` then run on every sentence). The two alternate per claim, so both see the same
machine load. The extra cost of reading what is stored (parsing a longer JSON per passage) is timed
on the same passages.

    python -m benchmarks.quote_spans --index indexes/eval/scifact-<key> --data ../shared/data/scifact
"""

from __future__ import annotations

import argparse
import json
import statistics
import time
from dataclasses import replace
from functools import partial
from pathlib import Path

import numpy as np

from benchmarks._common import append_result, markdown_table
from rag.answer.select.candidates import EvidencePool, candidates
from rag.answer.select.features import featurize
from rag.config import Settings
from rag.engine import Engine
from rag.errors import InvalidInput
from rag.eval.beir import load_beir
from rag.index.sentence_json import sentences_json
from rag.types import Hit

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
    pools = [engine.evidence_pool(c) for c in claims]
    stored = [p.hits for p in pools]
    if not all(h.passage.quotes is not None and h.passage.cues is not None for hits in stored for h in hits):
        raise InvalidInput(f"{args.index} was built before quote spans and cues were stored; build it again")
    computed = [
        [replace(h, passage=replace(h.passage, quotes=None, cues=None)) for h in hits] for hits in stored
    ]

    def features(claim: str, pool: EvidencePool, hits: list[Hit]) -> np.ndarray:
        return featurize(claim, pool.question_vector, candidates(hits), pool.vectors, products=False)

    for claim, pool, a, b in zip(claims, pools, stored, computed, strict=True):  # the same either way
        assert [(c.start, c.end) for c in candidates(a)] == [(c.start, c.end) for c in candidates(b)]
        assert np.array_equal(features(claim, pool, a), features(claim, pool, b))
    steps = ("candidates", "features", "read")
    times: dict[tuple[str, str], list[float]] = {(s, k): [] for s in steps for k in ("stored", "computed")}
    for _ in range(REPEATS):
        for claim, pool, a, b in zip(claims, pools, stored, computed, strict=True):
            for kind, hits in (("stored", a), ("computed", b)):
                times["candidates", kind].append(_ms(candidates, hits))
                cands = candidates(hits)
                scalar = partial(featurize, products=False)
                times["features", kind].append(_ms(scalar, claim, pool.question_vector, cands, pool.vectors))
                records = [json.dumps(sentences_json(h.passage)) for h in hits]
                times["read", kind].append(_ms(lambda xs: [json.loads(x) for x in xs], records))
    med = {k: statistics.median(v) for k, v in times.items()}
    passages = statistics.mean(len(h) for h in stored)
    sentences = statistics.mean(sum(len(x.passage.sentences) for x in h) for h in stored)
    label = {
        "candidates": "candidates()",
        "features": "featurize(), scalar features",
        "read": "reading the passages' sentence JSON",
    }
    rows = [[label[s], f"{med[s, 'computed']:.3f}", f"{med[s, 'stored']:.3f}"] for s in steps]
    saved = sum(med[s, "computed"] - med[s, "stored"] for s in steps)
    notes = (
        f"{len(claims)} claims × {REPEATS} repeats, alternating; {passages:.0f} answer passages and "
        f"{sentences:.0f} sentences per claim; identical candidates and features either way (checked). "
        f"Median ms per claim. Net saving per question: {saved:.2f} ms."
    )
    append_result(
        f"Quote spans and cue words stored at ingest: {args.index.name}",
        markdown_table(["step", "computed per request (before), ms", "stored at ingest (after), ms"], rows),
        notes,
    )


if __name__ == "__main__":
    main()
