"""The index manifest: what an index was built with, checked whenever it is opened."""

from __future__ import annotations

import hashlib
import json
from pathlib import Path
from typing import Any

from pydantic import BaseModel, Field

from rag.errors import IndexCorrupt, IndexMismatch

# The on-disk format: bump it with every store migration or file layout change, and teach
# ``rag.index.upgrade`` to bring the previous one forward. 2: numbered store migrations;
# 3: documents indexed by DOI and PMID (migration 4); 4: PMCID (migration 5); 5: segments
# (``rag.index.segment``).
FORMAT_VERSION = 5
UPGRADABLE = (1, 2, 3, 4)  # older formats ``rag upgrade`` brings to FORMAT_VERSION (store migrations)
MANIFEST = "manifest.json"


class Manifest(BaseModel):
    """Contents of ``manifest.json`` in every index version directory."""

    format_version: int = FORMAT_VERSION
    version: str
    parent: str | None = None
    built_at: str
    model: str
    dimension: int
    normalized: bool = True
    metric: str = "inner_product"
    faiss_factory: str
    chunking: dict[str, int]
    bm25: dict[str, Any]
    counts: dict[str, int]
    segments: list[str] = Field(default_factory=list)  # oldest first; in DIR/segments/
    files: dict[str, dict[str, Any]] = Field(default_factory=dict)
    documents_hash: str
    extra: dict[str, Any] = Field(default_factory=dict)

    def write(self, directory: Path) -> None:
        path = directory / MANIFEST
        path.write_text(self.model_dump_json(indent=2) + "\n", encoding="utf-8")

    @classmethod
    def read(cls, directory: Path, *, upgrading: bool = False) -> Manifest:
        """The checked manifest of a version directory (``upgrading``: an older format is accepted)."""
        path = directory / MANIFEST
        try:
            data = json.loads(path.read_text(encoding="utf-8"))
        except (OSError, ValueError) as exc:
            raise IndexCorrupt(f"cannot read {path} ({exc}); rebuild the index with `rag ingest`") from exc
        if data.get("format_version") in UPGRADABLE and not upgrading:
            raise IndexMismatch(
                f"{path} has index format {data.get('format_version')}, this program reads format "
                f"{FORMAT_VERSION}; run `rag upgrade --index {directory.parent.parent}` (a new version, "
                "no re-embedding)"
            )
        readable = (FORMAT_VERSION, *UPGRADABLE) if upgrading else (FORMAT_VERSION,)
        if data.get("format_version") not in readable:
            raise IndexMismatch(
                f"{path} has index format {data.get('format_version')!r}, this program reads format "
                f"{FORMAT_VERSION}; rebuild the index with `rag ingest` (or `rag reindex`)"
            )
        return cls.model_validate(data)

    def check_model(self, model: str | None) -> None:
        """Fail loudly when the index was embedded with another model than the one configured."""
        if model is not None and model != self.model:
            raise IndexMismatch(
                f"the index was built with embedding model {self.model!r} but {model!r} is configured; "
                f"query with --model {self.model!r} (RAG_MODEL) or rebuild the index with the new model"
            )


def file_digest(path: Path) -> dict[str, Any]:
    """Size and SHA-256 of a file, for the manifest."""
    h = hashlib.sha256()
    with path.open("rb") as fh:
        for block in iter(lambda: fh.read(1 << 20), b""):
            h.update(block)
    return {"bytes": path.stat().st_size, "sha256": h.hexdigest()}


def file_digests(directory: Path) -> dict[str, dict[str, Any]]:
    """Size and SHA-256 of every file of a version directory but its manifest, for the manifest."""
    files = sorted(p for p in directory.rglob("*") if p.is_file() and p.name != MANIFEST)
    return {str(p.relative_to(directory)): file_digest(p) for p in files}


def check_files(
    directory: Path,
    files: dict[str, dict[str, Any]],
    *,
    full: bool = False,
    fix: str = "rebuild the index with `rag ingest`",
) -> None:
    """Every file of ``files`` (a manifest's or a segment's list) exists in ``directory`` with its
    size (and, with ``full``, its hash); ``fix`` says what to do when one does not."""
    for name, expected in files.items():
        path = directory / name
        if not path.exists():
            raise IndexCorrupt(f"{path} is missing; {fix}")
        if path.stat().st_size != expected["bytes"] or (full and file_digest(path) != expected):
            raise IndexCorrupt(f"{path} does not match its manifest entry; {fix}")
