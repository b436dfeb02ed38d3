"""``rag upgrade``: bring an index written in an older on-disk format to the current one.

The live version's store is copied into a new segment (``rag.index.segment``) and gets the numbered
migrations it lacks (``rag.index.migrations``); its FAISS index comes along unchanged and its BM25
term frequencies are counted from the stored texts. A new version listing that one segment is
published with the current ``FORMAT_VERSION``. Nothing is re-embedded; the old version stays on disk
for ``rag rollback``.
"""

from __future__ import annotations

import shutil
from pathlib import Path

from rag.index import layout
from rag.index.builder import BM25_PARAMETERS
from rag.index.dense import DenseIndex
from rag.index.manifest import FORMAT_VERSION, Manifest, file_digests
from rag.index.segment import Marks, new_segment_dir, publish_segment, write_segment
from rag.index.store import Store


def upgrade(index_dir: Path) -> str | None:
    """Upgrade the live version; returns the new live version, or ``None`` if it was current."""
    with layout.writer_lock(index_dir):
        parent = layout.current_version(index_dir)
        src = layout.version_dir(index_dir, parent)
        manifest = Manifest.read(src, upgrading=True)
        if manifest.format_version == FORMAT_VERSION:
            return None
        version = layout.new_version_name()
        segment = new_segment_dir(index_dir)
        shutil.copy2(src / layout.STORE, segment / layout.STORE)
        store = Store(segment / layout.STORE)  # opening a writable store runs the missing migrations
        write_segment(segment, store, DenseIndex.load(src / layout.DENSE, manifest.faiss_factory))
        name = publish_segment(index_dir, segment)
        tmp = index_dir / layout.VERSIONS / f".tmp-{version}"
        tmp.mkdir()
        Marks().write(tmp)
        upgraded = manifest.model_copy(
            update={
                "format_version": FORMAT_VERSION,
                "version": version,
                "parent": parent,
                "segments": [name],
                "bm25": BM25_PARAMETERS,
                "files": file_digests(tmp),
                "extra": {**manifest.extra, "upgraded_from_format": manifest.format_version},
            }
        )
        upgraded.write(tmp)
        layout.publish(index_dir, tmp, version)
        return version
