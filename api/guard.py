"""Request bodies are bounded while they stream, and an upload's key is checked before its body is read.

FastAPI parses a multipart form (spooling it to disk) before any dependency runs, and reads any JSON
body in full before validating it. This ASGI middleware runs first:

- ``POST /v1/documents`` (the upload): the ``X-API-Key`` is checked from the headers, then the body
  may hold at most ``MAX_UPLOAD_FILES`` files of ``RAG_MAX_UPLOAD_MB`` each;
- every other request: at most ``JSON_LIMIT`` bytes (a question is at most 1,000 characters);
- and first, the ``Host`` header must be one of ``RAG_ALLOWED_HOSTS`` (DNS rebinding; 400 otherwise),
  and with ``RAG_READ_KEY`` set every ``/v1`` request but ``/v1/health`` needs it (or the write key).

A body over its limit is answered ``413`` in the documented error shape, whether ``Content-Length``
announces it or the stream only turns out longer; reading stops at the limit.
"""

from __future__ import annotations

import hmac
import json
from typing import Any

from rag.config import Settings
from rag.errors import RagError

JSON_LIMIT = 64 * 1024
MAX_UPLOAD_FILES = 20
UPLOAD = ("POST", "/v1/documents")


class Unauthorized(RagError):
    status_code = 401


class Forbidden(RagError):
    status_code = 403


class TooLarge(RagError):
    status_code = 413


class BadHost(RagError):
    status_code = 400


def host_allowed(host: str, allowed: list[str]) -> bool:
    """Starlette's TrustedHostMiddleware rule: exact names, ``*.domain`` wildcards, ``*`` for any."""
    name = host.rsplit(":", 1)[0] if not host.endswith("]") else host
    for pattern in allowed:
        if pattern == "*" or name == pattern or (pattern.startswith("*.") and name.endswith(pattern[1:])):
            return True
    return False


def key_problem(settings: Settings, supplied: str | None) -> RagError | None:
    """Why a write with key ``supplied`` is refused (``None``: it is allowed)."""
    expected = settings.api_key.get_secret_value() if settings.api_key else None
    if not expected:
        return Forbidden("write endpoints are disabled: set RAG_API_KEY in the service configuration")
    if supplied is None or not hmac.compare_digest(supplied.encode(), expected.encode()):
        return Unauthorized("missing or wrong API key: send it in the X-API-Key header")
    return None


def read_problem(settings: Settings, path: str, supplied: str | None) -> RagError | None:
    """With ``RAG_READ_KEY`` set, why a ``/v1`` request is refused (``None``: allowed)."""
    if settings.read_key is None or not path.startswith("/v1/") or path.rstrip("/") == "/v1/health":
        return None
    keys = [k.get_secret_value() for k in (settings.read_key, settings.api_key) if k is not None]
    if supplied is not None and any(hmac.compare_digest(supplied.encode(), k.encode()) for k in keys):
        return None
    return Unauthorized("this corpus needs a key: send the read key in the X-API-Key header")


def upload_limit(settings: Settings) -> int:
    return MAX_UPLOAD_FILES * settings.max_upload_mb * 1024 * 1024 + 64 * 1024  # + multipart framing


class Guard:
    def __init__(self, app: Any, settings: Settings) -> None:
        self.app = app
        self.settings = settings

    async def __call__(self, scope: dict[str, Any], receive: Any, send: Any) -> None:
        if scope["type"] != "http":
            await self.app(scope, receive, send)
            return
        headers = {k.decode("latin-1").lower(): v.decode("latin-1") for k, v in scope["headers"]}
        if not host_allowed(headers.get("host", ""), self.settings.allowed_hosts):
            await _error(send, BadHost("this service does not answer for that host name (RAG_ALLOWED_HOSTS)"))
            return
        problem = read_problem(self.settings, scope["path"], headers.get("x-api-key"))
        if problem is not None:
            await _error(send, problem)
            return
        limit = JSON_LIMIT
        if (scope["method"], scope["path"].rstrip("/")) == UPLOAD:
            problem = key_problem(self.settings, headers.get("x-api-key"))
            if problem is not None:
                await _error(send, problem)
                return
            limit = upload_limit(self.settings)
        declared = headers.get("content-length", "")
        if declared.isdigit() and int(declared) > limit:
            await _error(send, _too_large(limit))
            return
        seen = 0
        over = False

        async def bounded_receive() -> dict[str, Any]:
            nonlocal seen, over
            if over:
                return {"type": "http.request", "body": b"", "more_body": False}
            message = await receive()
            if message["type"] == "http.request":
                seen += len(message.get("body", b""))
                if seen > limit:
                    over = True  # the app sees a truncated body; its answer is replaced below
                    return {"type": "http.request", "body": b"", "more_body": False}
            return dict(message)

        replaced = False

        async def guarded_send(message: dict[str, Any]) -> None:
            nonlocal replaced
            if over:
                if not replaced:
                    replaced = True
                    await _error(send, _too_large(limit))
                return
            await send(message)

        await self.app(scope, bounded_receive, guarded_send)


def _too_large(limit: int) -> TooLarge:
    return TooLarge(f"the request body is larger than this endpoint's limit of {limit} bytes")


async def _error(send: Any, exc: RagError) -> None:
    body = json.dumps({"error": type(exc).__name__, "detail": str(exc)}).encode()
    await send(
        {
            "type": "http.response.start",
            "status": exc.status_code,
            "headers": [(b"content-type", b"application/json"), (b"content-length", str(len(body)).encode())],
        }
    )
    await send({"type": "http.response.body", "body": body})
