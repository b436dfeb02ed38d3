"""Every library error has one HTTP status and one CLI behaviour (a line on stderr, exit 2)."""

from __future__ import annotations

import importlib
import pkgutil
import subprocess
import sys
from pathlib import Path

import rag
from rag.errors import RagError

EXPECTED = {
    "InvalidInput": 422,
    "ReaderError": 422,
    "NotFound": 404,
    "ConversationNotFound": 404,
    "IndexNotFound": 503,
    "IndexMismatch": 409,
    "WriterBusy": 409,
    "IndexCorrupt": 500,
    "ModelError": 500,
    "IngestAborted": 500,
    "PluginError": 500,
}


def _subclasses(cls: type) -> set[type]:
    return {sub for c in cls.__subclasses__() for sub in {c, *_subclasses(c)}}


def test_each_error_class_declares_its_status() -> None:
    for module in pkgutil.walk_packages(rag.__path__, "rag."):
        if not module.name.endswith("__main__"):
            importlib.import_module(module.name)
    found = {c.__name__: c for c in _subclasses(RagError) if c.__module__.startswith("rag.")}
    assert set(found) == set(EXPECTED)
    for name, cls in found.items():
        owner = next(k for k in cls.__mro__ if "status_code" in vars(k))
        assert owner is not RagError, f"{name} falls back to the base class's status"
        assert cls.status_code == EXPECTED[name], name


def test_the_library_raises_no_bare_rag_error() -> None:
    root = Path(rag.__file__).parent
    offenders = [
        f"{path.relative_to(root)}:{n}"
        for path in root.rglob("*.py")
        for n, line in enumerate(path.read_text().splitlines(), 1)
        if "raise RagError(" in line
    ]
    assert offenders == []


def test_a_busy_writer_is_one_cli_line_and_exit_2(tmp_path: Path) -> None:
    from conftest import ABSTRACTS

    from rag.embed.embedder import HashingEmbedder
    from rag.index.ingest import ingest
    from rag.index.layout import writer_lock
    from rag.readers import read_paths

    index = tmp_path / "i"
    ingest(read_paths([ABSTRACTS]), index, HashingEmbedder())
    with writer_lock(index):
        r = subprocess.run(
            [sys.executable, "-m", "rag.cli", "remove", "18403944", "--index", str(index)],
            capture_output=True,
            text=True,
            timeout=120,
        )
    assert r.returncode == 2
    assert r.stderr == f"rag: error: another process is writing to {index}; retry when it has finished\n"
