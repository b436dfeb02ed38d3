"""Distributed ingest on Ray Data: ``rag ingest PATH --ray auto|local|HOST:PORT``.

The costly steps run on the cluster, the cheap one on the driver:

* **read** (Ray Data tasks): each file is parsed by the same readers as a local ingest;
* **chunk + embed** (an actor pool, one embedder per actor): each document is cut into passages
  exactly as the builder will cut it, and every passage text and sentence the builder embeds is
  embedded there;
* **write** (the driver): the usual ``rag.index.ingest.ingest``, with an embedder that looks the
  cluster's vectors up instead of computing them, publishes one version with one new segment per
  block of ``segment_documents`` documents (``--ray-segment-docs``, whole files), so a long ingest
  is written, and can be resumed, a segment at a time while the cluster goes on embedding.

So the index is the one a local ingest builds (same passages, row ids and answers; vectors equal to
float tolerance): Ray Data keeps the files' order (``preserve_order``). Every node must see the
input files at the same path (a shared file system) and have this package installed.
"""

from __future__ import annotations

import json
import socket
from collections import OrderedDict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import asdict
from pathlib import Path
from typing import Any

import numpy as np

from rag.chunking import ChunkingParams, chunk_document, index_text
from rag.embed import Embedder, make_embedder
from rag.errors import InvalidInput
from rag.index.ingest import IngestReport, ingest
from rag.index.options import WriteOptions
from rag.readers import MetadataFile, ReadResult, discover, read_one
from rag.types import Document, Notice

DOCS_PER_BATCH = 32  # documents per embedding call of an actor
SEGMENT_DOCUMENTS = 100_000  # documents per segment the driver writes (about 400k passages of abstracts)


def texts_to_embed(doc: Document, chunking: ChunkingParams) -> list[str]:
    """Every text the builder embeds for ``doc``: its passages (as indexed) and their sentences."""
    out = []
    for passage in chunk_document(doc, chunking):
        out.append(index_text(doc.title, passage.text))
        out.extend(passage.text[s:e] for s, e in passage.sentences)
    return out


class _Parse:
    """Ray Data ``flat_map``: one file → one row per document or notice, or one error row."""

    def __init__(self, metadata: Path | None) -> None:
        self.metadata = MetadataFile.load(metadata)

    def __call__(self, row: dict[str, Any]) -> list[dict[str, Any]]:
        result = read_one(Path(row["path"]), self.metadata)  # as a local ingest reads it
        if result.error is not None:
            return [{"path": result.path, "item": None, "error": result.error}]
        # "error" is always a string ("" for none): Ray Data's columns turn a missing value into NaN
        found: list[Document | Notice | None] = [*result.documents, *result.notices] or [None]
        return [{"path": result.path, "item": item, "error": ""} for item in found]


class _Embed:
    """Ray Data ``map_batches`` actor: its own embedder, loaded once."""

    def __init__(self, model: str, chunking: dict[str, int], batch_size: int) -> None:
        self.embedder = make_embedder(model, batch_size=batch_size)
        self.chunking = ChunkingParams(**chunking)

    def __call__(self, batch: dict[str, Any]) -> dict[str, Any]:
        texts: list[list[str]] = [
            texts_to_embed(item, self.chunking) if isinstance(item, Document) else []
            for item in batch["item"]
        ]
        flat = [t for ts in texts for t in ts]
        vectors = self.embedder.embed(flat) if flat else np.zeros((0, self.embedder.dimension), np.float32)
        out, start = [], 0
        for ts in texts:
            out.append(np.asarray(vectors[start : start + len(ts)], dtype=np.float32))
            start += len(ts)
        return {**batch, "texts": [json.dumps(ts) for ts in texts], "vectors": out}


class LookupEmbedder:
    """The driver's embedder: the vectors the cluster computed for these texts, looked up.

    The table keeps the newest ``MAX_TEXTS`` texts (the builder asks for a document's texts soon
    after it is read); a text no longer there is embedded here by ``fallback``, counted in ``misses``.
    """

    MAX_TEXTS = 200_000  # about 300 MB of 384-dimension vectors

    def __init__(self, fallback: Embedder) -> None:
        self.name = fallback.name
        self.fallback = fallback
        self.table: OrderedDict[str, np.ndarray] = OrderedDict()
        self.misses = 0

    @property
    def dimension(self) -> int:
        return self.fallback.dimension

    def put(self, texts: Sequence[str], vectors: Sequence[np.ndarray]) -> None:
        for text, vector in zip(texts, vectors, strict=True):
            self.table[text] = vector
            self.table.move_to_end(text)
        while len(self.table) > self.MAX_TEXTS:
            self.table.popitem(last=False)

    def embed(self, texts: Sequence[str], *, progress: bool = False) -> np.ndarray:
        missing = sorted({t for t in texts if t not in self.table})
        if missing:
            self.misses += len(missing)
            self.put(missing, list(self.fallback.embed(missing)))
        rows = [self.table[t] for t in texts]
        return np.vstack(rows).astype(np.float32) if rows else np.zeros((0, self.dimension), np.float32)


