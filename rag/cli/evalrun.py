"""What every ``rag eval`` run shares: its chunking, its cached index, its fusion, its output folder
and the configuration it records beside its figures."""

from __future__ import annotations

import argparse
import time
from dataclasses import asdict
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from rag.chunking import ChunkingParams
from rag.cli.common import chunking as configured_chunking
from rag.embed.embedder import Embedder, make_embedder
from rag.eval.cache import cached_index
from rag.eval.machine import machine
from rag.index.version import IndexVersion, open_index

WHOLE_DOCUMENT_WORDS = 100_000


def eval_chunking(args: argparse.Namespace) -> ChunkingParams:
    if args.whole_documents:
        return ChunkingParams(chunk_words=WHOLE_DOCUMENT_WORDS, overlap_sentences=0)
    return configured_chunking(args, args.settings)


def eval_index(
    args: argparse.Namespace, corpus: Path
) -> tuple[Embedder, IndexVersion, ChunkingParams, dict[str, Any]]:
    embedder = make_embedder(args.model or args.settings.model, batch_size=args.settings.embed_batch)
    chunking = eval_chunking(args)
    t = time.perf_counter()
    path, reused = cached_index(corpus, args.index_cache, embedder, chunking, progress=not args.quiet)
    build = time.perf_counter() - t
    return (
        embedder,
        open_index(path, model=embedder.name),
        chunking,
        {"seconds": round(build, 2), "reused": reused},
    )


def apply_fusion(args: argparse.Namespace) -> None:
    """``--fusion`` overrides ``RAG_FUSION`` in the run's settings, so the hybrid mode, the reranked
    mode's first stage and the answers all fuse alike, with ``RAG_FUSION_WEIGHTS``."""
    if args.fusion:
        args.settings = args.settings.model_copy(update={"fusion": args.fusion})


def out_dir(args: argparse.Namespace, name: str) -> Path:
    out = args.out or Path("runs") / name
    out.mkdir(parents=True, exist_ok=True)
    return out


def run_config(
    args: argparse.Namespace, embedder: Any, index: Any, chunking: ChunkingParams
) -> dict[str, Any]:
    return {
        "data": str(args.data),
        "split": getattr(args, "split", None),
        "model": embedder.name,
        "chunking": asdict(chunking),
        "fusion": args.settings.fusion,
        "fusion_weights": args.settings.fusion_weights,
        "index": str(index.path),
        "index_version": index.version,
        "manifest_documents_hash": index.manifest.documents_hash,
        "counts": index.manifest.counts,
        "machine": machine(),
        "date": datetime.now(UTC).isoformat(timespec="seconds"),
    }
