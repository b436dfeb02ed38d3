"""Follow-up questions without an LLM: contextualised retrieval and reference resolution.

Method (shown to users as ``retrieval_query``):

1. **Reference resolution.** "[2]", "reference 2", "ref. 2", "source 2", "study 2", "the study from
   2024" name a source already cited in the conversation; the turn is answered from that source's
   passages only.
2. **Follow-up detection.** A question is treated as a follow-up of the conversation when it refers
   back (pronouns and demonstratives such as *it, they, this, these, that, those, them, their*; openers
   such as *and …, what about …, how about …, also …, any others*), or when it has at most
   ``SHORT_QUESTION_TERMS`` content words (not counting *had, many, much, studied*), or when what it
   names beyond how it asks is at most that many words, all named by the previous question or the titles
   it cited ("how often does air embolism happen?" after an answer from a study of air embolism after
   lung biopsy). Any other question is self-contained: a topic shift, retrieved on its own.
3. **Expansion.** A follow-up's retrieval query is the question plus the conversation's topic: the
   content words of the questions since the last topic shift (most recent first) and the most
   frequent content words of the titles of the sources cited in the previous turn (none when it was
   refused: the closest source a refusal names does not answer, and a follow-up borrowing its title
   would be answered from it), without duplicates and at most ``MAX_TOPIC_TERMS`` words.
"""

from __future__ import annotations

import re
from collections import Counter
from collections.abc import Sequence
from dataclasses import dataclass

from rag.answer.population import populations
from rag.text.terms import content_terms, stem
from rag.types import Answer

SHORT_QUESTION_TERMS = 3
MAX_TOPIC_TERMS = 12

_ANAPHORA = re.compile(
    r"\b(it|its|they|them|their|theirs|this|these|that|those|such|there|the same|above|same|former|latter|"
    r"others?|another|else|more|further)\b",
    re.IGNORECASE,
)
_OPENERS = re.compile(
    r"^\s*(and|but|also|so|then|what about|how about|what of|and what about|in|for|with|among|versus|vs\.?|"
    r"compared|is it|are they|does it|do they|was it|were they|any)\b",
    re.IGNORECASE,
)
_REFERENCE = re.compile(
    r"(?:\[(\d{1,3})\]|\b(?:reference|ref\.?|source|citation|study|article|paper)\s*#?\s*(\d{1,3})\b)",
    re.IGNORECASE,
)
_YEAR = re.compile(
    r"\b(?:study|article|paper|trial|review|one|source|reference)\b[^.?!]{0,20}\b(?:from|in|of)\s+((?:19|20)\d\d)\b",
    re.IGNORECASE,
)
_WORD = re.compile(r"[A-Za-z][A-Za-z0-9-]+")
# how people ask, not what they ask about: never carried into a later turn's retrieval query
_REQUEST_WORDS = frozenset(
    """tell more explain elaborate detail details describe say says said show give
    summarise summarize reference ref source study article paper citation please know else
    i me my we us our you your""".split()  # noqa: SIM905
)


# the kind of answer a question asks for: "is it safe?", "what are the risk factors?", "how is it
# treated?", "how often?", "is it fatal?"
_KIND_WORDS = frozenset(
    """safe safety effective effectiveness efficacy efficacious harm harms harmful risk risks risky
    danger dangerous recommend recommended indicated indication necessary complication complications
    adverse side effect effects outcome outcomes treat treated treating treatment treatments therapy
    therapies manage managed managing management factor factors predictor predictors predict predicts
    often frequent frequently incidence rate rates prevent prevented prevention fatal deadly lethal""".split()  # noqa: SIM905
)
_KIND = frozenset(stem(w) for w in _KIND_WORDS)
# what is asked about a topic without naming one: "Is it safe?", "what are the side effects?", "how
# is it treated?" name nothing to search for on their own
_ASKING_WORDS = _KIND_WORDS | frozenset(
    """work works useful help helps helpful benefit benefits beneficial better best worse good bad
    needed need worth advisable appropriate problem problems result results evidence data option
    options alternative alternatives dose doses dosage use used using take taking give given happen
    happens cause causes first line instead again now common occur occurs""".split()  # noqa: SIM905
)
_ASKING = frozenset(stem(w) for w in _ASKING_WORDS)
# of whom, beyond the population groups a caveat checks (``rag.answer.population``): "in adults?"
_PEOPLE_WORDS = frozenset("adults adult people persons older".split())  # noqa: SIM905
# words the shared stopword list keeps that name nothing: "how many patients had a complete response?"
# counts two content words, not four
_FUNCTION = frozenset(stem(w) for w in ["had", "has", "have", "having", "many", "much", "studied"])
_NOT_A_TOPIC = _ASKING | _FUNCTION | frozenset(stem(w) for w in _PEOPLE_WORDS | _REQUEST_WORDS)


def _whom(question: str) -> frozenset[str]:
    """The stems of the words of ``question`` that name a population ("pregnant", "infants")."""
    return frozenset(stem(w.lower()) for w in _WORD.findall(question) if populations(w))


