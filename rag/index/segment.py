"""Segments: the immutable parts an index version is made of, and the marks a version adds to them.

    DIR/segments/<name>/      store.sqlite (documents, passages, sentence vectors), dense.faiss,
                              terms/ (BM25 term frequencies, ``rag.index.terms``), segment.json
    DIR/versions/<v>/         manifest.json (lists the version's segments, oldest first), marks.json

A write adds at most one segment (the documents it adds or replaces) and publishes a new version
listing the untouched segments by name: nothing is copied. Removing or replacing a document of an
older segment records a deletion mark (``marks.json``: segment → document ids) in the new version;
withdrawals are marks too. Passage row ids are unique across segments (each new segment starts after
the highest row id of the version it extends), so a row id names one passage of one segment.
``rag compact`` (``rag.index.compact``) merges segments and drops what their marks delete.
"""

from __future__ import annotations

import json
import os
from dataclasses import dataclass, field
from functools import cached_property
from pathlib import Path
from typing import Any

import numpy as np

from rag.errors import IndexCorrupt
from rag.index import layout
from rag.index.dense import DenseIndex
from rag.index.manifest import check_files, file_digests
from rag.index.store import Store
from rag.index.terms import TermIndex

SEGMENT = "segment.json"
MARKS = "marks.json"
TERMS = "terms"


@dataclass(frozen=True)
class Marks:
    """What a version deletes from its segments (``segment → doc ids``) and withdraws from answers."""

    deleted: dict[str, frozenset[str]] = field(default_factory=dict)
    withdrawn: dict[str, str] = field(default_factory=dict)

    @classmethod
    def read(cls, version_dir: Path) -> Marks:
        path = version_dir / MARKS
        if not path.exists():
            return cls()
        data = json.loads(path.read_text(encoding="utf-8"))
        return cls({s: frozenset(d) for s, d in data["deleted"].items()}, dict(data["withdrawn"]))

    def write(self, version_dir: Path) -> None:
        data = {
            "deleted": {s: sorted(d) for s, d in sorted(self.deleted.items()) if d},
            "withdrawn": self.withdrawn,
        }
        (version_dir / MARKS).write_text(json.dumps(data, indent=1, sort_keys=True) + "\n", encoding="utf-8")


class Segment:
    """One segment, opened for reading; FAISS and the term index load on first use."""

    def __init__(self, index_dir: Path, name: str, factory: str) -> None:
        self.name = name
        self.path = index_dir / layout.SEGMENTS / name
        self.factory = factory
        try:
            self.meta: dict[str, Any] = json.loads((self.path / SEGMENT).read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(
                f"segment {self.path} is missing or unreadable ({exc}); run `rag rollback`"
            ) from exc
        self.store = Store(self.path / layout.STORE, readonly=True)

    def check(self, *, full: bool = False) -> None:
        """Every file the segment lists exists with its size (and, with ``full``, its SHA-256)."""
        check_files(self.path, self.meta["files"], full=full, fix="run `rag rollback` or rebuild the index")

    @property
    def rows(self) -> tuple[int, int]:
        low, high = self.meta["rows"]
        return int(low), int(high)

    @cached_property
    def dense(self) -> DenseIndex:
        return DenseIndex.load(self.path / layout.DENSE, self.meta.get("faiss_factory", self.factory))

    @cached_property
    def terms(self) -> TermIndex:
        return TermIndex.load(self.path / TERMS)

    def deleted_rows(self, doc_ids: frozenset[str]) -> np.ndarray:
        if not doc_ids:
            return np.zeros(0, dtype=np.int64)
        return np.asarray(self.store.row_ids_of(sorted(doc_ids)), dtype=np.int64)

    def close(self) -> None:
        self.store.close()


def write_segment(path: Path, store: Store, dense: DenseIndex) -> dict[str, Any]:
    """Finish a segment being built in ``path`` (``store`` committed and closed here): FAISS, term
    index, ``segment.json``; returns its metadata."""
    store.commit()
    rows: list[int] = []
    texts: list[str] = []
    for batch_rows, batch_texts in store.iter_index_texts():
        rows.extend(batch_rows)
        texts.extend(batch_texts)
    TermIndex.build(rows, texts).save(path / TERMS)
    dense = dense.for_segment()
    dense.save(path / layout.DENSE)
    counts = {**store.counts(), "vectors": len(dense)}
    store.close()
    if counts["passages"] != len(dense):
        raise IndexCorrupt(f"segment {path}: {counts['passages']} passages but {len(dense)} vectors")
    meta = {
        "name": segment_name(path),
        "counts": counts,
        "rows": [min(rows, default=0), max(rows, default=-1)],
        "faiss_factory": dense.factory,
        "files": file_digests(path),
    }
    (path / SEGMENT).write_text(json.dumps(meta, indent=1) + "\n", encoding="utf-8")
    return meta


def segment_name(path: Path) -> str:
    """The name a segment being built in ``path`` will have (``.tmp-NAME``, ``.compact-PID-NAME``)."""
    if path.name.startswith(".compact-"):
        return path.name.split("-", 2)[2]
    return path.name.removeprefix(".tmp-")


def publish_segment(index_dir: Path, tmp: Path) -> str:
    """Rename a finished segment into place (durably); returns its name."""
    name = segment_name(tmp)
    layout.fsync_tree(tmp)
    os.replace(tmp, tmp.parent / name)
    layout.fsync_dir(tmp.parent)
    return name


def new_segment_dir(index_dir: Path) -> Path:
    root = index_dir / layout.SEGMENTS
    root.mkdir(parents=True, exist_ok=True)
    path = root / f".tmp-{layout.new_version_name().replace('v', 's', 1)}"
    path.mkdir()
    return path
