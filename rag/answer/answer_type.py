"""What kind of answer a question asks for, and the cited study's sentence of that kind.

"How often did pneumothorax occur?" asks for a number; "What complications are related to DVT
prophylaxis in trauma patients?" for the complications; "What is the first-line agent …?" for what to
use. The selector, trained on SciFact's claims and PubMedQA's yes/no questions, has seen none of these
kinds: it scores a study's conclusion ("… is safe and
allows for proper diagnosis", p 0.90) far above the sentence with the figure ("Hook wire complications
included pneumothorax requiring chest tube drainage in 4 patients (2.1%) …", p 0.04), and a review's
remark that its complications must be understood (p 0.22) above "The risks of heparin include
bleeding and heparin induced thrombocytopenia." (p 0.02). Out of fold, features for such questions did
not lift those sentences (BENCHMARKS.md): the training data holds no such questions to learn from.

So these are answer-type rules on top of the selector's choice, as a question-answering system checks
that an answer is of the type asked for. When none of the cited sentences is of that type, the answer
also quotes the cited studies' sentences that are, placed first among their study's (so its bottom
line quotes them, in the study's order); never from a labelled abstract's background or methods (the
rate earlier studies found, the number of patients enrolled). The studies were already judged to
answer; this only picks which of their sentences to show. Nothing is added to a refusal, and a
question that asks for none of these kinds is left alone.

- **Quantity** ("how often …?", "what is the risk of …?", "how many …?"): one sentence that states a
  number (for "how often", "what proportion", "what is the risk": a rate, such as "63%" or "10 of
  350") and names what is asked about: the question's words less the study's title (its topic), less
  the words of asking how often ("risk", "rate", "often", "occur") or when ("after"); words many
  candidate sentences share weigh less than rare ones, as in the selector's ``overlap_rare``. The most
  weight wins; then one that reports a rate; then the selector's best.
- **Harms** ("what complications …?", "what are the risks of …?", "what side effects …?"): up to two
  sentences that name harms (bleeding, thrombocytopenia, infection, migration … other than those the
  question names), those of a full text's abstract first (it states the paper's findings; its body
  also reviews other work), then the most harms named, then the selector's best; after a follow-up
  that names a new subject ("what about IVC filters?"), only the sentences naming it when any does.
- **Recommendation** ("what is the first-line agent for …?", "which drug is recommended …?", "what
  is the treatment of choice …?"): one sentence that says what to use ("supports the use of",
  "recommended", "treatment of choice", "should be considered", "is not necessary"), a full text's
  abstract first, then the selector's best.
"""

from __future__ import annotations

import math
import re
from collections import Counter
from collections.abc import Sequence

import numpy as np

from rag.answer.followup import is_follow_up
from rag.answer.markers import MARKER
from rag.answer.select.candidates import Candidate
from rag.answer.select.features import section_kind
from rag.text.terms import content_terms

