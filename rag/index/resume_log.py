"""A resume log of embedded passages, so a crashed or killed build never re-embeds finished batches.

Vectors are stored per (model, SHA-256 of the embedded text) in ``DIR/resume.sqlite``
(``RESUME_LOG``) and committed after every batch. The next build of the same index looks texts up
here before embedding; after a version is published the log is deleted.
"""

from __future__ import annotations

import hashlib
import sqlite3
from collections.abc import Sequence
from pathlib import Path

import numpy as np

RESUME_LOG = "resume.sqlite"  # in the index directory


def _key(text: str) -> str:
    return hashlib.sha256(text.encode("utf-8")).hexdigest()


class ResumeLog:
    def __init__(self, path: Path, model: str, dimension: int) -> None:
        self.path = path
        self.model = model
        self.dimension = dimension
        self._conn = sqlite3.connect(path)
        self._conn.execute(
            "CREATE TABLE IF NOT EXISTS vectors (model TEXT NOT NULL, key TEXT NOT NULL,"
            " vector BLOB NOT NULL, PRIMARY KEY (model, key))"
        )
        self._conn.commit()

    def get(self, texts: Sequence[str]) -> dict[int, np.ndarray]:
        """Known vectors by position in ``texts``."""
        found: dict[int, np.ndarray] = {}
        for i, text in enumerate(texts):
            row = self._conn.execute(
                "SELECT vector FROM vectors WHERE model=? AND key=?", (self.model, _key(text))
            ).fetchone()
            if row is not None and len(row[0]) == 4 * self.dimension:
                found[i] = np.frombuffer(row[0], dtype=np.float32)
        return found

    def put(self, texts: Sequence[str], vectors: np.ndarray) -> None:
        self._conn.executemany(
            "INSERT OR REPLACE INTO vectors VALUES (?, ?, ?)",
            [
                (self.model, _key(t), np.asarray(v, dtype=np.float32).tobytes())
                for t, v in zip(texts, vectors, strict=True)
            ],
        )
        self._conn.commit()

    def close(self, *, delete: bool = False) -> None:
        self._conn.close()
        if delete:
            for suffix in ("", "-journal", "-wal", "-shm"):
                Path(f"{self.path}{suffix}").unlink(missing_ok=True)
