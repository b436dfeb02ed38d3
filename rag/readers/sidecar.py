"""Metadata sidecars: per-file metadata from a CSV or JSON file.

CSV columns (as in a typical PDF list): ``file, doi, title, journal, year, pmid, authors, ...``.
JSON: a list of such objects, or an object mapping file name to its metadata.
Rows are matched to files by base name.
"""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from rag.errors import ReaderError


def load_sidecar(path: Path) -> dict[str, dict[str, Any]]:
    """Read a metadata sidecar; returns ``{file base name: metadata}``."""
    try:
        if path.suffix.lower() == ".json":
            data = json.loads(path.read_text(encoding="utf-8"))
            if isinstance(data, dict):
                bad = next((k for k, v in data.items() if not isinstance(v, dict)), None)
                if bad is not None:
                    raise ReaderError(str(path), f"the entry of {bad!r} is not an object of metadata fields")
                rows = [dict(v, file=k) for k, v in data.items()]
            elif isinstance(data, list):
                rows = data
            else:
                raise ReaderError(str(path), "a JSON sidecar is a list of rows or an object by file name")
        else:
            with path.open(encoding="utf-8-sig", newline="") as fh:
                rows = list(csv.DictReader(fh))
    except (OSError, ValueError, csv.Error) as exc:
        raise ReaderError(str(path), f"cannot read the metadata sidecar ({exc})") from exc
    out: dict[str, dict[str, Any]] = {}
    for i, row in enumerate(rows):
        if not isinstance(row, dict) or not row.get("file"):
            raise ReaderError(str(path), f"row {i + 1} has no 'file' column naming the document")
        clean = {str(k).strip().lower(): (v.strip() if isinstance(v, str) else v) for k, v in row.items()}
        out[Path(str(clean["file"])).name] = clean
    return out
