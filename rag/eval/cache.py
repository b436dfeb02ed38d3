"""Evaluation indexes built through the normal ingestion path, cached by configuration.

The cache key hashes the corpus file, the model, the chunking parameters and the sentence-splitting
rules; a cached index is reused only when its manifest agrees with all four, so a changed model,
chunking or splitting rebuilds.
"""

from __future__ import annotations

import hashlib
from dataclasses import asdict
from pathlib import Path

from rag.chunking import ChunkingParams
from rag.embed.embedder import Embedder
from rag.errors import InvalidInput, RagError
from rag.index import layout
from rag.index.ingest import ingest
from rag.index.manifest import Manifest, file_digest
from rag.index.options import WriteOptions
from rag.index.upgrade import upgrade
from rag.readers import read_paths
from rag.text.sentences import RULES as SENTENCE_RULES


def cached_index(
    corpus: Path, cache_dir: Path, embedder: Embedder, chunking: ChunkingParams, *, progress: bool = True
) -> tuple[Path, bool]:
    """The index of ``corpus`` for this configuration: ``(path, reused)``."""
    corpus_sha = file_digest(corpus)["sha256"]
    key = hashlib.sha256(
        f"{corpus_sha}|{embedder.name}|{sorted(asdict(chunking).items())}|{SENTENCE_RULES}".encode()
    ).hexdigest()
    path = cache_dir / f"{corpus.parent.name}-{key[:12]}"
    if layout.current_version(path) is not None:
        upgrade(path)  # a cache written by an older release is brought forward, not rebuilt
        try:
            manifest = Manifest.read(layout.version_dir(path))
        except RagError:
            manifest = None
        if (
            manifest is not None
            and manifest.model == embedder.name
            and manifest.chunking == asdict(chunking)
            and manifest.extra.get("corpus_sha256") == corpus_sha
            and manifest.extra.get("sentence_rules") == SENTENCE_RULES
        ):
            return path, True
    report = ingest(
        read_paths([corpus]),
        path,
        embedder,
        WriteOptions(chunking=chunking, progress=progress),
        extra={"corpus_sha256": corpus_sha, "sentence_rules": SENTENCE_RULES},
    )
    if report.failed:
        raise InvalidInput(f"could not ingest {corpus}: {report.failures}")
    return path, False
