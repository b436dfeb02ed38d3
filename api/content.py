"""The content team's API: upload and remove literature, follow ingestion jobs, reload the index.

Write endpoints need the API key from configuration (``RAG_API_KEY``) in the ``X-API-Key`` header,
compared in constant time; without a configured key they are disabled (403).
"""

from __future__ import annotations

import json
import secrets
import shutil
from pathlib import Path
from typing import Any

from fastapi import APIRouter, Depends, File, Header, Request, UploadFile

from api.deps import get_engine
from api.guard import MAX_UPLOAD_FILES, key_problem
from api.jobs import Job, JobRunner, outcome, with_retries
from api.uploads import store_upload
from rag.chunking import ChunkingParams
from rag.config import Settings
from rag.engine import Engine
from rag.errors import InvalidInput, NotFound
from rag.index import audit
from rag.index.ingest import IngestReport, remove
from rag.index.isolated import Limits, ingest_isolated
from rag.index.options import WriteOptions
from rag.readers.sidecar import load_sidecar

PUBLIC_EXTRA = ("publication_types", "mesh", "pmcid", "volume", "issue", "pages")


def content_router(settings: Settings, runner: JobRunner) -> APIRouter:
    router = APIRouter(prefix="/v1", tags=["content"])

    def require_key(x_api_key: str | None = Header(default=None)) -> None:
        problem = key_problem(settings, x_api_key)
        if problem is not None:
            raise problem

    def actor(request: Request) -> str:
        """Who writes, for the audit trail: the key's id (never the key), and the proxy's X-User."""
        key = request.headers.get("x-api-key") or ""
        user = request.headers.get("x-user")
        return audit.key_actor(key) + (f" user:{user[:64]}" if user else "")

    limits = Limits(timeout_s=settings.job_timeout_s, memory_mb=settings.job_memory_mb)

    def chunking_of(engine: Engine) -> ChunkingParams:
        return ChunkingParams(**engine.index.manifest.chunking)

    @router.post("/documents", status_code=202, dependencies=[Depends(require_key)])
    def upload(request: Request, files: list[UploadFile] = File(...)) -> dict[str, Any]:
        """A plain ``def``: FastAPI runs it in its thread pool, so reading, gunzipping and writing the
        files never blocks the event loop that answers questions."""
        engine = get_engine(request)
        if len(files) > MAX_UPLOAD_FILES:
            raise InvalidInput(f"{len(files)} files in one upload; send at most {MAX_UPLOAD_FILES} at a time")
        folder = engine.index_dir / "uploads" / secrets.token_hex(8)  # generated: no name from the client
        try:  # a refused upload leaves no files behind
            stored: list[dict[str, Any]] = []
            sidecars: list[tuple[Path, str]] = []
            bibliographies: list[Path] = []
            limit = settings.max_upload_mb * 1024 * 1024
            for upload_file in files:
                data = upload_file.file.read(limit + 1)
                name = Path(
                    upload_file.filename or "upload"
                ).name  # only for reports and metadata-sidecar matching
                path, kind = store_upload(data, folder, max_bytes=limit, max_unzipped=4 * limit, name=name)
                if kind in ("ris", "bib"):
                    bibliographies.append(path)
                elif kind == "sidecar":
                    sidecars.append((path, name))
                else:
                    stored.append({"file": name, "stored_as": path.name, "type": kind})
            if not stored:
                raise InvalidInput("no literature file in the upload (PDF, PubMed XML, PMC JATS XML, JSONL)")
            if sidecars and bibliographies:
                raise InvalidInput(
                    "send either a CSV/JSON metadata sidecar or a RIS/BibTeX file with an upload, not both"
                )
            if len(bibliographies) > 1:
                raise InvalidInput("send one RIS/BibTeX file per upload")
            metadata = bibliographies[0] if bibliographies else _rekey_sidecars(sidecars, stored, folder)
        except BaseException:
            shutil.rmtree(folder, ignore_errors=True)
            raise
        chunking = chunking_of(engine)

        who = actor(request)

        def work(job: Job) -> dict[str, Any]:
            paths = [folder / f["stored_as"] for f in job.files]
            with audit.audited(
                engine.index_dir, who, "upload", " ".join(f["file"] for f in job.files)
            ) as result:
                report = _ingest(job, paths)
                result["result"] = f"{outcome(report.to_dict())} (job {job.id})"
            engine.reload()
            names = {f["stored_as"]: f["file"] for f in job.files}
            for failure in report.failures:
                failure["file"] = names.get(Path(failure["file"]).name, failure["file"])
            return report.to_dict()

        def _ingest(job: Job, paths: list[Path]) -> IngestReport:
            """In a child process with its own embedder, under time and memory limits: a stuck or
            hostile file fails this job only, and questions never wait behind ingest batches."""
            return with_retries(
                lambda: ingest_isolated(
                    paths,
                    engine.index_dir,
                    model=engine.embedder.name,
                    metadata=metadata,
                    options=WriteOptions.of(settings, chunking, progress=False),
                    batch_size=settings.embed_batch,
                    limits=limits,
                ),
                job,
            )

        job = runner.submit(stored, work, folder)
        return {"job_id": job.id, "status": job.status, "files": stored}

    @router.get("/jobs/{job_id}", dependencies=[Depends(require_key)])
    def job_status(job_id: str) -> dict[str, Any]:
        return runner.get(job_id)

    @router.get("/documents")
    def list_documents(request: Request, query: str = "", limit: int = 20) -> dict[str, Any]:
        if not 1 <= limit <= 200:
            raise InvalidInput("limit must be between 1 and 200")
        index = get_engine(request).index
        return {"index_version": index.version, "documents": index.store.list_documents(query, limit)}

    @router.get("/documents/{doc_id:path}")
    def get_document(request: Request, doc_id: str) -> dict[str, Any]:
        index = get_engine(request).index
        doc = index.store.document(doc_id)
        if doc is None:
            raise NotFound(f"no document {doc_id!r} in the index")
        doc["passages"] = len(index.store.passages_of(doc_id))
        doc["withdrawn"] = index.withdrawn.get(doc_id)
        # public fields only: the file it was read from is the server's business, and a metadata
        # sidecar's other columns are whatever the content team kept there
        doc["source"] = Path(doc["source"]).name if doc.get("source") else None
        doc["extra"] = {k: v for k, v in doc["extra"].items() if k in PUBLIC_EXTRA}
        return doc

    @router.delete("/documents/{doc_id:path}", dependencies=[Depends(require_key)])
    def delete_document(request: Request, doc_id: str) -> dict[str, Any]:
        engine = get_engine(request)
        if engine.index.store.document(doc_id) is None:
            raise NotFound(f"no document {doc_id!r} in the index")
        with audit.audited(engine.index_dir, actor(request), "delete", doc_id):
            options = WriteOptions.of(settings, chunking_of(engine), progress=False)
            report = remove([doc_id], engine.index_dir, engine.embedder, options)
        engine.reload()
        return report.to_dict()

    @router.post("/index/reload", dependencies=[Depends(require_key)])
    def reload(request: Request) -> dict[str, str]:
        engine = get_engine(request)
        with audit.audited(engine.index_dir, actor(request), "reload", "") as result:
            version = engine.reload()
            result["result"] = f"ok ({version})"
        return {"index_version": version}

    return router


def _rekey_sidecars(
    sidecars: list[tuple[Path, str]], stored: list[dict[str, Any]], folder: Path
) -> Path | None:
    """Uploaded metadata sidecars name the original files; re-key their rows to the stored names."""
    if not sidecars:
        return None
    by_name = {f["file"]: f["stored_as"] for f in stored}
    rows: dict[str, dict[str, Any]] = {}
    for path, _ in sidecars:
        for name, meta in load_sidecar(path).items():
            if name in by_name:
                rows[by_name[name]] = {k: v for k, v in meta.items() if k != "file"}
    sidecar = folder / "metadata.json"
    sidecar.write_text(json.dumps(rows))
    return sidecar
