"""Building a new index version: the one transaction every write (ingest, remove, reindex) uses.

``building(...)`` takes the writer lock, clears debris of crashed builds, opens the live version's
segments (``rag.index.segment``; ``fresh=True`` ignores them) and a new segment in
``segments/.tmp-*``, and yields a ``Builder`` to add and remove documents. Added and replaced
documents go to the new segment; removals from older segments become deletion marks. Then the new
segment gets its FAISS and BM25 term files and is renamed into place, and a version listing the old
segments plus the new one is published atomically: a write costs what it changes, not the size of
the index. An exception (or a kill) leaves the live version
untouched, and vectors embedded before it stay in ``resume.sqlite`` (``rag.index.resume_log``), so the
re-run does not embed them again.
"""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import numpy as np
from tqdm import tqdm

from rag.chunking import ChunkingParams, chunk_document, content_hash, index_text, with_body_start
from rag.embed.embedder import Embedder
from rag.errors import IndexMismatch
from rag.index import layout
from rag.index.compact import maybe_compact
from rag.index.dense import DenseIndex
from rag.index.lexical import K1, B
from rag.index.manifest import Manifest, file_digests
from rag.index.options import WriteOptions
from rag.index.resume_log import RESUME_LOG, ResumeLog
from rag.index.segment import Marks, new_segment_dir, publish_segment, write_segment
from rag.index.segmented import SegmentedDense, SegmentedStore
from rag.index.store import Store
from rag.index.version import open_segments
from rag.types import Document

EMBED_BATCH = 256
SENTENCE_BATCH = 512
RETRACTED = "Retracted Publication"


@dataclass
class Published:
    version: str | None  # the live version after the write (None: still no index)
    parent: str | None
    counts: dict[str, int]
    passages_embedded: int
    new: bool = True  # False: nothing changed, so no version was published


class Builder:
    """Adds and removes documents in a version under construction."""

    def __init__(
        self,
        store: SegmentedStore,
        dense: SegmentedDense,
        embedder: Embedder,
        chunking: ChunkingParams,
        progress: bool,
        log: ResumeLog | None = None,
    ) -> None:
        self.store = store
        self.dense = dense
        self.chunking = chunking
        self._embedder = _BatchEmbedder(embedder, dense, progress, log)
        self._sentences = _SentenceEmbedder(embedder, store)
        self.published: Published | None = None  # set once the version is live
        self.changes = 0  # documents added, replaced, removed or withdrawn: none, no new version

    @property
    def passages_embedded(self) -> int:
        return self._embedder.embedded

    def remove(self, doc_id: str) -> bool:
        """Remove a document and its passages from store and FAISS; False if it was not there."""
        if self.store.stored_hash(doc_id) is None:
            return False
        self.flush()  # vectors of the old rows must be stored before they are removed
        self.dense.remove(self.store.delete_document(doc_id))
        self.changes += 1
        return True

    def withdraw(self, doc_id: str, reason: str) -> bool:
        """Exclude a stored document from answers; False if it is not there."""
        if self.store.stored_hash(doc_id) is None:
            return False
        self.store.withdraw(doc_id, reason)
        self.changes += 1
        return True

    def put(self, doc: Document, digest: str) -> None:
        """Add (or replace) ``doc``. Passages whose indexed text is unchanged keep their vectors."""
        reuse: dict[str, np.ndarray] = {}
        reuse_sentences: dict[str, np.ndarray] = {}
        old = self.store.passages_of(doc.doc_id)
        if old:
            self.flush()
            vectors = self.dense.vectors([p.row_id for p in old])
            reuse = {index_text(p.document.title, p.passage.text): vectors[i] for i, p in enumerate(old)}
            stored = self.store.sentence_vectors([p.passage.passage_id for p in old])
            reuse_sentences = {
                p.passage.text: stored[p.passage.passage_id] for p in old if p.passage.passage_id in stored
            }
            self.remove(doc.doc_id)
        if RETRACTED in (doc.extra.get("publication_types") or ()):
            self.store.withdraw(doc.doc_id, "retracted publication (PubMed publication type)")
        doc = with_body_start(doc)
        passages = chunk_document(doc, self.chunking)
        row_ids = self.store.add_document(doc, passages, digest)
        kept_ids, kept = [], []
        for row_id, passage in zip(row_ids, passages, strict=True):
            text = index_text(doc.title, passage.text)
            if text in reuse:
                kept_ids.append(row_id)
                kept.append(reuse[text])
            else:
                self._embedder.add([row_id], [text])
            if passage.text in reuse_sentences:
                self.store.put_sentence_vectors(row_id, reuse_sentences[passage.text])
            else:
                self._sentences.add(row_id, [passage.text[s:e] for s, e in passage.sentences])
        if kept_ids:
            self.dense.add(kept_ids, np.vstack(kept))
        self.changes += 1

    def flush(self) -> None:
        self._embedder.flush()
        self._sentences.flush()


class _SentenceEmbedder:
    """Embeds passages' sentences in batches and stores them, so answers need not embed them per request."""

    def __init__(self, embedder: Embedder, store: SegmentedStore) -> None:
        self.embedder = embedder
        self.store = store
        self.pending: list[tuple[int, list[str]]] = []
        self.count = 0

    def add(self, row_id: int, sentences: list[str]) -> None:
        if sentences:
            self.pending.append((row_id, sentences))
            self.count += len(sentences)
        if self.count >= SENTENCE_BATCH:
            self.flush()

    def flush(self) -> None:
        if not self.pending:
            return
        vectors = self.embedder.embed([s for _, sentences in self.pending for s in sentences])
        start = 0
        for row_id, sentences in self.pending:
            self.store.put_sentence_vectors(row_id, vectors[start : start + len(sentences)])
            start += len(sentences)
        self.pending, self.count = [], 0


