"""Evidence level of a publication, from its PubMed publication types (or, failing those, its title).

Levels, strongest first: ``meta-analysis / systematic review``, ``guideline``,
``randomised controlled trial``, ``clinical trial``, ``cohort / observational``, ``case report``,
``review``, ``animal study``, ``other``. Shown as a badge beside each reference, and it orders the
answer's studies (``rag.answer.compose``: the bottom line's study first); not used for retrieval.

An **animal study** is one whose MeSH descriptors include "Animals" but not "Humans" (whatever its
publication types: a "Comparative Study" in swine is still about swine), or, without MeSH, whose title
names laboratory animals ("… in swine", "in rats", "murine"). A clinician should know before reading
its quote that it was not done in patients. Adjectives of a material's source ("porcine dermal
collagen", "bovine pericardium") and "canine" (a tooth) are not taken for animal subjects.

Indexers also add "Humans" to studies in animals whose material or subject is human: human cancer
cells grown in nude mice, a dog model of a diver's air embolism (PubMed 6506335, 6506336). So a record
with both is an animal study when a laboratory species is among its descriptors ("Dogs", "Mice,
Nude", "Rats, Wistar"), unless its publication types name a study in people (a trial, a systematic
review, an observational study, a case report). In the MEDLINE files of ``../shared/data/pubmed``, 58
of 826 records carry both "Animals" and "Humans"; the 46 with a laboratory species are all laboratory
or animal-model studies (mostly human cancer cells in mice), and none names a study in people.
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


# publication types of a study in people (``LEVELS`` less the generic "Comparative Study", "Evaluation
# Study" and "Validation Study", which index studies in animals as well, and less "Review")
_IN_PEOPLE = (
    *(name for level, names in LEVELS[:4] for name in names),
    "observational study",
    "cohort",
    "multicenter study",
    "case-control",
    "case report",
)


def is_animal_study(mesh: Iterable[str] = (), title: str = "", publication_types: Iterable[str] = ()) -> bool:
    """Was the study done in animals, not in people (module docstring)?"""
    descriptors = set(mesh)
    if not descriptors:
        return bool(_ANIMALS.search(title))
    if "Animals" not in descriptors:
        return False
    if "Humans" not in descriptors:
        return True
    in_people = any(
        name in t.lower() and "veterinary" not in t.lower() for t in publication_types for name in _IN_PEOPLE
    )
    return not in_people and any(_ANIMALS.search(d) for d in descriptors)


def evidence_level(publication_types: Iterable[str] = (), title: str = "", mesh: Iterable[str] = ()) -> str:
    """``animal study`` for a study in animals; else the strongest level named by the publication
    types; else one the title names; else ``other``."""
    types = [t.lower() for t in publication_types]
    if is_animal_study(mesh, title, types):
        return ANIMAL_STUDY
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


def names_animals(word: str) -> bool:
    """Is ``word`` "animals" or a laboratory species ("rats", "swine")?"""
    return bool(re.fullmatch(r"animals?", word, re.IGNORECASE) or _ANIMALS.fullmatch(word))


def in_animals(document: DocumentInfo) -> bool:
    """Was the retrieved document's study done in animals (its level is ``ANIMAL_STUDY``)?"""
    return level_of(document) == ANIMAL_STUDY
