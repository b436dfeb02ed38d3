"""Evidence selection: which sentences of the retrieved passages answer the question.

read → chunk → embed → index → retrieve → **select** → compose → serve.
"""

from rag.answer.select.candidates import Candidate, EvidencePool, candidates, evidence_pool
from rag.answer.select.model import Selector, load_selector
from rag.answer.select.policy import Policy, choose, document_policy

__all__ = [
    "Candidate",
    "EvidencePool",
    "Policy",
    "Selector",
    "candidates",
    "choose",
    "document_policy",
    "evidence_pool",
    "load_selector",
]
