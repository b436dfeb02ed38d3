"""Background ingestion jobs for the content API: one worker, jobs run in submission order.

Jobs are rows of ``jobs.sqlite`` in the index folder, so their outcome survives a restart; the
queue is bounded (``JobsFull``, 429); finished jobs expire after ``KEEP_SECONDS``; a job's uploaded
files are removed when it ends. A job that was queued or running when the service stopped is marked
failed at the next start (its work cannot be resumed: upload again) and its files are removed.
"""

from __future__ import annotations

import json
import queue
import secrets
import shutil
import sqlite3
import threading
import time
from collections.abc import Callable
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, TypeVar

from rag.errors import NotFound, RagError, WriterBusy

MAX_QUEUED = 16
KEEP_SECONDS = 7 * 24 * 3600
RESTARTED = "the service stopped before this job finished; upload the files again"
RETRY_DELAYS = (0.2, 0.5, 1, 2, 5, 10, 20, 30, 60, 60, 60, 60)  # seconds: about 5 minutes in all
T = TypeVar("T")

SCHEMA = """
CREATE TABLE IF NOT EXISTS jobs (
    id TEXT PRIMARY KEY, status TEXT NOT NULL, files TEXT NOT NULL, folder TEXT,
    submitted_at REAL NOT NULL, finished_at REAL, report TEXT, error TEXT, waiting TEXT
)
"""


class JobsFull(RagError):
    """Too many ingestion jobs are waiting; retry later."""

    status_code = 429


@dataclass
class Job:
    id: str
    files: list[dict[str, Any]]
    folder: Path | None = None  # the uploaded files, removed when the job ends
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


def with_retries(write: Callable[[], T], job: Job, delays: tuple[float, ...] = RETRY_DELAYS) -> T:
    """Run ``write``; while another writer (e.g. a command-line ingest) holds the index, wait and try
    again with growing delays, saying so on the job; then give up with the ``WriterBusy`` error."""
    for delay in delays:
        try:
            result = write()
        except WriterBusy as exc:
            job.waiting = f"{exc}; retrying in {delay:g} s"
            time.sleep(delay)
        else:
            job.waiting = None  # before anyone can see the job done
            return result
    job.waiting = None
    return write()


def outcome(report: dict[str, Any]) -> str:
    """``failed`` when every file failed (no version was published), ``partial`` when some did."""
    if report.get("failed") and report.get("failed") >= report.get("files_seen", 0):
        return "failed"
    return "partial" if report.get("failed") else "done"


class JobRunner:
    """Runs ``work(job)`` for each submitted job on one daemon thread; jobs persist in ``db``."""

    def __init__(self, db: Path, *, max_queued: int = MAX_QUEUED, keep_seconds: float = KEEP_SECONDS) -> None:
        self.db = db
        self.max_queued = max_queued
        self.keep_seconds = keep_seconds
        self.live: dict[str, Job] = {}  # queued and running jobs of this process
        self.last_report: dict[str, Any] | None = None
        self._conn: sqlite3.Connection | None = None
        self._lock = threading.Lock()
        self._queue: queue.Queue[tuple[Job, Callable[[Job], dict[str, Any]]]] = queue.Queue()
        self._thread = threading.Thread(target=self._run, daemon=True, name="ingest-jobs")
        self._thread.start()

    def open(self) -> None:
        """Open the job table now (at start-up): jobs a stopped process left are failed at once."""
        with self._lock:
            self._db()

    def _db(self) -> sqlite3.Connection:
        """The job table, opened on first use; jobs an earlier process left unfinished are failed."""
        if self._conn is None:
            self.db.parent.mkdir(parents=True, exist_ok=True)
            self._conn = sqlite3.connect(self.db, check_same_thread=False, isolation_level=None)
            self._conn.execute(SCHEMA)
            stale = self._conn.execute("SELECT id, folder FROM jobs WHERE status IN ('queued', 'running')")
            for _, folder in stale.fetchall():
                if folder:
                    shutil.rmtree(folder, ignore_errors=True)
            self._conn.execute(
                "UPDATE jobs SET status='failed', error=?, finished_at=?"
                " WHERE status IN ('queued', 'running')",
                (RESTARTED, time.time()),
            )
        return self._conn

    def _save(self, job: Job) -> None:
        with self._lock:
            self._db().execute(
                "INSERT OR REPLACE INTO jobs VALUES (?, ?, ?, ?, ?, ?, ?, ?, ?)",
                (
                    job.id,
                    job.status,
                    json.dumps(job.files),
                    str(job.folder) if job.folder else None,
                    job.submitted_at,
                    job.finished_at,
                    json.dumps(job.report) if job.report is not None else None,
                    job.error,
                    job.waiting,
                ),
            )

    def submit(
        self, files: list[dict[str, Any]], work: Callable[[Job], dict[str, Any]], folder: Path | None = None
    ) -> Job:
        with self._lock:
            db = self._db()
            db.execute("DELETE FROM jobs WHERE finished_at < ?", (time.time() - self.keep_seconds,))
            if len(self.live) >= self.max_queued:
                raise JobsFull(f"{len(self.live)} ingestion jobs are waiting; retry when some have finished")
            job = Job(id=secrets.token_hex(8), files=files, folder=folder)
            self.live[job.id] = job
        self._save(job)
        self._queue.put((job, work))
        return job

    def gauges(self) -> dict[str, tuple[str, float, dict[str, str]]]:
        """For ``GET /metrics``: jobs waiting or running, and the last job's ingest rate."""
        rate = self.last_report.get("documents_per_second", 0.0) if self.last_report else 0.0
        return {
            "rag_jobs_live": ("Ingestion jobs queued or running.", len(self.live), {}),
            "rag_last_ingest_documents_per_second": (
                "Documents per second of the last ingestion job.",
                rate,
                {},
            ),
        }

    def get(self, job_id: str) -> dict[str, Any]:
        """A job's view (a live job from memory, so ``waiting`` is current)."""
        if job_id in self.live:
            return self.live[job_id].view()
        with self._lock:
            row = (
                self._db()
                .execute(
                    "SELECT id, status, files, submitted_at, finished_at, report, error, waiting"
                    " FROM jobs WHERE id=?",
                    (job_id,),
                )
                .fetchone()
            )
        if row is None:
            raise NotFound(f"no job {job_id!r} (finished jobs are kept {self.keep_seconds / 86400:g} days)")
        keys = ("id", "status", "files", "submitted_at", "finished_at", "report", "error", "waiting")
        view = dict(zip(keys, row, strict=True))
        view["files"] = json.loads(view["files"])
        view["report"] = json.loads(view["report"]) if view["report"] else None
        return view

    def _run(self) -> None:
        while True:
            job, work = self._queue.get()
            job.status = "running"
            self._save(job)
            try:
                report = work(job)
                job.waiting = None  # a view never shows a finished job still waiting
                job.report = report
                job.status = outcome(report)
                self.last_report = report
            except Exception as exc:  # reported on the job, never kills the worker
                job.waiting = None
                job.status = "failed"
                job.error = f"{type(exc).__name__}: {exc}"
            finally:
                if job.folder is not None:
                    shutil.rmtree(job.folder, ignore_errors=True)
            job.finished_at = time.time()
            self._save(job)
            self.live.pop(job.id, None)
