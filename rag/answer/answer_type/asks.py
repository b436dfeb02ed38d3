"""What kind of answer a question asks for: how many were studied, the study's results, how it was
done, how long it followed those studied, a rate or a number, the harms, what to use, how a condition
is treated, how patients fare, what stands in the way, or what predicts an outcome.

Each pattern reads one question (a follow-up's first sentence: ``asked`` starts with it) from its start.
"""

from __future__ import annotations

import re

from rag.answer.answer_type.asks_study import (
    DESIGN_QUESTION,
    DOSE_QUESTION,
    FOLLOW_UP_QUESTION,
    LIMITATIONS_QUESTION,
    RESULTS_QUESTION,
    SIZE_QUESTION,
)
from rag.answer.answer_type.focus import aspect_words
from rag.answer.answer_type.phrasing import LEAD, MODIFIERS
from rag.answer.followup import is_follow_up

# how often: the answer is a rate ("in 4 patients (2.1%)", "10 of 350", "63%")
_HOW_OFTEN = re.compile(
    rf"{LEAD}(?:how\s+(?:often|frequent(?:ly)?|common(?:ly)?|likely|prevalent|resistant)\b"
    rf"|what\s+(?:is|are|was|were)\s+the\s+{MODIFIERS}(?:(?:percentage|proportion|rate|incidence|prevalence|"
    r"frequency|odds|chance|likelihood|probability|mortality|survival)s?"
    r"|risk(?!\s+factor))\b(?!-)"  # "the risk of" is a rate, "the risks of" and "risk factors" are not
    r"|what\s+(?:percentage|proportion|fraction|share)\b"
    r"|(?:in|among)\s+how\s+many\b"  # "in how many patients?": a share of them
    # asked in a word or two: "mortality?", "success rate?", "bleeding risk?"
    r"|(?:the\s+|its\s+)?(?:[\w-]+\s+)?(?:rates?|incidence|prevalence|mortality|survival|frequency|risk)"
    r"\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
# how many, how much: the answer is any number
_HOW_MANY = re.compile(
    rf"{LEAD}(?:(?:by\s+)?how\s+(?:many|much|accurate|sensitive|specific|large|big|small|high|low)\b"
    rf"|what\s+(?:is|are|was|were)\s+the\s+{MODIFIERS}(?:number|sensitivity|specificity|accuracy|yield)s?\b"
    r"|what\s+number\b"
    # "what about sensitivity?", "and the specificity?": a test's figure, not an aspect to find in words
    r"|(?:(?:what|how)\s+about\s+)?(?:the\s+|its\s+)?(?:sensitivity|specificity|accuracy)\s*[?.!]*\s*$)",
    re.IGNORECASE,
)
# how long: the answer is a length of time ("10 min", "a 4-year period")
_HOW_LONG = re.compile(rf"{LEAD}(?:for\s+)?how\s+long\b", re.IGNORECASE)
# the harms are what is asked for ("what are the most common complications of …", "which adverse
# events …"), not what something is for ("what is the treatment for complications of …")
_HARM_QUESTION = re.compile(
    rf"{LEAD}(?:what|which)\s+(?:(?:are|were|is|was)\s+)?(?:the\s+)?(?:(?!(?:for|of|in|after|with)\b)[\w-]+\s+){{0,2}}"
    r"(?:complications?|risks|dangers?|harms?|adverse\s+(?:effects?|events?|reactions?|outcomes?)|"
    r"side[- ]effects?|toxicit(?:y|ies))\b"  # "the risk of" asks a rate, above
    # asked in a word or two ("side effects?", "any complications?", "adverse events?")
    rf"|{LEAD}(?:any\s+(?:other\s+)?)?(?:complications?|risks|harms?|adverse\s+(?:effects?|events?|reactions?)|"
    r"side[- ]effects?|toxicit(?:y|ies))\s*[?.!]*\s*$"
    # which of the options harms least: "which is safest?", "which method is safer?" (which needles are
    # riskiest for an embolism asks what raises its risk, below)
    rf"|{LEAD}(?:which|what)\s+(?:(?:one|option|method|approach|treatment|procedure|technique)s?\s+)?"
    r"(?:is|are|was|were|seems?)\s+(?:the\s+)?(?:safest|safer|least\s+(?:risky|harmful|dangerous))\b"
    # asked whether there were any: "were there complications?", "did any side effects occur?"
    rf"|{LEAD}(?:(?:were|was|are|is)\s+there|did|do|does)\s+(?:any\s+(?:other\s+|serious\s+|major\s+)?)?"
    r"(?:complications?|adverse\s+(?:effects?|events?|reactions?)|side[- ]effects?)\b"
    # a follow-up asking whether what was answered is safe ("is it safe?", "how safe is it?", "any safety
    # concerns?"): what harms it did; "Is day-case cholecystectomy safe?", a question of its own, is
    # answered by its finding
    rf"|{LEAD}(?:(?:is|are|was|were)\s+(?:it|they|this|that|these|those)\s+(?:also\s+|really\s+)?safe"
    r"|how\s+safe\s+(?:is|are|was|were)\s+(?:it|they|this|that)"
    r"|(?:any|what\s+about|and)\s+(?:the\s+)?safety(?:\s+(?:concerns?|issues?|problems?|data))?)\s*[?.!]*\s*$",
    re.IGNORECASE,
)

_CHOICE = r"(?:(?:first|second)[- ]line|of\s+choice|recommended|preferred|best|standard)"
_TREATMENT = (
    r"(?:agents?|drugs?|medications?|treatments?|therap(?:y|ies)|options?|prophylaxis|management|"
    r"approach(?:es)?)"
)
_RECOMMENDATION_QUESTION = re.compile(
    rf"{LEAD}(?:what|which)\b[^?]*?\b(?:{_CHOICE}\b[^?]*?\b{_TREATMENT}|{_TREATMENT}\b[^?]*?\b{_CHOICE})\b",
    re.IGNORECASE,
)

# when to do something ("when should it be started?", "When should hyperbaric oxygen be given …?",
# "how soon?"); not when a condition occurs ("when does pneumothorax develop?" asks a time too, but of
# what befalls patients: the quantity kinds')
_TIMING_QUESTION = re.compile(
    rf"{LEAD}(?:when\s+(?:should|must|to|is|are|do|does|can)\b[^?]*?\b(?:start\w*|begin|initiat\w*|given|give|"
    r"administer\w*|perform\w*|done|stop\w*|discontinu\w*|resum\w*|remov\w*|repeat\w*|operat\w*|used|use|"
    r"applied|inserted|placed|intubat\w*|treat(?:ed)?|refer\w*)\b"
    r"|how\s+(?:soon|early|quickly|late)\b)",
    re.IGNORECASE,
)

# whether to do something ("Should trauma patients receive low molecular weight heparin …?", "Should
# coronary angiography be done before …?"): a finding may answer it; a sentence saying what to use or
# do ("Level one evidence currently supports the use of …") answers it best
_ADVICE_QUESTION = re.compile(rf"{LEAD}should\b", re.IGNORECASE)

# how something is treated ("how is venous air embolism treated?", "how should … be managed?", "what is
# the treatment of …?"); "what is the treatment of choice …?" asks what to use, above
_TREATMENT_QUESTION = re.compile(
    rf"{LEAD}(?:how\s+(?:is|are|was|were|should|can|could|do|does|would|to)\b[^?]*?\b"
    r"(?:treat(?:ed|ing)?|manag(?:e|ed|ing)|palliat\w*)\b"
    rf"|what\s+(?:is|are|was|were)\s+(?:the\s+)?{MODIFIERS}(?:treatments?|management|therap(?:y|ies)|options?)\s+"
    r"(?:of|for|in)\b"
    r"|what\s+(?:treatments?|therap(?:y|ies)|options?)\s+(?:are|is|exist|were)\b)",
    re.IGNORECASE,
)

# how a condition is diagnosed ("How is cerebral air embolism diagnosed?", "how can it be detected?",
# "what is the best test for …?", "which imaging …?")
_DIAGNOSIS_QUESTION = re.compile(
    rf"{LEAD}(?:how\s+(?:is|are|was|were|should|can|could|do|does|would|to)\b[^?]*?\b(?:diagnos\w*|detect\w*|"
    r"confirm\w*|recogni[sz]\w*)\b"
    rf"|(?:what|which)\s+(?:is|are|was|were)\s+(?:the\s+)?{MODIFIERS}(?:diagnos\w*|tests?|investigations?|imaging|"
    r"work-?up)\s+(?:of|for|in|to)\b"
    r"|(?:what|which)\s+(?:(?:diagnostic\s+)?tests?|imaging|investigations?|scans?)\b)",
    re.IGNORECASE,
)

# what a condition looks like ("What are the symptoms of cerebral air embolism after lung biopsy?",
# "what are its signs?", "how does it present?")
_SYMPTOMS_QUESTION = re.compile(
    rf"{LEAD}(?:(?:what|which)\s+(?:are|were|is|was)\s+(?:the\s+|its\s+|their\s+)?{MODIFIERS}(?:symptoms?|signs?|"
    r"(?:clinical\s+)?(?:features|manifestations|presentations?))\b"
    r"|how\s+(?:does|do|did|is|are|was|were)\b[^?]*?\bpresent(?:ed|ing)?\b)",
    re.IGNORECASE,
)


# how patients fare ("Can patients with cerebral air embolism recover completely?", "What is the prognosis
# of …?", "is it fatal?"); "what was the outcome?" asks for the study's results, above, "what is the
# survival …?" for a rate, and "what are the outcomes of …?" for any finding (continence scores too)
_OUTCOME_QUESTION = re.compile(
    rf"{LEAD}(?:(?:what|which)\s+(?:is|are|was|were)\s+(?:the\s+)?{MODIFIERS}prognos[ie]s\s+"
    r"(?:of|for|after|with|among)\b"  # "what were the outcomes in children?" asks of a group: an aspect
    r"|(?:can|could|do|does|did|will|would)\s+(?:the\s+|most\s+|all\s+|such\s+)?(?:patients?|they|people|"
    r"children|adults|victims|survivors|he|she)\b[^?]*?\b(?:recover|survive|return\s+to\s+normal)\w*"
    r"|(?:is|was|are|were)\s+(?:the\s+)?recovery\b"
    r"|(?:is|was|are|were)\s+(?:it|this|that|they)\s+(?:\w+\s+)?(?:fatal|lethal|deadly|reversible)\b)",
    re.IGNORECASE,
)


# what stands in the way, or helps ("What are the barriers to quality improvement in resource-limited
# hospitals?", "what were the main challenges?", "what hinders …?")
OBSTACLES = (
    r"(?:barriers?|obstacles?|challenges?|constraints?|impediments?|bottlenecks?|problems?|facilitators?|"
    r"enablers?)"
)
_BARRIERS_QUESTION = re.compile(
    rf"{LEAD}(?:what|which)\s+(?:(?:are|were|is|was)\s+)?(?:the\s+|its\s+|their\s+)?{MODIFIERS}{OBSTACLES}\b"
    rf"|{LEAD}(?:what|which)\s+{MODIFIERS}(?:hinders?|hampers?|impedes?|stands?\s+in\s+the\s+way)\b"
    # "Why is quality improvement hard in resource-limited hospitals?"
    rf"|{LEAD}why\s+(?:is|are|was|were)\s+[^?]{{0,80}}?\b(?:so\s+)?(?:hard|difficult|challenging)\b",
    re.IGNORECASE,
)


# what predicts an outcome or raises a risk ("what are the risk factors for …?", "what predicts …?",
# "which factors are associated with …?", "which needle carries more risk?"); "the risk of" asks a
# rate, above
_FACTORS_QUESTION = re.compile(
    rf"{LEAD}(?:what|which)\s+(?:(?:are|were|is|was)\s+)?(?:the\s+)?{MODIFIERS}"
    r"(?:(?:risk|prognostic)\s+factors?|predictors?|determinants?|factors)\b"
    rf"|{LEAD}(?:what|which)\s+{MODIFIERS}(?:predicts?|determines?|(?:is|are)\s+associated\s+with)\b"
    # "which patients benefit most from …?", "who responds best?"
    rf"|{LEAD}(?:which|what)\s+(?:patients|people|subgroups?|groups?)\s+(?:benefit|respond|do\s+(?:best|better|worse))\w*\b"
    rf"|{LEAD}who\s+(?:benefits?|responds?|does\s+(?:best|better|worse))\b"
    # "Which patients with Cushing's disease are cured by …?", "what are the reasons why … delay …?"
    rf"|{LEAD}(?:which|what)\s+(?:patients|people|subgroups?|groups?)\s+(?:[\w'-]+\s+){{0,4}}?(?:are|were)\s+"
    r"(?:cured|(?:more|most|less|least)\s+likely|at\s+(?:higher|greater|most|increased)\s+risk)\b"
    rf"|{LEAD}(?:what|which)\s+(?:are|were|is|was)\s+(?:the\s+)?(?:main\s+)?reasons?\b"
    # "Which needle type carries more risk of air embolism?", "what increases the risk of …?"
    rf"|{LEAD}(?:what|which)\s+{MODIFIERS}(?:is|are|was|were)\s+(?:the\s+)?(?:riskiest|most\s+(?:risky|dangerous))\b"
    rf"|{LEAD}(?:what|which)\s+{MODIFIERS}(?:carr(?:y|ies)|increases?|raises?|lowers?|reduces?|decreases?)\s+"
    r"(?:the\s+|a\s+)?(?:more\s+|less\s+|higher\s+|lower\s+|greater\s+)?risks?\b",
    re.IGNORECASE,
)


# how to prevent it ("how can it be prevented?", "How can air embolism be avoided during lung biopsy?",
# "is it preventable?", "how to reduce the risk?"); "what reduces the risk of …?" asks what predicts it
_PREVENTION_QUESTION = re.compile(
    rf"{LEAD}(?:how\s+(?:is|are|was|were|should|can|could|do|does|would|to|might|may)\b[^?]*?\b"
    r"(?:prevent\w*|avoid\w*|(?:reduc|minimi[sz]|lower|decreas)\w*\s+(?:the\s+)?(?:risk|chance|incidence)s?)\b"
    r"|(?:is|are|was|were)\s+(?:it|this|that|they|[^?]{1,80}?)\s+(?:preventable|avoidable)\b"
    r"|(?:can|could)\s+(?:it|this|that|they|[^?]{1,80}?)\s+be\s+(?:prevented|avoided)\b)",
    re.IGNORECASE,
)


# the kinds in the order they are tried: "how many patients were studied?" asks for the study's size
# before a number, "how long was follow-up?" for the follow-up before a length of time
_QUANTITIES: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("rate", _HOW_OFTEN),
    ("duration", _HOW_LONG),
    ("number", _HOW_MANY),
)
_KINDS: tuple[tuple[str, re.Pattern[str]], ...] = (
    ("size", SIZE_QUESTION),
    ("dose", DOSE_QUESTION),
    ("follow-up", FOLLOW_UP_QUESTION),
    ("design", DESIGN_QUESTION),
    ("limitations", LIMITATIONS_QUESTION),
    ("results", RESULTS_QUESTION),
    *_QUANTITIES,
    ("harms", _HARM_QUESTION),
    ("recommendation", _RECOMMENDATION_QUESTION),
    ("advice", _ADVICE_QUESTION),
    ("timing", _TIMING_QUESTION),
    ("treatment", _TREATMENT_QUESTION),
    ("diagnosis", _DIAGNOSIS_QUESTION),
    ("symptoms", _SYMPTOMS_QUESTION),
    ("outcome", _OUTCOME_QUESTION),
    ("barriers", _BARRIERS_QUESTION),
    ("factors", _FACTORS_QUESTION),
    ("prevention", _PREVENTION_QUESTION),
)


