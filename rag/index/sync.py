"""``rag sync DIR``: apply PubMed's baseline and daily update files in order, each once.

NLM numbers its files in one sequence (``pubmed26n0001.xml.gz`` … the baseline, then the daily
updates), so name order is the order to apply them. Each file becomes one version whose manifest
records, under ``extra["pubmed_applied"]``, every file applied so far: the record and the data are
published together, so after a crash or an interruption the next ``rag sync`` starts at the first
file not applied, and a rerun with nothing new publishes nothing. A file that cannot be read stops
the sync before it (files after it may depend on it).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator
from pathlib import Path

from rag.embed import Embedder
from rag.errors import InvalidInput, ReaderError
from rag.index.ingest import IngestReport, ingest
from rag.index.layout import current_version, version_dir
from rag.index.manifest import Manifest
from rag.index.options import WriteOptions
from rag.readers import ReadResult, read_paths

PATTERN = "pubmed*n*.xml.gz"
APPLIED = "pubmed_applied"  # manifest extra: the names of the files applied, in order


def applied(index_dir: Path) -> list[str]:
    """The update files the live version has applied."""
    if current_version(index_dir) is None:
        return []
    return list(Manifest.read(version_dir(index_dir)).extra.get(APPLIED, []))


def pending(folder: Path, index_dir: Path, pattern: str = PATTERN) -> list[Path]:
    """The files of ``folder`` matching ``pattern`` not applied yet, in the order to apply them."""
    if not folder.is_dir():
        raise InvalidInput(f"{folder} is not a folder; give the folder the PubMed update files are in")
    done = set(applied(index_dir))
    return [p for p in sorted(folder.glob(pattern)) if p.name not in done]


def sync(
    folder: Path,
    index_dir: Path,
    embedder: Embedder,
    options: WriteOptions,
    *,
    pattern: str = PATTERN,
    on_file: Callable[[str, IngestReport], None] | None = None,
) -> list[tuple[str, IngestReport]]:
    """Apply every pending file, one version each; returns each file's report. ``options.chunking``
    is the index's own."""
    done = applied(index_dir)
    out: list[tuple[str, IngestReport]] = []
    for path in pending(folder, index_dir, pattern):
        report = ingest(
            _strict(read_paths([path])),
            index_dir,
            embedder,
            options,
            extra={APPLIED: [*done, path.name]},
        )
        done.append(path.name)
        out.append((path.name, report))
        if on_file is not None:
            on_file(path.name, report)
    return out


def _strict(results: Iterable[ReadResult]) -> Iterator[ReadResult]:
    """A file that fails to read stops the sync: nothing of it is published or recorded."""
    for result in results:
        if result.error is not None:
            raise ReaderError(
                result.path,
                f"{result.error}; files before it were applied, this one and later ones were not "
                "(replace it and run `rag sync` again)",
            )
        yield result
