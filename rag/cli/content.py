"""``rag ingest|remove|reindex|withdraw|versions|use|rollback|upgrade``: the content team's commands."""

from __future__ import annotations

import argparse
import functools
import json
import sys
import time
from collections.abc import Callable
from pathlib import Path
from typing import Any

from rag.cli.common import chunking, chunking_options, common, existing_model, index_embedder
from rag.embed import make_embedder
from rag.errors import InvalidInput, NotFound
from rag.index import audit
from rag.index.distributed import SEGMENT_DOCUMENTS
from rag.index.ingest import IngestReport, ingest, reindex, remove, withdraw
from rag.index.layout import version_dir
from rag.index.live import list_versions, rollback, use
from rag.index.manifest import Manifest
from rag.index.options import WriteOptions
from rag.index.upgrade import upgrade
from rag.index.version import open_index
from rag.readers import read_paths

Command = Callable[[argparse.Namespace], int]


def audited(action: str, target: Callable[[argparse.Namespace], str]) -> Callable[[Command], Command]:
    """Record the command in the index's audit trail (``rag.index.audit``) with its result; nothing
    is recorded for an index folder that does not exist (a mistyped path is not a write)."""

    def wrap(command: Command) -> Command:
        @functools.wraps(command)
        def run(args: argparse.Namespace) -> int:
            with audit.audited(
                args.index, audit.os_actor(), action, target(args), only_existing=True
            ) as result:
                code = command(args)
                result["result"] = "ok" if code == 0 else f"exit {code}"
            return code

        return run

    return wrap


def _write_report(args: argparse.Namespace, report: IngestReport) -> None:
    if args.report:
        args.report.write_text(json.dumps(report.to_dict(), indent=2) + "\n")


def _failures(report: IngestReport, label: str) -> int:
    """List what failed (files, or ids not found) on stderr; exit status 1 if anything did."""
    for failure in report.failures:
        reason = f": {failure['reason']}" if label == "FAILED" else ""
        print(f"  {label} {failure['file']}{reason}", file=sys.stderr)
    return 1 if report.failed else 0


@audited("ingest", lambda a: " ".join(str(p) for p in a.paths))
def cmd_ingest(args: argparse.Namespace) -> int:
    s = args.settings
    existing = existing_model(args.index)
    model = args.model or existing or s.model
    # an existing index keeps its chunking unless told otherwise (which it then refuses, naming both)
    if args.ray:  # read, chunk and embed on a Ray cluster; this process writes the version
        from rag.index.distributed import ingest_ray

        report = ingest_ray(
            args.paths,
            args.index,
            model=model,
            address=args.ray,
            metadata=args.metadata,
            options=WriteOptions.of(s, chunking(args, s, args.index), progress=not args.quiet),
            workers=args.ray_workers,
            segment_documents=args.ray_segment_docs,
            batch_size=s.embed_batch,
        )
    else:
        report = ingest(
            read_paths(args.paths, args.metadata),
            args.index,
            make_embedder(model, batch_size=s.embed_batch),
            WriteOptions.of(s, chunking(args, s, args.index), progress=not args.quiet),
        )
    _write_report(args, report)
    if args.json:
        print(json.dumps(report.to_dict(), indent=2))
    else:
        live = (
            f"version {report.version}"
            if report.new_version
            else f"no new version ({report.version or 'no index'} stays live)"
        )
        same_paper = ""
        if report.merged or report.duplicates:
            same_paper = (
                f" (same paper as a stored document: {len(report.merged)} replaced it with a richer "
                f"text, {len(report.duplicates)} skipped as poorer)"
            )
        if report.removed or report.withdrawn:  # an update file's deletions and retractions
            same_paper += f", {report.removed} deleted, {report.withdrawn} withdrawn"
        print(
            f"{args.index}: {live} — {report.added} added, {report.updated} updated{same_paper}, "
            f"{report.unchanged} unchanged, {report.failed} failed; {report.passages_embedded} passages "
            f"embedded in {report.seconds:.1f} s; index holds {report.counts['documents']} documents, "
            f"{report.counts['passages']} passages"
        )
    return _failures(report, "FAILED")


