"""The write path: read → chunk → embed → store/index, into a new index version.

``ingest`` copies the live version (if any) into a temporary directory, adds, updates or skips
each document (by a content hash, so unchanged documents are not re-embedded), embeds new
passages in batches, rebuilds the BM25 index from the store, writes the manifest and publishes
the version atomically.
"""

from __future__ import annotations

import json
import sqlite3
import time
from collections.abc import Iterable
from dataclasses import asdict, dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rag import layout
from rag.chunking import ChunkingParams, chunk_document, content_hash, full_text
from rag.dense import DEFAULT_FACTORY, DenseIndex
from rag.embed import Embedder
from rag.errors import IndexMismatch
from rag.lexical import K1, B, LexicalIndex
from rag.manifest import Manifest, file_digest
from rag.readers import ReadResult
from rag.store import Store, index_text
from rag.types import Document

EMBED_BATCH = 256
KEEP_VERSIONS = 3


@dataclass
class IngestReport:
    """What an ingest did; printed by the CLI and written as JSON next to the index."""

    files_seen: int = 0
    added: int = 0
    updated: int = 0
    unchanged: int = 0
    failed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    passages_embedded: int = 0
    seconds: float = 0.0
    documents_per_second: float = 0.0
    version: str | None = None
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)


def document_hash(doc: Document) -> str:
    """Changes whenever the text or any metadata of a document changes."""
    meta = json.dumps(
        [doc.title, doc.journal, doc.year, doc.pmid, doc.doi, list(doc.authors), doc.extra],
        sort_keys=True,
        default=str,
    )
    return content_hash(meta, full_text(doc), *(f"{s.page}|{s.label}" for s in doc.sections))


def ingest(
    results: Iterable[ReadResult],
    index_dir: Path,
    embedder: Embedder,
    *,
    chunking: ChunkingParams = ChunkingParams(),
    faiss_factory: str = DEFAULT_FACTORY,
    progress: bool = True,
    keep_versions: int = KEEP_VERSIONS,
    extra: dict[str, Any] | None = None,
) -> IngestReport:
    """Ingest read results into ``index_dir`` as a new live version; returns the report.

    ``extra`` is merged into the manifest's ``extra`` field (inherited from the previous version).
    """
    started = time.perf_counter()
    report = IngestReport()
    with layout.writer_lock(index_dir):
        layout.prune(index_dir, keep_versions)  # also clears temp builds a crash left behind
        parent = layout.current_version(index_dir)
        version = layout.new_version_name()
        tmp = index_dir / layout.VERSIONS / f".tmp-{version}"
        tmp.mkdir(parents=True)
        store, dense, base = _start_from(index_dir, parent, tmp, embedder, chunking, faiss_factory)
        writer = _BatchEmbedder(embedder, dense, progress)
        for result in tqdm(results, desc="files", unit="file", disable=not progress):
            report.files_seen += 1
            if result.error is not None:
                report.failed += 1
                report.failures.append({"file": result.path, "reason": result.error})
                continue
            for doc in result.documents:
                _ingest_document(doc, store, dense, writer, chunking, report)
        writer.flush()
        store.commit()
        report.passages_embedded = writer.embedded
        lexical = _build_lexical(store)
        lexical.save(tmp / layout.BM25)
        dense.save(tmp / layout.DENSE)
        counts = {**store.counts(), "vectors": len(dense)}
        documents_hash = _documents_hash(store)
        store.close()
        manifest = Manifest(
            version=version,
            parent=parent,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            model=embedder.name,
            dimension=dense.dimension,
            faiss_factory=base.faiss_factory if base else faiss_factory,
            chunking=asdict(chunking),
            bm25={
                "library": "bm25s",
                "method": "lucene",
                "k1": K1,
                "b": B,
                "stemmer": "snowball-english",
                "stopwords": "en",
            },
            counts=counts,
            files={name: file_digest(tmp / name) for name in _index_files(tmp)},
            documents_hash=documents_hash,
            extra={**(base.extra if base else {}), **(extra or {})},
        )
        manifest.write(tmp)
        layout.publish(index_dir, tmp, version)
        layout.prune(index_dir, keep_versions)
    report.version = version
    report.counts = counts
    report.seconds = round(time.perf_counter() - started, 3)
    touched = report.added + report.updated + report.unchanged
    report.documents_per_second = round(touched / report.seconds, 2) if report.seconds else 0.0
    (index_dir / "last_ingest.json").write_text(json.dumps(report.to_dict(), indent=2) + "\n")
    return report


