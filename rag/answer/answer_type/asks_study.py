"""Questions about the study read: how many it studied, its results, how it was done, how long it
followed those studied, its limitations (``rag.answer.answer_type.asks`` tries them first)."""

from __future__ import annotations

import re

from rag.answer.answer_type.phrasing import LEAD, MODIFIERS

# how many were studied ("how many patients were studied?", "how big was the study?", "what was the sample
# size?"): the study's size, which a labelled abstract states in its methods as often as in its results
PEOPLE = (
    r"patients|participants|subjects|people|persons|individuals|women|men|children|infants|adults|cases|"
    r"couples|volunteers|athletes|students|nurses|physicians|doctors|respondents|mothers|neonates|newborns|"
    r"families|veterans|workers|carriers"
)
# what else a study counts as its size ("We studied 114 formalin-fixed paraffin-embedded specimens …")
# or a review's ("22 studies were included")
UNITS = (
    r"specimens|samples|records|charts|procedures|operations|examinations|eyes|implants|biopsies|studies|"
    r"trials|articles|papers|reports"
)
_STUDY = r"(?:(?:the|this|that|it)\b|\[\d+\]|(?:study|reference|source|article|paper)\s*\d+\b)"  # "in [1]"
SIZE_QUESTION = re.compile(
    rf"{LEAD}(?:how\s+many\s+(?:{PEOPLE}|{UNITS})\b(?:\s+(?:were|was|are|did)\b[^?]*?\b(?:studied|enrolled|included|"
    r"recruited|randomi[sz]ed|analy[sz]ed|reviewed|involved|participat\w*|surveyed|interviewed|questioned|"
    r"sampled|screened|followed|tested|examined|assessed|"
    # "how many patients were treated?" in a study of a treatment, not "… treated with surgery?"
    rf"treated(?=\s*[?.!]*\s*$)|in\s+{_STUDY})"
    rf"|\s+in\s+{_STUDY}|\s*\?|\s*$)"
    r"|how\s+(?:large|big)\s+(?:was|is|were)\s+(?:the|this|that|it|they)\b"
    r"|what\s+(?:was|is)\s+the\s+(?:sample|study|trial)\s+size"
    r"|(?:the\s+)?(?:sample|study|trial)\s+size\s*[?.!]*\s*$)",  # "sample size?"
    re.IGNORECASE,
)


# the study's results in general, asked as a whole question ("what were the results?", "what did they
# find?", "show me the numbers", "tell me more about [1]", "what are the differences?"); not "what did
# they conclude?", nor "what did [1] find about pain?"
RESULTS_QUESTION = re.compile(
    rf"{LEAD}(?:(?:what|which)\s+(?:were|are|was|is)\s+(?:the|its|their)\s+(?:(?:main|key|actual|exact)\s+)?"
    r"(?:results?|findings?|numbers|figures|data|outcomes?|differences|similarities)"
    rf"|how\s+did\s+(?:the\s+)?(?:they|{PEOPLE})\s+(?:do|fare)"
    r"|what\s+did\s+(?:they|it|the\s+(?:study|trial|authors|review|paper)|\[\d+\])\s+(?:find|show|report)"
    r"|(?:show|give|tell)\s+me\s+(?:the\s+)?(?:numbers|figures|data|results|details)"
    r"|(?:any|the)\s+(?:numbers|figures|data)"
    r"|(?:please\s+)?tell\s+me\s+more(?:\s+about\s+(?:\[\d+\]|it|this|that|them|the\s+(?:study|trial|review|paper)))?"
    r"|(?:any\s+)?more\s+details?"
    # "what differs?", "how did they differ?": what the findings compare
    r"|what\s+(?:differs|differed|(?:is|was|were|are)\s+different)"
    r"|how\s+(?:do|did|does)\s+(?:they|the\s+(?:groups?|two))\s+differ)\s*[?.!]*\s*$",
    re.IGNORECASE,
)


