"""Which sentences may be quoted as evidence, and which characters of them: a pure function of the text.

A quote is a whole prose sentence of 5–80 words. Section headings that open a sentence ("BACKGROUND:",
"AIM:") or are glued after its stop ("… glioma.STUDY DESIGN/") are left out of its span. Footers,
licence lines, e-mail addresses, author-contribution or competing-interest statements, back matter
(funding, acknowledgements, data availability, web addresses) and short lines without a sentence's
end (headings, fragments) are not evidence.

The chunker stores each sentence's quote span with its passage (``rag.chunking``), so answers do not
run these patterns on every request; a stored span counts only while ``RULES`` (a digest of this
file) is the one it was computed under, so editing a rule here never leaves old indexes quoting by
the old one: they fall back to computing spans when asked.
"""

from __future__ import annotations

import hashlib
import re
from pathlib import Path

MIN_WORDS = 5
MAX_WORDS = 80
_BRACKETED = re.compile(r"\([^()]*\)|\[[^\[\]]*\]")  # an innermost bracketed aside
HEADING_WORDS = 10  # a shorter line without a sentence's end is a heading or a fragment, not a finding

# "BACKGROUND:", "AIM:", "Conclusions:", "MATERIALS AND METHODS" at the start of a sentence
HEADING = re.compile(
    r"^(?:(?:[A-Z][A-Z ,&/-]{2,40}|[A-Z][a-z]+(?: (?:and|of|&) [A-Z]?[a-z]+)?)\s*[:.]\s+|"
    r"(?:BACKGROUND|INTRODUCTION|OBJECTIVES?|AIMS?|PURPOSE|METHODS?|RESULTS?|CONCLUSIONS?|FINDINGS|"
    r"DESIGN|SETTING|CONTEXT|INTERPRETATION|DISCUSSION)\s+(?=[A-Z]))"
)
_HEADING_WORDS = frozenset(
    """background introduction objective objectives aim aims purpose method methods results result
    conclusion conclusions findings design setting context interpretation discussion summary
    importance rationale hypothesis materials participants patients interventions measurements
    outcomes main significance case presentation report study selection data sources extraction
    synthesis limitations and of &""".split()  # noqa: SIM905
)
NOT_EVIDENCE = re.compile(
    r"@|\bcreative commons\b|\blicen[cs]ee\b|\bopen access\b|\bcompeting interests?\b|"
    r"\bconflicts? of interest\b|\bauthors?'? contributions?\b|\bcontributed equally\b|"
    r"\b(?:read|and) approved the final manuscript\b|\bcorrespondence\b|\bfunding\b.*\bgrant\b|"
    r"\bcited by\b|\bdoi: ?10\.|\bretrieved from\b|\ball rights reserved\b|\bcopyright\b|©|"
    r"\b(?:received|accepted|published|revised)(?: online)?: ?\d",
    re.IGNORECASE,
)
# a sentence's end: a full stop, question or exclamation mark, then closing brackets or quotes and a
# reference number glued to it ("… risk.15")
SENTENCE_END = re.compile(r"[.?!][)\]\"'”’]*(?:\d+(?:[,–-]\d+)*)?\s*$")
# A full text's back matter, whatever its heading (PDFs have none the reader keeps): funding,
# acknowledgements, data and code availability, authors' contributions, and sentences that point at a
# web address
BACK_MATTER = re.compile(
    r"https?:|\bwww\.|^this (?:work|research|study|project)\b[^.]{0,30}\b(?:funded|sponsored) by\b|"
    r"\b(?:(?:funded|supported|sponsored) by|funding (?:by|from))\b[^.]*\b(?:grants?|awards?|foundation|"
    r"fellowships?|council|institutes? of|programme|trust|ministry|NIH|NSF|and others)\b|"
    r"\bgrants? (?:no\b|number|[A-Z0-9]*\d)|"
    r"^(?:we|the authors?) (?:would (?:also )?like to )?(?:thank|acknowledge)\b|\bare grateful to\b|"
    r"\backnowledges? (?:support|funding)\b|\bdata availability\b|\baccession (?:numbers?|codes?)\b|"
    # authors' contributions without their heading: "JBK - Study design, data analysis, manuscript writing"
    r"^(?-i:(?:[A-Z]\.?){2,4})\s*[-–—]\s*(?:study|data|manuscript|concept\w*|design|analysis|writing|drafting|"
    r"editing|statistic\w*|supervision|acquisition|interpretation)\b|"
    r"\b(?:wrote|drafted) the (?:manuscript|paper|article|first draft)\b|"
    r"\bmanuscript (?:writing|preparation|drafting|editing)\b|"
    r"\b(?:data|reads|sequences|files?|datasets?|code|scripts?|scores)\b[^.]*\bdeposited (?:in|at|to|on)\b|"
    r"\bsupplementa(?:ry|l) (?:material|information|data|files?)\b[^.]*\b(?:available|found|downloaded)\b",
    re.IGNORECASE,
)


