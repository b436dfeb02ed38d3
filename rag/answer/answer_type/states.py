"""What a sentence states: a number or a rate, harms, what to use, how a condition is treated, how
patients fared, what stood in the way, or what predicts an outcome; and, from ``states_study``, what it
states about its study (``gives``: whether it is an answer of a kind)."""

from __future__ import annotations

import re
from collections.abc import Callable

from rag.answer.answer_type.asks import OBSTACLES
from rag.answer.answer_type.states_study import (
    states_design,
    states_dose,
    states_duration,
    states_follow_up,
    states_size,
    states_weakness,
)
from rag.answer.markers import MARKER
from rag.text.terms import content_terms

# a number that is not a year (1900-2099 alone), a name's part ("5-year", "type 2") or a reference marker
_NUMBER = re.compile(r"(?<![\w.])(?<!type )(?!(?:19|20)\d\d(?!\d|\s*%))\d+(?:[.,]\d+)?(?![\w]|-[a-z])", re.I)
# a rate as abstracts report one: a percentage ("in 4 patients (2.1%)", "63%"), "10 of 350", "89/754",
# or a count of cases ("8 patients developed …"), not a measurement ("≤ 6 h", "30-50 mmHg")
_RATE = re.compile(
    r"\d\s*%|\b\d+\s*(?:/|of|out of)\s*\d+\b|\b\d+\s+(?:[a-z]+\s+)?(?:patients|cases|subjects|participants|"
    r"infants|children|women|men|procedures|biopsies|eyes|events)\b",
    re.IGNORECASE,
)
# a threshold, not a rate: "large (>10%) pneumothorax", "minimal pneumothorax (</= 10%)"; nor is a
# confidence interval's level ("95% CI, 2.31-23.28", "95% confidence interval")
_THRESHOLD = re.compile(
    r"(?:[<>≤≥]/?=?|=<|=>)\s*\d+(?:[.,]\d+)?\s*%|\b9[059](?:[.,]\d+)?\s*%\s*(?:CI|CIs|confidence)\b",
    re.IGNORECASE,
)
# harms a study reports: complications of procedures and adverse effects of drugs, as abstracts name them
_HARM = re.compile(
    r"\b(?:bleed\w*|ha?emorrhag\w*|thrombocytopeni\w*|infect\w*|seps[ie]s|septic|ha?ematomas?|"
    r"pneumothora\w*|embol\w*|thrombos[ie]s|migrat\w*|occlu\w*|perforat\w*|penetrat\w*|"
    # a puncture of what should not be punctured: a harm of a procedure done by puncture ("Does ultrasound
    # imaging before puncture facilitate …?" is answered by «… the incidence of arterial puncture …»)
    r"(?:arterial|carotid|dural|accidental|inadvertent)\s+punctur\w*|punctur\w*|"
    r"injur\w*|deaths?|died|necros[ie]s|stenos[ie]s|leak\w*|fistula\w*|nausea|vomiting|rash\w*|urticaria|"
    r"hypersensitivity|anaphyla\w*|allerg\w*|toxicit\w*|hypotension|arrhythmi\w*|"
    r"(?:renal|kidney|liver|hepatic|heart|respiratory) failure|pain|fever|seizures?|strokes?|paralys[ie]s|"
    r"displace\w*|dislodg\w*|fractur\w*|ulcer\w*|dehiscence|delirium|dysphagia|"
    # a drug's ("fewer hypoglycemic events", "less weight gain"), not its class ("oral hypoglycemic agents")
    r"hypoglyca?emi(?:a|as|c\s+(?:events?|episodes?|reactions?|attacks?))|weight\s+gain|diarrho?ea|headaches?|"
    r"dizziness|constipation|lactic\s+acidosis|bradycardia|"
    # a drug's or a treatment's own: metoclopramide's akathisia, hyperbaric oxygen's barotrauma
    r"akathisia|dystoni\w*|extrapyramidal|drowsiness|somnolence|restlessness|pruritus|tremors?|"
    r"palpitations?|barotrauma\w*)\b",
    re.IGNORECASE,
)
# what a study says to use, or not to
_RECOMMENDS = re.compile(
    r"\b(?:supports?\s+the\s+use|recommend\w*|(?:first|second)[- ]line|of\s+choice|preferred|"
    r"standard\s+of\s+care|mainstay|cornerstone|should\s+(?:not\s+)?be\s+(?:used|considered|given|administered|preferred|initiated|"
    r"started|offered|performed)|(?:is|are|be)\s+(?:not\s+)?(?:indicated|necessary|needed|required|warranted)|"
    # "Physicians who opt to treat UTI … empirically should consider prescribing drugs other than …"
    r"should\s+(?:consider|use|prescribe|receive|avoid))\b",
    re.IGNORECASE,
)


