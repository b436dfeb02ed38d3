"""Numbered migrations of the SQLite store, recorded in its ``migrations`` table (as simonw/llm does).

A store is created by applying every migration in order; a store written before a migration existed
gets just the ones it lacks when it is upgraded (``rag upgrade``, ``rag.index.upgrade``). Never edit a
migration that has shipped: add the next number. Adding one changes the on-disk format, so bump
``rag.index.manifest.FORMAT_VERSION`` with it.
"""

from __future__ import annotations

import sqlite3
import time

MIGRATIONS: tuple[tuple[int, str, str], ...] = (
    (
        1,
        "documents and passages",
        """
        CREATE TABLE IF NOT EXISTS documents (
            doc_id TEXT PRIMARY KEY,
            title TEXT NOT NULL,
            journal TEXT, year INTEGER, pmid TEXT, doi TEXT,
            authors TEXT NOT NULL DEFAULT '[]',
            source TEXT,
            extra TEXT NOT NULL DEFAULT '{}',
            text TEXT NOT NULL,
            content_hash TEXT NOT NULL
        );
        CREATE TABLE IF NOT EXISTS passages (
            row_id INTEGER PRIMARY KEY,
            passage_id TEXT NOT NULL UNIQUE,
            doc_id TEXT NOT NULL REFERENCES documents(doc_id) ON DELETE CASCADE,
            ordinal INTEGER NOT NULL,
            text TEXT NOT NULL,
            char_start INTEGER NOT NULL, char_end INTEGER NOT NULL,
            page_start INTEGER, page_end INTEGER,
            section TEXT,
            sentences TEXT NOT NULL
        );
        CREATE INDEX IF NOT EXISTS passages_doc ON passages(doc_id);
        """,
    ),
    (
        2,
        "withdrawn documents",
        "CREATE TABLE IF NOT EXISTS withdrawn (doc_id TEXT PRIMARY KEY, reason TEXT NOT NULL);",
    ),
    (
        3,
        "sentence vectors",
        """
        CREATE TABLE IF NOT EXISTS sentence_vectors (
            row_id INTEGER PRIMARY KEY REFERENCES passages(row_id) ON DELETE CASCADE,
            dimension INTEGER NOT NULL,
            vectors BLOB NOT NULL
        );
        """,
    ),
    (
        4,
        "documents by DOI and PMID (one paper from several sources is one document)",
        """
        CREATE INDEX IF NOT EXISTS documents_doi ON documents(doi);
        CREATE INDEX IF NOT EXISTS documents_pmid ON documents(pmid);
        """,
    ),
    (
        5,
        "documents by PMCID (a PMC full text and its PubMed record or PDF are one document)",
        """
        ALTER TABLE documents ADD COLUMN pmcid TEXT;
        UPDATE documents SET pmcid = json_extract(extra, '$.pmcid') WHERE json_valid(extra);
        CREATE INDEX IF NOT EXISTS documents_pmcid ON documents(pmcid);
        """,
    ),
)
LATEST = MIGRATIONS[-1][0]


def applied(conn: sqlite3.Connection) -> set[int]:
    """The migration numbers a store has (none for a store written before this table existed)."""
    exists = conn.execute("SELECT 1 FROM sqlite_master WHERE type='table' AND name='migrations'").fetchone()
    if not exists:
        return set()
    return {int(row[0]) for row in conn.execute("SELECT id FROM migrations")}


def migrate(conn: sqlite3.Connection) -> list[int]:
    """Apply the migrations ``conn``'s store lacks, in order, each in its own transaction."""
    conn.execute(
        "CREATE TABLE IF NOT EXISTS migrations (id INTEGER PRIMARY KEY, name TEXT NOT NULL, applied_at REAL)"
    )
    done = applied(conn)
    ran = []
    for number, name, sql in MIGRATIONS:
        if number in done:
            continue
        with conn:
            for statement in filter(str.strip, sql.split(";")):
                conn.execute(statement)
            conn.execute("INSERT INTO migrations VALUES (?, ?, ?)", (number, name, time.time()))
        ran.append(number)
    return ran
