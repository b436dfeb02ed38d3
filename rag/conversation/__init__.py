"""Conversations: follow-up turns with stable reference numbers, persisted in SQLite."""

from rag.conversation.store import ConversationNotFound, ConversationStore, TurnAnswer
from rag.conversation.turns import ask_in_conversation, renumber

__all__ = ["ConversationNotFound", "ConversationStore", "TurnAnswer", "ask_in_conversation", "renumber"]
