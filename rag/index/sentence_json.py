"""How a passage's sentences are stored: one JSON object in its row's ``sentences`` column.

``spans`` and ``pages`` give each sentence's characters and page; ``quotes`` each sentence's quote span
(``rag.text.quotable``) and ``cues`` its cue bits (``rag.text.cues``), each with the digest of the rules
it was computed under (``rules``, ``cue_rules``). Stored quote spans count only under today's rules, and
cue bits only while the quote spans count too; otherwise they read as ``None`` and answers compute
them per request, so an edited rule never leaves an index answering by the old one.
"""

from __future__ import annotations

import json
from dataclasses import dataclass
from typing import Any

from rag.text.cues import RULES as CUE_RULES
from rag.text.quotable import RULES as QUOTE_RULES
from rag.types import Passage


@dataclass(frozen=True, slots=True)
class StoredSentences:
    """One passage's sentences as read back: ``quotes`` and ``cues`` are ``None`` when not valid."""

    spans: tuple[tuple[int, int], ...]
    pages: tuple[int | None, ...]
    quotes: tuple[tuple[int, int] | None, ...] | None
    cues: tuple[int, ...] | None


def sentences_json(p: Passage) -> dict[str, Any]:
    """A passage's sentence spans, pages, quote spans and cue bits (with the rules they were computed
    under)."""
    out: dict[str, Any] = {"spans": p.sentences, "pages": p.sentence_pages}
    if p.quotes is not None:
        out.update(quotes=p.quotes, rules=QUOTE_RULES)
        if p.cues is not None:
            out.update(cues=p.cues, cue_rules=CUE_RULES)
    return out


def read_sentences(text: str) -> StoredSentences:
    """The column's JSON, with quote spans and cue bits ``None`` where today's rules are not theirs."""
    stored = json.loads(text)
    quotes = _quotes(stored)
    return StoredSentences(
        spans=tuple((int(a), int(b)) for a, b in stored["spans"]),
        pages=tuple(stored["pages"]),
        quotes=quotes,
        cues=_cues(stored, quotes),
    )


def _quotes(stored: dict[str, Any]) -> tuple[tuple[int, int] | None, ...] | None:
    if stored.get("rules") != QUOTE_RULES or "quotes" not in stored:
        return None
    return tuple(None if q is None else (int(q[0]), int(q[1])) for q in stored["quotes"])


def _cues(stored: dict[str, Any], quotes: tuple[object, ...] | None) -> tuple[int, ...] | None:
    """Valid only on valid quote spans (``quotes``: what ``_quotes`` read, parsed once per row)."""
    if quotes is None or stored.get("cue_rules") != CUE_RULES or "cues" not in stored:
        return None
    return tuple(int(b) for b in stored["cues"])
