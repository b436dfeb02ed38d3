"""Cue words that mark a sentence as a finding ("significantly", "was associated with", numbers and
p-values) or as background, aims and methods ("little is known", "we aimed to", "were randomised"):
features of the evidence selector (``rag.answer.select.features``) that depend on the sentence alone.

The chunker stores each quotable sentence's cues as bits with its passage, so answers do not run these
patterns per request; stored bits count only while ``RULES`` (a digest of this file) is the one they
were computed under, as quote spans do (``rag.text.quotable``).
"""

from __future__ import annotations

import hashlib
import re
from collections.abc import Sequence
from pathlib import Path

CUES: dict[str, re.Pattern[str]] = {
    "cue_number": re.compile(r"\d"),
    "cue_statistics": re.compile(
        r"\b[pP]\s*[<=>≤]|\b95\s*%|\bCI\b|\b(?:odds|hazard|risk) ratio|\b[OHR]R\b|%|±", re.IGNORECASE
    ),
    "cue_finding": re.compile(
        r"\b(?:significant(?:ly)?|associated|association|increased?|decreased?|reduced?|reduction|improved?|"
        r"higher|lower|greater|less|more likely|risks?|effective|efficacy|correlat\w*|predict\w*|"
        r"compared with|than|no difference|did not|was not|were not|independent(?:ly)?)\b",
        re.IGNORECASE,
    ),
    "cue_claim": re.compile(
        r"\b(?:we (?:found|show|showed|demonstrate\w*|report|observed|identif\w*|conclude)|"
        r"(?:results|data|findings|these|this) (?:suggest|indicate|show|demonstrate|reveal)\w*|"
        r"in conclusion|taken together|our (?:results|data|findings)|"
        r"(?:is|are|was|were) (?:associated|required|necessary|sufficient|effective|safe))",
        re.IGNORECASE,
    ),
    "cue_treatment": re.compile(
        r"\b(?:treat\w*|therap\w*|management|managed|administ\w*|dose|surgery|surgical|prophyla\w*|"
        r"complications?|adverse|bleeding|mortality|survival|recommend\w*|should|indicated)\b",
        re.IGNORECASE,
    ),
    "cue_background": re.compile(
        r"\b(?:(?:little|less|not) (?:is )?(?:known|understood|clear)|remains? (?:unclear|unknown|"
        r"controversial|elusive|poorly)|is (?:a|an|the) (?:common|rare|major|leading|serious)|"
        r"has been (?:shown|reported|suggested)|have been (?:shown|reported|suggested)|previous(?:ly)?|"
        r"recent(?:ly)?|however|is characteri[sz]ed|plays? an? (?:important|key|central|critical) role)\b",
        re.IGNORECASE,
    ),
    "cue_aim": re.compile(
        r"\b(?:aim(?:ed|s)? (?:of|to|was)|objective|purpose|we (?:sought|aimed|investigated|examined|"
        r"evaluated|assessed|studied|hypothesi[sz]ed|tested|explored|asked)|to (?:determine|evaluate|assess|"
        r"investigate|examine|compare|explore) (?:whether|if|the))\b",
        re.IGNORECASE,
    ),
    "cue_methods": re.compile(
        r"\b(?:were (?:randomi[sz]ed|enrolled|recruited|included|assigned|allocated|analy[sz]ed|measured|"
        r"collected|obtained)|we (?:performed|conducted|used|analy[sz]ed|measured|recruited|enrolled|"
        r"retrospectively|prospectively)|retrospective(?:ly)?|prospective(?:ly)?|cohort of|"
        r"data (?:were|was)|using (?:a|an|the))\b",
        re.IGNORECASE,
    ),
    "cue_negation": re.compile(
        r"\b(?:not|no|none|neither|nor|without|never|absence|fail(?:ed|s)? to)\b", re.IGNORECASE
    ),
    "cue_hedge": re.compile(
        r"\b(?:may|might|could|possibly|potential(?:ly)?|perhaps|likely)\b", re.IGNORECASE
    ),
    "cue_case": re.compile(
        r"\b(?:a|an) \d+[- ](?:year|month|day)[- ]old\b|\bwe (?:describe|present|report) (?:a|an|the)\b",
        re.IGNORECASE,
    ),
}


def cue_bits(text: str) -> int:
    """Bit ``i`` set when the ``i``-th pattern of ``CUES`` occurs in ``text``."""
    return sum(1 << i for i, pattern in enumerate(CUES.values()) if pattern.search(text))


def cue_flags(bits: int) -> tuple[float, ...]:
    """``cue_bits`` as one 0/1 feature per pattern of ``CUES``, in order."""
    return tuple(float(bits >> i & 1) for i in range(len(CUES)))


def sentence_cues(text: str, quotes: Sequence[tuple[int, int] | None]) -> tuple[int, ...]:
    """``cue_bits`` of each quotable sentence of ``text`` (its quote span), 0 for the others."""
    return tuple(cue_bits(text[q[0] : q[1]]) if q else 0 for q in quotes)


# the patterns' identity: stored with each passage's cue bits, which count only while it matches
RULES = hashlib.sha256(Path(__file__).read_bytes()).hexdigest()[:12]