def _start_from(
    index_dir: Path,
    parent: str | None,
    tmp: Path,
    embedder: Embedder,
    chunking: ChunkingParams,
    faiss_factory: str,
) -> tuple[Store, DenseIndex, Manifest | None]:
    """A writable copy of the live version in ``tmp`` (or empty parts for a new index)."""
    if parent is None:
        return Store(tmp / layout.STORE), DenseIndex.create(embedder.dimension, faiss_factory), None
    src = layout.version_dir(index_dir, parent)
    base = Manifest.read(src)
    base.check_model(embedder.name)
    if base.chunking != asdict(chunking):
        raise IndexMismatch(
            f"{index_dir} was chunked with {base.chunking}, not {asdict(chunking)}; use the same "
            "chunking parameters to add documents, or build a new index"
        )
    source = sqlite3.connect(f"file:{src / layout.STORE}?mode=ro", uri=True)
    target = sqlite3.connect(tmp / layout.STORE)
    source.backup(target)
    source.close()
    target.close()
    return Store(tmp / layout.STORE), DenseIndex.load(src / layout.DENSE), base


def _ingest_document(
    doc: Document,
    store: Store,
    dense: DenseIndex,
    writer: _BatchEmbedder,
    chunking: ChunkingParams,
    report: IngestReport,
) -> None:
    digest = document_hash(doc)
    existing = store.document_hash(doc.doc_id)
    if existing == digest:
        report.unchanged += 1
        return
    if existing is not None:
        writer.flush()  # vectors of the old rows must be in FAISS before they are removed
        dense.remove(store.delete_document(doc.doc_id))
        report.updated += 1
    else:
        report.added += 1
    passages = chunk_document(doc, chunking)
    row_ids = store.add_document(doc, passages, digest)
    writer.add(row_ids, [index_text(doc.title, p.text) for p in passages])


class _BatchEmbedder:
    """Collects passages and embeds them in batches into the dense index, with a progress bar."""

    def __init__(self, embedder: Embedder, dense: DenseIndex, progress: bool) -> None:
        self.embedder = embedder
        self.dense = dense
        self.ids: list[int] = []
        self.texts: list[str] = []
        self.embedded = 0
        self.bar = tqdm(desc="embedding", unit="passage", disable=not progress, position=1, leave=False)

    def add(self, row_ids: list[int], texts: list[str]) -> None:
        self.ids.extend(row_ids)
        self.texts.extend(texts)
        if len(self.ids) >= EMBED_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.ids:
            return
        vectors = self.embedder.embed(self.texts)
        if vectors.shape != (len(self.ids), self.dense.dimension):
            raise IndexMismatch(
                f"the embedder returned vectors of shape {vectors.shape}, the index holds "
                f"dimension {self.dense.dimension}"
            )
        self.dense.add(self.ids, np.asarray(vectors, dtype=np.float32))
        self.embedded += len(self.ids)
        self.bar.update(len(self.ids))
        self.ids, self.texts = [], []


def _build_lexical(store: Store) -> LexicalIndex:
    ids: list[int] = []
    texts: list[str] = []
    for batch_ids, batch_texts in store.iter_index_texts():
        ids.extend(batch_ids)
        texts.extend(batch_texts)
    return LexicalIndex.build(ids, texts)


def _documents_hash(store: Store) -> str:
    return content_hash(*(f"{d}:{h}" for d, h in store.document_hashes()))


def _index_files(directory: Path) -> list[str]:
    return sorted(str(p.relative_to(directory)) for p in directory.rglob("*") if p.is_file())
