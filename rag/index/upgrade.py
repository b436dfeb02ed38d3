"""``rag upgrade``: bring an index written in an older on-disk format to the current one.

The live version is copied into a new version (as every write does: a temporary directory, then an
atomic rename), its store gets the numbered migrations it lacks (``rag.index.migrations``), and its
manifest the current ``FORMAT_VERSION`` and fresh file digests. Nothing is re-embedded; the old
version stays on disk for ``rag rollback``.
"""

from __future__ import annotations

import shutil
import sqlite3
from pathlib import Path

from rag.index import layout
from rag.index.manifest import FORMAT_VERSION, Manifest, file_digests
from rag.index.migrations import migrate


def upgrade(index_dir: Path) -> str | None:
    """Upgrade the live version; returns the new live version, or ``None`` if it was current."""
    with layout.writer_lock(index_dir):
        parent = layout.current_version(index_dir)
        src = layout.version_dir(index_dir, parent)
        manifest = Manifest.read(src, upgrading=True)
        if manifest.format_version == FORMAT_VERSION:
            return None
        version = layout.new_version_name()
        tmp = index_dir / layout.VERSIONS / f".tmp-{version}"
        shutil.copytree(src, tmp)
        conn = sqlite3.connect(tmp / layout.STORE)
        try:
            migrate(conn)
        finally:
            conn.close()
        upgraded = manifest.model_copy(
            update={
                "format_version": FORMAT_VERSION,
                "version": version,
                "parent": parent,
                "files": file_digests(tmp),
                "extra": {**manifest.extra, "upgraded_from_format": manifest.format_version},
            }
        )
        upgraded.write(tmp)
        layout.publish(index_dir, tmp, version)
        return version