@contextmanager
def building(
    index_dir: Path,
    embedder: Embedder,
    options: WriteOptions,
    *,
    extra: dict[str, Any] | None = None,
    fresh: bool = False,
) -> Iterator[Builder]:
    """Build a new version of ``index_dir`` (module docstring); ``builder.published`` tells the outcome."""
    chunking = options.chunking
    with layout.writer_lock(index_dir):
        layout.prune(index_dir, options.keep_versions)  # also clears temp builds a crash left behind
        parent = layout.current_version(index_dir)
        version = layout.new_version_name()
        base = None if parent is None or fresh else _check_base(index_dir, parent, embedder, chunking)
        segments = [] if base is None else open_segments(index_dir, base)
        marks = Marks() if base is None else Marks.read(layout.version_dir(index_dir, parent))
        seg_tmp = new_segment_dir(index_dir)
        row_base = 1 + max([s.rows[1] for s in segments] + [0])
        factory = base.faiss_factory if base else options.faiss_factory
        new_store = Store(seg_tmp / layout.STORE, row_base=row_base)
        store = SegmentedStore(segments, marks, new=new_store)
        dense = SegmentedDense(
            segments, store, embedder.dimension, new=DenseIndex.create(embedder.dimension, factory)
        )
        log = ResumeLog(index_dir / RESUME_LOG, embedder.name, embedder.dimension)
        builder = Builder(store, dense, embedder, chunking, options.progress, log)
        yield builder
        extra_changed = any((base.extra if base else {}).get(k) != v for k, v in (extra or {}).items())
        if builder.changes == 0 and not fresh and not extra_changed:  # nothing to publish: live stays
            store.close()
            shutil.rmtree(seg_tmp, ignore_errors=True)
            log.close(delete=True)
            counts = base.counts if base else {"documents": 0, "passages": 0, "vectors": 0}
            builder.published = Published(parent, parent, counts, 0, new=False)
            return
        builder.flush()
        store.commit()
        counts = {**store.counts(), "vectors": len(dense)}
        documents_hash = content_hash(*(f"{d}:{h}" for d, h in store.stored_hashes()))
        listed = [s.name for s in segments]
        if any(new_store.counts().values()):  # the write added documents: publish its segment
            write_segment(seg_tmp, new_store, dense.new)  # type: ignore[arg-type]
            listed.append(publish_segment(index_dir, seg_tmp))
        else:
            shutil.rmtree(seg_tmp, ignore_errors=True)
        final_marks = store.marks
        store.close()
        tmp = index_dir / layout.VERSIONS / f".tmp-{version}"
        tmp.mkdir(parents=True)
        final_marks.write(tmp)
        manifest = Manifest(
            version=version,
            parent=parent,
            built_at=datetime.now(UTC).isoformat(timespec="seconds"),
            model=embedder.name,
            dimension=embedder.dimension,
            faiss_factory=factory,
            chunking=asdict(chunking),
            bm25=BM25_PARAMETERS,
            counts=counts,
            segments=listed,
            files=file_digests(tmp),
            documents_hash=documents_hash,
            extra={**(base.extra if base else {}), **(extra or {})},
        )
        manifest.write(tmp)
        layout.publish(index_dir, tmp, version)
        log.close(delete=True)
        layout.prune(index_dir, options.keep_versions)
    builder.published = Published(version, parent, counts, builder.passages_embedded)
    # outside the lock: readers and writers go on meanwhile
    maybe_compact(index_dir, len(listed), limit=options.compact_segments)


BM25_PARAMETERS = {
    "library": "rag.index.terms",
    "tokenizer": "bm25s",
    "method": "lucene",
    "k1": K1,
    "b": B,
    "stemmer": "snowball-english",
    "stopwords": "en",
}


def _check_base(index_dir: Path, parent: str, embedder: Embedder, chunking: ChunkingParams) -> Manifest:
    """The live version's manifest; a write that extends it must use its model and chunking."""
    base = Manifest.read(layout.version_dir(index_dir, parent))
    base.check_model(embedder.name)
    if base.chunking != asdict(chunking):
        raise IndexMismatch(
            f"{index_dir} was chunked with {base.chunking}, not {asdict(chunking)}; use the same "
            "chunking parameters to add documents, or `rag reindex` to change them"
        )
    return base


class _BatchEmbedder:
    """Collects passages and embeds them in batches into the dense index, with a progress bar."""

    def __init__(
        self, embedder: Embedder, dense: SegmentedDense, progress: bool, log: ResumeLog | None
    ) -> None:
        self.embedder = embedder
        self.dense = dense
        self.log = log
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
        known = self.log.get(self.texts) if self.log else {}
        missing = [i for i in range(len(self.texts)) if i not in known]
        vectors = np.zeros((len(self.ids), self.dense.dimension), dtype=np.float32)
        if missing:
            fresh = self.embedder.embed([self.texts[i] for i in missing])
            if fresh.shape != (len(missing), self.dense.dimension):
                raise IndexMismatch(
                    f"the embedder returned vectors of shape {fresh.shape}, the index holds "
                    f"dimension {self.dense.dimension}"
                )
            vectors[missing] = fresh
            if self.log:
                self.log.put([self.texts[i] for i in missing], fresh)
        for i, vector in known.items():
            vectors[i] = vector
        self.dense.add(self.ids, vectors)
        self.embedded += len(missing)
        self.bar.update(len(self.ids))
        self.ids, self.texts = [], []
