"""Background ingestion jobs for the content API: one worker, jobs run in submission order."""

from __future__ import annotations

import queue
import secrets
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from typing import Any, TypeVar

from rag.errors import WriterBusy


@dataclass
class Job:
    id: str
    files: list[dict[str, Any]]
    status: str = "queued"  # queued → running → done | partial | failed
    submitted_at: float = field(default_factory=time.time)
    finished_at: float | None = None
    report: dict[str, Any] | None = None
    error: str | None = None
    waiting: str | None = None  # why a running job is waiting (another writer holds the index)

    def view(self) -> dict[str, Any]:
        return {
            "id": self.id,
            "status": self.status,
            "files": self.files,
            "submitted_at": self.submitted_at,
            "finished_at": self.finished_at,
            "report": self.report,
            "error": self.error,
            "waiting": self.waiting,
        }


RETRY_DELAYS = (0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 60, 60, 60)  # seconds: about 5 minutes in all
T = TypeVar("T")


def with_retries(write: Callable[[], T], job: Job, delays: tuple[float, ...] = RETRY_DELAYS) -> T:
    """Run ``write``; while another writer (e.g. a command-line ingest) holds the index, wait and try
    again with growing delays, saying so on the job; then give up with the ``WriterBusy`` error."""
    for delay in delays:
        try:
            return write()
        except WriterBusy as exc:
            job.waiting = f"{exc}; retrying in {delay:g} s"
            time.sleep(delay)
    job.waiting = None
    return write()


def outcome(report: dict[str, Any]) -> str:
    """``failed`` when every file failed (no version was published), ``partial`` when some did."""
    if report.get("failed") and report.get("failed") >= report.get("files_seen", 0):
        return "failed"
    return "partial" if report.get("failed") else "done"


class JobRunner:
    """Runs ``work(job)`` for each submitted job on one daemon thread."""

    def __init__(self) -> None:
        self.jobs: dict[str, Job] = {}
        self._queue: queue.Queue[tuple[Job, Callable[[Job], dict[str, Any]]]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ingest-jobs")
        self._thread.start()

    def submit(self, files: list[dict[str, Any]], work: Callable[[Job], dict[str, Any]]) -> Job:
        job = Job(id=secrets.token_hex(8), files=files)
        self.jobs[job.id] = job
        self._queue.put((job, work))
        return job

    def _run(self) -> None:
        while True:
            job, work = self._queue.get()
            job.status = "running"
            try:
                job.report = work(job)
                job.status = outcome(job.report)
            except Exception as exc:  # reported on the job, never kills the worker
                job.status = "failed"
                job.error = f"{type(exc).__name__}: {exc}"
            job.waiting = None
            job.finished_at = time.time()
