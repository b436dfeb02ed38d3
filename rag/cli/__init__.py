"""The ``rag`` command line: a thin shell over the library, one module per command group.

Command groups of other packages plug in through the ``clinical_rag.commands`` entry-point group: an
entry point names a function ``add_parsers(subparsers)`` (``api`` adds ``rag serve`` this way, so the
library never imports the web layer).
"""

from __future__ import annotations

import argparse
import os
import sys

from pydantic import ValidationError

from rag.cli import compact, content, conversations, eval, query, sync, train
from rag.config import Settings
from rag.errors import InvalidInput, RagError
from rag.plugins import COMMANDS, plugins


def build_parser() -> argparse.ArgumentParser:
    parser = argparse.ArgumentParser(prog="rag", description="Cited answers from clinical literature.")
    sub = parser.add_subparsers(dest="command", required=True)
    for group in (query, content, sync, compact, conversations, eval, train):
        group.add_parsers(sub)
    for add_parsers in plugins(COMMANDS).values():  # e.g. api's `rag serve`
        add_parsers(sub)
    return parser


def settings() -> Settings:
    """The configuration from ``RAG_*`` variables; a bad value is an ``InvalidInput`` naming it."""
    try:
        return Settings()
    except ValidationError as exc:
        problems = "; ".join(
            f"RAG_{'_'.join(str(p) for p in e['loc']).upper()}: {e['msg']}" for e in exc.errors()
        )
        raise InvalidInput(f"bad configuration: {problems}") from None


def main(argv: list[str] | None = None) -> int:
    args = build_parser().parse_args(argv)
    try:
        args.settings = settings()
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
