"""BEIR/JSONL abstracts: ``{"_id", "title", "text", "metadata": {journal, year, pmid, doi, authors}}``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from pathlib import Path

from rag.errors import ReaderError
from rag.readers.meta import build_document
from rag.types import Document, Section


def read_jsonl(path: Path) -> Iterator[Document]:
    """Yield one document per line; a malformed line fails the file with its line number."""
    with path.open(encoding="utf-8") as fh:
        for lineno, line in _lines(fh, path):
            if not line.strip():
                continue
            try:
                row = json.loads(line)
                doc_id = str(row["_id"] if "_id" in row else row["id"])
            except (json.JSONDecodeError, KeyError, TypeError, AttributeError) as exc:
                raise ReaderError(f"{path}:{lineno}", f"not a BEIR JSONL record with an _id ({exc})") from exc
            text = str(row.get("text") or "").strip()
            if not text:
                continue
            meta = dict(row.get("metadata") or {})
            meta.update(doc_id=doc_id, title=row.get("title") or meta.get("title"))
            sections = tuple(_sections(row, text))
            yield build_document(meta, sections, source=str(path), fallback_id=doc_id)


def _lines(fh: Iterator[str], path: Path) -> Iterator[tuple[int, str]]:
    lineno = 0
    try:
        for lineno, line in enumerate(fh, 1):
            yield lineno, line
    except UnicodeDecodeError as exc:
        raise ReaderError(f"{path}:{lineno + 1}", "not UTF-8 text; convert the file to UTF-8") from exc


def _sections(row: dict, text: str) -> Iterator[Section]:
    labels = row.get("labels") or (row.get("metadata") or {}).get("labels")
    contexts = row.get("sections")
    if isinstance(contexts, list) and isinstance(labels, list) and len(contexts) == len(labels):
        for label, body in zip(labels, contexts, strict=True):
            yield Section(text=str(body).strip(), label=str(label))
    else:
        yield Section(text=text)
