"""FastAPI application factory. The model and index are loaded in ``lifespan``, never at import."""

from __future__ import annotations

import logging
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from pathlib import Path
from typing import Any

from fastapi import Depends, FastAPI, Header, Request
from fastapi.encoders import jsonable_encoder
from fastapi.exceptions import RequestValidationError
from fastapi.responses import FileResponse, JSONResponse, Response
from fastapi.staticfiles import StaticFiles
from starlette.exceptions import HTTPException as StarletteHTTPException

from api.content import content_router
from api.deps import get_conversations, get_engine, owned_conversation
from api.guard import Guard, key_problem
from api.jobs import JobRunner
from api.logs import RequestId
from api.metrics import Metrics, MetricsMiddleware
from api.public import redact, validation_errors
from api.schemas import (
    AskRequest,
    Conversation,
    ConversationAskRequest,
    ConversationCreated,
    ErrorBody,
    Health,
    SearchHit,
    SearchRequest,
    SearchResponse,
)
from rag import __version__
from rag.config import Settings
from rag.conversation import ConversationStore, TurnAnswer, ask_in_conversation
from rag.engine import Engine
from rag.errors import RagError
from rag.index import audit
from rag.types import Answer

STATIC = Path(__file__).parent / "static"
log = logging.getLogger("api")
ERRORS: dict[int | str, dict[str, Any]] = {422: {"model": ErrorBody}, 503: {"model": ErrorBody}}
ERRORS_404: dict[int | str, dict[str, Any]] = {**ERRORS, 404: {"model": ErrorBody}}