def ingest_ray(
    paths: list[Path],
    index_dir: Path,
    *,
    model: str,
    address: str = "auto",
    metadata: Path | None = None,
    options: WriteOptions = WriteOptions(),
    workers: int = 2,
    batch_size: int = 32,
    segment_documents: int = SEGMENT_DOCUMENTS,
) -> IngestReport:
    """Read, chunk and embed ``paths`` on a Ray cluster (``address``: ``auto`` for the cluster
    ``RAY_ADDRESS`` or ``ray start`` made, ``local`` to start one here, else ``HOST:PORT``) with
    ``workers`` embedding actors, and write them to ``index_dir`` a segment (and a version) per
    ``segment_documents`` documents; the report adds up those writes."""
    try:
        import ray
    except ImportError as exc:
        raise InvalidInput("--ray needs Ray: pip install 'clinical-rag[distributed]'") from exc
    if workers < 1:
        raise InvalidInput("--ray-workers must be at least 1")
    if segment_documents < 1:
        raise InvalidInput("--ray-segment-docs must be at least 1")
    files = discover(paths)
    lookup = LookupEmbedder(make_embedder(model, batch_size=batch_size))  # loads lazily: rarely used
    _check_reachable(address)
    try:
        if address == "local":
            ray.init(log_to_driver=False, include_dashboard=False)
        else:
            ray.init(address=address, log_to_driver=False)
    except (ConnectionError, RuntimeError, ValueError) as exc:
        raise InvalidInput(
            f"cannot reach a Ray cluster at {address!r} ({exc}); start one with `ray start --head`, "
            "or use --ray local"
        ) from exc
    try:
        context = ray.data.DataContext.get_current()
        context.execution_options.preserve_order = True  # the index a local ingest would build
        context.enable_progress_bars = options.progress
        pool = ray.data.ActorPoolStrategy(size=workers)
        dataset = (
            ray.data.from_items([{"path": str(p)} for p in files], override_num_blocks=max(1, len(files)))
            .flat_map(_Parse, fn_constructor_args=(metadata,), compute=pool)
            .map_batches(
                _Embed,
                fn_constructor_args=(model, asdict(options.chunking), batch_size),
                batch_size=DOCS_PER_BATCH,
                batch_format="default",
                compute=pool,
            )
        )  # fmt: skip
        total = IngestReport()
        for block in _blocks(_results(dataset.iter_rows(), lookup), segment_documents):
            report = ingest(block, index_dir, lookup, options)
            total = _added_up(total, report)
        return total
    finally:
        ray.shutdown()


def _blocks(results: Iterable[ReadResult], documents: int) -> Iterator[list[ReadResult]]:
    """Whole files in runs of at least ``documents`` documents (the last run may hold fewer)."""
    block: list[ReadResult] = []
    count = 0
    for result in results:
        block.append(result)
        count += len(result.documents)
        if count >= documents:
            yield block
            block, count = [], 0
    if block:
        yield block


def _added_up(total: IngestReport, report: IngestReport) -> IngestReport:
    """Two consecutive writes' reports as one: counters and lists added, the last version's state."""
    out = IngestReport(**report.to_dict())
    for name in ("files_seen", "added", "updated", "unchanged", "removed", "withdrawn", "failed"):
        setattr(out, name, getattr(total, name) + getattr(report, name))
    for name in ("failures", "duplicates", "merged"):
        setattr(out, name, getattr(total, name) + getattr(report, name))
    out.passages_embedded = total.passages_embedded + report.passages_embedded
    out.seconds = round(total.seconds + report.seconds, 3)
    out.documents_per_second = round((out.added + out.updated) / out.seconds, 2) if out.seconds else 0.0
    out.new_version = total.new_version or report.new_version
    return out


def _check_reachable(address: str) -> None:
    """Fail at once for a HOST:PORT nobody listens on (``ray.init`` would retry for minutes)."""
    host, sep, port = address.rpartition(":")
    if not sep or not port.isdigit() or "://" in address:
        return
    try:
        socket.create_connection((host, int(port)), timeout=5).close()
    except OSError as exc:
        raise InvalidInput(
            f"cannot reach a Ray cluster at {address!r} ({exc}); start one with `ray start --head`, "
            "or use --ray local"
        ) from exc


def _results(rows: Iterable[dict[str, Any]], lookup: LookupEmbedder) -> Iterator[ReadResult]:
    """The cluster's rows as the ``ReadResult``s of a local ingest (one per file, in order), their
    vectors handed to ``lookup`` before the builder asks for them."""
    path: str | None = None
    docs: list[Document] = []
    notices: list[Notice] = []
    for row in rows:
        if row["path"] != path:
            if path is not None:
                yield ReadResult(path=path, documents=tuple(docs), notices=tuple(notices))
            path, docs, notices = row["path"], [], []
        if row["error"]:
            yield ReadResult(path=row["path"], error=row["error"])
            path = None
            continue
        item = row["item"]
        if isinstance(item, Document):
            docs.append(item)
            lookup.put(json.loads(row["texts"]), list(row["vectors"]))
        elif isinstance(item, Notice):
            notices.append(item)
    if path is not None:
        yield ReadResult(path=path, documents=tuple(docs), notices=tuple(notices))
