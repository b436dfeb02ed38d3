"""Evidence level of a publication, from its PubMed publication types (or, failing those, its title).

Levels, strongest first: ``meta-analysis / systematic review``, ``guideline``,
``randomised controlled trial``, ``clinical trial``, ``cohort / observational``, ``case report``,
``review``, ``other``. Shown as a badge beside each reference; not used for ranking (no
measurement has shown that it helps).
"""

from __future__ import annotations

from collections.abc import Iterable

from rag.types import DocumentInfo

LEVELS: tuple[tuple[str, tuple[str, ...]], ...] = (
    ("meta-analysis / systematic review", ("meta-analysis", "systematic review")),
    ("guideline", ("practice guideline", "guideline", "consensus development conference")),
    ("randomised controlled trial", ("randomized controlled trial", "randomised controlled trial")),
    ("clinical trial", ("clinical trial", "controlled clinical trial", "pragmatic clinical trial")),
    (
        "cohort / observational",
        (
            "observational study",
            "cohort",
            "comparative study",
            "multicenter study",
            "evaluation study",
            "validation study",
            "case-control",
        ),
    ),
    ("case report", ("case reports", "case report")),
    ("review", ("review",)),
)


def evidence_level(publication_types: Iterable[str] = (), title: str = "") -> str:
    """The strongest level named by the publication types; else one the title names; else ``other``."""
    types = [t.lower() for t in publication_types]
    for level, names in LEVELS:
        if any(name in t for t in types for name in names):
            return level
    lowered = title.lower()
    for level, names in LEVELS:
        if level != "review" and any(name in lowered for name in names):
            return level
    return "other"


def level_of(document: DocumentInfo) -> str:
    """The evidence level of a retrieved document (from its stored publication types and title)."""
    return evidence_level(document.publication_types, document.title)
