"""The SQLite document store: documents, their passages, sentence vectors and withdrawals.

A passage's integer ``row_id`` is its id in the FAISS index and in the BM25 row map, so the three
parts of an index can be checked against each other. Rows are read by column name; the schema is
built by the numbered migrations of ``rag.index.migrations``.

(Longer than 300 lines on purpose: every SQL statement the index runs is in this one file, so the
schema's users can be read beside it. What the passages' ``sentences`` column holds, a JSON object
with each sentence's span, page, quote span and cue bits, is written and read by
``rag.index.sentence_json``.)
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

from rag.chunking import full_text, index_text, sections_from
from rag.index.migrations import migrate
from rag.index.sentence_json import read_sentences, sentences_json
from rag.types import Document, DocumentInfo, Passage


@dataclass(frozen=True, slots=True)
class StoredPassage:
    """A passage row with its document's record; ``row_id`` is its id in FAISS and in BM25."""

    row_id: int
    passage: Passage
    document: DocumentInfo


class Store:
    """SQLite store. Writers use one connection; readers get one connection per thread."""

    def __init__(self, path: Path, *, readonly: bool = False, row_base: int = 1) -> None:
        self.path = path
        self.readonly = readonly
        self.row_base = row_base  # the first passage row id (segments after the first start higher)
        self._local = threading.local()
        if not readonly:
            migrate(self._conn())

    def _conn(self) -> sqlite3.Connection:
        conn = getattr(self._local, "conn", None)
        if conn is None:
            if self.readonly:
                conn = sqlite3.connect(f"file:{self.path}?mode=ro", uri=True, check_same_thread=False)
            else:
                conn = sqlite3.connect(self.path, check_same_thread=False)
                conn.execute("PRAGMA foreign_keys = ON")
            conn.row_factory = sqlite3.Row
            self._local.conn = conn
        return conn

    def close(self) -> None:
        conn = getattr(self._local, "conn", None)
        if conn is not None:
            conn.close()
            self._local.conn = None

    # -- writing -------------------------------------------------------------------------
    def stored_hash(self, doc_id: str) -> str | None:
        """The content hash a document was stored with (``None``: not stored)."""
        row = self._conn().execute("SELECT content_hash FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row["content_hash"] if row else None

    def same_papers(self, doc: Document) -> list[str]:
        """Ids of other stored documents with ``doc``'s DOI, PMID or PMCID (the same paper from
        another source: a PDF, its PubMed record, its PMC full text), by id."""
        pmcid = doc.extra.get("pmcid") or None
        rows = self._conn().execute(
            "SELECT doc_id FROM documents WHERE doc_id != ? AND ((? IS NOT NULL AND doi = ?)"
            " OR (? IS NOT NULL AND pmid = ?) OR (? IS NOT NULL AND pmcid = ?)) ORDER BY doc_id",
            (doc.doc_id, doc.doi, doc.doi, doc.pmid, doc.pmid, pmcid, pmcid),
        )
        return [r["doc_id"] for r in rows]

    def delete_document(self, doc_id: str) -> list[int]:
        """Delete a document and its passages; returns the deleted passages' row ids."""
        conn = self._conn()
        rows = [r["row_id"] for r in conn.execute("SELECT row_id FROM passages WHERE doc_id=?", (doc_id,))]
        conn.execute("DELETE FROM passages WHERE doc_id=?", (doc_id,))
        conn.execute("DELETE FROM documents WHERE doc_id=?", (doc_id,))
        return rows

    def add_document(self, doc: Document, passages: Sequence[Passage], content_hash: str) -> list[int]:
        """Insert a document and its passages; returns the new passages' row ids in order."""
        conn = self._conn()
        conn.execute(
            "INSERT INTO documents (doc_id, title, journal, year, pmid, doi, pmcid, authors, source, extra,"
            " text, content_hash) VALUES (?,?,?,?,?,?,?,?,?,?,?,?)",
            (
                doc.doc_id,
                doc.title,
                doc.journal,
                doc.year,
                doc.pmid,
                doc.doi,
                doc.extra.get("pmcid") or None,
                json.dumps(list(doc.authors)),
                doc.source,
                json.dumps(doc.extra, default=str),
                full_text(doc),
                content_hash,
            ),
        )
        ids = []
        last = conn.execute("SELECT max(row_id) AS m FROM passages").fetchone()["m"]
        next_row = max(last if last is not None else 0, self.row_base - 1) + 1
        for n, p in enumerate(passages):
            cur = conn.execute(
                "INSERT INTO passages (row_id, passage_id, doc_id, ordinal, text, char_start, char_end,"
                " page_start, page_end, section, sentences) VALUES (?,?,?,?,?,?,?,?,?,?,?)",
                (
                    next_row + n,
                    p.passage_id,
                    p.doc_id,
                    p.ordinal,
                    p.text,
                    p.char_start,
                    p.char_end,
                    p.page_start,
                    p.page_end,
                    p.section,
                    json.dumps(sentences_json(p)),
                ),
            )
            ids.append(int(cur.lastrowid or 0))
        return ids

    def put_sentence_vectors(self, row_id: int, vectors: np.ndarray) -> None:
        """Store a passage's sentence vectors (float16, one row per sentence)."""
        self._conn().execute(
            "INSERT OR REPLACE INTO sentence_vectors VALUES (?, ?, ?)",
            (row_id, int(vectors.shape[1]), np.asarray(vectors, dtype=np.float16).tobytes()),
        )

    def withdrawn_reason(self, doc_id: str) -> str | None:
        row = self._conn().execute("SELECT reason FROM withdrawn WHERE doc_id=?", (doc_id,)).fetchone()
        return row["reason"] if row else None

    def withdraw(self, doc_id: str, reason: str) -> None:
        """Exclude a document from answers (retracted or withdrawn); it stays listed by `rag info`."""
        self._conn().execute("INSERT OR REPLACE INTO withdrawn VALUES (?, ?)", (doc_id, reason))

    def copy_from(self, other: Path, excluded: Sequence[str] = ()) -> None:
        """Append every row of the store at ``other`` (same schema) except the ``excluded`` documents,
        their passages and sentence vectors; committed. How compaction merges segments' stores."""
        conn = self._conn()
        conn.execute("ATTACH DATABASE ? AS src", (str(other),))
        try:
            conn.execute("CREATE TEMP TABLE IF NOT EXISTS gone (doc_id TEXT PRIMARY KEY)")
            conn.execute("DELETE FROM gone")
            conn.executemany("INSERT INTO gone VALUES (?)", [(d,) for d in excluded])
            kept = "doc_id NOT IN (SELECT doc_id FROM gone)"
            where = {
                "documents": kept,
                "passages": kept,
                "sentence_vectors": f"row_id IN (SELECT row_id FROM src.passages WHERE {kept})",
                "withdrawn": "1",
            }
            for table, condition in where.items():
                columns = ", ".join(r["name"] for r in conn.execute(f"PRAGMA main.table_info({table})"))
                conn.execute(
                    f"INSERT OR REPLACE INTO main.{table} ({columns}) SELECT {columns} FROM src.{table}"
                    f" WHERE {condition}"
                )
            conn.commit()
        finally:
            if conn.in_transaction:  # a failed copy leaves nothing behind
                conn.rollback()
            conn.execute("DETACH DATABASE src")

    def commit(self) -> None:
        self._conn().commit()

    # -- reading -------------------------------------------------------------------------
    def counts(self) -> dict[str, int]:
        conn = self._conn()
        return {
            "documents": conn.execute("SELECT count(*) AS n FROM documents").fetchone()["n"],
            "passages": conn.execute("SELECT count(*) AS n FROM passages").fetchone()["n"],
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
        return [dict(r) for r in rows]

    def sentence_vectors(self, passage_ids: Sequence[str]) -> dict[str, np.ndarray]:
        """``{passage_id: (n_sentences, dim) float32}`` for the passages that have them stored."""
        if not passage_ids:
            return {}
        marks = ",".join("?" * len(passage_ids))
        rows = self._conn().execute(
            "SELECT p.passage_id, s.dimension, s.vectors FROM sentence_vectors s"
            f" JOIN passages p USING(row_id) WHERE p.passage_id IN ({marks})",
            list(passage_ids),
        )
        return {
            r["passage_id"]: np.frombuffer(r["vectors"], dtype=np.float16)
            .reshape(-1, r["dimension"])
            .astype(np.float32)
            for r in rows
        }

    def withdrawn(self) -> dict[str, str]:
        """``{doc_id: reason}`` of the documents excluded from answers."""
        return {
            r["doc_id"]: r["reason"] for r in self._conn().execute("SELECT doc_id, reason FROM withdrawn")
        }

    def stored_hashes(self) -> list[tuple[str, str]]:
        """``(doc_id, content_hash)`` of every document, sorted by id."""
        rows = self._conn().execute("SELECT doc_id, content_hash FROM documents ORDER BY doc_id")
        return [(r["doc_id"], r["content_hash"]) for r in rows]

    def document_text(self, doc_id: str) -> str | None:
        row = self._conn().execute("SELECT text FROM documents WHERE doc_id=?", (doc_id,)).fetchone()
        return row["text"] if row else None

    def passage_start(self, passage_id: str) -> int:
        """Character offset of a passage in its document's text (``KeyError``: no such passage)."""
        return int(self._passage_field(passage_id, "char_start"))

    def passage_text(self, passage_id: str) -> str:
        return str(self._passage_field(passage_id, "text"))

    def _passage_field(self, passage_id: str, column: str) -> Any:
        row = (
            self._conn()
            .execute(f"SELECT {column} FROM passages WHERE passage_id=?", (passage_id,))
            .fetchone()
        )
        if row is None:
            raise KeyError(passage_id)
        return row[column]

    def row_ids_of(self, doc_ids: Sequence[str]) -> list[int]:
        """Passage row ids of the documents ``doc_ids``."""
        out: list[int] = []
        for start in range(0, len(doc_ids), 500):
            chunk = list(doc_ids[start : start + 500])
            marks = ",".join("?" * len(chunk))
            rows = self._conn().execute(f"SELECT row_id FROM passages WHERE doc_id IN ({marks})", chunk)
            out.extend(r["row_id"] for r in rows)
        return out

    def row_doc_ids(self) -> dict[int, str]:
        """``{passage row id: document id}`` for every passage."""
        return {r["row_id"]: r["doc_id"] for r in self._conn().execute("SELECT row_id, doc_id FROM passages")}

    def row_ids(self) -> list[int]:
        return [r["row_id"] for r in self._conn().execute("SELECT row_id FROM passages ORDER BY row_id")]

    def iter_index_texts(self, batch: int = 10_000) -> Iterator[tuple[list[int], list[str]]]:
        """``(row_ids, texts to index)`` in row order, in batches (title + passage text)."""
        cur = self._conn().execute(
            "SELECT p.row_id, d.title, p.text FROM passages p JOIN documents d USING(doc_id)"
            " ORDER BY p.row_id"
        )
        while rows := cur.fetchmany(batch):
            yield [r["row_id"] for r in rows], [index_text(r["title"], r["text"]) for r in rows]

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
        return {r["row_id"]: _stored(r) for r in rows}

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
        row = (
            self._conn()
            .execute(
                "SELECT doc_id, title, journal, year, pmid, doi, authors, source, extra FROM documents"
                " WHERE doc_id=?",
                (doc_id,),
            )
            .fetchone()
        )
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
        return [
            r["doc_id"]
            for r in rows
            if r["source"] in names or (r["source"] and str(Path(r["source"]).resolve()) in names)
        ]

    def doc_ids(self) -> list[str]:
        return [r["doc_id"] for r in self._conn().execute("SELECT doc_id FROM documents ORDER BY doc_id")]

    def load_document(self, doc_id: str) -> Document | None:
        """Rebuild a ``Document`` from the store (for re-indexing with another model or chunking)."""
        meta = self.document(doc_id)
        text = self.document_text(doc_id)
        if meta is None or text is None:
            return None
        sections = sections_from(text, [p.passage for p in self.passages_of(doc_id)])
        return Document(
            doc_id=doc_id,
            title=meta["title"],
            sections=sections,
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
    " p.page_end, p.sentences, p.section, d.title, d.journal, d.year, d.pmid, d.doi, d.extra,"
    " length(d.text) AS doc_chars"
)


def _stored(r: sqlite3.Row) -> StoredPassage:
    sentences = read_sentences(r["sentences"])
    passage = Passage(
        passage_id=r["passage_id"],
        doc_id=r["doc_id"],
        ordinal=r["ordinal"],
        text=r["text"],
        char_start=r["char_start"],
        char_end=r["char_end"],
        page_start=r["page_start"],
        page_end=r["page_end"],
        sentences=sentences.spans,
        section=r["section"],
        sentence_pages=sentences.pages,
        quotes=sentences.quotes,
        cues=sentences.cues,
    )
    extra = json.loads(r["extra"] or "{}")
    document = DocumentInfo(
        doc_id=r["doc_id"],
        title=r["title"],
        journal=r["journal"],
        year=r["year"],
        pmid=r["pmid"],
        doi=r["doi"],
        publication_types=tuple(extra.get("publication_types") or ()),
        chars=r["doc_chars"],
        body_start=extra.get("body_start"),
        mesh=tuple(extra.get("mesh") or ()),
    )
    return StoredPassage(row_id=r["row_id"], passage=passage, document=document)
