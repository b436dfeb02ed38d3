"""What every ``rag`` command shares: the ``--index/--model/--json`` options, the engine, and the
model and chunking of an existing index (which writes keep unless told otherwise)."""

from __future__ import annotations

import argparse
from pathlib import Path

from rag.chunking import ChunkingParams
from rag.config import MODES, Settings
from rag.embed import Embedder, make_embedder
from rag.engine import Engine
from rag.errors import IndexNotFound
from rag.index.layout import current_version, version_dir
from rag.index.manifest import Manifest


def common(p: argparse.ArgumentParser, *, json_flag: bool = True) -> None:
    p.add_argument(
        "--index", type=Path, default=None, help="index directory (default: RAG_INDEX or indexes/demo)"
    )
    p.add_argument("--model", default=None, help="embedding model name or path (default: the index's own)")
    if json_flag:
        p.add_argument("--json", action="store_true", help="print JSON")


def mode_option(p: argparse.ArgumentParser) -> None:
    p.add_argument("--mode", choices=MODES, default=None, help="retrieval mode (default: RAG_MODE)")


def chunking_options(p: argparse.ArgumentParser) -> None:
    p.add_argument(
        "--chunk-words", "--chunk-size", type=int, default=None, help="target passage size in words"
    )
    p.add_argument("--overlap", type=int, default=None, help="sentences shared by neighbouring passages")


def engine(args: argparse.Namespace) -> Engine:
    return Engine(args.index, args.settings, model=args.model)


def existing_model(index: Path) -> str | None:
    """The embedding model of the index's live version (``None``: no index there yet)."""
    if current_version(index) is None:
        return None
    return Manifest.read(version_dir(index)).model


def chunking(args: argparse.Namespace, settings: Settings, index: Path | None = None) -> ChunkingParams:
    """``--chunk-words``/``--overlap`` over the existing index's chunking (else the configured one)."""
    if index is not None and current_version(index) is not None:
        base = ChunkingParams(**Manifest.read(version_dir(index)).chunking)
    else:
        base = ChunkingParams(settings.chunk_words, settings.overlap_sentences)
    return base.merged(getattr(args, "chunk_words", None), getattr(args, "overlap", None))


def index_embedder(index: Path) -> tuple[Embedder, ChunkingParams]:
    """The embedder and chunking an existing index was built with (for writes that keep them)."""
    model = existing_model(index)
    if model is None:
        raise IndexNotFound.at(index)
    return make_embedder(model), ChunkingParams(**Manifest.read(version_dir(index)).chunking)