_LEAD = r"^\W*(?:(?:and|but|so|also|then)\W+)?"  # a follow-up's opening: "and how often …?"
_MODIFIERS = r"(?:[\w-]+\s+){0,2}"  # "the overall complication rate", "the 5-year survival"
# how often: the answer is a rate ("in 4 patients (2.1%)", "10 of 350", "63%")
_HOW_OFTEN = re.compile(
    rf"{_LEAD}(?:how\s+(?:often|frequent(?:ly)?|common(?:ly)?|likely)\b"
    rf"|what\s+(?:is|are|was|were)\s+the\s+{_MODIFIERS}(?:(?:percentage|proportion|rate|incidence|prevalence|"
    r"frequency|odds|chance|likelihood|probability|mortality|survival)s?"
    r"|risk(?!\s+factor))\b(?!-)"  # "the risk of" is a rate, "the risks of" and "risk factors" are not
    r"|what\s+(?:percentage|proportion|fraction|share)\b)",
    re.IGNORECASE,
)
# how many, how much: the answer is any number
_HOW_MANY = re.compile(
    rf"{_LEAD}(?:how\s+(?:many|much|long|accurate|sensitive|specific)\b"
    rf"|what\s+(?:is|are|was|were)\s+the\s+{_MODIFIERS}(?:number|sensitivity|specificity|accuracy|yield)s?\b"
    r"|what\s+number\b)",
    re.IGNORECASE,
)
# a labelled abstract's background and methods state numbers too (the rate other studies found, how
# many patients were enrolled), but not what this study found
_NOT_FINDINGS = ("background", "methods")
# a number that is not a year (1900-2099 alone), a name's part ("5-year", "type 2") or a reference marker
_NUMBER = re.compile(r"(?<![\w.])(?<!type )(?!(?:19|20)\d\d(?!\d|\s*%))\d+(?:[.,]\d+)?(?![\w]|-[a-z])", re.I)
# a rate as abstracts report one: a percentage ("in 4 patients (2.1%)", "63%"), "10 of 350", "89/754",
# or a count of cases ("8 patients developed …"), not a measurement ("≤ 6 h", "30-50 mmHg")
_RATE = re.compile(
    r"\d\s*%|\b\d+\s*(?:/|of|out of)\s*\d+\b|\b\d+\s+(?:[a-z]+\s+)?(?:patients|cases|subjects|participants|"
    r"infants|children|women|men|procedures|biopsies|eyes|events)\b",
    re.IGNORECASE,
)
# a threshold, not a rate: "large (>10%) pneumothorax", "minimal pneumothorax (</= 10%)"
_THRESHOLD = re.compile(r"(?:[<>≤≥]/?=?|=<|=>)\s*\d+(?:[.,]\d+)?\s*%")
# how much or how often a question asks, or when: never what makes a sentence the answer
_NOT_ASKED_ABOUT = content_terms(
    "often frequent frequently frequency common commonly likely likelihood many much long accurate "
    "accuracy sensitive sensitivity specific specificity percentage proportion fraction share number "
    "rate rates risk risks incidence prevalence odds chance probability yield occur occurs occurred "
    "occurrence happen develop after before during following since within"
)


def asks_quantity(question: str) -> str | None:
    """``rate`` ("how often …?", "what is the risk of …?"), ``number`` ("how many …?") or ``None``: what
    the question (its first sentence: a follow-up's ``asked`` starts with it) asks for."""
    if _HOW_OFTEN.match(question):
        return "rate"
    return "number" if _HOW_MANY.match(question) else None


def states_quantity(text: str, kind: str = "number") -> bool:
    """Does ``text`` state a ``rate`` (a percentage other than a threshold such as ">10%", "n of N", a
    count of cases) or, for ``number``, any number other than a year, part of a name or a reference
    marker?"""
    plain = MARKER.sub(" ", text)
    if kind == "rate":
        return bool(_RATE.search(_THRESHOLD.sub(" ", plain)))
    return bool(_NUMBER.search(plain))


# the harms are what is asked for ("what are the most common complications of …", "which adverse
# events …"), not what something is for ("what is the treatment for complications of …")
_HARM_QUESTION = re.compile(
    rf"{_LEAD}(?:what|which)\s+(?:(?:are|were|is|was)\s+)?(?:the\s+)?(?:(?!(?:for|of|in|after|with)\b)[\w-]+\s+){{0,2}}"
    r"(?:complications?|risks|dangers?|harms?|adverse\s+(?:effects?|events?|reactions?|outcomes?)|"
    r"side[- ]effects?|toxicit(?:y|ies))\b",  # "the risk of" asks a rate, above
    re.IGNORECASE,
)
# harms a study reports: complications of procedures and adverse effects of drugs, as abstracts name them
_HARM = re.compile(
    r"\b(?:bleed\w*|ha?emorrhag\w*|thrombocytopeni\w*|infect\w*|seps[ie]s|septic|ha?ematomas?|"
    r"pneumothora\w*|embol\w*|thrombos[ie]s|migrat\w*|occlu\w*|perforat\w*|penetrat\w*|punctur\w*|"
    r"injur\w*|deaths?|necros[ie]s|stenos[ie]s|leak\w*|fistula\w*|nausea|vomiting|rash\w*|urticaria|"
    r"hypersensitivity|anaphyla\w*|allerg\w*|toxicit\w*|hypotension|arrhythmi\w*|"
    r"(?:renal|kidney|liver|hepatic|heart|respiratory) failure|pain|fever|seizures?|strokes?|paralys[ie]s|"
    r"displace\w*|dislodg\w*|fractur\w*|ulcer\w*|dehiscence|delirium|dysphagia)\b",
    re.IGNORECASE,
)
MAX_HARM_SENTENCES = 2  # a list question: the two sentences naming most


