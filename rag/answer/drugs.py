"""Which drugs a question names, and whether the cited passages name them too.

"Does aspirin prevent stroke?" answered from a statins study quotes a real finding about the wrong
drug. A drug is recognised by its international nonproprietary name: the WHO's INN stems mark a
name's class by its ending ("-statin", "-pril", "-sartan", "-olol", "-mab" …), and a short list holds
common names without such an ending ("aspirin", "warfarin", "paracetamol" …), plus "vitamin D"-style
names. A class word asked about ("statins") is mentioned by any name of the class ("simvastatin").
Only words are matched: "acetylsalicylic acid" does not mention aspirin.
"""

from __future__ import annotations

import re
from collections.abc import Iterable

# WHO INN stems (suffixes) whose names are drugs; a word must be at least 2 letters longer than the stem
INN_STEMS = (
    "statin", "pril", "sartan", "olol", "alol", "dipine", "parin", "xaban", "gatran", "grel", "gliptin",
    "gliflozin", "glutide", "formin", "glitazone", "prazole", "tidine", "setron", "triptan", "oxetine",
    "pramine", "azepam", "azolam", "caine", "profen", "coxib", "mab", "tinib", "ciclib", "parib", "platin",
    "taxel", "rubicin", "cillin", "mycin", "micin", "cycline", "floxacin", "conazole", "nidazole", "vir",
    "vudine", "asone", "olone", "terol", "tropium", "lukast", "dronate", "tecan", "trexate", "azosin",
    "semide", "thiazide", "afil", "peridol", "apine", "peridone", "teplase", "oprost", "fibrate",
)  # fmt: skip
COMMON_DRUGS = frozenset(
    """aspirin paracetamol acetaminophen insulin warfarin morphine codeine tramadol fentanyl oxycodone
    naloxone ketamine propofol lithium digoxin amiodarone allopurinol colchicine levothyroxine tamoxifen
    dexamethasone hydrocortisone penicillin naproxen diclofenac oxytocin misoprostol tranexamic
    epinephrine adrenaline norepinephrine noradrenaline dopamine atropine spironolactone clonidine
    methadone buprenorphine gabapentin pregabalin levodopa haloperidol carbamazepine valproate
    phenytoin levetiracetam metoclopramide heparin erythropoietin""".split()  # noqa: SIM905
)
_WORD = re.compile(r"[a-z][a-z0-9]*")
_VITAMIN = re.compile(r"\bvitamin\s+([a-k])(\d{0,2})\b")
_GENERIC = frozenset({"histidine"})  # words with a stem's ending that are no drug


def _vitamin(match: re.Match[str]) -> str:
    return f"vitamin {match.group(1).upper()}{match.group(2)}"


def _singular(word: str) -> str:
    return word[:-1] if word.endswith("s") and not word.endswith("ss") else word


def _is_drug(word: str) -> bool:
    if word in COMMON_DRUGS:
        return True
    if word in _GENERIC or word.endswith("sterol"):  # cholesterol, oxysterol: "-terol" is a beta agonist
        return False
    return any(word.endswith(s) and len(word) >= len(s) + 2 for s in INN_STEMS)


def drugs(text: str) -> list[str]:
    """The drug names in ``text`` (lower case, singular, in order): INN names, class words
    ("statin"), common names and vitamins ("vitamin D")."""
    lower = text.lower()
    found: list[str] = [_vitamin(m) for m in _VITAMIN.finditer(lower)]
    for word in map(_singular, _WORD.findall(lower)):
        is_class = word in INN_STEMS and len(word) >= 4  # "statin" (from "statins"), "sartan"
        if (is_class or _is_drug(word)) and word not in found:
            found.append(word)
    return found


def unmentioned(question: str, cited_texts: Iterable[str]) -> list[str]:
    """The drugs ``question`` names that none of ``cited_texts`` names (a class word is named by any of
    its drugs: "statin" by "simvastatin")."""
    asked = drugs(question)
    if not asked:
        return []
    text = "\n".join(cited_texts).lower()
    words = {_singular(w) for w in _WORD.findall(text)}
    vitamins = {_vitamin(m) for m in _VITAMIN.finditer(text)}
    missing = []
    for drug in asked:
        if drug.startswith("vitamin "):
            named = drug in vitamins
        else:
            named = drug in words or (drug in INN_STEMS and any(w.endswith(drug) for w in words))
        if not named:
            missing.append(drug)
    return missing