def create_app(
    settings: Settings | None = None,
    *,
    engine: Engine | None = None,
    strict_model: bool = False,
    conversations: Path | None = None,
) -> FastAPI:
    """Build the app. ``engine`` may be injected (tests); otherwise it is loaded at start-up."""
    settings = settings or Settings()

    @asynccontextmanager
    async def lifespan(app: FastAPI) -> AsyncIterator[None]:
        app.state.engine = engine
        app.state.load_error = None
        app.state.conversations = None
        if engine is None:
            try:
                app.state.engine = Engine(
                    settings.index, settings, model=settings.model if strict_model else None
                )
                app.state.engine.embedder.embed(["warm-up"])  # load the model before the first request
                _ = app.state.engine.selector  # load the selector too: a wrong RAG_SELECTOR fails at start
                app.state.engine.record_serving(audit.os_actor())  # which selector answers from this index
            except RagError as exc:
                app.state.load_error = exc
        if app.state.engine is not None:
            runner.open()  # jobs a stopped server left unfinished are reported failed, their files removed
            app.state.conversations = ConversationStore(
                conversations or settings.conversations_path(),
                ttl_seconds=settings.conversation_ttl_hours * 3600,
            )
        yield
        if app.state.conversations is not None:
            app.state.conversations.close()

    app = FastAPI(
        title="Clinical literature RAG",
        version=__version__,
        description="Answers from cited literature only: every statement carries numbered citations.",
        lifespan=lifespan,
        docs_url="/docs" if settings.api_docs else None,  # offline they are blank (CDN scripts)
        redoc_url="/redoc" if settings.api_docs else None,
    )

    @app.exception_handler(RagError)
    async def rag_error(_: Request, exc: RagError) -> JSONResponse:
        return JSONResponse(
            status_code=exc.status_code, content={"error": type(exc).__name__, "detail": redact(str(exc))}
        )

    @app.exception_handler(StarletteHTTPException)
    async def http_error(_: Request, exc: StarletteHTTPException) -> JSONResponse:
        """Unknown routes and methods answer in the documented error shape too."""
        name = {404: "NotFound", 405: "MethodNotAllowed"}.get(exc.status_code, "HTTPError")
        return JSONResponse(
            status_code=exc.status_code,
            content={"error": name, "detail": str(exc.detail)},
            headers=getattr(exc, "headers", None),
        )

    @app.exception_handler(RequestValidationError)
    async def invalid(_: Request, exc: RequestValidationError) -> JSONResponse:
        return JSONResponse(
            status_code=422,
            content={
                "error": "InvalidInput",
                "detail": jsonable_encoder(validation_errors(list(exc.errors()))),
            },
        )

    @app.get("/v1/health", response_model=Health)
    def health(request: Request, x_api_key: str | None = Header(default=None)) -> Health | JSONResponse:
        """Open to all; cache statistics (which reveal whether a question was asked) need the key."""
        engine_ = request.app.state.engine
        if engine_ is None:
            body = Health(
                status="unavailable",
                index=settings.index.name,
                detail=redact(str(request.app.state.load_error)),
            )
            return JSONResponse(status_code=503, content=body.model_dump())
        index = engine_.index
        counts = index.manifest.counts
        return Health(
            status="ok",
            index=engine_.index_dir.name,
            index_version=index.version,
            model=redact(index.manifest.model),
            selector=engine_.selector.name,
            documents=counts["documents"],
            passages=counts["passages"],
            caches=None
            if key_problem(settings, x_api_key)
            else {"queries": engine_.queries.cache.stats(), "answers": engine_.answers.stats()},
        )

    @app.post("/v1/search", response_model=SearchResponse, responses=ERRORS)
    def search(body: SearchRequest, engine_: Engine = Depends(get_engine)) -> SearchResponse:
        index = engine_.index
        hits = engine_.search(body.query, k=body.k, mode=body.mode, index=index)
        return SearchResponse(
            query=body.query,
            mode=body.mode,
            index_version=index.version,
            hits=[SearchHit.of(h) for h in hits],
        )

    @app.post("/v1/ask", response_model=Answer, responses=ERRORS)
    def ask(body: AskRequest, engine_: Engine = Depends(get_engine)) -> Answer:
        answer = engine_.ask(body.question, mode=body.mode)
        if settings.log_questions:  # off by default: questions may describe patients
            log.info("answered", extra={"question": body.question})
        return answer

    @app.post("/v1/conversations", response_model=ConversationCreated, status_code=201, responses=ERRORS)
    def new_conversation(
        store: ConversationStore = Depends(get_conversations), x_user: str | None = Header(default=None)
    ) -> ConversationCreated:
        """With an ``X-User`` header (set by the hospital's proxy) only that user can use it."""
        return ConversationCreated(id=store.create(owner=x_user))

    @app.post("/v1/conversations/{cid}/ask", response_model=TurnAnswer, responses=ERRORS_404)
    def ask_in(
        cid: str,
        body: ConversationAskRequest,
        engine_: Engine = Depends(get_engine),
        store: ConversationStore = Depends(owned_conversation),
    ) -> TurnAnswer:
        return ask_in_conversation(engine_, store, cid, body.question)

    @app.get("/v1/conversations/{cid}", response_model=Conversation, responses=ERRORS_404)
    def get_conversation(cid: str, store: ConversationStore = Depends(owned_conversation)) -> Conversation:
        return Conversation(**store.info(cid), turns=store.turns(cid))

    @app.delete("/v1/conversations/{cid}", status_code=204, responses=ERRORS_404)
    def delete_conversation(cid: str, store: ConversationStore = Depends(owned_conversation)) -> Response:
        store.delete(cid)
        return Response(status_code=204)

    metrics = Metrics()
    runner = JobRunner(settings.index / "jobs.sqlite")  # ingestion jobs of the content API

    @app.get("/metrics", include_in_schema=False, responses=ERRORS)
    def prometheus(request: Request, x_api_key: str | None = Header(default=None)) -> Response:
        """Prometheus text format; needs the key (cache use would tell whether a question was asked)."""
        problem = key_problem(settings, x_api_key)
        if problem is not None:
            raise problem
        gauges: dict[str, tuple[str, float, dict[str, str]]] = {}
        engine_ = request.app.state.engine
        if engine_ is not None:
            index = engine_.index
            gauges["rag_index_info"] = ("The live index version.", 1, {"version": index.version})
            for what in ("documents", "passages"):
                gauges[f"rag_index_{what}"] = (
                    f"{what.capitalize()} in the live version.",
                    index.manifest.counts[what],
                    {},
                )
            for cache, lru in (("answers", engine_.answers), ("queries", engine_.queries.cache)):
                stats = lru.stats()
                gauges[f"rag_cache_{cache}_hits"] = (f"Hits of the {cache} cache.", stats["hits"], {})
                gauges[f"rag_cache_{cache}_misses"] = (f"Misses of the {cache} cache.", stats["misses"], {})
        gauges.update(runner.gauges())
        return Response(metrics.render(gauges), media_type="text/plain; version=0.0.4")

    @app.get("/favicon.ico", include_in_schema=False)
    def favicon() -> FileResponse:
        return FileResponse(STATIC / "favicon.svg", media_type="image/svg+xml")

    @app.get("/", include_in_schema=False)
    def page() -> FileResponse:
        return FileResponse(STATIC / "index.html")

    app.include_router(content_router(settings, runner))
    app.add_middleware(Guard, settings=settings)  # body limits and the upload's key, before any parsing
    app.add_middleware(MetricsMiddleware, metrics=metrics)  # refused requests count too
    app.add_middleware(RequestId)  # outermost: every response and log line carries the request id
    app.mount("/static", StaticFiles(directory=STATIC), name="static")
    return app