def states_quantity(text: str, kind: str = "number") -> bool:
    """Does ``text`` state a ``rate`` (a percentage other than a threshold such as ">10%", "n of N", a
    count of cases), a ``duration`` (a length of time) or, for ``number``, any number other than a
    year, part of a name or a reference marker?"""
    plain = MARKER.sub(" ", text)
    if kind == "duration":
        return states_duration(plain)
    if kind == "rate":
        return bool(_RATE.search(_THRESHOLD.sub(" ", plain)))
    return bool(_NUMBER.search(plain))


# a finding about harms in general ("No complications occurred.", "minimal complications", "was not
# associated with any increase in maternal, fetal, or neonatal complications", "the complication rate
# was 3%"), not a remark that they matter ("understanding their potential complications is …")
_IN_GENERAL = (
    r"(?:complications?|adverse\s+(?:effects?|events?|reactions?|outcomes?)|side[- ]effects?|morbidity)"
)
_STATED = (
    r"(?:no|none|without|free\s+of|minimal|minor|major|serious|severe|few|fewer|more|less|lower|higher|"
    r"increased?|decreased?|reduc\w+|rates?|incidence|occurred|developed|experienced|\d+(?:[.,]\d+)?\s*%?)"
)
_HARMS_IN_GENERAL = re.compile(
    rf"\b{_STATED}\W+(?:[\w-]+\W+){{0,5}}?{_IN_GENERAL}\b|\b{_IN_GENERAL}\W+(?:[\w-]+\W+){{0,3}}?{_STATED}\b",
    re.IGNORECASE,
)


def states_harms_in_general(text: str) -> bool:
    """Does the sentence state a finding about complications or adverse events in general (how many,
    none, more or fewer), without naming one?"""
    return bool(_HARMS_IN_GENERAL.search(text))


# a harm word that names what was treated or measured, not a harm: "successfully relieved the headache
# symptom(s)", "the improvement of headache", "mean headache scores", "pain relief", "The injury caused in
# our model" (an experiment's, to treat)
_TREATED_BEFORE = re.compile(
    r"\b(?:(?:reliev\w*|relief|improv\w*|alleviat\w*|resol\w*|treat\w*|manag\w*)\s+(?:(?:of|in|from|for)\s+)?"
    r"(?:(?:the|their|his|her|its)\s+)?(?:[\w-]+\s+)?"
    # the condition of those studied: "in patients with vascular type headache" (not "Three patients with
    # pneumothorax required a chest tube")
    r"|\b(?:in|among|for)\s+(?:the\s+)?(?:patients|people|subjects|participants|adults|children|women|men)\s+"
    r"(?:with|suffering\s+from)\s+"
    r"(?:[\w-]+\s+){0,3})$",
    re.IGNORECASE,
)
_MEASURED_AFTER = re.compile(
    r"^\s+(?:(?:scores?|scales?|relief|control|management|intensity|severity|free)\b"
    r"|(?:caused|induced|created|produced)\s+(?:in|by)\s+(?:our|the|this|an?)\s+(?:[\w-]+\s+)?model)",
    re.IGNORECASE,
)


