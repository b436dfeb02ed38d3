"""Plain text and Markdown: the first non-empty line (``#`` stripped) is the title."""

from __future__ import annotations

import hashlib
import re
from pathlib import Path
from typing import Any

from rag.errors import ReaderError
from rag.readers.meta import build_document
from rag.text.normalize import clean_inline
from rag.types import Document, Section


def read_text(path: Path, meta: dict[str, Any] | None = None) -> Document:
    """Read a UTF-8 text/Markdown file; paragraphs (blank-line separated) become sections."""
    try:
        raw = path.read_text(encoding="utf-8")
    except UnicodeDecodeError as exc:
        raise ReaderError(str(path), "not UTF-8 text; convert the file to UTF-8") from exc
    paragraphs = [clean_inline(p) for p in re.split(r"\n\s*\n", raw) if p.strip()]
    if not paragraphs:
        raise ReaderError(str(path), "the file is empty")
    meta = dict(meta or {})
    title = paragraphs[0].lstrip("#").strip()
    if not meta.get("title"):
        meta["title"] = title
    body = paragraphs[1:] if paragraphs[0].startswith("#") and len(paragraphs) > 1 else paragraphs
    body = [p.lstrip("#").strip() for p in body]
    sections = tuple(Section(text=p) for p in body)
    digest = hashlib.sha256(raw.encode("utf-8")).hexdigest()[:16]
    return build_document(meta, sections, source=str(path), fallback_id=f"sha256:{digest}")
