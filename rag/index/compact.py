"""``rag compact``: merge segments into one, dropping what deletion marks delete.

Compaction reads immutable segments, so it runs beside readers and writers: the merged segment is
built in ``segments/.compact-<pid>-*`` without the writer lock (rows, vectors and sentence vectors are
copied, nothing is embedded; BM25 term frequencies are counted again), and the lock is taken only to
publish a version in which the merged segment replaces its sources. Documents that a write deleted
from the sources while the merge ran are marked deleted in the merged segment, so nothing a writer
did is lost; if another compaction replaced a source meanwhile, this one gives up.

Policy: ``all`` merges every segment; ``auto`` (run after a write that leaves more than
``RAG_COMPACT_SEGMENTS`` segments, default ``rag.config.COMPACT_SEGMENTS``) merges the smallest
segments into one so that half the limit remain. The large segments are left alone, and a merged
segment grows by about the limit's factor each time it is merged again (as Lucene's tiered policy
does), so a long series of writes copies each passage a logarithmic number of times.
"""

from __future__ import annotations

import os
import shutil
import sys
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from rag.config import COMPACT_SEGMENTS, KEEP_VERSIONS
from rag.errors import InvalidInput, WriterBusy
from rag.index import layout
from rag.index.dense import DenseIndex
from rag.index.manifest import Manifest, file_digests
from rag.index.segment import Marks, Segment, publish_segment, write_segment
from rag.index.store import Store
from rag.index.version import open_segments

POLICIES = ("all", "auto")
PUBLISH_WAIT_S = 600.0  # how long a finished merge waits for a writer to finish before giving up


@dataclass
class Compacted:
    version: str
    merged: list[str]  # the source segments
    segment: str  # the merged one
    passages: int
    dropped_documents: int  # deleted documents the merge left out
    seconds: float

    def to_dict(self) -> dict[str, object]:
        return dict(self.__dict__)


def choose(segments: Sequence[Segment], policy: str, *, limit: int = COMPACT_SEGMENTS) -> list[Segment]:
    """The segments to merge: ``all``, or (``auto``) the smallest ones, so that ``limit // 2`` remain."""
    if policy not in POLICIES:
        raise InvalidInput(f"unknown compaction policy {policy!r}; choose one of {', '.join(POLICIES)}")
    if policy == "all":
        return list(segments)
    if len(segments) <= limit:
        return []
    by_size = sorted(segments, key=lambda s: (s.meta["counts"]["passages"], s.name))
    return by_size[: len(segments) - max(limit // 2, 1) + 1]


def compact(
    index_dir: Path,
    *,
    policy: str = "all",
    limit: int = COMPACT_SEGMENTS,
    keep_versions: int = KEEP_VERSIONS,
    before_publish: Callable[[], None] | None = None,
) -> Compacted | None:
    """Merge segments of the live version (module docstring); ``None`` when there is nothing to do."""
    started = time.perf_counter()
    live = layout.current_version(index_dir)
    if live is None:
        layout.version_dir(index_dir)  # raises IndexNotFound with the fix
    manifest = Manifest.read(layout.version_dir(index_dir, live))
    marks = Marks.read(layout.version_dir(index_dir, live))
    segments = open_segments(index_dir, manifest)
    sources = choose(segments, policy, limit=limit)
    if len(sources) < 2 and not any(marks.deleted.get(s.name) for s in sources):
        return None
    name = layout.new_version_name().replace("v", "s", 1)
    tmp = index_dir / layout.SEGMENTS / f".compact-{os.getpid()}-{name}"
    tmp.mkdir(parents=True)
    try:
        passages, dropped = _merge(tmp, sources, marks, manifest)
        if before_publish:
            before_publish()
        with layout.writer_lock(index_dir, wait=PUBLISH_WAIT_S):
            return _publish(index_dir, tmp, name, sources, marks, passages, dropped, started, keep_versions)
    finally:
        shutil.rmtree(tmp, ignore_errors=True)


def maybe_compact(index_dir: Path, segments: int, *, limit: int) -> Compacted | None:
    """The automatic policy, after a write that left ``segments`` segments: merge when there are more
    than ``limit`` (``Settings.compact_segments``, ``RAG_COMPACT_SEGMENTS``); 0 turns it off."""
    if not limit or segments <= limit:
        return None
    try:
        return compact(index_dir, policy="auto", limit=limit)
    except (WriterBusy, OSError) as exc:  # the write itself is published; the next one compacts
        print(f"rag: warning: automatic compaction of {index_dir} skipped: {exc}", file=sys.stderr)
        return None


def _merge(tmp: Path, sources: Sequence[Segment], marks: Marks, manifest: Manifest) -> tuple[int, int]:
    store = Store(tmp / layout.STORE)  # the current schema, through the migrations
    dense = DenseIndex.create(manifest.dimension, manifest.faiss_factory)
    dropped = 0
    for source in sources:
        gone = sorted(marks.deleted.get(source.name, ()))
        dropped += len(gone)
        store.copy_from(source.store.path, gone)
        ids, vectors = source.dense.items()
        deleted = set(source.deleted_rows(frozenset(gone)).tolist())
        keep = [i for i, r in enumerate(ids.tolist()) if r not in deleted]
        dense.add(ids[keep].tolist(), vectors[keep])
    meta = write_segment(tmp, store, dense)
    return int(meta["counts"]["passages"]), dropped


def _publish(
    index_dir: Path,
    tmp: Path,
    name: str,
    sources: Sequence[Segment],
    marks: Marks,
    passages: int,
    dropped: int,
    started: float,
    keep_versions: int,
) -> Compacted | None:
    parent = layout.current_version(index_dir)
    now = Manifest.read(layout.version_dir(index_dir, parent))
    merged = [s.name for s in sources]
    if any(m not in now.segments for m in merged):
        return None  # another compaction got there first, or the live version was switched
    current = Marks.read(layout.version_dir(index_dir, parent))
    if any(marks.deleted.get(m, frozenset()) - current.deleted.get(m, frozenset()) for m in merged):
        return None  # a rollback revived a document the merge dropped: merge again from the live version
    since = frozenset().union(
        *(current.deleted.get(m, frozenset()) - marks.deleted.get(m, frozenset()) for m in merged)
    )
    deleted = {s: d for s, d in current.deleted.items() if s not in merged}
    if since:
        deleted[name] = since
    listed: list[str] = []
    for s in now.segments:
        if s not in merged:
            listed.append(s)
        elif name not in listed:
            listed.append(name)
    final = tmp.parent / f".tmp-{name}"
    os.replace(tmp, final)
    publish_segment(index_dir, final)
    version = layout.new_version_name()
    vtmp = index_dir / layout.VERSIONS / f".tmp-{version}"
    vtmp.mkdir()
    Marks(deleted, current.withdrawn).write(vtmp)
    now.model_copy(
        update={
            "version": version,
            "parent": parent,
            "segments": listed,
            "files": file_digests(vtmp),
            "built_at": time.strftime("%Y-%m-%dT%H:%M:%S+00:00", time.gmtime()),
        }
    ).write(vtmp)
    layout.publish(index_dir, vtmp, version)
    layout.prune(index_dir, keep_versions)
    return Compacted(version, merged, name, passages, dropped, round(time.perf_counter() - started, 3))
