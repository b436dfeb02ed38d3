"""``rag serve-shard``: one index served as a shard for a ``rag.retrieve.shards.ShardRouter``.

Three JSON routes (``/shard/v1/stats``, ``/shard/v1/bm25``, ``/shard/v1/dense``), the wire shapes of
``rag.retrieve.shards.RemoteShard``. Shards are internal: they answer only with the write key
(``RAG_API_KEY``) in ``X-API-Key`` when one is configured, and bind to 127.0.0.1 unless told otherwise.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.responses import JSONResponse
from pydantic import BaseModel, Field

from api.guard import key_problem
from api.public import redact
from rag.config import MAX_K, Settings
from rag.errors import RagError
from rag.index.terms import Stats
from rag.index.version import open_index
from rag.retrieve.shards import LocalShard, hit_to_wire


class TermsBody(BaseModel):
    terms: list[str] = Field(max_length=1000)


class BM25Body(TermsBody):
    total: dict[str, Any]
    k: int = Field(ge=1, le=MAX_K)


class DenseBody(BaseModel):
    vector: list[float] = Field(max_length=8192)
    k: int = Field(ge=1, le=MAX_K)


def create_shard_app(settings: Settings) -> FastAPI:
    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.shard = LocalShard(open_index(settings.index))
        yield

    app = FastAPI(title="clinical-rag shard", lifespan=lifespan, docs_url=None, redoc_url=None)

    @app.exception_handler(RagError)
    async def rag_error(_: Request, exc: RagError) -> JSONResponse:
        detail = redact(str(exc))  # as the main API: no server paths over HTTP
        return JSONResponse({"error": type(exc).__name__, "detail": detail}, status_code=exc.status_code)

    def require_key(x_api_key: str | None = Header(default=None)) -> None:
        if settings.api_key is not None and (problem := key_problem(settings, x_api_key)) is not None:
            raise problem

    def shard(request: Request) -> LocalShard:
        shard: LocalShard = request.app.state.shard
        return shard

    @app.post("/shard/v1/stats", dependencies=[Depends(require_key)])
    def stats(body: TermsBody, request: Request) -> dict[str, Any]:
        result = shard(request).stats(body.terms)
        return {"documents": result.documents, "total_length": result.total_length, "df": result.df}

    @app.post("/shard/v1/bm25", dependencies=[Depends(require_key)])
    def bm25(body: BM25Body, request: Request) -> dict[str, Any]:
        total = Stats(**body.total)
        return {"hits": [hit_to_wire(h) for h in shard(request).bm25(body.terms, total, body.k)]}

    @app.post("/shard/v1/dense", dependencies=[Depends(require_key)])
    def dense(body: DenseBody, request: Request) -> dict[str, Any]:
        return {"hits": [hit_to_wire(h) for h in shard(request).dense(body.vector, body.k)]}

    return app