@audited("remove", lambda a: " ".join([*a.ids, *(str(s) for s in a.source or [])]))
def cmd_remove(args: argparse.Namespace) -> int:
    embedder, kept = index_embedder(args.index)
    ids = list(args.ids)
    if args.source:
        index = open_index(args.index)
        for source in args.source:
            found = index.store.doc_ids_from(str(source))
            if not found:
                raise NotFound(f"no document of {args.index} was read from {source}")
            ids.extend(found)
    if not ids:
        raise InvalidInput("name document ids, or --source FILE for the documents read from a file")
    report = remove(ids, args.index, embedder, WriteOptions.of(args.settings, kept, progress=False))
    print(
        f"{args.index}: version {report.version} — {report.removed} removed, {report.failed} not found; "
        f"index holds {report.counts['documents']} documents"
    )
    return _failures(report, "NOT FOUND")


@audited("reindex", lambda a: f"chunk_words={a.chunk_words} overlap={a.overlap} faiss={a.faiss_factory}")
def cmd_reindex(args: argparse.Namespace) -> int:
    params = chunking(args, args.settings, args.index)
    model = args.model or existing_model(args.index) or args.settings.model
    factory = args.faiss_factory or Manifest.read(version_dir(args.index)).faiss_factory
    report = reindex(
        args.index,
        make_embedder(model, batch_size=args.settings.embed_batch),
        WriteOptions.of(args.settings, params, faiss_factory=factory, progress=not args.quiet),
    )
    _write_report(args, report)
    print(
        f"{args.index}: new live version {report.version} — {report.reindexed} documents re-indexed, "
        f"{report.passages_embedded} passages embedded in {report.seconds:.1f} s (model {model}, {params})"
    )
    return 0


@audited("withdraw", lambda a: " ".join([*a.ids, *([str(a.file)] if a.file else [])]) + f" ({a.reason})")
def cmd_withdraw(args: argparse.Namespace) -> int:
    ids = list(args.ids)
    if args.file:
        try:
            lines = args.file.read_text(encoding="utf-8").splitlines()
        except (OSError, UnicodeDecodeError) as exc:
            raise InvalidInput(f"cannot read the id file {args.file} ({exc})") from exc
        ids += [line.strip() for line in lines if line.strip() and not line.startswith("#")]
    if not ids:
        raise InvalidInput("name document ids, or a --file with one id per line")
    embedder, kept = index_embedder(args.index)
    options = WriteOptions.of(args.settings, kept, progress=False)
    report = withdraw(ids, args.reason, args.index, embedder, options)
    print(
        f"{args.index}: version {report.version} — {report.withdrawn} withdrawn from answers, "
        f"{report.failed} not found"
    )
    return _failures(report, "NOT FOUND")


def cmd_versions(args: argparse.Namespace) -> int:
    rows = list_versions(args.index)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        mark = "*" if r["live"] else " "
        if "error" in r:
            print(f"{mark} {r['version']}  UNREADABLE: {r['error']}")
            continue
        c = r["counts"]
        print(
            f"{mark} {r['version']}  built {r['built_at']}  {c['documents']} documents, "
            f"{c['passages']} passages  model {r['model']}  chunking {r['chunking']}"
        )
    return 0


@audited("use", lambda a: a.version)
def cmd_use(args: argparse.Namespace) -> int:
    print(f"{args.index}: live version is now {use(args.index, args.version)}")
    return 0


@audited("rollback", lambda a: "")
def cmd_rollback(args: argparse.Namespace) -> int:
    print(f"{args.index}: rolled back; live version is now {rollback(args.index)}")
    return 0


