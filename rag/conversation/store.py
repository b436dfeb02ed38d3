"""Conversations persisted in SQLite: turns, the reference registry, expiry, owners.

A conversation keeps a registry ``doc_id → n``: a source cited as [2] in turn 1 is [2] in every
later turn, and new sources continue the numbering. Conversations expire ``ttl_seconds`` after their
last turn; the file is created readable by its owner only.
"""

from __future__ import annotations

import os
import re
import secrets
import sqlite3
import threading
import time
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from rag.errors import NotFound
from rag.types import Answer

SCHEMA = """
CREATE TABLE IF NOT EXISTS conversations (
    id TEXT PRIMARY KEY, created_at REAL NOT NULL, updated_at REAL NOT NULL, owner TEXT
);
CREATE TABLE IF NOT EXISTS turns (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    turn INTEGER NOT NULL,
    question TEXT NOT NULL,
    retrieval_query TEXT NOT NULL,
    standalone INTEGER NOT NULL,
    answer TEXT NOT NULL,
    created_at REAL NOT NULL,
    PRIMARY KEY (conversation_id, turn)
);
CREATE TABLE IF NOT EXISTS refs (
    conversation_id TEXT NOT NULL REFERENCES conversations(id) ON DELETE CASCADE,
    doc_id TEXT NOT NULL, n INTEGER NOT NULL, year INTEGER,
    PRIMARY KEY (conversation_id, doc_id)
);
"""
DEFAULT_TTL = 24 * 3600
MEMORY_TTL = 3600  # conversations of a store that writes nothing to disk
ID_BYTES = 12
ID_FORM = re.compile(r"[A-Za-z0-9_-]{16}")  # secrets.token_urlsafe(ID_BYTES)


class ConversationNotFound(NotFound):
    """No such conversation (or it expired)."""


class TurnAnswer(Answer):
    """An answer within a conversation."""

    conversation_id: str
    turn: int
    retrieval_query: str
    follow_up_of: int | None
    resolved_reference: int | None = None