_CONTRACTED = re.compile(r"\b(what|how|who|where|when|which)['’]s\b", re.IGNORECASE)  # "what's the risk?"


def kind_of(question: str) -> str | None:
    """``size``, ``dose``, ``results``, ``design``, ``follow-up``, ``limitations``, ``rate``, ``duration``,
    ``number``, ``harms``, ``recommendation``, ``advice``, ``timing``, ``treatment``, ``diagnosis``,
    ``symptoms``, ``outcome``, ``barriers``, ``factors``, ``prevention`` or ``None``: the kind of answer
    one question asks for ("what's" read as "what is")."""
    question = _CONTRACTED.sub(r"\1 is", question)
    return next((kind for kind, pattern in _KINDS if pattern.match(question)), None)


def asks_quantity(question: str) -> str | None:
    """``rate`` ("how often …?", "what is the risk of …?"), ``duration`` ("how long …?"), ``number``
    ("how many …?") or ``None``: what the question (its first sentence: a follow-up's ``asked`` starts
    with it) asks for."""
    question = _CONTRACTED.sub(r"\1 is", question)
    return next((kind for kind, pattern in _QUANTITIES if pattern.match(question)), None)


def asks_harms(question: str) -> bool:
    """Does the question (its first sentence) ask what harms something causes?"""
    return kind_of(question) == "harms"


