"""What a sentence states about its study: how many it studied, how it was done, how long it followed
those studied (or any length of time), and its weaknesses (``rag.answer.answer_type.states`` gives the
kinds about a subject)."""

from __future__ import annotations

import re

from rag.answer.answer_type.asks_study import PEOPLE, UNITS

# how many were studied: a count of people (or of what was studied), in figures or words ("One hundred
# eighty-one patients", "25,512 grandmultiparous and 265,060 multiparous women"), in a sentence that says
# they were studied ("A total of 185 patients underwent …", "were included"), not what befell some of
# them ("Four patients (4.8%) developed septal hematoma")
_WORD_NUMBER = (
    r"one|two|three|four|five|six|seven|eight|nine|ten|eleven|twelve|thirteen|fourteen|fifteen|sixteen|"
    r"seventeen|eighteen|nineteen|twenty|thirty|forty|fifty|sixty|seventy|eighty|ninety|hundred|thousand"
)
_COUNT = re.compile(
    rf"(?:\b\d[\d,]*|\b(?:(?:{_WORD_NUMBER})(?:[\s-]+(?:and\s+)?|\b))+)\s*(?:\([^)]*\)\s+)?(?:[a-z-]+\s+){{0,3}}"
    rf"(?:{PEOPLE}|{UNITS}|pregnancies|deliveries)\b"
    # "The total number of patients included in this study was 383."
    rf"|\bnumber\s+of\s+(?:[a-z-]+\s+)?(?:{PEOPLE}|{UNITS})\b[^.;]*?\b(?:was|were|is)\s+\d"
    # "… subjects (n=114)"
    rf"|\b(?:{PEOPLE}|{UNITS})\s*\(\s*n\s*=\s*\d",
    re.IGNORECASE,
)
_STUDIED = re.compile(
    r"\b(?:a\s+total\s+of|underw[ea]nt|undergoing|were\s+(?:included|enrolled|studied|recruited|randomi[sz]ed|"
    r"reviewed|analy[sz]ed|evaluated|examined|performed|identified|followed|interviewed|surveyed|tested|"
    r"questioned|screened)|included|"
    r"enrolled|recruited|participated|studied|study\s+(?:population|group|sample|cohort)|consist\w*\s+of|"
    r"compris\w*|we\s+(?:\w+ly\s+)?(?:reviewed|analy[sz]ed|evaluated|examined)|took\s+part|"
    r"(?:conducted|carried\s+out)\s+with|retrieved|(?:randomly\s+)?sampled|randomly\s+selected|"
    # "was measured in 39 patients", "a 1:2 case-control study of … subjects"
    r"(?:measured|assessed|evaluated|examined|investigated)\s+in\s+\d+|study\s+of)\b",
    re.IGNORECASE,
)


def states_size(text: str) -> bool:
    """Does the sentence say how many were studied?"""
    return bool(_COUNT.search(text) and _STUDIED.search(text))


# how a study was done: its design ("a prospective study", "randomly divided", "a naturalistic study",
# "double-blind", "in vitro") or how it measured ("was used", "were recorded", "we performed")
_DESIGN = re.compile(
    r"\b(?:randomi[sz]\w*|randomly|prospective(?:ly)?|retrospective(?:ly)?|cohort|case[- ]control|"
    r"cross[- ]sectional|longitudinal|naturalistic|observational|(?:double|single|triple)[- ]blind\w*|"
    r"blinded|placebo|trial|survey|questionnaires?|interview\w*|systematic\s+review|meta[- ]analys[ie]s|"
    r"chart\s+review|consecutive|in\s+vitro|in\s+vivo|database|regist(?:ry|er)|audit|"
    r"(?:was|were)\s+(?:\w+ly\s+)?(?:used|measured|assessed|recorded|evaluated|determined|compared|performed|"
    r"followed|collected|analy[sz]ed|calculated|tested|examined|obtained|reviewed|divided|allocated|"
    r"assigned|interviewed|surveyed|identified|selected|conducted|undertaken|carried\s+out)|"
    r"we\s+(?:\w+ly\s+)?(?:performed|conducted|used|measured|compared|analy[sz]ed|assessed|evaluated|"
    r"examined|studied|reviewed|recruited|enrolled))\b",
    re.IGNORECASE,
)


def states_design(text: str) -> bool:
    """Does the sentence say how the study was done: its design, or how it measured?"""
    return bool(_DESIGN.search(text))


