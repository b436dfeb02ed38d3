"""``rag conversations purge``: delete stored conversations (clinicians' questions) now."""

from __future__ import annotations

import argparse
from pathlib import Path
from typing import Any

from rag.conversation import ConversationStore


def cmd_purge(args: argparse.Namespace) -> int:
    s = args.settings.model_copy(update={"index": args.index})
    path: Path = args.db or s.conversations_path()
    if not path.exists():
        print(f"{path}: no conversations stored")
        return 0
    store = ConversationStore(path, ttl_seconds=s.conversation_ttl_hours * 3600)
    try:
        removed = store.purge(everything=args.all)
    finally:
        store.close()
    what = "all" if args.all else f"older than {s.conversation_ttl_hours:g} h"
    print(f"{path}: {removed} conversation(s) deleted ({what})")
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("conversations", help="manage stored conversations")
    csub = p.add_subparsers(dest="conversations_command", required=True)
    p = csub.add_parser("purge", help="delete expired conversations now (--all: every one)")
    p.add_argument("--all", action="store_true", help="delete every conversation, not only expired ones")
    p.add_argument("--index", type=Path, default=None, help="the index they belong to (default: RAG_INDEX)")
    p.add_argument(
        "--db", type=Path, default=None, help="the conversation database (default: RAG_CONVERSATIONS_DB)"
    )
    p.set_defaults(func=cmd_purge)
