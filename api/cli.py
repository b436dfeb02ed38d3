"""``rag serve``: plugged into the ``rag`` command line through the ``clinical_rag.commands`` entry
point, so the library (``rag``) never imports the web layer."""

from __future__ import annotations

import argparse
from typing import Any

import uvicorn

from api.app import create_app
from rag.cli.common import common


def cmd_serve(args: argparse.Namespace) -> int:
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


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("serve", help="serve the API and the web page")
    p.add_argument("--host", default=None)
    p.add_argument("--port", type=int, default=None)
    common(p, json_flag=False)
    p.set_defaults(func=cmd_serve)
