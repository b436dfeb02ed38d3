"""Questions the demo corpus cannot answer: does the service say so?

``unanswerable.json`` holds common clinical questions written without looking at the answers. Each
names the words a document would need to hold to answer it (``absent``: groups of alternatives,
e.g. ``[["aspirin"], ["stroke"]]``: some word of every group). A question counts only when no
document of the index (title and text, lower-cased) holds them all; the others are listed as
answerable here and left out. The service should refuse every counted question; the answered ones
are listed with the study they were answered from and whether a caveat (``rag.answer.caveats``)
says that the cited passages never name what was asked about.

    python -m benchmarks.clinical_answers.unanswerable --index indexes/demo
"""

from __future__ import annotations

import argparse
import json
from pathlib import Path

HERE = Path(__file__).resolve().parent


def holds(text: str, groups: list[list[str]]) -> bool:
    """Does ``text`` (lower case) hold some word of every group?"""
    return all(any(word in text for word in group) for group in groups)


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("indexes/demo"))
    parser.add_argument("--questions", type=Path, default=HERE / "unanswerable.json")
    parser.add_argument("--no-append", action="store_true", help="do not append to BENCHMARKS.md")
    args = parser.parse_args()

    from rag.config import Settings
    from rag.engine import Engine

    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    engine = Engine(args.index, Settings())
    store = engine.index.store
    texts = [
        f"{(store.document(d) or {}).get('title', '')} {store.document_text(d) or ''}".lower()
        for d in store.doc_ids()
    ]
    counted, answerable, answered = [], [], []
    cautioned = 0  # answered with a caveat
    for q in questions:
        if any(holds(t, q["absent"]) for t in texts):
            answerable.append(q["id"])
            continue
        counted.append(q["id"])
        a = engine.ask(q["question"])
        mark = "refused " if a.insufficient_evidence else "ANSWERED"
        source = a.references[0].title if a.references else ""
        print(f"{mark} p={a.top_score} {q['question']} | {source[:80]} {a.caveats or ''}")
        if not a.insufficient_evidence:
            cautioned += bool(a.caveats)
            note = f"; caveat: “{' '.join(a.caveats)}”" if a.caveats else "; no caveat"
            answered.append(f"{q['question']} (p {a.top_score}, from “{source}”{note})")
    refused = len(counted) - len(answered)
    print(f"refused {refused} of {len(counted)}; answerable in this index, left out: {answerable}")
    if not args.no_append:
        from benchmarks._common import append_result, markdown_table

        table = markdown_table(
            ["questions the index cannot answer", "refused", "answered anyway", "answered, with a caveat"],
            [
                [
                    len(counted),
                    f"{refused} ({refused / max(len(counted), 1):.3f})",
                    len(answered),
                    cautioned,
                ]
            ],
        )
        documents = engine.index.manifest.counts["documents"]
        notes = (
            f"Index `{args.index}` ({documents} documents), selector `{engine.selector.name}`. "
            f"Answered anyway: {'; '.join(answered) or 'none'}. Left out because some document holds "
            f"their words: {', '.join(answerable) or 'none'}."
        )
        append_result("Unanswerable clinical questions (demo index)", table, notes)


if __name__ == "__main__":
    main()
