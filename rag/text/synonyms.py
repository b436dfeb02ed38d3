"""A clinician's word and a study's for the same thing: "miscarriage" and "spontaneous abortion",
"lung" and "pulmonary", "heart attack" and "myocardial infarction".

The answer rules match what a question asks about in a sentence's words (``rag.answer.answer_type.focus``);
"how common was it?" after "Is skewed X-inactivation associated with recurrent miscarriage?" names the
miscarriage that «The rate of extreme skewing … in the recurrent spontaneous abortion population was
8.6% …» calls an abortion. Both sides are read in the study's term (``in_study_terms``). A short table of
common equivalents, not a thesaurus: each entry maps everyday or organ words to the word studies use.
Retrieval does not use it (the embedder already places such words together).
"""

from __future__ import annotations

import re

# the study's word ← the other words for it (lower case, American spelling: ``rag.text.spelling``)
_SAME = {
    "abortion": r"miscarriages?",
    "myocardial infarction": r"heart\s+attacks?",
    "thrombosis": r"blood\s+clots?|clots?",
    "hypertension": r"high\s+blood\s+pressure",
    "stroke": r"cerebrovascular\s+accidents?|strokes",
    "pulmonary": r"lungs?",
    "cerebral": r"brains?",
    "cardiac": r"hearts?",
    "renal": r"kidneys?",
    "hepatic": r"livers?",
    "cesarean": r"c-sections?|cesarean\s+sections?|cesarean\s+deliver(?:y|ies)",
    "seizures": r"fits|convulsions?",
    "displacement": r"dislodg(?:e|ed|es|ing|ement|ements)",
    "cancer": r"cancers|carcinomas?|tumors?|neoplasms?|malignanc(?:y|ies)",
    "enlarged": r"gr[eo]w|grows|grown|growing|enlarges?|enlarging|enlargements?",
    "multiple pregnancy": r"twin\s+pregnanc(?:y|ies)|twins?|triplets?",
    "decrease": r"shrinks?|shrank|shrunk(?:en)?|shrinking|shrinkage",
    "hemorrhage": r"bleeds?|bleeding|bled|hemorrhages|hemorrhagic",
    # a joint's replacement, not a hormone's or a valve's
    "arthroplasty": r"(?<=hip\s)replacements?|(?<=knee\s)replacements?|(?<=joint\s)replacements?",
}
_PATTERN = re.compile(r"\b(?:" + "|".join(f"(?P<g{n}>{p})" for n, p in enumerate(_SAME.values())) + r")\b")
_TERMS = list(_SAME)


def in_study_terms(text: str) -> str:
    """``text`` (lower case, American spelling) with the other words for a study's term replaced by
    it ("recurrent miscarriage" → "recurrent abortion", "lung biopsy" → "pulmonary biopsy")."""
    return _PATTERN.sub(lambda m: _TERMS[int(str(m.lastgroup)[1:])], text)
