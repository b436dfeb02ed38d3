"""Request and response bodies of the HTTP API."""

from __future__ import annotations

from typing import Literal

from pydantic import BaseModel, ConfigDict, Field, field_validator

from rag.config import MAX_K, MAX_QUESTION_CHARS, Mode
from rag.conversation import TurnAnswer
from rag.types import Hit


def _not_blank(value: str) -> str:
    value = value.strip()
    if not value:
        raise ValueError("must not be empty or only whitespace")
    return value


class SearchRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    query: str = Field(
        min_length=1, max_length=MAX_QUESTION_CHARS, examples=["DVT prophylaxis complications"]
    )
    k: int = Field(default=10, ge=1, le=MAX_K)
    mode: Mode = "hybrid"

    _strip = field_validator("query")(_not_blank)


class AskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(
        min_length=1,
        max_length=MAX_QUESTION_CHARS,
        examples=["What complications are related to deep venous thrombosis prophylaxis in trauma patients?"],
    )
    mode: Mode | None = None

    _strip = field_validator("question")(_not_blank)


class ConversationAskRequest(BaseModel):
    model_config = ConfigDict(extra="forbid")

    question: str = Field(min_length=1, max_length=MAX_QUESTION_CHARS, examples=["And what about the risks?"])

    _strip = field_validator("question")(_not_blank)


class ConversationCreated(BaseModel):
    id: str


class Conversation(BaseModel):
    id: str
    created_at: float
    updated_at: float
    turns: list[TurnAnswer]


class SearchHit(BaseModel):
    passage_id: str
    doc_id: str
    rank: int
    score: float
    text: str
    title: str
    journal: str | None
    year: int | None
    pmid: str | None
    doi: str | None
    page_start: int | None
    page_end: int | None
    section: str | None

    @classmethod
    def of(cls, hit: Hit) -> SearchHit:
        return cls.model_validate(hit.to_dict())


class SearchResponse(BaseModel):
    query: str
    mode: Mode
    index_version: str
    hits: list[SearchHit]


class Health(BaseModel):
    status: Literal["ok", "unavailable"]
    index: str
    index_version: str | None = None
    model: str | None = None
    selector: str | None = None  # the evidence selector answers are chosen by
    documents: int | None = None
    passages: int | None = None
    caches: dict[str, dict[str, int]] | None = None
    detail: str | None = None


class ErrorBody(BaseModel):
    error: str
    detail: str | list