@audited("upgrade", lambda a: "")
def cmd_upgrade(args: argparse.Namespace) -> int:
    version = upgrade(args.index)
    if version is None:
        print(f"{args.index}: already in the current format")
    else:
        print(f"{args.index}: upgraded; live version is now {version}")
    return 0


def cmd_audit(args: argparse.Namespace) -> int:
    rows = audit.entries(args.index, args.limit)
    if args.json:
        print(json.dumps(rows, indent=2))
        return 0
    for r in rows:
        when = time.strftime("%Y-%m-%d %H:%M:%S", time.localtime(r["at"]))
        print(f"{when}  {r['actor']:<16} {r['action']:<9} {r['result'][:60]:<20} {r['target'][:80]}")
    if not rows:
        print(f"{args.index}: no writes recorded")
    return 0


class _DeprecatedManifest(argparse.Action):
    def __call__(self, parser: Any, namespace: argparse.Namespace, values: Any, option: Any = None) -> None:
        print("rag: --manifest is deprecated and will be removed; use --metadata", file=sys.stderr)
        namespace.metadata = values


def add_parsers(sub: Any) -> None:
    p = sub.add_parser("ingest", help="add PDFs, PubMed XML, JSONL or text files to an index")
    p.add_argument("paths", nargs="+", type=Path)
    p.add_argument(
        "--metadata",
        type=Path,
        default=None,
        help="metadata sidecar: CSV/JSON/RIS/BibTeX of per-file metadata",
    )
    p.add_argument("--manifest", type=Path, action=_DeprecatedManifest, help=argparse.SUPPRESS)
    chunking_options(p)
    p.add_argument("--report", type=Path, default=None, help="also write the report as JSON here")
    p.add_argument("--quiet", action="store_true", help="no progress bars")
    p.add_argument(
        "--ray",
        metavar="ADDRESS",
        default=None,
        help="read, chunk and embed on a Ray cluster: auto (RAY_ADDRESS or `ray start`), local, or HOST:PORT",
    )
    p.add_argument("--ray-workers", type=int, default=2, help="embedding actors on the cluster (default 2)")
    p.add_argument(
        "--ray-segment-docs",
        type=int,
        default=SEGMENT_DOCUMENTS,
        help=f"with --ray: write a segment per this many documents (default {SEGMENT_DOCUMENTS:,})",
    )
    common(p)
    p.set_defaults(func=cmd_ingest)

    p = sub.add_parser("remove", help="remove documents (by id) from every part of an index")
    p.add_argument("ids", nargs="*", help="document ids (PMID, DOI or sha256:… as shown by search)")
    p.add_argument("--source", type=Path, action="append", help="remove every document read from this file")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("reindex", help="build a complete new version (new model, chunking or FAISS index)")
    chunking_options(p)
    p.add_argument(
        "--faiss-factory", default=None, help="FAISS index factory string (default: the index's own)"
    )
    p.add_argument("--report", type=Path, default=None, help="also write the report as JSON here")
    p.add_argument("--quiet", action="store_true")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_reindex)

    p = sub.add_parser("withdraw", help="exclude retracted or withdrawn documents from answers")
    p.add_argument("ids", nargs="*", help="document ids")
    p.add_argument("--file", type=Path, default=None, help="a file with one document id per line")
    p.add_argument("--reason", default="withdrawn by the content team")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_withdraw)

    p = sub.add_parser("versions", help="list an index's versions")
    common(p)
    p.set_defaults(func=cmd_versions)

    p = sub.add_parser("use", help="make a version live (atomic switch)")
    p.add_argument("version")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_use)

    p = sub.add_parser("rollback", help="make the previous version live again")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_rollback)

    p = sub.add_parser("audit", help="show the index's audit trail of writes (who, what, when, result)")
    p.add_argument("--limit", type=int, default=100, help="the newest N entries")
    common(p)
    p.set_defaults(func=cmd_audit)

    p = sub.add_parser("upgrade", help="bring an index written by an older release to the current format")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_upgrade)
