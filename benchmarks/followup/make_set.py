"""Generate the follow-up evaluation set over the demo corpus's PubMedQA abstracts.

Each conversation opens with a PubMedQA question (its article is in `corpus/literature/pubmedqa`);
turn 2 is an elliptical follow-up of the kind clinicians type ("and the complications?", "what about
in children?"), whose right answer is still that article. Every third conversation has a turn 3
that is a self-contained question about another article (a topic shift: the right answer is the
other article). The follow-up phrasings are written by hand below; the pairing with articles is
deterministic (a stride over the 300 abstracts), so the set is reproducible:

    python -m benchmarks.followup.make_set > benchmarks/followup/conversations.json
"""

from __future__ import annotations

import json
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
FOLLOW_UPS = [
    "and what were the results?",
    "what about the complications?",
    "how many patients were included?",
    "what did they conclude?",
    "and in children?",
    "were there any side effects?",
    "what methods did they use?",
    "is it safe?",
    "and the long-term outcomes?",
    "what about the control group?",
    "are there any others?",
    "what did they find about mortality?",
]


def main() -> None:
    rows = [json.loads(line) for line in (ROOT / "corpus/literature/pubmedqa/pubmedqa_300.jsonl").open()]
    conversations = []
    for i in range(36):
        doc = rows[(i * 8) % len(rows)]
        turns = [
            {"question": doc["title"], "relevant": [doc["_id"]]},
            {"question": FOLLOW_UPS[i % len(FOLLOW_UPS)], "relevant": [doc["_id"]]},
        ]
        if i % 3 == 2:
            other = rows[(i * 8 + 4) % len(rows)]
            turns.append({"question": other["title"], "relevant": [other["_id"]], "topic_shift": True})
        conversations.append({"id": f"c{i + 1:02d}", "turns": turns})
    print(json.dumps(conversations, indent=1))


if __name__ == "__main__":
    main()
