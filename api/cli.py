"""``rag serve``: plugged into the ``rag`` command line through the ``clinical_rag.commands`` entry
point, so the library (``rag``) never imports the web layer."""

from __future__ import annotations

import argparse
import logging
import re
from typing import Any

import uvicorn

from api.app import create_app
from api.logs import LOG_CONFIG
from api.shard import create_shard_app
from rag.cli.common import common


class _HideConversationIds(logging.Filter):
    """Access-log lines name ``/v1/conversations/…``, not the id (it gives access to the questions)."""

    def filter(self, record: logging.LogRecord) -> bool:
        if isinstance(record.args, tuple) and len(record.args) >= 3:
            args = list(record.args)
            args[2] = CONVERSATION_ID.sub(r"\1…", str(args[2]))
            record.args = tuple(args)
        return True


CONVERSATION_ID = re.compile(r"(/v1/conversations/)[^/?\s]+")


def cmd_serve(args: argparse.Namespace) -> int:
    settings = args.settings.model_copy(update={"index": args.index})
    if args.model:
        settings = settings.model_copy(update={"model": args.model})
    logging.getLogger("uvicorn.access").addFilter(_HideConversationIds())
    uvicorn.run(
        create_app(settings, strict_model=bool(args.model)),
        host=args.host or settings.host,
        port=args.port or settings.port,
        log_level="info",
        log_config=LOG_CONFIG,  # JSON lines with the request id
    )
    return 0


def cmd_serve_shard(args: argparse.Namespace) -> int:
    settings = args.settings.model_copy(update={"index": args.index})
    uvicorn.run(create_shard_app(settings), host=args.host, port=args.port, log_level="warning")
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the API and the web page")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    common(p, json_flag=False)
    p.set_defaults(func=cmd_serve)

    p = sub.add_parser("serve-shard", help="serve an index as one shard of a sharded deployment (internal)")
    p.add_argument("--host", default="127.0.0.1")
    p.add_argument("--port", type=int, default=8100)
    common(p, json_flag=False)
    p.set_defaults(func=cmd_serve_shard)