class ConversationStore:
    """SQLite persistence of conversations (one connection, serialised by a lock)."""

    def __init__(self, path: Path, *, ttl_seconds: float = DEFAULT_TTL) -> None:
        """``ttl_seconds`` 0: nothing is written to disk (an in-memory store whose conversations last
        ``MEMORY_TTL``); otherwise the file is created readable by its owner only (0600)."""
        self.path = path
        self.ttl = ttl_seconds or MEMORY_TTL
        if ttl_seconds == 0:
            path = Path(":memory:")
        else:
            path.parent.mkdir(parents=True, exist_ok=True, mode=0o700)
            os.close(os.open(path, os.O_CREAT | os.O_RDWR, 0o600))
            os.chmod(path, 0o600)  # also a file an earlier release created with the default mode
        self._lock = threading.Lock()
        self._turn_locks: dict[str, tuple[threading.Lock, list[int]]] = {}  # lock, turns holding it
        self._conn = sqlite3.connect(path, check_same_thread=False, isolation_level=None)
        self._conn.execute("PRAGMA journal_mode=WAL")
        self._conn.execute("PRAGMA foreign_keys=ON")
        self._conn.executescript(SCHEMA)
        columns = {r[1] for r in self._conn.execute("PRAGMA table_info(conversations)")}
        if "owner" not in columns:  # a store written before conversations had owners
            self._conn.execute("ALTER TABLE conversations ADD COLUMN owner TEXT")

    def close(self) -> None:
        self._conn.close()

    @contextmanager
    def turn(self, cid: str) -> Iterator[None]:
        """Hold conversation ``cid`` for one turn (two tabs asking at once get turns n and n+1).

        The id is checked (form, then existence) before any lock is made, and a conversation's lock
        lives only while turns hold or wait for it: unknown ids cost nothing.
        """
        if not ID_FORM.fullmatch(cid):
            raise ConversationNotFound("no such conversation; start one with POST /v1/conversations")
        with self._lock:
            self._check(cid)
            entry = self._turn_locks.setdefault(cid, (threading.Lock(), [0]))
            entry[1][0] += 1
        try:
            with entry[0]:
                yield
        finally:
            with self._lock:
                entry[1][0] -= 1
                if entry[1][0] == 0:
                    self._turn_locks.pop(cid, None)

    def _purge(self) -> None:
        self._conn.execute("DELETE FROM conversations WHERE updated_at < ?", (time.time() - self.ttl,))

    def create(self, owner: str | None = None) -> str:
        """A new conversation; with ``owner`` (e.g. the proxy's ``X-User``) only they can use it."""
        cid = secrets.token_urlsafe(ID_BYTES)
        now = time.time()
        with self._lock:
            self._purge()
            self._conn.execute("INSERT INTO conversations VALUES (?, ?, ?, ?)", (cid, now, now, owner))
        return cid

    def check_owner(self, cid: str, owner: str | None) -> None:
        """``ConversationNotFound`` unless ``cid`` exists and has no owner or this one."""
        with self._lock:
            self._check(cid)
            (stored,) = self._conn.execute("SELECT owner FROM conversations WHERE id=?", (cid,)).fetchone()
        if stored is not None and stored != owner:
            raise ConversationNotFound(
                f"no conversation {cid!r} for this user; start one with POST /v1/conversations"
            )

    def purge(self, *, everything: bool = False) -> int:
        """Delete expired conversations (``everything``: all of them) and reclaim their space."""
        with self._lock:
            cur = self._conn.execute(
                "DELETE FROM conversations WHERE updated_at < ?",
                (float("inf") if everything else time.time() - self.ttl,),
            )
            self._conn.execute("VACUUM")
        return int(cur.rowcount)

    def _check(self, cid: str) -> None:
        self._purge()
        if not self._conn.execute("SELECT 1 FROM conversations WHERE id=?", (cid,)).fetchone():
            raise ConversationNotFound(
                f"no conversation {cid!r} (it may have expired); start one with POST /v1/conversations"
            )

    def turns(self, cid: str) -> list[TurnAnswer]:
        with self._lock:
            self._check(cid)
            rows = self._conn.execute(
                "SELECT answer FROM turns WHERE conversation_id=? ORDER BY turn", (cid,)
            ).fetchall()
        return [TurnAnswer.model_validate_json(r[0]) for r in rows]

    def info(self, cid: str) -> dict[str, Any]:
        with self._lock:
            self._check(cid)
            created, updated = self._conn.execute(
                "SELECT created_at, updated_at FROM conversations WHERE id=?", (cid,)
            ).fetchone()
        return {"id": cid, "created_at": created, "updated_at": updated}

    def registry(self, cid: str) -> dict[str, tuple[int, int | None]]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT doc_id, n, year FROM refs WHERE conversation_id=?", (cid,)
            ).fetchall()
        return {d: (n, y) for d, n, y in rows}

    def save_turn(
        self, answer: TurnAnswer, standalone: bool, new_refs: dict[str, tuple[int, int | None]]
    ) -> None:
        now = time.time()
        with self._lock:
            self._check(answer.conversation_id)
            self._conn.execute("BEGIN")
            try:
                self._conn.execute(
                    "INSERT INTO turns VALUES (?, ?, ?, ?, ?, ?, ?)",
                    (
                        answer.conversation_id,
                        answer.turn,
                        answer.question,
                        answer.retrieval_query,
                        int(standalone),
                        answer.model_dump_json(),
                        now,
                    ),
                )
                self._conn.executemany(
                    "INSERT INTO refs VALUES (?, ?, ?, ?)",
                    [(answer.conversation_id, d, n, y) for d, (n, y) in new_refs.items()],
                )
                self._conn.execute(
                    "UPDATE conversations SET updated_at=? WHERE id=?", (now, answer.conversation_id)
                )
                self._conn.execute("COMMIT")
            except BaseException:
                self._conn.execute("ROLLBACK")
                raise

    def standalone_flags(self, cid: str) -> list[bool]:
        with self._lock:
            rows = self._conn.execute(
                "SELECT standalone FROM turns WHERE conversation_id=? ORDER BY turn", (cid,)
            ).fetchall()
        return [bool(r[0]) for r in rows]

    def delete(self, cid: str) -> None:
        with self._lock:
            self._check(cid)
            self._conn.execute("DELETE FROM conversations WHERE id=?", (cid,))
