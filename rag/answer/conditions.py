"""Which diseases and exposures a question asks about, and whether the cited passages name them.

"Do statins reduce mortality after myocardial infarction?" may be answered from a study of statins
after stroke, and "Does smoking cause lung cancer?" from one of socioeconomic status and lung
cancer: the right drug for another disease, the right disease with another exposure. The quotes are
verbatim and the caveat for drugs (``rag.answer.drugs``) stays silent, since the drug is there. When no cited
document's title or retrieved passages name the disease or the exposure the question names, the
answer says so (``rag.answer.caveats``).

The vocabulary is small and fixed: common conditions a clinician asks about, and the exposures most
asked about (smoking, alcohol, obesity), each a group of the words and abbreviations studies use for
it ("heart attack", "AMI", "STEMI" name a myocardial infarction). Only words are matched, not
meanings: a study of "acute coronary syndrome" does not name a myocardial infarction, and one of
"cerebral ischaemia" does not name a stroke. Abbreviations are matched in capitals only ("MI", not
"mi"); the rest is matched case-insensitively, as whole words (a trailing ``\\w*`` admits derived forms).
"""

from __future__ import annotations

from rag.answer.vocabulary import Vocabulary

# group name as shown → the words that name it (regular expressions; ``(?-i:…)`` matches in capitals)
CONDITIONS: dict[str, tuple[str, ...]] = {
    "myocardial infarction": (
        r"myocardial infarct\w*",
        r"heart attacks?",
        r"(?-i:N?STEMI|AMI|MI)",
    ),
    "stroke": (
        r"strokes?",
        r"cerebrovascular (?:accidents?|events?|disease)",
        r"(?-i:CVA)",
    ),
    "heart failure": (r"(?:heart|cardiac) failure", r"(?-i:C?HF|HF[rp]EF)"),
    "atrial fibrillation": (r"atrial fibrillation", r"(?-i:AF|AFib)"),
    "hypertension": (r"hypertensi\w*", r"high blood pressure"),
    "diabetes": (r"diabet\w*", r"(?-i:T[12]DM|DM)"),
    "asthma": (r"asthma\w*",),
    "COPD": (r"chronic obstructive pulmonary disease", r"(?-i:COPD)", r"emphysema"),
    "pneumonia": (r"pneumoni\w*",),
    "sepsis": (r"seps[ie]s", r"septic"),
    "venous thromboembolism": (
        r"venous thromboembol\w*",
        r"thromboembolism",
        r"deep ve(?:in|nous) thrombos[ie]s",
        r"pulmonary embol\w*",
        r"(?-i:VTE|DVT|PE)",
    ),
    "depression": (r"depressi(?:on|ve)", r"antidepressants?"),
    "dementia": (r"dementia", r"alzheimer\w*"),
    "epilepsy": (r"epilep\w*", r"seizures?"),
    "migraine": (r"migraine\w*",),
    "chronic kidney disease": (
        r"(?:chronic )?kidney disease",
        r"renal (?:failure|insufficiency|disease)",
        r"(?-i:CKD|ESRD)",
    ),
    "lung cancer": (
        r"lung (?:cancers?|carcinomas?|adenocarcinomas?|neoplasms?|tumou?rs?)",
        r"(?:non-)?small[- ]cell lung",
        r"(?-i:N?SCLC)",
    ),
    "breast cancer": (r"breast (?:cancers?|carcinomas?|neoplasms?|tumou?rs?)",),
    "colorectal cancer": (r"(?:colorectal|colon|rectal) (?:cancers?|carcinomas?|neoplasms?|tumou?rs?)",),
    "prostate cancer": (r"prostate (?:cancers?|carcinomas?|neoplasms?|tumou?rs?)",),
    "rheumatoid arthritis": (r"rheumatoid arthritis",),
    "systemic lupus erythematosus": (r"lupus", r"(?-i:SLE)"),
    "systemic sclerosis": (r"systemic sclerosis", r"scleroderma", r"(?-i:SSc)"),
    "osteoarthritis": (r"osteoarthrit\w*",),
    "osteoporosis": (r"osteoporo\w*",),
    "Parkinson's disease": (r"parkinson\w*",),
    "multiple sclerosis": (r"multiple sclerosis",),
    "cirrhosis": (r"cirrho\w*",),
    "influenza": (r"influenza\w*", r"flu"),
    "tuberculosis": (r"tubercul\w*", r"(?-i:TB)"),
    "HIV": (r"(?-i:HIV|AIDS)", r"human immunodeficiency virus"),
    "COVID-19": (r"covid(?:-?19)?", r"sars-cov-2"),
    "smoking": (r"smok\w*", r"tobacco", r"cigarettes?", r"nicotine"),
    "alcohol": (r"alcohol\w*",),
    "obesity": (r"obes\w*", r"overweight"),
}
_VOCABULARY = Vocabulary(CONDITIONS)
conditions = _VOCABULARY.named  # the groups a text names, in ``CONDITIONS`` order
unmentioned = _VOCABULARY.unmentioned  # the groups a question names that no cited text names
