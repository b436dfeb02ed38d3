"""Score answers on the clinical answer set: does the answer quote a sentence a clinician expects?

For each question of ``questions.json`` the service answers through ``Engine.ask`` on an index of
the demo corpus (``make index``). A question counts as *quoted* when any cited quote contains one of
its expected sentences (compared lower-cased, with PDF line-break hyphens and white space folded),
and as *bottom line* when the answer's bottom line does (answers without a bottom line: their first
quote). Uses nothing but ``Engine(index).ask``, so the same script scores earlier versions too.

``heldout.json`` (``--questions``) holds 16 more questions of four kinds (risk factors and predictors,
treatment, quantity, harms), written on 2026-11-27 from the corpus alone, before the answer types for
factors and treatment were built and before the service was asked any of them. It is scored to
report, never to choose.

``followups.json`` holds follow-up questions, each asked as the next turn of a conversation after its
``history`` (through ``rag.conversation``, as the API and the page ask it); only the last turn's
answer is scored. Its "narrowing" follow-ups ask about one aspect of what was answered ("what about
pain?" after "Do antibiotics reduce morbidity after tonsillectomy?"); "control" ones ask for what was
already quoted; "size" ones ask how many were studied; "results" ones ask for the results as a
whole. ``heldout_followups.json`` holds 12 more, written from the corpus on 2026-11-27 after the rule
for such follow-ups (``rag/answer/answer_type/aspect.py``) and before the service was asked any of
them: scored to report, never to choose. ``kinds.json`` holds six first questions of the kinds a
question may ask for (how it is diagnosed, its symptoms, when, limitations, whether to), written after
those rules and before the service was asked them.

    python -m benchmarks.clinical_answers.score --index indexes/demo --label after
"""

from __future__ import annotations

import argparse
import json
import re
import time
from pathlib import Path

HERE = Path(__file__).resolve().parent


def normal(text: str) -> str:
    text = re.sub(r"(\w)- (\w)", r"\1\2", text)  # "thrombopro- phylaxis" (PDF line breaks)
    text = text.replace("–", "-").replace("’", "'")
    return " ".join(text.lower().split())


def contains_expected(text: str, expected: list[str]) -> bool:
    hay = normal(text)
    return any(normal(e) in hay for e in expected)


def asked(engine, q: dict):  # type: ignore[no-untyped-def]
    """The answer to ``q``: on its own, or as the next turn after its ``history`` (an in-memory
    conversation)."""
    if not q.get("history"):
        return engine.ask(q["question"])
    from rag.conversation import ConversationStore, ask_in_conversation

    store = ConversationStore(Path("conversations.sqlite"), ttl_seconds=0)  # in memory: nothing written
    cid = store.create()
    for earlier in q["history"]:
        ask_in_conversation(engine, store, cid, earlier)
    return ask_in_conversation(engine, store, cid, q["question"])


def score(engine, questions: list[dict]) -> tuple[dict[str, float], list[dict]]:  # type: ignore[no-untyped-def]
    rows = []
    for q in questions:
        t = time.perf_counter()
        answer = asked(engine, q)
        ms = (time.perf_counter() - t) * 1000
        quotes = [c.quote for c in answer.citations]
        bottom = getattr(answer, "bottom_line", None) or (quotes[0] if quotes else "")
        rows.append(
            {
                "id": q["id"],
                "quoted": (not answer.insufficient_evidence)
                and contains_expected(" ".join(quotes), q["expected"]),
                "bottom_line": (not answer.insufficient_evidence)
                and contains_expected(bottom, q["expected"]),
                "insufficient": answer.insufficient_evidence,
                "references": len(answer.references),
                "ms": round(ms, 1),
                "bottom": bottom[:300],
            }
        )
    n = len(rows)
    summary = {
        "questions": n,
        "quoted": sum(r["quoted"] for r in rows) / n,
        "bottom_line": sum(r["bottom_line"] for r in rows) / n,
        "refused": sum(r["insufficient"] for r in rows) / n,
        "mean_references": sum(r["references"] for r in rows) / n,
    }
    return summary, rows


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--index", type=Path, default=Path("indexes/demo"))
    parser.add_argument("--label", default="current code", help="what is measured (e.g. before/after)")
    parser.add_argument("--questions", type=Path, default=HERE / "questions.json")
    parser.add_argument(
        "--out", type=Path, default=None, help="per-question JSON (default: runs/clinical-LABEL.json)"
    )
    parser.add_argument("--selector", default=None, help="RAG_SELECTOR to use (default: the service's)")
    parser.add_argument("--no-append", action="store_true", help="do not append to BENCHMARKS.md")
    args = parser.parse_args()

    from rag.config import Settings
    from rag.engine import Engine

    questions = json.loads(args.questions.read_text(encoding="utf-8"))
    settings = Settings()  # the service's RAG_* configuration, as `make serve` would answer
    engine = Engine(args.index, settings.model_copy(update={"selector": args.selector or settings.selector}))
    summary, rows = score(engine, questions)
    out = args.out or Path("runs") / f"clinical-{args.label.replace(' ', '-')}.json"
    out.parent.mkdir(parents=True, exist_ok=True)
    out.write_text(json.dumps({"summary": summary, "questions": rows}, indent=1, ensure_ascii=False) + "\n")
    for r in rows:
        mark = "Q" if r["quoted"] else "-"
        mark += "B" if r["bottom_line"] else "-"
        print(f"{mark} {r['id']:<24} {r['bottom'][:110]}")
    print(json.dumps(summary, indent=1))
    if not args.no_append:
        from benchmarks._common import append_result, markdown_table

        table = markdown_table(
            [
                "code",
                "questions",
                "answer quotes an expected sentence",
                "bottom line does",
                "refused",
                "references per answer",
            ],
            [
                [
                    args.label,
                    summary["questions"],
                    f"{summary['quoted']:.3f}",
                    f"{summary['bottom_line']:.3f}",
                    f"{summary['refused']:.3f}",
                    f"{summary['mean_references']:.2f}",
                ]
            ],
        )
        documents = engine.index.manifest.counts["documents"]
        notes = f"Index `{args.index}` ({documents} documents); per question: `{out}`."
        append_result(f"Clinical answer set ({args.label})", table, notes)


if __name__ == "__main__":
    main()
