"""The write path: read → chunk → embed → store/index, into a new index version.

``ingest`` adds new documents, updates changed ones in place (same id; passages whose text did not
change keep their vectors) and skips unchanged ones (by a content hash of text and metadata).
``remove`` deletes documents from every part of the index; ``withdraw`` keeps them but excludes them
from answers; ``reindex`` rebuilds every document with a new model or chunking. All publish a new
version atomically through ``rag.index.builder.building``.
"""

from __future__ import annotations

import json
import time
from collections.abc import Callable, Iterable, Iterator
from contextlib import contextmanager
from dataclasses import asdict, dataclass, field, replace
from pathlib import Path
from typing import Any, Literal

from tqdm import tqdm

from rag.chunking import content_hash, full_text
from rag.embed.embedder import Embedder
from rag.index.builder import Builder, Published, building
from rag.index.options import WriteOptions
from rag.index.version import open_index
from rag.readers import ReadResult
from rag.types import Document

REPORT = "last_ingest.json"


@dataclass
class IngestReport:
    """What an ingest did; printed by the CLI and written as JSON next to the index."""

    files_seen: int = 0
    added: int = 0  # new document ids
    updated: int = 0  # known ids whose text or metadata changed
    unchanged: int = 0
    removed: int = 0
    withdrawn: int = 0  # excluded from answers (``withdraw``), still stored
    reindexed: int = 0  # carried into a complete new version (``reindex``)
    failed: int = 0
    failures: list[dict[str, str]] = field(default_factory=list)
    duplicates: list[dict[str, str]] = field(default_factory=list)  # same paper stored with a richer text
    merged: list[dict[str, str]] = field(default_factory=list)  # richer text of a stored paper: replaced it
    passages_embedded: int = 0
    seconds: float = 0.0
    documents_per_second: float = 0.0
    version: str | None = None
    new_version: bool = False  # False when nothing changed (every file failed, all unchanged, …)
    counts: dict[str, int] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return asdict(self)

    def finish(self, index_dir: Path, started: float, published: Published) -> IngestReport:
        self.version = published.version
        self.new_version = published.new
        self.counts = published.counts
        self.passages_embedded = published.passages_embedded
        self.seconds = round(time.perf_counter() - started, 3)
        touched = self.added + self.updated + self.unchanged + self.removed + self.withdrawn + self.reindexed
        self.documents_per_second = round(touched / self.seconds, 2) if self.seconds else 0.0
        (index_dir / REPORT).write_text(json.dumps(self.to_dict(), indent=2) + "\n")
        return self

    def not_found(self, doc_id: str) -> None:
        self.failed += 1
        self.failures.append({"file": doc_id, "reason": "no document with this id in the index"})


@contextmanager
def _writing(
    index_dir: Path, embedder: Embedder, report: IngestReport, options: WriteOptions, **kwargs: Any
) -> Iterator[Builder]:
    """A new version through ``rag.index.builder.building``; fills in ``report`` once it is live."""
    started = time.perf_counter()
    with building(index_dir, embedder, options, **kwargs) as builder:
        yield builder
    assert builder.published is not None
    report.finish(index_dir, started, builder.published)


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
    options: WriteOptions = WriteOptions(),
    *,
    extra: dict[str, Any] | None = None,
) -> IngestReport:
    """Ingest read results into ``index_dir`` as a new live version; returns the report.

    ``extra`` is merged into the manifest's ``extra`` field (inherited from the previous version).
    """
    report = IngestReport()
    with _writing(index_dir, embedder, report, options, extra=extra) as builder:
        for result in tqdm(results, desc="files", unit="file", disable=not options.progress):
            report.files_seen += 1
            if result.error is not None:
                report.failed += 1
                report.failures.append({"file": result.path, "reason": result.error})
                continue
            for doc in result.documents:
                _put(builder, doc, result.path, report)
            for notice in result.notices:  # after the file's own records, as PubMed applies them
                if notice.action == "delete":
                    report.removed += builder.remove(notice.doc_id)
                elif builder.store.withdrawn_reason(notice.doc_id) != notice.reason:
                    report.withdrawn += builder.withdraw(notice.doc_id, notice.reason)
    return report