_CHOICE = r"(?:(?:first|second)[- ]line|of\s+choice|recommended|preferred|best|standard)"
_TREATMENT = (
    r"(?:agents?|drugs?|medications?|treatments?|therap(?:y|ies)|options?|prophylaxis|management|"
    r"approach(?:es)?)"
)
_RECOMMENDATION_QUESTION = re.compile(
    rf"{_LEAD}(?:what|which)\b[^?]*?\b(?:{_CHOICE}\b[^?]*?\b{_TREATMENT}|{_TREATMENT}\b[^?]*?\b{_CHOICE})\b",
    re.IGNORECASE,
)
# what a study says to use, or not to
_RECOMMENDS = re.compile(
    r"\b(?:supports?\s+the\s+use|recommend\w*|(?:first|second)[- ]line|of\s+choice|preferred|"
    r"standard\s+of\s+care|mainstay|cornerstone|should\s+(?:not\s+)?be\s+(?:used|considered|given|administered|preferred|initiated|"
    r"started|offered|performed)|(?:is|are|be)\s+(?:not\s+)?(?:indicated|necessary|needed|required|warranted))\b",
    re.IGNORECASE,
)


def asks_harms(question: str) -> bool:
    """Does the question (its first sentence) ask what harms something causes?"""
    return _kind(question) == "harms"


def asks_recommendation(question: str) -> bool:
    """Does the question (its first sentence) ask what to use ("what is the first-line agent …?")?"""
    return _kind(question) == "recommendation"


def harms_named(text: str, question: str = "") -> set[str]:
    """The harms ``text`` names (as word stems), less those ``question`` names (its topic)."""
    named = {term for m in _HARM.finditer(text) for term in content_terms(m.group(0))}
    return named - content_terms(question)


def with_answer_type(
    question: str, candidates: Sequence[Candidate], probabilities: np.ndarray, chosen: list[int]
) -> list[int]:
    """``chosen`` with the cited studies' sentences of the kind of answer the question asks for, if
    none of ``chosen`` is (module docstring). ``question`` may be a follow-up's questions so far, this
    one first: its words say what is asked about, and a follow-up that asks for no kind of its own
    ("what about IVC filters?" after "what complications …?") asks for the latest earlier one's. A
    sentence quoted in an earlier turn may be the one: it is still the answer, and the caller says it
    was quoted before."""
    if not chosen:
        return chosen
    this, *earlier = re.split(r"(?<=\?)\s+", question.strip())
    kind = _kind(this)
    inherited = kind is None and bool(earlier) and is_follow_up(this)
    if inherited:
        kind = next((k for q in earlier if (k := _kind(q))), None)
    if kind in ("rate", "number"):
        if any(states_quantity(candidates[i].text, kind) for i in chosen):
            return chosen
        return _placed(chosen, _quantity(this, kind, candidates, probabilities, chosen), candidates)
    if kind == "harms":
        if any(harms_named(candidates[i].text, this) for i in chosen):
            return chosen
        return _placed(chosen, _harms(this, candidates, probabilities, chosen, inherited), candidates)
    if kind == "recommendation":
        if any(_RECOMMENDS.search(candidates[i].text) for i in chosen):
            return chosen
        keys = {
            i: (_in_abstract(candidates[i]), float(probabilities[i]))
            for i in _cited_findings(candidates, chosen)
            if _RECOMMENDS.search(candidates[i].text)
        }
        return _placed(chosen, sorted(keys, key=keys.__getitem__, reverse=True)[:1], candidates)
    return chosen


