"""The audit trail of writes to an index: who, what, when, result, in ``DIR/audit.sqlite``.

Every write of the command line (``rag ingest``/``remove``/``withdraw``/``reindex``/``use``/
``rollback``/``upgrade``) and of the content API (upload, delete, reload) appends one row; ``rag
audit`` prints them. "Who" is the operating-system user for the command line and ``key:<first 8
hex of the key's SHA-256>`` for the API: the key itself is never stored.
"""

from __future__ import annotations

import getpass
import hashlib
import json
import sqlite3
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

AUDIT = "audit.sqlite"
SCHEMA = """
CREATE TABLE IF NOT EXISTS audit (
    at REAL NOT NULL, actor TEXT NOT NULL, action TEXT NOT NULL, target TEXT NOT NULL,
    result TEXT NOT NULL, detail TEXT NOT NULL DEFAULT '{}'
)
"""


def key_actor(key: str) -> str:
    return "key:" + hashlib.sha256(key.encode()).hexdigest()[:8]


def os_actor() -> str:
    try:
        return f"user:{getpass.getuser()}"
    except Exception:  # no user name (a container without /etc/passwd entry)
        return "user:?"


def record(
    index_dir: Path, actor: str, action: str, target: str, result: str, detail: dict[str, Any] | None = None
) -> None:
    """Append one row (the index folder is created if needed, as the write itself would)."""
    index_dir.mkdir(parents=True, exist_ok=True)
    conn = sqlite3.connect(index_dir / AUDIT, timeout=30)
    try:
        with conn:
            conn.execute(SCHEMA)
            conn.execute(
                "INSERT INTO audit VALUES (?, ?, ?, ?, ?, ?)",
                (time.time(), actor, action, target[:500], result, json.dumps(detail or {}, default=str)),
            )
    finally:
        conn.close()


@contextmanager
def audited(
    index_dir: Path, actor: str, action: str, target: str, *, only_existing: bool = False
) -> Iterator[dict[str, str]]:
    """Record the write done inside the block with its result: ``ok`` (or what the block puts in
    ``result["result"]``), or the error it raised. ``only_existing``: nothing is recorded for an
    index folder that does not exist (a mistyped path is not a write)."""
    result = {"result": "ok"}
    try:
        yield result
    except Exception as exc:
        if not only_existing or index_dir.exists():
            record(index_dir, actor, action, target, f"error: {exc}")
        raise
    if not only_existing or index_dir.exists():
        record(index_dir, actor, action, target, result["result"])


def entries(index_dir: Path, limit: int = 100) -> list[dict[str, Any]]:
    """The newest ``limit`` rows, oldest first."""
    path = index_dir / AUDIT
    if not path.exists():
        return []
    conn = sqlite3.connect(f"file:{path}?mode=ro", uri=True)
    try:
        rows = conn.execute(
            "SELECT at, actor, action, target, result, detail FROM audit ORDER BY rowid DESC LIMIT ?",
            (limit,),
        ).fetchall()
    finally:
        conn.close()
    keys = ("at", "actor", "action", "target", "result", "detail")
    return [dict(zip(keys, r, strict=True)) | {"detail": json.loads(r[5])} for r in reversed(rows)]
