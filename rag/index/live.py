"""Listing, switching and rolling back index versions (``rag versions``, ``rag use``, ``rag rollback``)."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from rag.errors import IndexNotFound, NotFound, RagError
from rag.index import layout
from rag.index.manifest import Manifest
from rag.index.version import open_index


def list_versions(index_dir: Path) -> list[dict[str, Any]]:
    """Every complete version, oldest first, with its manifest summary and whether it is live."""
    live = layout.current_version(index_dir)
    out = []
    for name in layout.versions(index_dir):
        try:
            m = Manifest.read(index_dir / layout.VERSIONS / name)
            out.append(
                {
                    "version": name,
                    "live": name == live,
                    "built_at": m.built_at,
                    "parent": m.parent,
                    "model": m.model,
                    "chunking": m.chunking,
                    "counts": m.counts,
                }
            )
        except RagError as exc:
            out.append({"version": name, "live": name == live, "error": str(exc)})
    if not out:
        raise IndexNotFound.at(index_dir)
    return out


def use(index_dir: Path, version: str) -> str:
    """Make ``version`` live (atomically) after checking it opens cleanly."""
    with layout.writer_lock(index_dir):
        open_index(index_dir, version=version).close()
        layout.point_to(index_dir, version)
    return version


def rollback(index_dir: Path) -> str:
    """Return to the version the live one was built from (or the next older one)."""
    live = layout.current_version(index_dir)
    if live is None:
        raise IndexNotFound.at(index_dir)
    parent = Manifest.read(layout.version_dir(index_dir)).parent
    names = layout.versions(index_dir)
    if parent not in names:
        older = [v for v in names if v < live]
        if not older:
            raise NotFound(f"{index_dir}: no earlier version of {live} is kept to roll back to")
        parent = older[-1]
    assert parent is not None
    return use(index_dir, parent)