# in whom or what a study was done ("in humans or animals?")
_SUBJECTS = r"(?:humans|people|patients|animals|mice|rats|pigs|swine|dogs|rabbits|vitro|vivo)\b"
# how the study was done ("what was the study design?", "was it randomised?", "how was the study done?",
# "how was erosion measured?", "what methods did they use?"), in the past tense of a study: "how are
# patients with DVT diagnosed?" asks about practice
DESIGN_QUESTION = re.compile(
    rf"{LEAD}(?:what\s+(?:was|is|were|are)\s+(?:the|its|their)\s+(?:(?:study|trial)\s+)?(?:design|methods?|"
    r"methodology)\b"
    r"|what\s+(?:kind|type|sort)\s+of\s+(?:a\s+)?(?:study|trial|evidence|research)\b"
    # what it was compared with, and what it used ("what was the control group?", "compared with what?",
    # "what concentration was used?")
    r"|what\s+(?:was|were)\s+(?:the|their|its)\s+(?:control|comparator|comparison|placebo)s?(?:\s+(?:group|arm)s?)?\s*[?.!]*\s*$"
    r"|compared\s+(?:with|to|against)\s+what\b|what\s+(?:was|were)\s+(?:it|they)\s+compared\s+(?:with|to)\b"
    r"|(?:what|which)\s+(?:[\w-]+\s+){0,3}(?:was|were)\s+(?:used|measured|assessed|tested|recorded|examined)\s*[?.!]*\s*$"
    # in whom or what it was done ("in humans or animals?", "was it done in mice?")
    rf"|(?:was|were)\s+(?:it|this|that|they|the\s+study)\s+(?:done\s+|performed\s+|conducted\s+)?in\s+{_SUBJECTS}"
    rf"|in\s+{_SUBJECTS}\s+or\s+(?:in\s+)?{_SUBJECTS}\s*[?.!]*\s*$"
    r"|what\s+(?:methods?|design)\s+(?:did|do|was|were)\b"
    rf"|(?:was|is|were|are)\s+(?:it|this|that|they|the\s+(?:study|trial|studies)|{_STUDY})\s+(?:an?\s+)?"
    r"(?:\w+\s+){0,2}(?:randomi[sz]ed|prospective|retrospective|blind(?:ed)?|double[- ]blind|controlled|"
    r"placebo[- ]controlled|observational|cohort|case[- ]control|cross[- ]sectional|trial|rct)\b"
    r"|how\s+(?:was|were)\s+(?:[\w-]+\s+){0,4}?(?:done|designed|conducted|performed|carried\s+out|"
    r"measured|assessed|tested|evaluated|defined|determined|collected|recorded|quantified|"
    r"sampled|selected|recruited|randomi[sz]ed|blinded)\b"
    r"|how\s+did\s+(?:they|it|the\s+(?:study|trial|authors|researchers)|\[\d+\])\s+(?:measure|assess|test|"
    r"evaluate|define|determine|do(?!\s*[?.!]*\s*$)|study|select|recruit|compare)\b)",
    re.IGNORECASE,
)
# how long those studied were followed ("how long was follow-up?", "how long were patients followed?",
# "what was the median follow-up?")
FOLLOW_UP_QUESTION = re.compile(
    rf"{LEAD}(?:(?:for\s+)?how\s+long\s+(?:was|were|is|are|did|do|does)\b[^?]*?\bfollow"
    rf"|what\s+(?:was|is)\s+the\s+{MODIFIERS}?(?:(?:length|duration)\s+of\s+(?:the\s+)?follow|"
    r"follow[- ]?up(?:\s+(?:period|duration|time|length))?\s*(?:\?|$|of\b|in\b|for\b))"
    # "over what period?", "what was the study period?": how long those studied were followed
    r"|(?:over|during|in|for|across)\s+(?:what|which)\s+(?:time\s+)?(?:period|time\s*frame|span)"
    r"(?:\s*[?.!]*\s*$|\s+(?:was|were|did)\b)"
    r"|what\s+(?:was|is)\s+the\s+(?:study|observation|time)\s+(?:period|span|time\s*frame)\b"
    # "follow-up?", "length of follow-up?"
    r"|(?:the\s+)?(?:(?:length|duration)\s+of\s+(?:the\s+)?)?follow[- ]?up(?:\s+(?:period|duration|time))?"
    r"\s*[?.!]*\s*$)",
    re.IGNORECASE,
)


# the study's weaknesses ("what are the limitations?", "any limitations?", "what are its weaknesses?",
# "was it biased?", "what are the caveats?"); not "what are the limitations of ultrasound?", a subject
LIMITATIONS_QUESTION = re.compile(
    rf"{LEAD}(?:(?:what|which)\s+(?:are|were|is|was)\s+(?:the|its|their|any)\s+(?:(?:main|major|key|potential)\s+)?"
    r"(?:limitations?|weakness(?:es)?|caveats?|shortcomings?|flaws?|biases)"
    rf"(?:\s+(?:of|in)\s+{_STUDY}(?:\s+(?:study|trial|review|paper))?)?"
    r"|(?:any|the)\s+(?:(?:main|major|key|potential)\s+)?(?:limitations?|weakness(?:es)?|caveats?|biases)"
    rf"(?:\s+(?:of|in)\s+{_STUDY}(?:\s+(?:study|trial|review|paper))?)?"
    r"|(?:limitations?|weakness(?:es)?)"
    rf"|(?:was|is|were|are)\s+(?:it|this|that|they|the\s+(?:study|trial|studies|results?|findings?)|{_STUDY})\s+"
    r"(?:\w+\s+)?(?:biased|flawed|underpowered|limited)"
    r"|how\s+(?:reliable|robust|trustworthy|strong)\s+(?:is|are|was|were)\s+(?:it|this|that|they|the\s+"
    r"(?:study|trial|evidence|results?|findings?|data)))\s*[?.!]*\s*$",
    re.IGNORECASE,
)


# the dose the study gave ("what dose was used?", "dose?", "what was the dosage?", "how much was
# given?"): where a labelled abstract says it, in its methods as often as in its results
DOSE_QUESTION = re.compile(
    rf"{LEAD}(?:(?:what|which)\s+(?:(?:was|is|were|are)\s+)?(?:the\s+|its\s+|their\s+)?{MODIFIERS}"
    r"(?:doses?|dosages?|dosing|regimens?)(?:\s+(?:of|for|was|were|is|are|did|used|given|administered)\b|"
    r"\s*[?.!]*\s*$)"  # not "what about the dose form?"
    r"|(?:the\s+)?(?:[\w-]+\s+)?(?:doses?|dosages?|dosing)\s*[?.!]*\s*$"
    r"|how\s+much\s+(?:[\w-]+\s+){0,3}?(?:was|were|is|are|should\s+be|did\s+they)\s+(?:given|administered|"
    r"used|prescribed|infused|injected|taken|give|use)\b)",
    re.IGNORECASE,
)
