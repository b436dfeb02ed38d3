"""Evidence level of a publication, from its PubMed publication types (or, failing those, its title).

Levels, strongest first: ``meta-analysis / systematic review``, ``guideline``,
``randomised controlled trial``, ``clinical trial``, ``cohort / observational``, ``case report``,
``review``, ``animal study``, ``other``. Shown as a badge beside each reference; not used for ranking
(no measurement has shown that it helps).

An **animal study** is one whose MeSH descriptors include "Animals" but not "Humans" (whatever its
publication types: a "Comparative Study" in swine is still about swine), or, without MeSH, whose title
names laboratory animals ("… in swine", "in rats", "murine"). A clinician should know before reading
its quote that it was not done in patients. Adjectives of a material's source ("porcine dermal
collagen", "bovine pericardium") and "canine" (a tooth) are not taken for animal subjects.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

from rag.types import DocumentInfo

ANIMAL_STUDY = "animal study"
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
    (ANIMAL_STUDY, ()),  # from MeSH or the title, not from publication types (module docstring)
)
_ANIMALS = re.compile(
    r"\b(?:swine|pigs?|piglets?|rats?|mice|mouse|murine|rodents?|rabbits?|dogs?|sheep|lambs?|goats?|"
    r"monkeys?|macaques?|(?:non-?human )?primates|baboons?|hamsters?|ferrets?|zebrafish|drosophila|"
    r"guinea pigs?)\b",
    re.IGNORECASE,
)


def is_animal_study(mesh: Iterable[str] = (), title: str = "") -> bool:
    """Was the study done in animals, not in people (module docstring)?"""
    descriptors = set(mesh)
    if descriptors:
        return "Animals" in descriptors and "Humans" not in descriptors
    return bool(_ANIMALS.search(title))


def evidence_level(publication_types: Iterable[str] = (), title: str = "", mesh: Iterable[str] = ()) -> str:
    """``animal study`` for a study in animals; else the strongest level named by the publication
    types; else one the title names; else ``other``."""
    if is_animal_study(mesh, title):
        return ANIMAL_STUDY
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
    return evidence_level(document.publication_types, document.title, document.mesh)