def harms_named(text: str, question: str = "") -> set[str]:
    """The harms ``text`` names, each as its word stems ("arteri punctur" for "arterial puncture"), less
    those ``question`` names all the words of (its topic: a question "before puncture" does not name
    an arterial puncture) and those it names as what was treated or measured ("relieved the
    headache", "headache scores")."""
    asked = content_terms(question)
    named = set()
    for m in _HARM.finditer(text):
        if _TREATED_BEFORE.search(text[max(0, m.start() - 40) : m.start()]):
            continue
        if _MEASURED_AFTER.match(text[m.end() :]):
            continue
        stems = content_terms(m.group(0))
        if stems and not stems <= asked:
            named.add(" ".join(sorted(stems)))
    return named


# how a condition is treated, as a study or a review states it
_TREATS = re.compile(
    r"\b(?:treated\s+(?:with|by|using)|(?:treatment|therapy|management)\s+(?:options?\s+)?(?:includes?|included|"
    r"consists?|consisted|involves?)|(?:definitive|definite|specific|main|accepted|standard|only|primary)\s+"
    r"(?:and\s+specific\s+)?(?:treatment|therapy)|mainstay\s+of\s+(?:treatment|therapy)|gold\s+standard|"
    r"techniques?\s+used\s+to|(?:was|were)\s+(?:immediately\s+)?(?:administered|given|instituted|initiated)\s+"
    r"(?:as|for)|(?:is|are|was|were)\s+(?:an?\s+)?(?:safe\s+and\s+)?effective\s+(?:method|treatment|therapy|"
    r"option|way))\b",
    re.IGNORECASE,
)


# what a study found to predict an outcome or raise a risk
_FACTORS = re.compile(
    # not a remark that risk factors be avoided or sought ("it is essential that possible risk factors be
    # avoided"): that names none
    r"\b(?:risk\s+factors?\b(?!\s+(?:be|should|must|need|to\s+be)\b)|(?:significant|major|main|independent|important|key|only)\s+factors?|"
    r"factors?\s+(?:for|of|associated|that|influencing|affecting)|predict\w*|prognostic|determinants?|associat\w*|link(?:s|ed)?\b|correlat\w*|"
    r"distinguish\w*\s+(?:between\s+)?(?:\w+\s+){0,2}?(?:survivors|non-?survivors|responders|non-?responders|"
    r"patients|those|cases)|(?:odds|hazard)\s+ratios?|relative\s+risks?|(?:increase|decrease|reduce|raise|lower)[sd]?\s+"
    r"the\s+(?:risk|odds|likelihood|chance)|"
    # a group that fared better: «Patients with<or =5 metastatic sites had significantly better survival
    # rates than patients with>5 lesions.»
    r"(?:better|worse|superior|inferior|poorer|longer|shorter|improved)\s+(?:\w+\s+){0,2}?(?:survival|"
    r"prognosis|outcomes?)\b(?:\s+\w+){0,3}?\s+(?:than|compared|relative)|fared\s+(?:better|worse)|"
    # «Single women delayed longer than single men», «… the likelihood of achieving remission was
    # significantly higher …»
    r"\w+ed\s+(?:significantly\s+)?(?:longer|shorter)\s+than|(?:shorter|longer)\s+delays?\b|"
    r"(?:likelihood|odds|chance)\s+of\s+(?:[\w-]+\s+){0,4}?(?:was|were|is)\s+(?:significantly\s+)?"
    r"(?:higher|lower|greater|increased|reduced))",
    re.IGNORECASE,
)


def names_factors(text: str) -> bool:
    """Does ``text`` say what predicts an outcome or raises a risk, or that a candidate does not ("was
    the only predictor of", "may be risk factors for", "independently associated with", "could
    distinguish survivors from nonsurvivors", "unable to show a link between")?"""
    return bool(_FACTORS.search(text))


def treats(text: str) -> bool:
    """Does ``text`` say how a condition is treated ("is the definitive treatment", "treatment options
    include", "treated with")? Not any recommendation: "we recommend performing a delayed chest CT
    scan" is about diagnosis."""
    return bool(_TREATS.search(text))


