"""On-disk layout of an index directory.

    DIR/
      CURRENT                 name of the live version (replaced atomically)
      .lock                   held by the one writer at a time
      versions/<version>/     complete, immutable versions: manifest.json (which segments), marks.json
      versions/.tmp-*         a version being built (ignored by readers, removed on the next write)
      segments/<segment>/     immutable parts versions share: store.sqlite, dense.faiss, terms/
                              (``rag.index.segment``)
      segments/.tmp-*         a segment being built

A writer builds its new segment and version in temporary directories, renames them into place and
only then points ``CURRENT`` at the version, so a crash never leaves a half-written live index.
Segments no kept version lists are deleted with the versions that listed them (``prune``).
"""

from __future__ import annotations

import fcntl
import json
import os
import shutil
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from pathlib import Path

from rag.errors import IndexNotFound, WriterBusy

CURRENT = "CURRENT"
VERSIONS = "versions"
STORE = "store.sqlite"
DENSE = "dense.faiss"
BM25 = "bm25"  # format 4 and older: a bm25s index per version
SEGMENTS = "segments"


def current_version(index_dir: Path) -> str | None:
    try:
        name = (index_dir / CURRENT).read_text(encoding="utf-8").strip()
    except FileNotFoundError:
        return None
    return name or None


def version_dir(index_dir: Path, version: str | None = None) -> Path:
    """The directory of ``version`` (default: the live one); raises ``IndexNotFound``."""
    requested = version
    version = version or current_version(index_dir)
    if version is None:
        raise IndexNotFound.at(index_dir)
    path = index_dir / VERSIONS / version
    if not path.is_dir():
        if requested:
            raise IndexNotFound(
                f"{index_dir} has no version {version!r}; see `rag versions --index {index_dir}`"
            )
        raise IndexNotFound(
            f"{index_dir} points at version {version!r}, which does not exist; run `rag rollback`"
        )
    return path


def new_version_name() -> str:
    return datetime.now(UTC).strftime("v%Y%m%dT%H%M%S%fZ")


def fsync_dir(path: Path) -> None:
    fd = os.open(path, os.O_RDONLY)
    try:
        os.fsync(fd)
    finally:
        os.close(fd)


def fsync_tree(path: Path) -> None:
    """Make a finished build durable before it is renamed into place: every file, every subfolder's
    entries (``terms/``…) and the folder's own."""
    for child in path.rglob("*"):
        if child.is_file():
            with child.open("rb") as fh:
                os.fsync(fh.fileno())
        elif child.is_dir():
            fsync_dir(child)
    fsync_dir(path)


def publish(index_dir: Path, tmp: Path, version: str) -> Path:
    """Move a finished build into ``versions/`` and make it live, atomically."""
    fsync_tree(tmp)
    final = index_dir / VERSIONS / version
    os.replace(tmp, final)
    fsync_dir(final.parent)
    point_to(index_dir, version)
    return final


def point_to(index_dir: Path, version: str) -> None:
    """Make ``version`` the live one: write ``CURRENT`` beside and rename it over (atomic)."""
    if not (index_dir / VERSIONS / version).is_dir():
        raise IndexNotFound(f"{index_dir} has no version {version!r}; see `rag versions --index {index_dir}`")
    pointer = index_dir / f".{CURRENT}.tmp"
    pointer.write_text(version + "\n", encoding="utf-8")
    with pointer.open("rb") as fh:
        os.fsync(fh.fileno())
    os.replace(pointer, index_dir / CURRENT)
    fsync_dir(index_dir)


def versions(index_dir: Path) -> list[str]:
    """Complete versions, oldest first."""
    root = index_dir / VERSIONS
    if not root.is_dir():
        return []
    return sorted(p.name for p in root.iterdir() if p.is_dir() and not p.name.startswith("."))


def prune(index_dir: Path, keep: int) -> list[str]:
    """Delete all but the newest ``keep`` versions (never the live one) and stale temp builds."""
    root = index_dir / VERSIONS
    live = current_version(index_dir)
    for tmp in root.glob(".tmp-*"):
        shutil.rmtree(tmp, ignore_errors=True)
    newest_first = versions(index_dir)[::-1]
    removed = [v for v in newest_first[max(keep, 1) :] if v != live]
    for name in removed:
        shutil.rmtree(root / name, ignore_errors=True)
    _collect_segments(index_dir)
    return removed


def _collect_segments(index_dir: Path) -> None:
    """Delete segments that no version lists, and segments a crashed build left half-written (a
    compaction in progress, ``.compact-<pid>-*``, is left alone while its process lives)."""
    root = index_dir / SEGMENTS
    if not root.is_dir():
        return
    listed: set[str] = set()
    for version in versions(index_dir):
        try:
            manifest = json.loads((index_dir / VERSIONS / version / "manifest.json").read_text())
        except (OSError, ValueError):
            return  # an unreadable manifest: keep every segment rather than guess
        listed.update(manifest.get("segments", []))  # format 4 and older list none
    for path in root.iterdir():
        if path.name.startswith(".compact-") and _alive(path.name.split("-")[1]):
            continue
        if path.name.startswith(".") or path.name not in listed:
            shutil.rmtree(path, ignore_errors=True)


def _alive(pid: str) -> bool:
    try:
        os.kill(int(pid), 0)
    except (ValueError, ProcessLookupError):
        return False
    except PermissionError:
        return True
    return True


@contextmanager
def writer_lock(index_dir: Path, *, wait: float = 0.0) -> Iterator[None]:
    """Hold the index's writer lock (one writer at a time); fails if another holds it for more than
    ``wait`` seconds (default: at once)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    (index_dir / VERSIONS).mkdir(exist_ok=True)
    deadline = time.monotonic() + wait
    with (index_dir / ".lock").open("w") as fh:
        while True:
            try:
                fcntl.flock(fh, fcntl.LOCK_EX | fcntl.LOCK_NB)
                break
            except BlockingIOError as exc:
                if time.monotonic() >= deadline:
                    raise WriterBusy(
                        f"another process is writing to {index_dir}; retry when it has finished"
                    ) from exc
                time.sleep(0.2)
        try:
            yield
        finally:
            fcntl.flock(fh, fcntl.LOCK_UN)
