"""``rag sync DIR``: apply a folder of PubMed baseline and update files, in order, each once."""

from __future__ import annotations

import argparse
import json
from pathlib import Path
from typing import Any

from rag.cli.common import chunking, common, existing_model, index_embedder
from rag.cli.content import audited
from rag.embed import make_embedder
from rag.index.ingest import IngestReport
from rag.index.options import WriteOptions
from rag.index.sync import PATTERN, sync


@audited("sync", lambda a: str(a.folder))
def cmd_sync(args: argparse.Namespace) -> int:
    if existing_model(args.index) is None:  # a new index: the configured model and chunking
        s = args.settings
        embedder, kept = make_embedder(args.model or s.model, batch_size=s.embed_batch), chunking(args, s)
    else:
        embedder, kept = index_embedder(args.index)

    def say(name: str, report: IngestReport) -> None:
        if not args.json:
            print(
                f"{name}: {report.added} added, {report.updated} updated, {report.removed} deleted, "
                f"{report.withdrawn} withdrawn, {report.unchanged} unchanged → {report.version}"
            )

    done = sync(
        args.folder,
        args.index,
        embedder,
        WriteOptions.of(args.settings, kept, progress=False),
        pattern=args.pattern,
        on_file=say,
    )
    if args.json:
        print(json.dumps([{"file": name, **report.to_dict()} for name, report in done], indent=2))
    elif not done:
        print(f"{args.index}: every {args.pattern} file in {args.folder} is already applied")
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "sync", help="apply PubMed baseline/update files of a folder in order, each once (deletions too)"
    )
    p.add_argument("folder", type=Path, help="the folder of pubmedYYnNNNN.xml.gz files")
    p.add_argument("--pattern", default=PATTERN, help=f"file names to apply (default {PATTERN})")
    common(p)
    p.set_defaults(func=cmd_sync)