def heading_length(text: str) -> int:
    """Characters of a section heading opening ``text`` ("BACKGROUND: …" → 12), else 0."""
    match = HEADING.match(text)
    if not match:
        return 0
    words = re.findall(r"[A-Za-z&]+", match.group(0))
    if not words or any(w.lower() not in _HEADING_WORDS for w in words):
        return 0
    return match.end()


# a heading glued after the sentence's stop, as PubMedQA's contexts end: "… glioma.STUDY DESIGN/"
TRAILING_HEADING = re.compile(r"(?<=[.?!])[A-Z][A-Z][A-Z &/,-]{0,40}[:/-]?\s*$")


def trailing_heading_length(text: str) -> int:
    """Characters of a capitalised heading glued after the final stop of ``text``, else 0."""
    match = TRAILING_HEADING.search(text)
    return len(text) - match.start() if match else 0


def quotable(text: str) -> bool:
    """A whole prose sentence: not a fragment (lower-case start, or a short line without a sentence's
    end, like a heading), not a list of keywords or numbers (few digits, few commas/quotes/semicolons
    per word), not a footer, declaration or back matter."""
    if text[:1].islower():
        return False
    if NOT_EVIDENCE.search(text) or BACK_MATTER.search(text):
        return False
    words = len(text.split())
    if words <= HEADING_WORDS and not SENTENCE_END.search(text):
        return False
    digits = sum(c.isdigit() for c in text)
    # a finding's statistics in brackets are not a list: «… hypotension (OR, 7.37; 95% CI, 2.31-23.28),
    # thrombolysis (OR, 5.71; …) … were more prevalent.»
    outside = _unbracketed(text)
    separators = sum(outside.count(c) for c in ',;“”"')
    return digits <= 0.3 * len(text) and separators <= 0.3 * words


def _unbracketed(text: str) -> str:
    """``text`` without its bracketed asides, nested ones included."""
    while True:
        shorter = _BRACKETED.sub("", text)
        if shorter == text:
            return text
        text = shorter


def quote_span(text: str, start: int, end: int) -> tuple[int, int] | None:
    """The quotable part of the sentence ``text[start:end]`` (headings cut), or ``None`` when it is
    not evidence (see module docstring)."""
    start += heading_length(text[start:end])
    end -= trailing_heading_length(text[start:end])
    sentence = text[start:end]
    if not MIN_WORDS <= len(sentence.split()) <= MAX_WORDS or not quotable(sentence):
        return None
    return start, end


def quote_spans(text: str, sentences: tuple[tuple[int, int], ...]) -> tuple[tuple[int, int] | None, ...]:
    """``quote_span`` of each sentence span of ``text``."""
    return tuple(quote_span(text, s, e) for s, e in sentences)


# the rules' identity: stored with each passage's quote spans, which count only while it matches
RULES = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
