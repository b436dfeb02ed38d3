"""Checking and storing uploaded files: type by content, size limits, generated names, bounded gunzip."""

from __future__ import annotations

import gzip
import io
import re
import secrets
from pathlib import Path

from rag.errors import InvalidInput


class UploadRejected(InvalidInput):
    def __init__(self, message: str, status_code: int = 415) -> None:
        super().__init__(message)
        self.status_code = status_code


def sniff(head: bytes) -> str | None:
    """The file type from its first bytes: pdf, xml (PubMed), nxml (PMC JATS), jsonl, ris, bib,
    csv/json sidecars."""
    text = head.lstrip(b"\xef\xbb\xbf \t\r\n")
    if text.startswith(b"%PDF-"):
        return "pdf"
    if (
        text.startswith(b"<?xml")
        or text.startswith(b"<!DOCTYPE")
        or text.startswith(b"<Pubmed")
        or text.startswith(b"<Medline")
    ):
        if b"PubmedArticle" in head or b"MedlineCitation" in head:
            return "xml"
        return "nxml" if re.search(rb"<article[\s>]", head) else None
    if text.startswith(b"TY  -"):
        return "ris"
    if text.startswith(b"@"):
        return "bib"
    if text.startswith(b"{"):
        return "jsonl"
    if (
        text.startswith(b"[")
        or text.lower().startswith(b"file,")
        or b",doi" in text.split(b"\n", 1)[0].lower()
    ):
        return "sidecar"
    return None


def safe_name(name: str, directory: Path, suffix: str) -> Path:
    """A path in ``directory`` for a file the client called ``name``: its base name reduced to
    ``[A-Za-z0-9._-]`` (no path, no leading dot), with the type's suffix, never an existing file.
    The name is kept because it is a PDF's title of last resort."""
    stem = re.sub(r"[^A-Za-z0-9._-]+", "_", Path(name).name).lstrip("._")[:100] or "upload"
    stem = stem[:-3] if stem.lower().endswith(".gz") else stem
    stem = stem[: -len(suffix)] if stem.lower().endswith(suffix) else stem
    path = directory / f"{stem}{suffix}"
    while path.exists():
        path = directory / f"{stem}-{secrets.token_hex(3)}{suffix}"
    return path


def store_upload(
    data: bytes, directory: Path, *, max_bytes: int, max_unzipped: int, name: str = "upload"
) -> tuple[Path, str]:
    """Check one uploaded file and write it under a safe form of its name; returns (path, kind)."""
    if len(data) > max_bytes:
        raise UploadRejected(f"file of {len(data)} bytes exceeds the limit of {max_bytes}", 413)
    if data[:2] == b"\x1f\x8b":
        try:
            with gzip.GzipFile(fileobj=io.BytesIO(data)) as gz:
                data = gz.read(max_unzipped + 1)
        except (OSError, EOFError) as exc:
            raise UploadRejected(f"not a valid gzip file ({exc})", 422) from exc
        if len(data) > max_unzipped:
            raise UploadRejected(f"decompressed file exceeds the limit of {max_unzipped} bytes", 413)
    kind = sniff(data[:4096])
    if kind is None:
        raise UploadRejected(
            "unsupported content: send PDF, PubMed XML (.xml/.xml.gz), PMC JATS XML (.nxml), JSONL, RIS, "
            "BibTeX, or a CSV/JSON metadata sidecar"
        )
    directory.mkdir(parents=True, exist_ok=True)
    suffix = {"sidecar": ".json" if data.lstrip()[:1] == b"[" else ".csv"}.get(kind, f".{kind}")
    path = safe_name(name, directory, suffix)
    path.write_bytes(data)
    return path, kind
