"""Answering the next turn of a conversation: a follow-up is contextualised with earlier turns,
references keep their numbers (``renumber``), "reference 2" and "the 2010 study" resolve to
documents."""

from __future__ import annotations

from rag.answer.followup import PriorTurn, contextualise, referenced_number, referenced_year
from rag.answer.markers import OUR_CITATION
from rag.conversation.store import ConversationStore, TurnAnswer
from rag.engine import Engine
from rag.types import Answer


def renumber(
    answer: Answer, registry: dict[str, tuple[int, int | None]]
) -> tuple[Answer, dict[str, tuple[int, int | None]]]:
    """Map the answer's local reference numbers onto the conversation's; returns new registry entries."""
    mapping: dict[int, int] = {}
    new: dict[str, tuple[int, int | None]] = {}
    next_n = max([n for n, _ in registry.values()], default=0) + 1
    for ref in answer.references:  # in first-appearance order
        if ref.doc_id in registry:
            mapping[ref.n] = registry[ref.doc_id][0]
        elif ref.doc_id in new:
            mapping[ref.n] = new[ref.doc_id][0]
        else:
            new[ref.doc_id] = (next_n, ref.year)
            mapping[ref.n] = next_n
            next_n += 1

    def marks(text: str) -> str:
        return OUR_CITATION.sub(lambda m: f"[{mapping.get(int(m.group(1)), int(m.group(1)))}]", text)

    citations = [c.model_copy(update={"n": mapping[c.n]}) for c in answer.citations]
    references = sorted(
        (r.model_copy(update={"n": mapping[r.n]}) for r in answer.references), key=lambda r: r.n
    )
    findings = [
        f.model_copy(
            update={
                "n": mapping[f.n],
                "citation": f.citation.model_copy(update={"n": mapping[f.n]}),
                "text": marks(f.text),
            }
        )
        for f in answer.findings
    ]
    update = {
        "answer": marks(answer.answer),
        "bottom_line": marks(answer.bottom_line) if answer.bottom_line else None,
        "findings": findings,
        "citations": citations,
        "references": references,
    }
    return answer.model_copy(update=update), new


def _resolve(question: str, registry: dict[str, tuple[int, int | None]]) -> tuple[str, int] | None:
    """The (doc_id, n) a question explicitly points at, among the conversation's sources."""
    number = referenced_number(question)
    if number is not None:
        for doc, (n, _) in registry.items():
            if n == number:
                return doc, n
        return None
    year = referenced_year(question)
    if year is not None:
        matches = sorted(((n, doc) for doc, (n, y) in registry.items() if y == year), reverse=True)
        if matches:
            return matches[0][1], matches[0][0]
    return None


def ask_in_conversation(engine: Engine, store: ConversationStore, cid: str, question: str) -> TurnAnswer:
    """Answer ``question`` as the next turn of conversation ``cid`` (see ``rag.answer.followup``).

    Turns of one conversation are answered one at a time (two tabs asking at once get turns n and n+1).
    """
    with store.turn(cid):
        return _next_turn(engine, store, cid, question)


def _next_turn(engine: Engine, store: ConversationStore, cid: str, question: str) -> TurnAnswer:
    previous = store.turns(cid)
    flags = store.standalone_flags(cid)
    registry = store.registry(cid)
    history = [PriorTurn.of(t, t.retrieval_query, flag) for t, flag in zip(previous, flags, strict=True)]
    ctx = contextualise(question, history)
    target = _resolve(question, registry)
    shown = frozenset(c.quote for t in previous for c in t.citations)  # say something new in each turn
    if target is not None:
        answer = engine.ask_document(
            question, target[0], retrieval_query=ctx.retrieval_query, exclude=shown, asked=ctx.asked
        )
    else:
        answer = engine.ask(question, retrieval_query=ctx.retrieval_query, exclude=shown, asked=ctx.asked)
    answer, new = renumber(answer, registry)
    turn = TurnAnswer(
        **answer.model_dump(),
        conversation_id=cid,
        turn=len(previous) + 1,
        retrieval_query=ctx.retrieval_query,
        follow_up_of=len(previous) if (ctx.follow_up or target) and previous else None,
        resolved_reference=target[1] if target else None,
    )
    store.save_turn(turn, standalone=not ctx.follow_up and target is None, new_refs=new)
    return turn
