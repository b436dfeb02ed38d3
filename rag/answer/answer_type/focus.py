"""What a question asks about, matched in a sentence's words."""

from __future__ import annotations

import math
import os
from collections import Counter
from collections.abc import Sequence
from functools import lru_cache

from rag.answer.select.candidates import Candidate, defined_abbreviations
from rag.text.abbreviations import long_forms, spelled_out
from rag.text.spelling import in_american
from rag.text.synonyms import in_study_terms
from rag.text.terms import content_terms

# how much or how often a question asks, or when, or how long something takes: never what makes a
# sentence the answer
NOT_ASKED_ABOUT = content_terms(
    "often frequent frequently frequency common commonly likely likelihood many much long accurate "
    "accuracy sensitive sensitivity specific specificity percentage proportion fraction share number "
    "rate rates risk risks incidence prevalence odds chance probability yield occur occurs occurred "
    "occurrence happen develop after before during following since within take takes took last lasts lasted "
    "had has have having found detected seen observed"  # "how many had …?", "in how many was it found?"
)
# by how much one differs ("how much less?", "how large was each group?", "by how much did it differ?")
# or of whom in general ("in how many patients?"): no subject on their own, but "How often is end-tidal
# CO2 higher than arterial CO2 …?" asks about "higher" (``rag.answer.answer_type.quantities``)
NO_SUBJECT = content_terms(
    "less fewer lower higher greater smaller larger bigger large big small high low more reduce reduced "
    "reduction increase increased decrease decreased differ differed difference change changed each every "
    "patients patient people persons subjects participants individuals cases"
)
# words that name no aspect: "what did they conclude?", "any other findings?", "is that true too?",
# "tell me more", "is there a safer alternative?", "is the evidence strong?", "what did they compare?",
# "is there newer evidence?", "does position matter?", "what are the advantages of methylene blue?",
# "which ones were the worst?", "which patients should get one?", "what are the differences?"
VAGUE = content_terms(
    "most more too also true they them their conclude conclusion concluded find finding findings found "
    "other others else result results show shown say said report reported reports study studies paper "
    "article data evidence tell explain describe detail details elaborate please know mean safer safest "
    "riskier riskiest strong stronger strength weak weaker good compare compared comparison newer newest "
    "latest recent recently update updated matter matters advantage advantages disadvantage disadvantages "
    "one ones best better worst worse get gets got getting difference differences differ similar "
    "similarity similarities"  # "what are the differences?": what the findings compare
)


def words_of(text: str) -> set[str]:
    """``content_terms`` of ``text`` in American spelling ("oesophagus", "haemorrhage", "paediatric";
    ``rag.text.spelling``), both sides alike: what a question asks about is matched in the sentences.
    A clinician's word counts as the study's ("lung" as "pulmonary", "miscarriage" as "abortion";
    ``rag.text.synonyms``). A hyphenated word counts whole and in its parts ("false-positive" is also
    "false" and "positive": «… was falsely positive in 53% of patients …»)."""
    american = in_study_terms(in_american(text))
    return content_terms(american) | (content_terms(american.replace("-", " ")) if "-" in american else set())


# a question's word for what studies name otherwise: a comparison's measure ("which is faster?" asks
# about time: «The operating time was 4 minutes longer in the first group.»; "which is cheaper?" about
# cost), or a class whose members a study names ("what about the dose form?": «Chewable and dispersible
# tablets (P<0.001) … were significant predictors of higher pH.»; "what about the route?": oral,
# intravenous …)
_NAMED_BY = {
    "faster quicker slower sooner": "time duration minutes hours days",
    "cheaper costlier pricier expensive affordable": "cost costs charges",
    "dose dosage formulation formulations": "tablets capsules liquids syrups suspensions chewable "
    "dispersible effervescent injections patches inhalers sprays creams ointments gels suppositories "
    "drops solutions lozenges granules sachets",
    "route routes": "oral orally intravenous intravenously subcutaneous subcutaneously intramuscular "
    "intramuscularly topical topically inhaled intranasal rectal transdermal sublingual",
}
_NAMES_OF = {
    word: content_terms(names) for words, names in _NAMED_BY.items() for word in content_terms(words)
}


def aspect_words(text: str) -> set[str]:
    """The words of ``text`` that name what it asks about: not how much or how often it asks
    (``NOT_ASKED_ABOUT``), nor words that name nothing (``VAGUE``); with the words studies name it by
    (``_NAMED_BY``: "faster": time, minutes …; "dose form": tablets, capsules …)."""
    words = words_of(text) - NOT_ASKED_ABOUT - VAGUE
    return words.union(*(_NAMES_OF.get(w, set()) for w in words))


def rarity(asked: set[str], terms: Sequence[set[str]]) -> dict[str, float]:
    """A weight for each word of ``asked``: the fewer of the candidates' ``terms`` name it, the more
    (an idf over the pool, as the selector's ``overlap_rare``)."""
    shared = Counter(w for t in terms for w in named_in(asked, t))
    return {w: math.log((len(terms) + 1) / (shared[w] + 1)) + 1 for w in asked}


def weight_named(weight: dict[str, float], asked: set[str], terms: set[str]) -> float:
    """How much of ``asked`` a sentence's ``terms`` name, each word counted with its ``weight`` (from
    ``rarity``)."""
    return math.fsum(weight[w] for w in named_in(asked, terms))


SHARED = 5  # the letters two forms of a word share at least ("pregnant", "pregnanc")


def named_in(asked: set[str], terms: set[str]) -> set[str]:
    """The words of ``asked`` that ``terms`` name: the same stem, or one a stem's other form ("esophag"
    and "esophagus", "pregnant" and "pregnanc": all but the last letter of the shorter shared, at
    least five)."""
    named = asked & terms
    for w in asked - named:
        head = w[:SHARED]
        if len(head) < SHARED:
            continue  # too short to share five letters with anything
        for t in terms:
            if not t.startswith(head):  # a cheap test first: the pool's words times the question's
                continue
            shared = len(os.path.commonprefix((w, t)))
            if shared >= min(len(w), len(t)) - 1:
                named.add(w)
                break
    return named


def sentence_words(candidates: Sequence[Candidate], question: str = "") -> list[set[str]]:
    """Each candidate's ``words_of``, with the long forms of the abbreviations its study defines in
    the retrieved passages ("Among the 10 cases with CR, …" also names "complete response", defined
    as "complete response (CR)" in the study's methods; ``rag.text.abbreviations``), or that
    ``question`` spells out ("heparin-induced thrombocytopenia": «… bleeding and HIT …»)."""
    spelled = spelled_out(question)
    known = {doc: {**spelled, **defined} for doc, defined in defined_abbreviations(candidates).items()}
    return [
        set(_words_cached(" ".join([c.text, *long_forms(c.text, known[c.hit.doc_id])]))) for c in candidates
    ]


@lru_cache(maxsize=8192)
def _words_cached(text: str) -> frozenset[str]:
    """``words_of`` a candidate, once per text: an answer's rules read the pool's words several times."""
    return frozenset(words_of(text))
