"""``rag search|ask|chat|info``: the clinician's commands."""

from __future__ import annotations

import argparse
import json
import tempfile
from pathlib import Path
from typing import Any

from rag.cli.common import common, engine, mode_option
from rag.conversation import ConversationStore, ask_in_conversation
from rag.engine import Engine
from rag.errors import RagError
from rag.index import open_index
from rag.index.manifest import check_files
from rag.types import Answer


def cmd_search(args: argparse.Namespace) -> int:
    hits = engine(args).search(args.query, k=args.k, mode=args.mode or args.settings.mode)
    if args.json:
        print(json.dumps([h.to_dict() for h in hits], indent=2))
        return 0
    for h in hits:
        p, d = h.passage, h.document
        pages = f", p. {p.page_start}" + (f"–{p.page_end}" if p.page_end != p.page_start else "")
        pages = pages if p.page_start else ""
        print(
            f"{h.rank:>3}. [{h.score:.4f}] {d.title} ({d.journal or '?'}, {d.year or '?'}{pages})"
            f" {h.passage_id}"
        )
        print(f"     {h.text[:240]}{'…' if len(h.text) > 240 else ''}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    answer = engine(args).ask(args.question, mode=args.mode)
    if args.json:
        print(answer.model_dump_json(indent=2))
        return 0
    _print_answer(answer)
    print(f"\n{answer.disclaimer}")
    return 0


def _print_answer(answer: Answer) -> None:
    """The reference page's shape: bottom line, key findings, references (no sentence twice)."""
    print("From the research:\n")
    pages = [c.page for c in answer.citations if c.n == 1 and c.page] if answer.bottom_line else []
    print((answer.bottom_line or answer.answer) + (f" (p. {pages[0]})" if pages else ""))
    if answer.findings:
        print("\nKey findings:")
        for f in answer.findings:
            page = f" (p. {f.citation.page})" if f.citation.page else ""
            print(f"  • {f.text}{page}")
    for note in answer.caveats:
        print(f"\nNote: {note}")
    if answer.references:
        print("\nReferences:")
        for r in answer.references:
            print(f"  {r.n}. {r.formatted}" + (f" {r.url}" if r.url else ""))


CHAT_HELP = (
    "Ask a question; follow up freely. /sources lists the sources so far, /new starts over, /quit leaves."
)


def cmd_chat(args: argparse.Namespace) -> int:
    import readline  # noqa: F401  (imported for its effect: line editing and history for input())

    engine_ = engine(args)
    with tempfile.TemporaryDirectory(prefix="rag-chat-") as folder:  # the questions leave no trace
        store = ConversationStore(Path(folder) / "chat.sqlite")
        try:
            return _chat(engine_, store)
        finally:
            store.close()


def _chat(engine_: Engine, store: ConversationStore) -> int:
    cid = store.create()
    print(CHAT_HELP)
    print(engine_.index.manifest.counts["documents"], "documents indexed.", DISCLAIMER_SHORT, "\n")
    while True:
        try:
            line = input("? ").strip()
        except EOFError:
            print()
            return 0
        if not line:
            continue
        if line in ("/quit", "/exit", "/q"):
            return 0
        if line == "/new":
            cid = store.create()
            print("New conversation.\n")
            continue
        if line == "/sources":
            seen = {r.n: r for t in store.turns(cid) for r in t.references}
            for n in sorted(seen):
                print(f"  {n}. {seen[n].formatted}" + (f" {seen[n].url}" if seen[n].url else ""))
            print("  (none yet)" if not seen else "")
            continue
        if line.startswith("/"):
            print(CHAT_HELP)
            continue
        try:
            turn = ask_in_conversation(engine_, store, cid, line)
        except RagError as exc:
            print(f"error: {exc}")
            continue
        if turn.follow_up_of:
            print(f"(follow-up; searched for: {turn.retrieval_query})")
        _print_answer(turn)
        print()


DISCLAIMER_SHORT = "Answers quote the indexed literature only; verify against the cited sources."


def cmd_info(args: argparse.Namespace) -> int:
    index = open_index(args.index)
    if args.verify:  # opening checks sizes; this reads every file and compares its SHA-256
        check_files(index.path, index.manifest.files, full=True)
        for segment in index.segments:
            segment.check(full=True)
    data = index.manifest.model_dump()
    data["path"] = str(index.path)
    data["withdrawn"] = index.withdrawn
    deleted = index.store.deleted
    data["segment_details"] = [
        {"name": s.name, **s.meta["counts"], "deletion_marks": len(deleted[s.name])} for s in index.segments
    ]
    data["deletion_marks"] = sum(len(d) for d in deleted.values())
    applied = index.manifest.extra.get("pubmed_applied") or []
    data["last_update_file"] = applied[-1] if applied else None
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        m = index.manifest
        print(f"index     {args.index} (live version {m.version}, built {m.built_at})")
        if args.verify:
            files = len(m.files) + sum(len(s.meta["files"]) for s in index.segments)
            print(f"verified  all {files} files match their SHA-256 in the manifests")
        print(f"model     {m.model} (dimension {m.dimension}, normalised={m.normalized}, {m.metric})")
        print(f"faiss     {m.faiss_factory}; bm25 {m.bm25}")
        print(f"chunking  {m.chunking}")
        print(f"counts    {m.counts}")
        print(
            f"segments  {len(index.segments)}, {data['deletion_marks']} deletion mark(s) "
            "(`rag compact` merges them and drops the deleted)"
        )
        for seg in data["segment_details"]:
            print(
                f"          {seg['name']}: {seg['documents']} documents, {seg['passages']} passages, "
                f"{seg['deletion_marks']} deleted"
            )
        print(f"updates   last applied PubMed update file: {data['last_update_file'] or 'none'}")
        print(f"withdrawn {len(index.withdrawn)} document(s) excluded from answers")
        for doc_id, reason in sorted(index.withdrawn.items())[:50]:
            print(f"          {doc_id}: {reason}")
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("search", help="retrieve passages")
    p.add_argument("query")
    mode_option(p)
    p.add_argument("-k", type=int, default=10)
    common(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with numbered citations")
    p.add_argument("question")
    mode_option(p)
    common(p)
    p.set_defaults(func=cmd_ask)

    p = sub.add_parser("chat", help="an interactive conversation with follow-up questions")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("info", help="show an index's manifest and counts")
    p.add_argument("--verify", action="store_true", help="also check every file's SHA-256 (reads it all)")
    common(p)
    p.set_defaults(func=cmd_info)