def _put(builder: Builder, doc: Document, path: str, report: IngestReport) -> None:
    """Add, update or skip one read document. One paper is one document: when its DOI, PMID or PMCID
    is stored under another id (its PubMed record, PMC full text or PDF), the richer text stays, under
    the stored id, with the identifiers of both."""
    digest = document_hash(doc)
    same = builder.store.same_paper(doc)
    target = same or doc.doc_id
    existing = builder.store.stored_hash(target)
    if existing == digest:
        report.unchanged += 1
        return
    stored = builder.store.load_document(target) if existing is not None else None
    if stored is not None and not _replaces(doc, stored):
        report.duplicates.append({"file": path, "doc_id": doc.doc_id, "same_as": target})
        return
    if same is not None and stored is not None:
        report.merged.append({"file": path, "doc_id": doc.doc_id, "into": target})
        doc = _merged(doc, stored)
    report.updated += existing is not None
    report.added += existing is None
    builder.put(doc, digest)  # the incoming form's hash: reading the same file again is "unchanged"


def richness(doc: Document) -> int:
    """2 for a full text (PMC article body, PDF), 1 for an abstract or a bibliographic record."""
    full = doc.extra.get("text_kind") == "full_text" or (doc.source or "").lower().endswith(".pdf")
    return 2 if full else 1


def _replaces(new: Document, old: Document) -> bool:
    """Whether ``new`` should replace the stored ``old`` (same id or same paper): a richer kind of
    text always, the same kind when it is a revision (same id) or longer."""
    if richness(new) != richness(old):
        return richness(new) > richness(old)
    return new.doc_id == old.doc_id or len(full_text(new)) > len(full_text(old))


def _merged(new: Document, old: Document) -> Document:
    """``new``'s text and metadata under ``old``'s id, missing identifiers and fields taken from ``old``."""
    return replace(
        new,
        doc_id=old.doc_id,
        pmid=new.pmid or old.pmid,
        doi=new.doi or old.doi,
        journal=new.journal or old.journal,
        year=new.year or old.year,
        authors=new.authors or old.authors,
        extra={**old.extra, **new.extra},
    )


def remove(
    doc_ids: Iterable[str],
    index_dir: Path,
    embedder: Embedder,
    options: WriteOptions,
) -> IngestReport:
    """Remove documents by id from store, FAISS and BM25 (a new version); unknown ids are failures.
    ``options.chunking`` is the index's own."""
    return _each_id(doc_ids, index_dir, embedder, options, Builder.remove, "removed")


def reindex(
    index_dir: Path,
    embedder: Embedder,
    options: WriteOptions,
) -> IngestReport:
    """Build a complete new version from the documents of the live one, with a (possibly new)
    model, chunking or FAISS factory. The live version keeps serving until the new one is published."""
    source = open_index(index_dir)
    report = IngestReport()
    with _writing(index_dir, embedder, report, options, extra=source.manifest.extra, fresh=True) as builder:
        documents = tqdm(source.store.doc_ids(), desc="documents", unit="doc", disable=not options.progress)
        for doc_id in documents:
            doc = source.store.load_document(doc_id)
            digest = source.store.stored_hash(doc_id)
            if doc is not None and digest is not None:
                builder.put(doc, digest)  # the stored hash: re-ingesting the source later is "unchanged"
                report.reindexed += 1
    source.close()
    return report


def withdraw(
    doc_ids: Iterable[str],
    reason: str,
    index_dir: Path,
    embedder: Embedder,
    options: WriteOptions,
) -> IngestReport:
    """Exclude documents from answers (a new version); they stay in the index, flagged by `rag info`.
    ``options.chunking`` is the index's own."""
    return _each_id(doc_ids, index_dir, embedder, options, lambda b, d: b.withdraw(d, reason), "withdrawn")


def _each_id(
    doc_ids: Iterable[str],
    index_dir: Path,
    embedder: Embedder,
    options: WriteOptions,
    act: Callable[[Builder, str], bool],
    counter: Literal["removed", "withdrawn"],
) -> IngestReport:
    """One new version that applies ``act`` to each id; the report's ``counter`` counts the ids it
    applied to, and an id it did not know is a failure."""
    report = IngestReport()
    with _writing(index_dir, embedder, report, options) as builder:
        for doc_id in doc_ids:
            if act(builder, doc_id):
                setattr(report, counter, getattr(report, counter) + 1)
            else:
                report.not_found(doc_id)
    return report
