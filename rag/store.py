"""The SQLite document store: documents and their passages.

A passage's integer ``row_id`` is its id in the FAISS index and in the BM25 row map, so the three
parts of an index can be checked against each other.
"""

from __future__ import annotations

import json
import sqlite3
import threading
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import numpy as np

from rag.chunking import SECTION_SEPARATOR, full_text
from rag.evidence_level import evidence_level
from rag.types import Document, Passage, Section

SCHEMA = """
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
CREATE TABLE IF NOT EXISTS withdrawn (doc_id TEXT PRIMARY KEY, reason TEXT NOT NULL);
CREATE TABLE IF NOT EXISTS sentence_vectors (
    row_id INTEGER PRIMARY KEY REFERENCES passages(row_id) ON DELETE CASCADE,
    dimension INTEGER NOT NULL,
    vectors BLOB NOT NULL
);
"""


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage row joined with the bibliographic fields of its document."""

    row_id: int
    passage: Passage
    title: str
    journal: str | None
    year: int | None
    pmid: str | None
    doi: str | None
    evidence_level: str | None = None
    doc_chars: int | None = None


class Store:
    """SQLite store. Writers use one connection; readers get one connection per thread."""

    def __init__(self, path: Path, *, readonly: bool = False) -> None:
        self.path = path
        self.readonly = readonly
        self._local = threading.local()
        if not readonly:
            conn = self._conn()
            conn.executescript(SCHEMA)
            conn.commit()

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.readonly:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, check_same_thread=False)
                conn.execute("PRAGMA foreign_keys = ON")
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writing -------------------------------------------------------------------------
    def document_hash(self, doc_id: str) -> str | None:
        row = self._conn().execute("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document and its passages; returns the deleted passages' row ids."""
        conn = self._conn()
        rows = [r[0] for r in conn.execute("SELECT row_id FROM passages WHERE doc_id=?", (doc_id,))]
        conn.execute("DELETE FROM passages WHERE doc_id=?", (doc_id,))
        conn.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        return rows

    def add_document(self, doc: Document, passages: Sequence[Passage], content_hash: str) -> list[int]:
        """Insert a document and its passages; returns the new passages' row ids in order."""
        conn = self._conn()
        conn.execute(
            "INSERT INTO documents (doc_id, title, journal, year, pmid, doi, authors, source, extra, text,"
            " content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id,
                doc.title,
                doc.journal,
                doc.year,
                doc.pmid,
                doc.doi,
                json.dumps(list(doc.authors)),
                doc.source,
                json.dumps(doc.extra, default=str),
                full_text(doc),
                content_hash,
            ),
        )
        ids = []
        for p in passages:
            cur = conn.execute(
                "INSERT INTO passages (passage_id, doc_id, ordinal, text, char_start, char_end, page_start,"
                " page_end, section, sentences) VALUES (?,?,?,?,?,?,?,?,?,?)",
                (
                    p.passage_id,
                    p.doc_id,
                    p.ordinal,
                    p.text,
                    p.char_start,
                    p.char_end,
                    p.page_start,
                    p.page_end,
                    p.section,
                    json.dumps({"spans": p.sentences, "pages": p.sentence_pages}),
                ),
            )
            ids.append(int(cur.lastrowid or 0))
        return ids

    def commit(self) -> None:
        self._conn().commit()

    # -- reading -------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        conn = self._conn()
        return {
            "documents": conn.execute("SELECT count(*) FROM documents").fetchone()[0],
            "passages": conn.execute("SELECT count(*) FROM passages").fetchone()[0],
        }

    def list_documents(self, query: str = "", limit: int = 20) -> list[dict[str, Any]]:
        """Documents whose title, id, PMID or DOI contains ``query`` (all when empty), by id."""
        like = f"%{query.strip()}%"
        rows = (
            self._conn()
            .execute(
                "SELECT doc_id, title, journal, year, pmid, doi FROM documents WHERE title LIKE ?"
                " OR doc_id LIKE ? OR pmid LIKE ? OR doi LIKE ? ORDER BY doc_id LIMIT ?",
                (like, like, like, like, limit),
            )
            .fetchall()
        )
        keys = ("doc_id", "title", "journal", "year", "pmid", "doi")
        return [dict(zip(keys, r, strict=True)) for r in rows]

    def put_sentence_vectors(self, row_id: int, vectors: np.ndarray) -> None:
        """Store a passage's sentence vectors (float16, one row per sentence)."""
        self._conn().execute(
            "INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)",
            (row_id, int(vectors.shape[1]), np.asarray(vectors, dtype=np.float16).tobytes()),
        )

    def sentence_vectors(self, passage_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """``{passage_id: (n_sentences, dim) float32}`` for the passages that have them stored."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        try:
            rows = (
                self._conn()
                .execute(
                    "SELECT p.passage_id, s.dimension, s.vectors FROM sentence_vectors s"
                    f" JOIN passages p USING(row_id) WHERE p.passage_id IN ({marks})",
                    list(passage_ids),
                )
                .fetchall()
            )
        except sqlite3.OperationalError:  # a store written before sentence vectors were kept
            return {}
        return {
            pid: np.frombuffer(blob, dtype=np.float16).reshape(-1, dim).astype(np.float32)
            for pid, dim, blob in rows
        }

    def withdraw(self, doc_id: str, reason: str) -> None:
        """Exclude a document from answers (retracted or withdrawn); it stays listed by `rag info`."""
        self._conn().execute("INSERT OR REPLACE INTO withdrawn VALUES (?, ?)", (doc_id, reason))

    def withdrawn(self) -> dict[str, str]:
        """``{doc_id: reason}`` of the documents excluded from answers."""
        try:
            return dict(self._conn().execute("SELECT doc_id, reason FROM withdrawn"))
        except sqlite3.OperationalError:  # a store written before the table existed
            return {}

    def document_hashes(self) -> list[tuple[str, str]]:
        """``(doc_id, content_hash)`` of every document, sorted by id."""
        return self._conn().execute("SELECT doc_id, content_hash FROM documents ORDER BY doc_id").fetchall()

    def document_text(self, doc_id: str) -> str | None:
        row = self._conn().execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row[0] if row else None

    def passage_start(self, passage_id: str) -> int:
        """Character offset of a passage in its document's text."""
        return int(
            self._conn()
            .execute("SELECT char_start FROM passages WHERE passage_id=?", (passage_id,))
            .fetchone()[0]
        )

    def passage_text(self, passage_id: str) -> str:
        return str(
            self._conn().execute("SELECT text FROM passages WHERE passage_id=?", (passage_id,)).fetchone()[0]
        )

    def row_doc_ids(self) -> dict[int, str]:
        """``{passage row id: document id}`` for every passage."""
        return dict(self._conn().execute("SELECT row_id, doc_id FROM passages"))

    def row_ids(self) -> list[int]:
        return [r[0] for r in self._conn().execute("SELECT row_id FROM passages ORDER BY row_id")]

    def iter_index_texts(self, batch: int = 10_000) -> Iterator[tuple[list[int], list[str]]]:
        """``(row_ids, texts to index)`` in row order, in batches (title + passage text)."""
        cur = self._conn().execute(
            "SELECT p.row_id, d.title, p.text FROM passages p JOIN documents d USING(doc_id)"
            " ORDER BY p.row_id"
        )
        while rows := cur.fetchmany(batch):
            yield [r[0] for r in rows], [index_text(r[1], r[2]) for r in rows]

    def passages_by_row(self, row_ids: Iterable[int]) -> dict[int, StoredPassage]:
        ids = list(row_ids)
        if not ids:
            return {}
        marks = ",".join("?" * len(ids))
        rows = (
            self._conn()
            .execute(
                _PASSAGE_SELECT
                + f" FROM passages p JOIN documents d USING(doc_id) WHERE p.row_id IN ({marks})",
                ids,
            )
            .fetchall()
        )
        return {r[0]: _stored(r) for r in rows}

    def passages_of(self, doc_id: str) -> list[StoredPassage]:
        rows = (
            self._conn()
            .execute(
                _PASSAGE_SELECT
                + " FROM passages p JOIN documents d USING(doc_id) WHERE p.doc_id=? ORDER BY p.ordinal",
                (doc_id,),
            )
            .fetchall()
        )
        return [_stored(r) for r in rows]

    def document(self, doc_id: str) -> dict[str, Any] | None:
        conn = self._conn()
        conn.row_factory = sqlite3.Row
        try:
            row = conn.execute(
                "SELECT doc_id, title, journal, year, pmid, doi, authors, source, extra FROM documents"
                " WHERE doc_id=?",
                (doc_id,),
            ).fetchone()
        finally:
            conn.row_factory = None
        if row is None:
            return None
        out = dict(row)
        out["authors"] = json.loads(out["authors"])
        out["extra"] = json.loads(out["extra"])
        return out

    def doc_ids_from(self, source: str) -> list[str]:
        """Documents read from the file ``source`` (as given to ingest, or its resolved path)."""
        names = {source, str(Path(source).resolve())}
        rows = self._conn().execute("SELECT doc_id, source FROM documents").fetchall()
        return [d for d, s in rows if s in names or (s and str(Path(s).resolve()) in names)]

    def doc_ids(self) -> list[str]:
        return [r[0] for r in self._conn().execute("SELECT doc_id FROM documents ORDER BY doc_id")]

    def load_document(self, doc_id: str) -> Document | None:
        """Rebuild a ``Document`` from the store (for re-indexing with another model or chunking).

        Section texts come from the stored full text (sections are joined by a blank line); each
        section's page and label come from the passages that cover it.
        """
        meta = self.document(doc_id)
        text = self.document_text(doc_id)
        if meta is None or text is None:
            return None
        passages = [p.passage for p in self.passages_of(doc_id)]
        sections = []
        offset = 0
        for part in text.split(SECTION_SEPARATOR):
            covering = [
                p
                for p in passages
                if p.char_start <= offset < p.char_end or offset <= p.char_start < offset + len(part)
            ]
            page = (
                next(
                    (
                        p.page_of(i)
                        for p in covering
                        for i, (s, _) in enumerate(p.sentences)
                        if p.char_start + s >= offset
                    ),
                    None,
                )
                if covering
                else None
            )
            label = covering[0].section if covering else None
            sections.append(Section(text=part, page=page, label=label))
            offset += len(part) + len(SECTION_SEPARATOR)
        return Document(
            doc_id=doc_id,
            title=meta["title"],
            sections=tuple(sections),
            journal=meta["journal"],
            year=meta["year"],
            pmid=meta["pmid"],
            doi=meta["doi"],
            authors=tuple(meta["authors"]),
            source=meta["source"],
            extra=meta["extra"],
        )


_PASSAGE_SELECT = (
    "SELECT p.row_id, p.passage_id, p.doc_id, p.ordinal, p.text, p.char_start, p.char_end, p.page_start,"
    " p.page_end, p.sentences, p.section, d.title, d.journal, d.year, d.pmid, d.doi, d.extra, length(d.text)"
)


def index_text(title: str, text: str) -> str:
    """What is embedded and BM25-indexed for a passage: its document title, then its text."""
    return f"{title} {text}" if title else text


def _stored(r: tuple) -> StoredPassage:
    sentences = json.loads(r[9])
    passage = Passage(
        passage_id=r[1],
        doc_id=r[2],
        ordinal=r[3],
        text=r[4],
        char_start=r[5],
        char_end=r[6],
        page_start=r[7],
        page_end=r[8],
        sentences=tuple((int(a), int(b)) for a, b in sentences["spans"]),
        section=r[10],
        sentence_pages=tuple(sentences["pages"]),
    )
    extra = json.loads(r[16]) if len(r) > 16 and r[16] else {}
    level = evidence_level(extra.get("publication_types") or (), r[11] or "")
    return StoredPassage(
        row_id=r[0],
        passage=passage,
        title=r[11],
        journal=r[12],
        year=r[13],
        pmid=r[14],
        doi=r[15],
        evidence_level=level,
        doc_chars=r[17],
    )