def asks_recommendation(question: str) -> bool:
    """Does the question (its first sentence) ask what to use ("what is the first-line agent …?")?"""
    return kind_of(question) == "recommendation"


def asks_factors(question: str) -> bool:
    """Does the question (its first sentence) ask what predicts an outcome or raises a risk?"""
    return kind_of(question) == "factors"


def asks_treatment(question: str) -> bool:
    """Does the question (its first sentence) ask how something is treated?"""
    return kind_of(question) == "treatment"


# kinds that ask about a study, not about a subject
OF_A_STUDY = ("size", "results", "design", "follow-up", "limitations")
# a follow-up that names a new subject only, and so asks what the earlier question asked: "what about
# IVC filters?", "and in children?", "IVC filters?"; not a question of its own ("is there a safer
# alternative?", "what kind of study was it?")
_ELLIPTICAL = re.compile(
    r"^\W*(?:(?:and|but|also|or|so|then|plus|what\s+about|how\s+about|what\s+of|in|for|with|among|any|"
    r"versus|vs\.?|compared)\b|(?!(?:is|are|was|were|do|does|did|can|could|should|would|will|has|have|had|"
    r"how|what|which|who|whom|whose|when|where|why)\b))",
    re.IGNORECASE,
)


def asked_parts(question: str) -> tuple[str, list[str], str | None, bool]:
    """A follow-up's questions so far (``question``, this one first): this one, the earlier ones, the
    kind of answer it asks for, and whether that kind is the earlier questions' (a follow-up naming a
    new subject only: "what about IVC filters?")."""
    this, *earlier = re.split(r"(?<=\?)\s+", question.strip())
    kind = kind_of(this)
    inherited = kind is None and bool(earlier) and is_follow_up(this) and bool(_ELLIPTICAL.match(this))
    if inherited:
        kind = next((k for q in earlier if (k := kind_of(q))), None)
        if kind in OF_A_STUDY and aspect_words(this) or kind == "advice":
            # "what about pneumothorax?" after "tell me more about [2]" asks about pneumothorax, not for
            # more of the study; "and in [3]?" asks the same of another study; "and hypoglycaemia?"
            # after "Should I continue metformin …?" asks what the study found of it, not what to do
            kind, inherited = None, False
    return this, earlier, kind, inherited