def _kind(question: str) -> str | None:
    """``rate``, ``number``, ``harms``, ``recommendation`` or ``None``: the kind of answer one question
    asks for."""
    if kind := asks_quantity(question):
        return kind
    if _HARM_QUESTION.match(question):
        return "harms"
    return "recommendation" if _RECOMMENDATION_QUESTION.match(question) else None


def _cited_findings(candidates: Sequence[Candidate], chosen: list[int]) -> list[int]:
    """The cited studies' other sentences (one of each text: a study may say it twice), less a labelled
    abstract's background and methods."""
    cited = {candidates[i].hit.doc_id for i in chosen}
    texts = {candidates[i].text for i in chosen}
    found = []
    for i, c in enumerate(candidates):
        if c.hit.doc_id in cited and c.text not in texts:
            texts.add(c.text)
            if section_kind(c.hit.passage.section, c.text) not in _NOT_FINDINGS:
                found.append(i)
    return found


def _placed(chosen: list[int], added: list[int], candidates: Sequence[Candidate]) -> list[int]:
    """``added`` (best first) placed before the first chosen sentence of their study."""
    placed = list(chosen)
    for i in reversed(added):
        doc = candidates[i].hit.doc_id
        first = next(k for k, j in enumerate(placed) if candidates[j].hit.doc_id == doc)
        placed.insert(first, i)
    return placed


def _quantity(
    question: str, kind: str, candidates: Sequence[Candidate], probabilities: np.ndarray, chosen: list[int]
) -> list[int]:
    asked = content_terms(question) - _NOT_ASKED_ABOUT
    topic = {candidates[i].hit.doc_id: content_terms(candidates[i].hit.document.title) for i in chosen}
    terms = [content_terms(c.text) for c in candidates]
    shared = Counter(w for t in terms for w in t & asked)
    weight = {w: math.log((len(candidates) + 1) / (shared[w] + 1)) + 1 for w in asked}
    keys = {}
    for i in _cited_findings(candidates, chosen):
        text = candidates[i].text
        focus = math.fsum(weight[w] for w in (asked - topic[candidates[i].hit.doc_id]) & terms[i])
        if focus and states_quantity(text, kind):
            keys[i] = (focus, states_quantity(text, "rate"), float(probabilities[i]))
    return sorted(keys, key=keys.__getitem__, reverse=True)[:1]


def _harms(
    question: str, candidates: Sequence[Candidate], probabilities: np.ndarray, chosen: list[int], about: bool
) -> list[int]:
    """``about``: the question is a follow-up naming what it asks about ("what about IVC filters?"),
    and the sentences that name it come first; the others only when none does."""
    asked = content_terms(question) - _NOT_ASKED_ABOUT if about else set()
    keys = {}
    for i in _cited_findings(candidates, chosen):
        c = candidates[i]
        if named := harms_named(c.text, question):
            about_it = bool(asked & content_terms(c.text))
            keys[i] = (about_it, _in_abstract(c), len(named), float(probabilities[i]))
    if any(key[0] for key in keys.values()):
        keys = {i: key for i, key in keys.items() if key[0]}
    return sorted(keys, key=keys.__getitem__, reverse=True)[:MAX_HARM_SENTENCES]


def _in_abstract(c: Candidate) -> bool:
    """Is the sentence in its document's abstract (a full text whose body start is known), or in an
    abstract alone? The split the selector's positions use (``features.part_of``; a body start is
    never 0)."""
    body = c.hit.document.body_start
    return body is None or c.offset < body