def recommends(text: str) -> bool:
    """Does ``text`` say what to use, or not to ("supports the use of", "is not necessary")?"""
    return bool(_RECOMMENDS.search(text))


# when to do something: a time ("Time-to-HBO2 ≤ 6 h", "within 24 hours", "after a delay of 2 or 4 hours")
# or how soon ("as soon as possible", "earlier treatments resulting in better outcomes", "immediately")
_WHEN = re.compile(
    r"\b(?:as\s+soon\s+as\s+possible|immediate(?:ly)?|early|earlier|earliest|delay(?:ed|s)?|prompt(?:ly)?|"
    r"timely|time[- ]to|without\s+delay|urgent(?:ly)?)\b",
    re.IGNORECASE,
)


def states_timing(text: str) -> bool:
    """Does the sentence say when, or how soon (a length of time, "as soon as possible", "early")?"""
    return states_duration(text) or bool(_WHEN.search(text))


# how a condition was or is diagnosed: by what ("diagnosed by", "confirmed on CT"), an imaging finding
# ("CT scan revealed air in …", "Computed tomography showed …"), or the test of choice
_IMAGING = (
    r"(?:CT|MRI|MR|computed\s+tomograph\w*|magnetic\s+resonance|echocardiograph\w*|ultraso\w*|Doppler|"
    r"radiograph\w*|x-rays?|angiograph\w*|scans?|imaging|endoscop\w*|biops\w*)"
)
_DIAGNOSES = re.compile(
    r"\b(?:diagnos\w*\s+(?:was|is|were|are|can\s+be|may\s+be|should\s+be)\s+(?:made|confirmed|established|"
    r"suspected|based)|(?:diagnosed|confirmed|detected|demonstrated|visuali[sz]ed|identified|seen|shown)\s+"
    rf"(?:by|on|with|using|in)\s+(?:(?:a|an|the|early|urgent|repeat|post-?\w+|\w+-guided)\s+)*{_IMAGING}"
    rf"|{_IMAGING}\b[^.;]*?\b(?:showed|shows|revealed|reveals|demonstrated|demonstrates|confirmed|detected|disclosed)"
    r"|(?:test|investigation|imaging|modality|examination)\s+of\s+choice|gold\s+standard|diagnostic\s+(?:tool|test|"
    r"modality|accuracy|value))\b",
    re.IGNORECASE,
)
# what a condition looks like in patients: how it presents, the symptoms and signs named
_SYMPTOMS = re.compile(
    # an image's signs are how it was diagnosed ("CT showed signs of air embolism …"), not how it presented
    r"\b(?:present(?:ed|s|ing)?\s+(?:with|as)|symptoms?\s+(?:include|included|were|was|of|such\s+as)|"
    # «The patient experienced cardiac symptoms, …», «Neurological symptoms included …»
    r"(?:experienced|developed|had|showed)\s+(?:\w+\s+)?symptoms|"
    r"(?<!showed\s)(?<!revealed\s)(?<!demonstrated\s)signs?\s+(?:include|included|were|of)|manifest\w*\s+(?:as|with|by)|complain\w*\s+of|(?:lost|loss\s+of)\s+"
    r"consciousness|unconscious\w*|hemipar\w*|hemipleg\w*|seizures?|convulsions?|confusion|coma|aphasia|"
    r"dysarthria|numbness|weakness|paralysis|dyspn\w*|chest\s+pain|hypotension|(?:cardiac|cardio-?respiratory)\s+"
    r"arrest|desaturation|headache|visual\s+(?:loss|disturbances?)|blindness|vertigo|dizziness|cyanosis|"
    r"tachycardia|bradycardia)\b",
    re.IGNORECASE,
)


def diagnoses(text: str) -> bool:
    """Does the sentence say how a condition was or is diagnosed (by what test, an imaging finding)?"""
    return bool(_DIAGNOSES.search(text))


def names_symptoms(text: str) -> bool:
    """Does the sentence say how a condition presents, or name a symptom or sign?"""
    return bool(_SYMPTOMS.search(text))


