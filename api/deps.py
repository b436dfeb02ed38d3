"""FastAPI dependencies shared by the app's routes and the content router."""

from __future__ import annotations

from fastapi import Header, Request

from rag.conversation import ConversationStore
from rag.engine import Engine
from rag.errors import IndexNotFound


def get_engine(request: Request) -> Engine:
    """The engine loaded at start-up, or the reason it could not be loaded (503)."""
    engine = request.app.state.engine
    if engine is None:
        raise request.app.state.load_error or IndexNotFound("the index is not loaded")
    return engine


def get_conversations(request: Request) -> ConversationStore:
    get_engine(request)  # no conversations without an index
    return request.app.state.conversations


def owned_conversation(
    cid: str, request: Request, x_user: str | None = Header(default=None)
) -> ConversationStore:
    """The store, once conversation ``cid`` is known to exist and to belong to this ``X-User``
    (or to nobody); otherwise 404."""
    store = get_conversations(request)
    store.check_owner(cid, x_user)
    return store
