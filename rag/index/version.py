"""Opening an index version for reading: its segments and marks, checked against the manifest."""

from __future__ import annotations

from dataclasses import dataclass, field
from pathlib import Path

from rag.errors import IndexCorrupt
from rag.index import layout
from rag.index.manifest import Manifest, check_files
from rag.index.segment import Marks, Segment
from rag.index.segmented import SegmentedDense, SegmentedLexical, SegmentedStore


@dataclass
class IndexVersion:
    """One immutable, loaded index version: its segments read as one store, dense and BM25 index."""

    path: Path
    manifest: Manifest
    store: SegmentedStore
    dense: SegmentedDense
    lexical: SegmentedLexical
    withdrawn: dict[str, str] = field(default_factory=dict)

    @property
    def version(self) -> str:
        return self.manifest.version

    @property
    def segments(self) -> list[Segment]:
        return self.store.segments

    def close(self) -> None:
        self.store.close()


def open_segments(index_dir: Path, manifest: Manifest) -> list[Segment]:
    segments = [Segment(index_dir, name, manifest.faiss_factory) for name in manifest.segments]
    for s in segments:
        s.check()
    return segments


def open_index(index_dir: Path, *, model: str | None = None, version: str | None = None) -> IndexVersion:
    """Open the live (or given) version; fails loudly on a missing index or a model mismatch.

    ``model``, when given, must equal the model the index was built with.
    """
    path = layout.version_dir(index_dir, version)
    manifest = Manifest.read(path)
    manifest.check_model(model)
    check_files(path, manifest.files)
    segments = open_segments(index_dir, manifest)
    store = SegmentedStore(segments, Marks.read(path))
    dense = SegmentedDense(segments, store, manifest.dimension)
    lexical = SegmentedLexical(segments, store)
    counts = store.counts()
    expected = manifest.counts
    if (counts["passages"], len(dense), len(lexical)) != (expected["passages"],) * 3:
        raise IndexCorrupt(
            f"{path}: store has {counts['passages']} passages, FAISS {len(dense)} vectors, BM25 "
            f"{len(lexical)} rows, manifest says {expected['passages']}; rebuild the index"
        )
    for s in segments:
        if s.dense.dimension != manifest.dimension:
            raise IndexCorrupt(
                f"{s.path}: FAISS dimension {s.dense.dimension} != manifest {manifest.dimension}"
            )
    return IndexVersion(
        path=path, manifest=manifest, store=store, dense=dense, lexical=lexical, withdrawn=store.withdrawn()
    )