# how patients fared: recovered or not, survived or died, what was left; not that an outcome was measured,
# nor a warning ("this rare but potentially fatal complication")
_OUTCOME = re.compile(
    r"\b(?:recover(?:ed|y|ies|ing)?|surviv(?:ed|al|ors?|ing)|died|death|(?<!potentially )fatal\w*|mortality|"
    r"sequelae|"
    r"(?:neurologic(?:al)?\s+)?deficits?|resolved|resolution|relief\s+of|discharged|disabilit\w*|"
    r"(?:good|favou?rable|poor|excellent|unfavou?rable|uneventful|full|complete)\s+(?:\w+\s+)?(?:outcomes?|recovery)|"
    r"prognosis\s+(?:is|was|remains|of)|returned\s+to\s+(?:normal|baseline|work)|"
    # «Seven years later, the patient was functioning at his pre-event baseline.»
    r"(?:functioning|function)\s+at\s+(?:his|her|their|the)\s+(?:pre-?[\w-]+\s+)?baseline)\b",
    re.IGNORECASE,
)


def states_outcome(text: str) -> bool:
    """Does the sentence say how patients fared (recovered, survived or died, deficits left)?"""
    return bool(_OUTCOME.search(text))


# what stood in the way, or helped: «Human resource shortages, staff attitudes and shortage of equipment
# were identified as major constraints …», "barriers included …", "was hampered by …"; not a remark on
# "the host of challenges that these facilities face", nor a theme's name ("problematic areas hindering
# good quality practices")
_BARRIERS = re.compile(
    rf"\b{OBSTACLES}\b[^.;]{{0,40}}?\b(?:include[ds]?|were|was|is|are|will\s+be|remains?|such\s+as)\b"
    r"|\b(?:identified|cited|reported|named|perceived|seen|described)\b[^.;]{0,40}?\bas\s+(?:the\s+|a\s+)?"
    rf"(?:[\w-]+\s+){{0,2}}{OBSTACLES}"
    r"|\b(?:hindered|impeded|hampered|limited)\s+by\b",
    re.IGNORECASE,
)


def names_barriers(text: str) -> bool:
    """Does the sentence name what stood in the way, or helped ("were identified as major
    constraints", "barriers included", "was hampered by")?"""
    return bool(_BARRIERS.search(text))


# how to prevent it: «… treatment of the PAVM … could prevent the type of complication that occurred …»,
# «… it is essential that possible risk factors be avoided.», «… may provide clues toward minimizing the
# risk of this complication.»
_PREVENTS = re.compile(
    r"\b(?:prevent\w*|avoid\w*|precautions?|(?:minimi[sz]|reduc|lower|decreas)\w*\s+(?:the\s+)?(?:risk|"
    r"chance|incidence)s?)\b",
    re.IGNORECASE,
)


def says_prevention(text: str) -> bool:
    """Does the sentence say how to prevent something, or what to avoid?"""
    return bool(_PREVENTS.search(text))


# a kind of answer a sentence gives or not
SAYS: dict[str, Callable[[str], bool]] = {
    "recommendation": recommends,
    "advice": recommends,
    "timing": states_timing,
    "treatment": treats,
    "diagnosis": diagnoses,
    "symptoms": names_symptoms,
    "outcome": states_outcome,
    "barriers": names_barriers,
    "factors": names_factors,
    "prevention": says_prevention,
}


def gives(kind: str, text: str, question: str) -> bool:
    """Is ``text`` an answer of ``kind`` to ``question`` (a follow-up's questions so far: the harms they
    name are their topic, not an answer)?"""
    if kind == "size":
        return states_size(text)
    if kind == "design":
        return states_design(text)
    if kind == "follow-up":
        return states_follow_up(text)
    if kind == "limitations":
        return states_weakness(text)
    if kind == "dose":
        return states_dose(text)
    if kind in ("rate", "duration", "number"):
        return states_quantity(text, kind)
    if kind == "harms":
        return bool(harms_named(text, question))
    return SAYS[kind](text)
