"""The ``rag`` command line: a thin shell over ``rag.ingest`` and ``rag.engine``."""

from __future__ import annotations

import argparse
import json
import os
import sys
from pathlib import Path
from typing import TYPE_CHECKING

from rag.cli_content import existing_model, index_chunking
from rag.errors import RagError

if TYPE_CHECKING:
    from rag.engine import Engine
    from rag.types import Answer


def _engine(args: argparse.Namespace) -> Engine:
    from rag.engine import Engine

    s = args.settings
    return Engine(
        args.index,
        model=args.model,
        options=s.answer_options(),
        faiss_search=s.faiss_search,
        selector=s.selector,
    )


def cmd_ingest(args: argparse.Namespace) -> int:
    from rag.chunking import ChunkingParams
    from rag.embed import make_embedder
    from rag.ingest import ingest
    from rag.readers import read_paths

    s = args.settings
    existing = existing_model(args.index)
    model = args.model or existing or s.model
    # an existing index keeps its chunking unless told otherwise (which it then refuses, naming both)
    default = index_chunking(args.index) if existing else ChunkingParams(s.chunk_words, s.overlap_sentences)
    chunking = ChunkingParams(
        chunk_words=args.chunk_words or default.chunk_words,
        overlap_sentences=default.overlap_sentences if args.overlap is None else args.overlap,
    )
    report = ingest(
        read_paths(args.paths, args.manifest),
        args.index,
        make_embedder(model, batch_size=s.embed_batch),
        chunking=chunking,
        progress=not args.quiet,
    )
    data = report.to_dict()
    if args.report:
        args.report.write_text(json.dumps(data, indent=2) + "\n")
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        print(
            f"{args.index}: version {report.version} — {report.added} added, {report.updated} updated, "
            f"{report.unchanged} unchanged, {report.failed} failed; {report.passages_embedded} passages "
            f"embedded in {report.seconds:.1f} s; index holds {report.counts['documents']} documents, "
            f"{report.counts['passages']} passages"
        )
        for failure in report.failures:
            print(f"  FAILED {failure['file']}: {failure['reason']}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_search(args: argparse.Namespace) -> int:
    hits = _engine(args).search(args.query, k=args.k, mode=args.mode or args.settings.mode)
    if args.json:
        print(json.dumps([h.model_dump(exclude={"sentences", "sentence_pages"}) for h in hits], indent=2))
        return 0
    for h in hits:
        pages = (
            f", p. {h.page_start}" + (f"–{h.page_end}" if h.page_end != h.page_start else "")
            if h.page_start
            else ""
        )
        print(
            f"{h.rank:>3}. [{h.score:.4f}] {h.title} ({h.journal or '?'}, {h.year or '?'}{pages})"
            f" {h.passage_id}"
        )
        print(f"     {h.text[:240]}{'…' if len(h.text) > 240 else ''}")
    return 0


def cmd_ask(args: argparse.Namespace) -> int:
    answer = _engine(args).ask(args.question, mode=args.mode)
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
    if answer.references:
        print("\nReferences:")
        for r in answer.references:
            print(f"  {r.n}. {r.formatted}" + (f" {r.url}" if r.url else ""))


CHAT_HELP = (
    "Ask a question; follow up freely. /sources lists the sources so far, /new starts over, /quit leaves."
)


def cmd_chat(args: argparse.Namespace) -> int:
    import readline  # noqa: F401  (line editing and history for input())
    import tempfile

    from rag.conversation import ConversationStore, ask_in_conversation

    engine = _engine(args)
    store = ConversationStore(Path(tempfile.mkdtemp(prefix="rag-chat-")) / "chat.sqlite")
    cid = store.create()
    print(CHAT_HELP)
    print(engine.index.manifest.counts["documents"], "documents indexed.", DISCLAIMER_SHORT, "\n")
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
            turn = ask_in_conversation(engine, store, cid, line)
        except RagError as exc:
            print(f"error: {exc}")
            continue
        if turn.follow_up_of:
            print(f"(follow-up; searched for: {turn.retrieval_query})")
        _print_answer(turn)
        print()


DISCLAIMER_SHORT = "Answers quote the indexed literature only; verify against the cited sources."


def cmd_info(args: argparse.Namespace) -> int:
    from rag.index import open_index

    index = open_index(args.index)
    data = index.manifest.model_dump()
    data["path"] = str(index.path)
    data["withdrawn"] = index.withdrawn
    if args.json:
        print(json.dumps(data, indent=2))
    else:
        m = index.manifest
        print(f"index     {args.index} (live version {m.version}, built {m.built_at})")
        print(f"model     {m.model} (dimension {m.dimension}, normalised={m.normalized}, {m.metric})")
        print(f"faiss     {m.faiss_factory}; bm25 {m.bm25}")
        print(f"chunking  {m.chunking}")
        print(f"counts    {m.counts}")
        print(f"withdrawn {len(index.withdrawn)} document(s) excluded from answers")
        for doc_id, reason in sorted(index.withdrawn.items())[:50]:
            print(f"          {doc_id}: {reason}")
    return 0


def cmd_serve(args: argparse.Namespace) -> int:
    import uvicorn

    from api.app import create_app

    settings = args.settings.model_copy(update={"index": args.index})
    if args.model:
        settings = settings.model_copy(update={"model": args.model})
    uvicorn.run(
        create_app(settings, strict_model=bool(args.model)),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
    )
    return 0


def common(p: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    p.add_argument(
        "--index", type=Path, default=None, help="index directory (default: RAG_INDEX or indexes/demo)"
    )
    p.add_argument("--model", default=None, help="embedding model name or path (default: the index's own)")
    if json_flag:
        p.add_argument("--json", action="store_true", help="print JSON")


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from clinical literature.")
    sub = parser.add_subparsers(dest="command", required=True)

    p = sub.add_parser("ingest", help="add PDFs, PubMed XML, JSONL or text files to an index")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument("--manifest", type=Path, default=None, help="CSV/JSON sidecar with per-file metadata")
    p.add_argument("--chunk-words", type=int, default=None, help="target passage size in words")
    p.add_argument("--overlap", type=int, default=None, help="sentences shared by neighbouring passages")
    p.add_argument("--report", type=Path, default=None, help="also write the report as JSON here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("search", help="retrieve passages")
    p.add_argument("query")
    p.add_argument("--mode", choices=["bm25", "dense", "hybrid", "rerank"], default=None)
    p.add_argument("-k", type=int, default=10)
    common(p)
    p.set_defaults(func=cmd_search)

    p = sub.add_parser("ask", help="answer a question with numbered citations")
    p.add_argument("question")
    p.add_argument("--mode", choices=["bm25", "dense", "hybrid", "rerank"], default=None)
    common(p)
    p.set_defaults(func=cmd_ask)

    from rag.cli_content import add_parsers

    add_parsers(sub)

    p = sub.add_parser("chat", help="an interactive conversation with follow-up questions")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_chat)

    p = sub.add_parser("info", help="show an index's manifest and counts")
    common(p)
    p.set_defaults(func=cmd_info)

    p = sub.add_parser("serve", help="serve the API and the web page")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    common(p, json_flag=False)
    p.set_defaults(func=cmd_serve)

    from rag.eval.cli import add_parser
    from rag.eval.train_cli import add_parser as add_train_parser

    add_parser(sub)
    add_train_parser(sub)
    return parser


def main(argv: list[str] | None = None) -> int:
    from rag.config import Settings

    args = build_parser().parse_args(argv)
    try:
        args.settings = Settings()
        if hasattr(args, "index"):
            args.index = args.index or args.settings.index
        return int(args.func(args))
    except RagError as exc:
        print(f"rag: error: {exc}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("rag: interrupted", file=sys.stderr)
        return 130
    except BrokenPipeError:
        os.dup2(os.open(os.devnull, os.O_WRONLY), sys.stdout.fileno())
        return 1


if __name__ == "__main__":
    sys.exit(main())
