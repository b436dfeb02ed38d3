"""How questions open, shared by the patterns of ``asks`` and ``asks_study``."""

LEAD = r"^\W*(?:(?:and|but|so|also|then)\W+)?"  # a follow-up's opening: "and how often …?"
MODIFIERS = r"(?:[\w-]+\s+){0,2}"  # "the overall complication rate", "the 5-year survival"