def topic_of(question: str) -> str:
    """The words of ``question`` that name what it asks about, in order: none of how, or of whom, it
    asks ("What are the risk factors for air embolism in children?": "air embolism")."""
    not_topic = _NOT_A_TOPIC | _whom(question)
    return " ".join(w for w in _words(question) if stem(w) not in not_topic)


def _topic_terms(question: str) -> frozenset[str]:
    """The content words of ``question`` beyond how, or of whom, something is asked."""
    return frozenset(content_terms(question) - _NOT_A_TOPIC - _whom(question))


def names_topic(question: str) -> bool:
    """Whether ``question`` names anything to search for: a content word beyond how, or of whom,
    something is asked ("Is it safe?", "and in pregnancy?", "what are the side effects?" name none)."""
    return bool(_topic_terms(question))


@dataclass(frozen=True, slots=True)
class PriorTurn:
    """What contextualisation needs to know of an earlier turn."""

    question: str
    retrieval_query: str
    standalone: bool
    cited_titles: tuple[str, ...] = ()

    @classmethod
    def of(cls, answer: Answer, retrieval_query: str, standalone: bool) -> PriorTurn:
        """``answer``'s turn as context for the next one. A refusal lends no titles: the closest source
        it names does not answer, and a follow-up borrowing its title would be answered from it."""
        titles = () if answer.insufficient_evidence else tuple(r.title for r in answer.references)
        return cls(answer.question, retrieval_query, standalone, titles)


@dataclass(frozen=True, slots=True)
class Contextualised:
    retrieval_query: str
    follow_up: bool
    asked: str = ""  # the asker's own questions since the last topic shift, this one first (no title words)


def referenced_number(question: str) -> int | None:
    """The reference number a question points at ("[2]", "reference 2"), if any."""
    match = _REFERENCE.search(question)
    if not match:
        return None
    return int(match.group(1) or match.group(2))


def referenced_year(question: str) -> int | None:
    """The year in "the study from 2024", if any."""
    match = _YEAR.search(question)
    return int(match.group(1)) if match else None


def is_follow_up(question: str) -> bool:
    """Does ``question`` lean on the conversation (see module docstring, step 2)?"""
    if _OPENERS.search(question) or _ANAPHORA.search(question):
        return True
    return len(content_terms(question) - _FUNCTION) <= SHORT_QUESTION_TERMS


def _words(text: str) -> list[str]:
    """Content words in order of appearance (lower case, no stopwords), for readable queries."""
    terms = content_terms(text)
    out: list[str] = []
    for word in _WORD.findall(text):
        lower = word.lower()
        if stem(lower) in terms and lower not in out:
            out.append(lower)
    return out


def contextualise(question: str, history: Sequence[PriorTurn]) -> Contextualised:
    """The retrieval query for ``question`` given the earlier turns (module docstring, step 3)."""
    if not history or not (is_follow_up(question) or _continues(question, history[-1])):
        return Contextualised(retrieval_query=question, follow_up=False, asked=question)
    topic: list[str] = []
    asked = [question]
    # a follow-up that asks something of its own ("and how is it treated?" after "what are the risk
    # factors …?") searches for that, not for what the earlier questions asked
    dropped = _KIND if content_terms(question) & _KIND else frozenset()
    for turn in reversed(history):  # questions back to the last topic shift, most recent first
        topic.extend(w for w in _words(turn.question) if w not in _REQUEST_WORDS and stem(w) not in dropped)
        asked.append(turn.question)
        if turn.standalone:
            break
    titles = Counter(w for title in history[-1].cited_titles for w in _words(title) if stem(w) not in dropped)
    topic.extend(w for w, _ in titles.most_common(5))
    own = set(_words(question)) | {w.lower() for w in _WORD.findall(question)}
    extra: list[str] = []
    for word in topic:
        if word not in own and word not in extra:
            extra.append(word)
    query = f"{question} {' '.join(extra[:MAX_TOPIC_TERMS])}".strip()
    return Contextualised(retrieval_query=query, follow_up=True, asked=" ".join(map(_as_question, asked)))


def _continues(question: str, previous: PriorTurn) -> bool:
    """Does ``question`` ask about no more than the previous turn's subject: what it names (at most
    ``SHORT_QUESTION_TERMS`` words beyond how it asks) all named by the previous question or the titles
    of the sources it cited? "how often does air embolism happen?" after "What are the complications
    of CT-guided lung biopsy?" (answered from a study of air embolism after lung biopsy) asks how often
    it happens after a lung biopsy."""
    named = _topic_terms(question)
    before = content_terms(" ".join([previous.question, *previous.cited_titles]))
    return 0 < len(named) <= SHORT_QUESTION_TERMS and named <= before


def _as_question(text: str) -> str:
    """``text`` ending in a question mark, so that the questions of ``Contextualised.asked`` stay
    apart ("what about pain" typed without one is a question of its own)."""
    text = text.strip()
    return text if text.endswith("?") else text.rstrip(".!;: ") + "?"
