"""Opening an index version for reading: store, FAISS and BM25, checked against the manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import IndexCorrupt
from rag.index import layout
from rag.index.dense import DenseIndex
from rag.index.lexical import LexicalIndex
from rag.index.manifest import Manifest, check_files
from rag.index.store import Store


@dataclass
class IndexVersion:
    """One immutable, loaded index version."""

    path: Path
    manifest: Manifest
    store: Store
    dense: DenseIndex
    lexical: LexicalIndex
    withdrawn: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.manifest.version

    def close(self) -> None:
        self.store.close()


def open_index(index_dir: Path, *, model: str | None = None, version: str | None = None) -> IndexVersion:
    """Open the live (or given) version; fails loudly on a missing index or a model mismatch.

    ``model``, when given, must equal the model the index was built with.
    """
    path = layout.version_dir(index_dir, version)
    manifest = Manifest.read(path)
    manifest.check_model(model)
    check_files(path, manifest)
    store = Store(path / layout.STORE, readonly=True)
    dense = DenseIndex.load(path / layout.DENSE, manifest.faiss_factory)
    lexical = LexicalIndex.load(path / layout.BM25)
    counts = store.counts()
    expected = manifest.counts
    if (counts["passages"], len(dense), len(lexical)) != (expected["passages"],) * 3:
        raise IndexCorrupt(
            f"{path}: store has {counts['passages']} passages, FAISS {len(dense)} vectors, BM25 "
            f"{len(lexical)} rows, manifest says {expected['passages']}; rebuild the index"
        )
    if dense.dimension != manifest.dimension:
        raise IndexCorrupt(f"{path}: FAISS dimension {dense.dimension} != manifest {manifest.dimension}")
    return IndexVersion(
        path=path, manifest=manifest, store=store, dense=dense, lexical=lexical, withdrawn=store.withdrawn()
    )
