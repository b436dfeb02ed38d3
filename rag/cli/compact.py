"""``rag compact``: merge an index's segments into one and drop the documents its marks delete."""

from __future__ import annotations

import argparse
import json
from typing import Any

from rag.cli.common import common
from rag.cli.content import audited
from rag.index.compact import POLICIES, compact


@audited("compact", lambda a: a.policy)
def cmd_compact(args: argparse.Namespace) -> int:
    result = compact(args.index, policy=args.policy)
    if args.json:
        print(json.dumps(result.to_dict() if result else None, indent=2))
    elif result is None:
        print(f"{args.index}: nothing to compact (one segment, no deletion marks)")
    else:
        print(
            f"{args.index}: merged {len(result.merged)} segments into {result.segment} "
            f"({result.passages} passages, {result.dropped_documents} deleted documents dropped) "
            f"in {result.seconds:.1f} s → {result.version}"
        )
    return 0


def add_parsers(sub: Any) -> None:
    p = sub.add_parser(
        "compact",
        help="merge segments and drop deleted documents (readers and writers go on meanwhile)",
    )
    p.add_argument(
        "--policy",
        choices=POLICIES,
        default="all",
        help="all: every segment into one (default); auto: the small ones, as writes do past the limit",
    )
    common(p)
    p.set_defaults(func=cmd_compact)
