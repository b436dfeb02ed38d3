"""Evaluation: retrieval (BEIR layout), answer evidence (SciFact rationales) and PubMedQA."""