# a length of time ("a 4-year period", "over more than 4 years", "median 26 months", "six weeks"), not an age
# ("a 65-year-old man")
_DURATION = re.compile(
    rf"(?:\b\d+(?:[.,]\d+)?|\b(?:{_WORD_NUMBER})(?:[\s-]+(?:{_WORD_NUMBER}))*)"
    r"(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?[\s-]*(?:seconds?|secs?|minutes?|mins?|hours?|hrs?|h|days?|weeks?|"
    r"months?|years?|yrs?|decades?)\b(?![\s-]+old\b)",
    re.IGNORECASE,
)
# that the length is how long those studied were followed
_FOLLOWED = re.compile(
    r"\b(?:followed|follow(?:ed)?[\s-]*up|observ\w*|period|monitor\w*|surveillance|duration|evaluated\s+for|studied\s+over)\b",
    re.IGNORECASE,
)


def states_duration(text: str) -> bool:
    """Does the sentence state a length of time, in seconds to decades?"""
    return bool(_DURATION.search(text))


def states_follow_up(text: str) -> bool:
    """Does the sentence state a length of time and say it is a follow-up ("followed", "observation
    period", "4-year period", "evaluated for")?"""
    return states_duration(text) and bool(_FOLLOWED.search(text))


# a weakness a study owns ("The small size of the focus groups … does not allow for statistically
# significant generalisation", "may not represent views held by", "limited by its retrospective design",
# "are subject to selection bias", "Because of the small sample size and limited follow-up"), not a
# limitation of those studied ("the limitations placed upon physical activity by the condition")
_WEAKNESS = re.compile(
    r"\b(?:limited\s+by\s+(?:its|the|their|our|a)\b|(?:small|limited)\s+(?:sample\s+)?(?:size|number\s+of\s+"
    r"(?:patients|participants|subjects|cases))|small\s+sample|limited\s+follow[- ]?up|"
    r"(?:selection|recall|response|eligibility|publication|referral|reporting|observer|sampling)\s+bias|"
    r"may\s+not\s+(?:be\s+)?(?:represent\w*|generali[sz]\w*|applicable)|"
    r"(?:not|cannot\s+be|can\s+not\s+be)\s+(?:be\s+)?generali[sz]ed|generali[sz]ation|underpowered|"
    r"retrospective\s+(?:design|nature)|methodologic(?:al)?\s+weakness\w*|lack\s+of\s+(?:a\s+)?control\s+group|"
    r"(?:should|must|have\s+to)\s+be\s+interpreted\s+with\s+caution|(?:residual|unmeasured|uncontrolled)\s+"
    r"confound\w*)\b",
    re.IGNORECASE,
)
# a sentence that says it names the study's limitations ("it is also important to note its limitations",
# "notwithstanding the limitations of such a study")
_LIMITATIONS = re.compile(
    r"\b(?:(?:its|our|their|the\s+study'?s|this\s+study'?s|several|some|main|major|potential|important)\s+"
    r"limitations?|limitations?\s+of\s+(?:this|the|our|such\s+a)\s+(?:study|analysis|trial|review|research|"
    r"survey|series|report)|(?:a|one|another|the\s+main|the\s+major)\s+limitation\b|limitations\s+"
    r"(?:include|are|were)\b|weakness(?:es)?\s+of\s+(?:this|the|our)\s+(?:study|analysis|trial|review))",
    re.IGNORECASE,
)


def states_weakness(text: str) -> bool:
    """Does the sentence name a weakness of a study (a small sample, a bias, limited generalisation)?"""
    return bool(_WEAKNESS.search(text))


def states_limitation(text: str) -> bool:
    """Does the sentence name a study's weakness, or say that it names its limitations?"""
    return states_weakness(text) or bool(_LIMITATIONS.search(text))


# a dose: an amount in a unit of drug or radiation, perhaps per weight or time ("10 mg metoclopramide",
# "0.5 mg/kg", "4 mg/day", "2.5-5 mg", "60 Gy", "5000 IU")
_DOSE = re.compile(
    r"\b\d+(?:[.,]\d+)?(?:\s*(?:-|–|to)\s*\d+(?:[.,]\d+)?)?\s*(?:mg|g|µg|μg|mcg|ug|ng|ml|mL|IU|units?|mmol|"
    r"mEq|Gy|cGy)(?:\s*/\s*(?:kg|day|d|h|hr|min|m2|m²|week))?(?![\w/])"
)


def states_dose(text: str) -> bool:
    """Does the sentence state a dose (an amount of a drug or of radiation)?"""
    return bool(_DOSE.search(text))
