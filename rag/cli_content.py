"""``rag remove|withdraw|reindex|versions|use|rollback``: the content team's commands."""

from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path
from typing import TYPE_CHECKING, Any

from rag.errors import RagError

if TYPE_CHECKING:
    from rag.chunking import ChunkingParams
    from rag.embed import Embedder
    from rag.ingest import IngestReport


def existing_model(index: Path) -> str | None:
    from rag.layout import current_version, version_dir
    from rag.manifest import Manifest

    if current_version(index) is None:
        return None
    return Manifest.read(version_dir(index)).model


def index_chunking(index: Path) -> ChunkingParams:
    from rag.chunking import ChunkingParams
    from rag.layout import version_dir
    from rag.manifest import Manifest

    return ChunkingParams(**Manifest.read(version_dir(index)).chunking)


def index_embedder(index: Path) -> tuple[Embedder, ChunkingParams]:
    """The embedder and chunking an existing index was built with (for writes that keep them)."""
    from rag.embed import make_embedder

    model = existing_model(index)
    if model is None:
        raise RagError(f"no index at {index}; build one with `rag ingest PATH... --index {index}`")
    return make_embedder(model), index_chunking(index)


def _not_found(report: IngestReport) -> int:
    """List the ids a remove/withdraw did not find; exit status 1 if there were any."""
    for failure in report.failures:
        print(f"  NOT FOUND {failure['file']}", file=sys.stderr)
    return 1 if report.failed else 0


def cmd_remove(args: argparse.Namespace) -> int:
    from rag.ingest import remove

    embedder, chunking = index_embedder(args.index)
    ids = list(args.ids)
    if args.source:
        from rag.index import open_index

        index = open_index(args.index)
        for source in args.source:
            found = index.store.doc_ids_from(str(source))
            if not found:
                raise RagError(f"no document of {args.index} was read from {source}")
            ids.extend(found)
    if not ids:
        raise RagError("name document ids, or --source FILE for the documents read from a file")
    report = remove(ids, args.index, embedder, chunking=chunking)
    print(
        f"{args.index}: version {report.version} — {report.removed} removed, {report.failed} not found; "
        f"index holds {report.counts['documents']} documents"
    )
    return _not_found(report)


def cmd_reindex(args: argparse.Namespace) -> int:
    from rag.chunking import ChunkingParams
    from rag.embed import make_embedder
    from rag.ingest import reindex

    current = index_chunking(args.index)
    chunking = ChunkingParams(
        chunk_words=args.chunk_words or current.chunk_words,
        overlap_sentences=current.overlap_sentences if args.overlap is None else args.overlap,
    )
    from rag.layout import version_dir
    from rag.manifest import Manifest

    model = args.model or existing_model(args.index) or args.settings.model
    factory = args.faiss_factory or Manifest.read(version_dir(args.index)).faiss_factory
    report = reindex(
        args.index,
        make_embedder(model, batch_size=args.settings.embed_batch),
        chunking=chunking,
        faiss_factory=factory,
        progress=not args.quiet,
    )
    if args.report:
        args.report.write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    print(
        f"{args.index}: new live version {report.version} — {report.added} documents re-indexed, "
        f"{report.passages_embedded} passages embedded in {report.seconds:.1f} s (model {model}, {chunking})"
    )
    return 0


def cmd_withdraw(args: argparse.Namespace) -> int:
    from rag.ingest import withdraw

    ids = list(args.ids)
    if args.file:
        ids += [
            line.strip()
            for line in args.file.read_text().splitlines()
            if line.strip() and not line.startswith("#")
        ]
    if not ids:
        raise RagError("name document ids, or a --file with one id per line")
    embedder, chunking = index_embedder(args.index)
    report = withdraw(ids, args.reason, args.index, embedder, chunking=chunking)
    print(
        f"{args.index}: version {report.version} — {report.updated} withdrawn from answers, "
        f"{report.failed} not found"
    )
    return _not_found(report)


def cmd_versions(args: argparse.Namespace) -> int:
    from rag.versions import list_versions

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


def cmd_use(args: argparse.Namespace) -> int:
    from rag.versions import use

    print(f"{args.index}: live version is now {use(args.index, args.version)}")
    return 0


def cmd_rollback(args: argparse.Namespace) -> int:
    from rag.versions import rollback

    print(f"{args.index}: rolled back; live version is now {rollback(args.index)}")
    return 0


def add_parsers(sub: Any) -> None:
    from rag.cli import common

    p = sub.add_parser("remove", help="remove documents (by id) from every part of an index")
    p.add_argument("ids", nargs="*", help="document ids (PMID, DOI or sha256:… as shown by search)")
    p.add_argument("--source", type=Path, action="append", help="remove every document read from this file")
    common(p, json_flag=False)
    p.set_defaults(func=cmd_remove)

    p = sub.add_parser("reindex", help="build a complete new version (new model, chunking or FAISS index)")
    p.add_argument(
        "--chunk-words", "--chunk-size", type=int, default=None, help="target passage size in words"
    )
    p.add_argument("--overlap", type=int, default=None, help="sentences shared by neighbouring passages")
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
