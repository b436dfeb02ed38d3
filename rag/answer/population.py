"""Whom a question asks about, and whether the cited passages say anything about them.

A clinician who asks "… in children?" or "and in pregnancy?" is asking about a population. When the
studies an answer cites never mention that population, the answer may well come from adults, or from
women who were not pregnant: the quotes are still verbatim, but what they say may not carry over. The
answer then says so in a caveat (``rag.answer.caveats``).

The populations are a small fixed vocabulary (the P of PICO most often named in questions: age groups,
pregnancy, sex), each a group of words a study uses for it ("paediatric", "infants", "neonatal" …).
A group counts as mentioned when any of its words occurs in a cited document's title or in the
passages retrieved from it. Only words are matched, not meanings: "school-age" and "aged 6 to 12
years" name children, "a 7-year-old patient" does not; breast-cancer patients are not taken for women.
"""

from __future__ import annotations

from rag.answer.vocabulary import Vocabulary

# group name as shown → the words that name it (regular expressions, matched case-insensitively as
# whole words; a trailing ``\w*`` admits plurals and derived forms)
POPULATIONS: dict[str, tuple[str, ...]] = {
    "children or adolescents": (
        r"child\w*",
        r"kids?",
        r"p(?:a)?ediatric\w*",
        r"infan(?:t|ts|cy|tile)\b",
        r"neonat\w*",
        r"newborns?",
        r"toddlers?",
        r"preterm",
        r"adolescen\w*",
        r"teen\w*",
        r"boys?",
        r"girls?",
        r"juvenile\w*",
        r"youths?",
        r"school-?age\w*",
        r"under-?(?:5|five)s?",
        # an age under 18 named as such: "aged 6 to 12 years", "mean age, 6.8 ± 2.9 years"
        r"age[sd]?\b[^.;0-9]{0,15}\b(?:1[0-7]|[0-9])(?:\.[0-9]+)?(?:\s*(?:-|–|to)\s*(?:1[0-7]|[0-9]))?"
        r"(?:\s*±\s*[0-9.]+)?\s*(?:years?|yrs?|months?|weeks?|days?)",
    ),
    "pregnancy": (
        r"pregnan\w*",
        r"gestation\w*",
        r"antenatal\w*",
        r"prenatal\w*",
        r"perinatal\w*",
        r"obstetric\w*",
        r"postpartum",
        r"peripartum",
        r"puerper\w*",
        r"parturient\w*",
        r"trimesters?",
        r"maternal",
    ),
    "older adults": (
        r"elderly",
        r"older (?:adults?|people|persons?|patients?|individuals?|subjects?|wom[ae]n|m[ae]n)",
        r"(?:and|or) older",
        r"geriatric\w*",
        r"octogenarians?",
        r"nonagenarians?",
        r"centenarians?",
        # an age of 60 or more named as a threshold: "aged 65", "aged>or =65", "aged ≥ 70", "over 80"
        r"(?:aged|over|older than)\s*(?:>\s*or\s*=|>/?=|≥|>)?\s*(?:[6-9][0-9])\b",
    ),
    "women": (r"wom[ae]n", r"females?", r"mothers?", r"maternal"),
    "men": (r"m[ae]n", r"males?", r"fathers?"),
}
_VOCABULARY = Vocabulary(POPULATIONS)
populations = _VOCABULARY.named  # the groups a text names, in ``POPULATIONS`` order
unmentioned = _VOCABULARY.unmentioned  # the groups a question names that no cited text names
