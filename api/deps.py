"""FastAPI dependencies shared by the app's routes and the content router."""

from __future__ import annotations

from fastapi import Request

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
